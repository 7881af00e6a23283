//! `dynaplay`: Dynaplay's native command line.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use dynaplay_server::endpoint::{self, Options};

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
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve { host, port, seed } => serve(&host, port, Options { seed }),
    }
}

fn serve(host: &str, port: u16, options: Options) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
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
        match endpoint::serve(listener, &options, shutdown).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("dynaplay: the server stopped: {err}");
                ExitCode::FAILURE
            }
        }
    })
}
