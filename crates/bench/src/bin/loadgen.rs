//! `loadgen`: one run of the same DynamoDB request stream against several endpoints.
//!
//! ```text
//! loadgen --target dynoxide=127.0.0.1:8001 --target dynaplay=127.0.0.1:8002 \
//!         --connections 16,64 --duration 10
//! ```
//!
//! The first target is the baseline every ratio is computed against. Every target is
//! prepared first (table, the same preload, warm-up); then each round runs every
//! connection count against every target in turn, with the same timed requests, so that
//! interference from other processes spreads over all targets rather than hitting one.
//! Each target's best round is reported; see `dynaplay_bench::run` for the phases.

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::process::ExitCode;
    use std::time::Duration;

    use clap::Parser;
    use dynaplay_bench::report::{self, RunInfo};
    use dynaplay_bench::run::{self, Plan, Requests, Target};
    use dynaplay_bench::workload::{Mix, Shape};

    /// Sends the same seeded PutItem/GetItem/Query stream to each DynamoDB endpoint and
    /// reports throughput, p50/p99 latency and ratios against the first one.
    #[derive(Debug, Parser)]
    #[command(name = "loadgen", args_override_self = true)]
    struct Cli {
        /// A target as name=host:port (loopback only); repeat for more. The first is the
        /// baseline.
        #[arg(long = "target", required = true, value_parser = Target::parse)]
        targets: Vec<Target>,
        /// Seed of the items and the request stream.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Partition keys in the table.
        #[arg(long, default_value_t = 10_000)]
        partitions: u64,
        /// Sort keys per partition key.
        #[arg(long, default_value_t = 10)]
        sorts: u64,
        /// Bytes of the payload attribute of each item.
        #[arg(long, default_value_t = 100)]
        payload_bytes: usize,
        /// Operation weights, e.g. get=50,put=25,query=25.
        #[arg(long, default_value = "get=50,put=25,query=25", value_parser = Mix::parse)]
        mix: Mix,
        /// Connection counts of the timed phases (keep-alive HTTP/1.1, one request in
        /// flight per connection).
        #[arg(long, default_value = "16,64", value_delimiter = ',')]
        connections: Vec<usize>,
        /// Seconds per timed phase.
        #[arg(long, default_value_t = 10.0)]
        duration: f64,
        /// Most requests per timed phase (the phase ends at whichever bound comes first).
        #[arg(long, default_value_t = 500_000)]
        max_requests: u64,
        /// Seconds of unrecorded load before the timed phases.
        #[arg(long, default_value_t = 3.0)]
        warmup: f64,
        /// Connections that preload the table.
        #[arg(long, default_value_t = 16)]
        preload_connections: usize,
        /// Rounds of timed phases, interleaved across targets; the best round of each
        /// target is reported.
        #[arg(long, default_value_t = 1)]
        rounds: usize,
        /// Threads of the load generator itself; 1 leaves the other core to the server.
        #[arg(long, default_value_t = 1)]
        client_threads: usize,
    }

    fn seconds(value: f64) -> Duration {
        Duration::try_from_secs_f64(value.clamp(0.0, 3600.0)).unwrap_or(Duration::ZERO)
    }

    pub fn main() -> ExitCode {
        let cli = Cli::parse();
        let plan = Plan {
            seed: cli.seed,
            shape: Shape {
                partitions: cli.partitions,
                sorts_per_partition: cli.sorts,
                payload_bytes: cli.payload_bytes,
            },
            mix: cli.mix,
            connections: cli.connections.clone(),
            duration: seconds(cli.duration),
            max_requests: cli.max_requests,
            warmup: seconds(cli.warmup),
            preload_connections: cli.preload_connections,
            setup_timeout: Duration::from_secs(60),
        };
        let runtime = if cli.client_threads <= 1 {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
        } else {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(cli.client_threads)
                .enable_all()
                .build()
        };
        let runtime = match runtime {
            Ok(runtime) => runtime,
            Err(err) => {
                eprintln!("loadgen: cannot start the runtime: {err}");
                return ExitCode::FAILURE;
            }
        };
        let mut results = Vec::new();
        for target in &cli.targets {
            eprintln!("loadgen: preparing {} at {}", target.name, target.addr);
            let result = runtime.block_on(run::prepare(target, &plan));
            if let Some(failure) = &result.failure {
                eprintln!("loadgen: {} not measured: {failure}", target.name);
            }
            results.push(result);
        }
        let rounds = cli.rounds.max(1);
        let levels: Vec<Requests> = plan
            .connections
            .iter()
            .map(|&c| Requests::timed(&plan, c))
            .collect();
        for round in 1..=rounds {
            for requests in &levels {
                let connections = requests.connections();
                for (target, result) in cli.targets.iter().zip(results.iter_mut()) {
                    if result.failure.is_some() {
                        continue;
                    }
                    let phase = runtime.block_on(run::measure(target, &plan, requests));
                    let cpu = phase
                        .cpu_micros_per_request()
                        .map_or_else(String::new, |c| format!(", server CPU {c:.1} µs/request"));
                    eprintln!(
                        "loadgen: round {round}/{rounds}, {connections} connections, {}: \
                         {:.0} requests/s{cpu}, {} errors",
                        target.name,
                        phase.throughput(),
                        phase.errors
                    );
                    result.keep_best(phase);
                }
            }
        }
        let info = RunInfo {
            seed: cli.seed,
            items: plan.shape.items(),
            mix: cli.mix,
            duration_secs: plan.duration.as_secs_f64(),
            max_requests: cli.max_requests,
            warmup_secs: plan.warmup.as_secs_f64(),
            client_threads: cli.client_threads.max(1),
            rounds,
        };
        print!("{}", report::render(&info, &results));
        if results.iter().all(|r| r.failure.is_some()) {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    native::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
