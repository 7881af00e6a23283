//! `dynaplay`: Dynaplay's native command line.

mod emr_cli;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use dynaplay_server::endpoint::{self, DaxOptions, Options};
use dynaplay_world::Realism;

/// Dynaplay: Amazon DynamoDB, DAX and EMR, simulated.
#[derive(Debug, Parser)]
#[command(name = "dynaplay", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve a DynamoDB-compatible endpoint (the DynamoDB JSON 1.0 protocol over HTTP) that
    /// AWS SDKs, the AWS CLI and application tests can use. Point a client at it with
    /// `--endpoint-url http://127.0.0.1:8000` and any credentials.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// Port to listen on; 0 picks a free port (the chosen one is printed).
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Seed of the simulated world; the same seed and requests give the same history.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Eventually consistent reads are served by any of the partition's three replicas
        /// and may return stale data, as DynamoDB's may; strongly consistent reads and
        /// writes fail with InternalServerError while a partition elects a new leader.
        #[arg(long)]
        stale_reads: bool,
        /// Enforce partition throughput: requests beyond a partition's share, burst and
        /// adaptive capacity fail with ProvisionedThroughputExceededException (on-demand
        /// tables: ThrottlingException).
        #[arg(long)]
        throttle: bool,
        /// Answer after each request's simulated latency (single-digit milliseconds, with
        /// a tail) instead of at once. A TransactWriteItems holds its items while its
        /// client waits: other writes to them meanwhile get TransactionConflictException.
        #[arg(long)]
        latency: bool,
        /// All of --stale-reads, --throttle and --latency: behave like the real service.
        #[arg(long)]
        realistic: bool,
        /// Also listen on this port as a DAX cluster in front of the same tables, speaking
        /// the same DynamoDB protocol: eventually consistent reads are answered from its
        /// item and query caches, writes go through it; writes on --port bypass it. 0 picks
        /// a free port (printed on a second line).
        #[arg(long)]
        dax_port: Option<u16>,
        /// Nodes of the DAX cluster: a primary plus read replicas (1 to 11).
        #[arg(long, default_value_t = 3)]
        dax_nodes: usize,
        /// Node type of the DAX cluster (dax.t3.small ... dax.r5.24xlarge).
        #[arg(long, default_value = "dax.r5.large")]
        dax_node_type: String,
        /// DAX item cache TTL in milliseconds (AWS's record-ttl-millis); 0 means cached
        /// items never expire by time.
        #[arg(long, default_value_t = 300_000)]
        dax_item_ttl_ms: u64,
        /// DAX query cache TTL in milliseconds (AWS's query-ttl-millis); 0 means Query and
        /// Scan results are not cached. A short TTL lets a test wait out a stale result.
        #[arg(long, default_value_t = 300_000)]
        dax_query_ttl_ms: u64,
        /// Threads that handle connections (default: one per CPU core). One request at a
        /// time works on the shared world whatever this is, so more threads only overlap
        /// HTTP and JSON work; 1 gives the steadiest latency when the clients share the
        /// machine (see docs/BENCHMARKS.md).
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=256))]
        threads: Option<u16>,
    },
    /// Simulate Amazon EMR: replay the MapReduce paper's experiments, or run a MapReduce
    /// job on a real file on a simulated cluster.
    Emr {
        #[command(subcommand)]
        command: emr_cli::EmrCommand,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve {
            host,
            port,
            seed,
            stale_reads,
            throttle,
            latency,
            realistic,
            dax_port,
            dax_nodes,
            dax_node_type,
            dax_item_ttl_ms,
            dax_query_ttl_ms,
            threads,
        } => {
            let realism = Realism {
                stale_reads: stale_reads || realistic,
                throttle: throttle || realistic,
                latency: latency || realistic,
            };
            let dax = dax_port.map(|port| {
                let options = DaxOptions {
                    nodes: dax_nodes,
                    node_type: dax_node_type,
                    item_ttl_millis: dax_item_ttl_ms,
                    query_ttl_millis: dax_query_ttl_ms,
                };
                (port, options)
            });
            serve(&host, port, Options { seed }, realism, dax, threads)
        }
        Command::Emr { command } => emr_cli::run(command),
    }
}

fn serve(
    host: &str,
    port: u16,
    options: Options,
    realism: Realism,
    dax: Option<(u16, DaxOptions)>,
    threads: Option<u16>,
) -> ExitCode {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(threads) = threads {
        builder.worker_threads(usize::from(threads));
    }
    let runtime = match builder.enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("dynaplay: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let (listener, addr) = match endpoint::bind(host, port).await {
            Ok(bound) => bound,
            Err(err) => {
                eprintln!("dynaplay: cannot listen on {host}:{port}: {err}");
                return ExitCode::FAILURE;
            }
        };
        println!("Dynaplay DynamoDB endpoint listening on http://{addr}");
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        let dax = match dax {
            None => None,
            Some((dax_port, dax_options)) => match endpoint::bind(host, dax_port).await {
                Ok((dax_listener, dax_addr)) => {
                    println!("Dynaplay DAX endpoint listening on http://{dax_addr}");
                    Some((dax_listener, dax_options))
                }
                Err(err) => {
                    eprintln!("dynaplay: cannot listen on {host}:{dax_port}: {err}");
                    return ExitCode::FAILURE;
                }
            },
        };
        match endpoint::serve_with_dax(listener, dax, &options, realism, shutdown).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("dynaplay: the server stopped: {err}");
                ExitCode::FAILURE
            }
        }
    })
}
