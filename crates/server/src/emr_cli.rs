//! `dynaplay emr`: the EMR engine on the command line.
//!
//! Two commands. `simulate` replays one of the MapReduce paper's experiments (OSDI 2004,
//! section 5) on the simulated 1,800-machine cluster and prints what happened beside what
//! the paper measured. `run` puts a real text file into the HDFS of a small simulated EMR
//! cluster, runs a built-in job on it and prints the job's real output on stdout — word
//! counts the way Hadoop's WordCount example counts them — followed by a summary of the
//! simulated run on stderr, so that the output can be piped on its own.
//!
//! Nothing here simulates anything itself: it only turns flags into the engine's
//! configuration and the engine's results into text. Bad input (a missing file, a binary
//! one, a flag out of range) is reported as an error message and a failing exit code.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Subcommand};
use dynaplay_emr::cluster::ClusterConfig;
use dynaplay_emr::mapreduce::record;
use dynaplay_emr::presets::{self, Preset, PresetOptions};
use dynaplay_emr::{
    ActionOnFailure, Cluster, FileData, JobConfig, JobId, JobInput, JobLogic, JobSpec, JobSummary,
    StepConfig,
};
use dynaplay_world::{SimDuration, SimTime};

/// The `dynaplay emr` subcommands.
#[derive(Debug, Subcommand)]
pub enum EmrCommand {
    /// Replay an experiment of the MapReduce paper (OSDI 2004) on a simulated cluster of
    /// about 1,800 machines, and print its duration, tasks, data moved and rates.
    Simulate(SimulateArgs),
    /// Run a built-in MapReduce job on a real text file on a small simulated EMR cluster:
    /// the job's output goes to stdout, a summary of the simulated run to stderr.
    Run(RunArgs),
}

/// Flags of `dynaplay emr simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Which experiment: the paper's distributed grep or its terabyte sort.
    #[arg(long, value_parser = ["osdi-grep", "osdi-sort"])]
    preset: String,
    /// Run without backup (speculative) tasks, as in the paper's figure 3(b).
    #[arg(long)]
    no_speculation: bool,
    /// Kill this many worker processes during the run, as in figure 3(c) (200 there).
    #[arg(long, default_value_t = 0)]
    kill_workers: u32,
    /// When to kill them, in seconds from the job's submission.
    #[arg(long)]
    kill_at: Option<f64>,
    /// Seed of the simulation; the same seed and flags give the same run.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// Flags of `dynaplay emr run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The job: word count, grep (lines containing --pattern), sort (lines in byte order)
    /// or an inverted index (each word and the line numbers it occurs on).
    #[arg(long, value_parser = ["wordcount", "grep", "sort", "invert"])]
    job: String,
    /// A UTF-8 text file to use as the job's input.
    #[arg(long)]
    input: PathBuf,
    /// The fixed string grep looks for.
    #[arg(long)]
    pattern: Option<String>,
    /// Core nodes (m5.xlarge): HDFS DataNodes and YARN NodeManagers.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    core_nodes: u32,
    /// Task nodes (m5.xlarge Spot): NodeManagers only.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=100))]
    task_nodes: u32,
    /// Reducers (Hadoop's default is one).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1000))]
    reduces: Option<u32>,
    /// Seed of the simulation.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// Runs a `dynaplay emr` command.
pub fn run(command: EmrCommand) -> ExitCode {
    let result = match command {
        EmrCommand::Simulate(args) => simulate(&args),
        EmrCommand::Run(args) => run_job(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("dynaplay emr: {message}");
            ExitCode::FAILURE
        }
    }
}

fn simulate(args: &SimulateArgs) -> Result<(), String> {
    let preset = Preset::parse(&args.preset).ok_or_else(|| {
        format!(
            "unknown preset {:?}: use osdi-grep or osdi-sort",
            args.preset
        )
    })?;
    let mut options = PresetOptions {
        seed: args.seed,
        speculation: !args.no_speculation,
        kill_workers: args.kill_workers,
        ..PresetOptions::default()
    };
    if args.kill_workers > preset.workers() {
        return Err(format!(
            "--kill-workers {} is more than the {} workers of {}",
            args.kill_workers,
            preset.workers(),
            preset.name()
        ));
    }
    if let Some(at) = args.kill_at {
        if !at.is_finite() || !(0.0..=86_400.0).contains(&at) {
            return Err(format!(
                "--kill-at {at} must be a number of seconds between 0 and 86400"
            ));
        }
        options.kill_at = SimDuration::from_secs_f64(at);
    }
    let run = presets::run(preset, &options).map_err(|e| e.to_string())?;
    let paper = presets::paper_numbers(preset, &options);
    let s = &run.summary;
    if args.json {
        let mut value = serde_json::to_value(s).map_err(|e| e.to_string())?;
        if let Some(object) = value.as_object_mut() {
            object.insert("preset".into(), preset.name().into());
            object.insert("seed".into(), args.seed.into());
            object.insert("speculation".into(), options.speculation.into());
            object.insert("kill_workers".into(), options.kill_workers.into());
            object.insert(
                "kill_at_seconds".into(),
                options.kill_at.as_secs_f64().into(),
            );
            object.insert("workers".into(), preset.workers().into());
            object.insert(
                "paper_seconds".into(),
                paper.map_or(serde_json::Value::Null, |p| p.seconds.into()),
            );
        }
        println!("{value}");
        return Ok(());
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} (MapReduce paper, OSDI 2004): {} workers, M = {}, R = {}, seed {}",
        preset.name(),
        preset.workers(),
        s.map_tasks,
        s.reduce_tasks,
        args.seed
    );
    if !options.speculation {
        let _ = writeln!(out, "  without backup tasks");
    }
    if options.kill_workers > 0 {
        let _ = writeln!(
            out,
            "  {} worker processes killed at {:.0} s",
            options.kill_workers,
            options.kill_at.as_secs_f64()
        );
    }
    let _ = write!(out, "  simulated time   {:.1} s", s.simulated_seconds);
    match paper {
        Some(p) => {
            let _ = writeln!(out, "   (paper: {:.0} s — {})", p.seconds, p.what);
        }
        None => out.push('\n'),
    }
    let _ = writeln!(out, "  state            {}", s.state);
    if let Some(f) = &s.failure {
        let _ = writeln!(out, "  failure          {f}");
    }
    write_summary(&mut out, s);
    let _ = writeln!(
        out,
        "  peak rates       input {}, shuffle {}, output {}",
        rate(s.peak_input_mbps),
        rate(s.peak_shuffle_mbps),
        rate(s.peak_output_mbps)
    );
    // Rounding leaves crumbs around zero; lost work is gigabytes.
    if s.min_input_mbps < -1.0 {
        let _ = writeln!(
            out,
            "  lost map work    input rate down to {} when workers died",
            rate(s.min_input_mbps)
        );
    }
    let _ = writeln!(out, "  shuffle humps    {}", s.shuffle_humps);
    print!("{out}");
    Ok(())
}

/// The lines shared by both commands' summaries.
fn write_summary(out: &mut String, s: &JobSummary) {
    if let Some(start) = s.startup_seconds {
        let _ = writeln!(out, "  start-up         {start:.1} s until the first task");
    }
    let _ = writeln!(
        out,
        "  tasks            {} map{}, {} reduce{}",
        s.map_tasks,
        plural(s.map_tasks),
        s.reduce_tasks,
        plural(s.reduce_tasks)
    );
    let _ = writeln!(
        out,
        "  attempts         {} ({} killed, {} failed, {} speculative of which {} won)",
        s.attempts,
        s.attempts_killed,
        s.attempts_failed,
        s.speculative_attempts,
        s.speculative_wins
    );
    let _ = writeln!(
        out,
        "  bytes            read {}, shuffled {}, written {}",
        bytes(s.bytes_read),
        bytes(s.bytes_shuffled),
        bytes(s.bytes_written)
    );
    match s.locality_ratio {
        Some(l) => {
            let _ = writeln!(
                out,
                "  locality         {:.1}% of maps node-local",
                l * 100.0
            );
        }
        None => {
            let _ = writeln!(out, "  locality         n/a");
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn bytes(b: u64) -> String {
    let b = b as f64;
    if b >= 1e12 {
        format!("{:.3} TB", b / 1e12)
    } else if b >= 1e9 {
        format!("{:.2} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.2} MB", b / 1e6)
    } else if b >= 1e3 {
        format!("{:.1} kB", b / 1e3)
    } else {
        format!("{b} B")
    }
}

fn rate(mbps: f64) -> String {
    if mbps.abs() >= 1000.0 {
        format!("{:.1} GB/s", mbps / 1000.0)
    } else {
        format!("{mbps:.1} MB/s")
    }
}

/// A block size that cuts the input into several splits, as a real cluster would with a
/// real-sized input: about eight blocks, at least 1 KiB, at most HDFS's 128 MiB.
fn block_size_for(len: u64) -> u64 {
    (len / 8)
        .max(1)
        .next_power_of_two()
        .clamp(1 << 10, 128 << 20)
}

fn run_job(args: &RunArgs) -> Result<(), String> {
    if args.job == "grep" && args.pattern.as_deref().is_none_or(str::is_empty) {
        return Err("--job grep needs --pattern (a fixed string to look for)".into());
    }
    let logic = JobLogic::builtin(&args.job, args.pattern.as_deref()).map_err(|e| e.to_string())?;
    if args.pattern.is_some() && args.job != "grep" {
        return Err(format!(
            "--pattern is only for --job grep, not {}",
            args.job
        ));
    }
    let display = args.input.display();
    let bytes = std::fs::read(&args.input).map_err(|e| format!("cannot read {display}: {e}"))?;
    // Refuse non-text before building a cluster, with the reason.
    record::lines(&bytes).map_err(|e| format!("{display}: {e}"))?;
    let name = args
        .input
        .file_name()
        .map(|n| n.to_string_lossy().replace(['/', '\\'], "_"))
        .filter(|n| !n.is_empty() && n != "." && n != "..")
        .unwrap_or_else(|| "input.txt".into());
    let block = block_size_for(bytes.len() as u64);
    let mut config = ClusterConfig::demo(args.core_nodes, args.task_nodes, args.seed);
    config.block_size = block;
    config.health = dynaplay_emr::HealthModel::default();
    let mut cluster = Cluster::new(config).map_err(|e| e.to_string())?;
    cluster.advance_to(SimTime::ZERO);
    let path = format!("/input/{name}");
    cluster
        .put_file(&path, FileData::Bytes(Arc::new(bytes)))
        .map_err(|e| e.to_string())?;
    let spec = JobSpec {
        name: args.job.clone(),
        logic,
        input: JobInput::Hdfs(vec!["/input".into()]),
        output: "/output".into(),
        config: JobConfig {
            reduces: args.reduces,
            ..JobConfig::default()
        },
    };
    cluster
        .add_step(StepConfig {
            name: args.job.clone(),
            job: spec,
            action_on_failure: ActionOnFailure::Continue,
        })
        .map_err(|e| e.to_string())?;
    // A week of simulated time: far beyond what a file that fits in memory needs.
    cluster.run_until_quiet(SimTime::from_secs(7 * 86_400));
    let summary = cluster
        .job_summary(JobId(0))
        .ok_or_else(|| "the job did not start".to_string())?;
    if summary.state != "SUCCEEDED" {
        return Err(format!(
            "the job {}: {}",
            summary.state.to_lowercase(),
            summary.failure.unwrap_or_default()
        ));
    }
    let text = cluster
        .read_dir_text("/output")
        .map_err(|e| e.to_string())?;
    let mut lines: Vec<&str> = text.lines().collect();
    // Each part file is sorted by key; several of them are merged back into one order.
    // (A tab sorts before any character of a word, so whole lines sort by their key.)
    if matches!(args.job.as_str(), "wordcount" | "invert") {
        lines.sort_unstable();
    }
    let mut out = String::with_capacity(text.len());
    for l in lines {
        out.push_str(l);
        out.push('\n');
    }
    print!("{out}");
    let mut err = String::new();
    let _ = writeln!(
        err,
        "{} on {} core and {} task m5.xlarge nodes, {} blocks, seed {}",
        args.job,
        args.core_nodes,
        args.task_nodes,
        bytes_block(block),
        args.seed
    );
    let _ = writeln!(err, "  simulated time   {:.1} s", summary.simulated_seconds);
    write_summary(&mut err, &summary);
    eprint!("{err}");
    Ok(())
}

fn bytes_block(b: u64) -> String {
    if b >= 1 << 20 {
        format!("{} MiB", b >> 20)
    } else {
        format!("{} KiB", b >> 10)
    }
}
