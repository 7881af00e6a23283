//! The MapReduce paper's experiments (Dean & Ghemawat, OSDI 2004, section 5).
//!
//! The paper ran two programs on a cluster of about 1,800 machines — two 2 GHz Xeons with
//! Hyper-Threading, 4 GB of memory (1–1.5 GB of it taken by other jobs), two 160 GB IDE
//! disks and gigabit Ethernet each, in a two-level tree network with 100–200 Gbps at the
//! root — over 10^10 100-byte records (a terabyte):
//!
//! | run | paper |
//! |---|---|
//! | grep, M = 15,000, R = 1 | about 150 s, a minute of it start-up; input peaks above 30 GB/s |
//! | sort, M = 15,000, R = 4,000, output written twice | 891 s |
//! | sort without backup tasks | 1,283 s (+44%): a few stragglers finish 300 s late |
//! | sort with 200 of 1,746 workers killed | 933 s (+5%) |
//!
//! [`run`] reproduces them on the same engine every other job uses. The machine is the
//! catalog's `osdi-2004` type; YARN is given the 3 GB the paper's jobs had, in containers
//! sized so that a machine runs up to four maps, or two reduces and two maps. Two reduce
//! slots per machine make the 4,000 reduces on 1,746 machines run in two waves (3,492,
//! then 508) — the two humps of the shuffle rate. (The paper describes its first batch
//! as about 1,700 reduces, one per machine; with one slot there would be three batches.)
//! The input is 1,000 synthetic files of 10^9 bytes in 64 MiB blocks, three replicas each
//! (GFS's default): exactly 15,000 splits.
//!
//! What is *calibrated* rather than derived is listed in [`Calibration`], each value from a
//! number the paper reports: the CPU cost of a grep or sort map from the input rates of its
//! figures 2 and 3, the reduces' write rate from the 2–4 GB/s output rate of figure 3, the
//! start-up from "about a minute", the root switch from the 100–200 Gbps it quotes. One
//! value the paper does not give, how long the master takes to notice a dead worker, is
//! fitted to the killed-workers result. The stragglers are not scripted: the health model makes a few machines in a thousand
//! degraded (2–3.5× slower — "a machine with a bad disk") and gives every machine a few
//! percent of jitter, all from the seed; which tasks straggle, and what backup tasks do
//! about it, follows from that.

use dynaplay_sim::{SimDuration, SimTime};
use serde::Serialize;

use crate::cluster::faults::FaultAction;
use crate::cluster::{ActionOnFailure, Cluster, ClusterConfig, InstanceGroupConfig, StepConfig};
use crate::error::{EmrError, Result};
use crate::hdfs::FileData;
use crate::ids::JobId;
use crate::instance::OSDI_2004;
use crate::jobs::JobLogic;
use crate::mapreduce::spec::{
    CostModel, JobConfig, JobInput, JobSpec, StartupModel, SyntheticProfile,
};
use crate::node::{HealthModel, Market};
use crate::summary::JobSummary;
use crate::yarn::ContainerSizing;

/// One of the paper's experiments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    OsdiGrep,
    OsdiSort,
}

impl Preset {
    pub fn parse(name: &str) -> Option<Preset> {
        match name {
            "osdi-grep" => Some(Preset::OsdiGrep),
            "osdi-sort" => Some(Preset::OsdiSort),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Preset::OsdiGrep => "osdi-grep",
            Preset::OsdiSort => "osdi-sort",
        }
    }

    /// Worker machines the paper's run had.
    pub fn workers(self) -> u32 {
        match self {
            Preset::OsdiGrep => 1_764,
            Preset::OsdiSort => 1_746,
        }
    }
}

/// Variations of a preset run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PresetOptions {
    pub seed: u64,
    /// Backup (speculative) tasks, on in the paper's normal runs.
    pub speculation: bool,
    /// Worker processes to kill, as in figure 3(c).
    pub kill_workers: u32,
    /// When to kill them, from the job's submission.
    pub kill_at: SimDuration,
}

impl Default for PresetOptions {
    fn default() -> Self {
        PresetOptions {
            seed: 1,
            speculation: true,
            kill_workers: 0,
            kill_at: SimDuration::from_secs(DEFAULT_KILL_AT_SECS),
        }
    }
}

/// When the paper's workers die by default (the paper says "several minutes into the
/// computation"): two and a half minutes, while the map phase is still going.
pub const DEFAULT_KILL_AT_SECS: u64 = 150;

/// The numbers taken from the paper, with where each comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// Root switch of the two-level tree, MB/s: the low end of "100–200 Gbps".
    pub core_network_mbps: f64,
    /// Opening one of the 1,000 input files and fetching its locations from GFS: "about a
    /// minute of start-up" for 1,000 files.
    pub per_input_file: SimDuration,
    /// The program reaches this many machines at a time...
    pub program_push_batch: u32,
    /// ...every this often: figure 2's input rate climbs for about a minute while
    /// machines are "assigned to this MapReduce computation".
    pub program_push_interval: SimDuration,
    /// Grep's CPU per MB: with the disk, 30+ GB/s over 1,764 machines (figure 2).
    pub grep_map_cpu_secs_per_mb: f64,
    /// Sort's map CPU per MB (parsing, partitioning, sorting the buffer): 13 GB/s input
    /// while writing the same again as intermediate output (figure 3).
    pub sort_map_cpu_secs_per_mb: f64,
    /// A sort reduce's merge CPU per MB: the "delay between the end of the first batch of
    /// shuffling and the start of writing".
    pub sort_reduce_sort_secs_per_mb: f64,
    /// A reduce's replicated write to GFS, MB/s: 2–4 GB/s of output from ~3,500 reduces.
    pub reduce_write_mbps: f64,
    /// How long the master takes to mark a silent worker failed: it "pings every worker
    /// periodically", but the paper gives no figure. This one is fitted: with it, killing
    /// 200 workers costs about the 5% the paper measured.
    pub worker_failure_detection: SimDuration,
    /// Machine health: a few percent of jitter everywhere, and about three machines in a
    /// thousand degraded to 2–3.5× slower, which is what produces the stragglers.
    pub health: HealthModel,
}

impl Default for Calibration {
    fn default() -> Self {
        Calibration {
            core_network_mbps: 12_500.0,
            per_input_file: SimDuration::from_millis(62),
            program_push_batch: 36,
            program_push_interval: SimDuration::from_secs(1),
            grep_map_cpu_secs_per_mb: 0.13,
            sort_map_cpu_secs_per_mb: 0.1,
            sort_reduce_sort_secs_per_mb: 0.2,
            reduce_write_mbps: 0.9,
            worker_failure_detection: SimDuration::from_secs(50),
            health: HealthModel {
                jitter_sigma: 0.04,
                degraded_fraction: 0.003,
                degraded_slowdown: (2.0, 3.5),
                attempt_jitter_sigma: 0.04,
            },
        }
    }
}

/// The paper's reported results, for comparison.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PaperNumbers {
    pub seconds: f64,
    pub what: &'static str,
}

/// What the paper reports for a preset with these options, when it reports it.
pub fn paper_numbers(preset: Preset, options: &PresetOptions) -> Option<PaperNumbers> {
    match (preset, options.speculation, options.kill_workers) {
        (Preset::OsdiGrep, _, 0) => Some(PaperNumbers {
            seconds: 150.0,
            what: "grep: about 150 s, about a minute of it start-up",
        }),
        (Preset::OsdiSort, true, 0) => Some(PaperNumbers {
            seconds: 891.0,
            what: "sort, normal execution",
        }),
        (Preset::OsdiSort, false, 0) => Some(PaperNumbers {
            seconds: 1283.0,
            what: "sort without backup tasks",
        }),
        (Preset::OsdiSort, true, 200) => Some(PaperNumbers {
            seconds: 933.0,
            what: "sort with 200 worker processes killed",
        }),
        _ => None,
    }
}

/// The 10^10 records: 1,000 files of 10^9 bytes.
const INPUT_FILES: u32 = 1_000;
const FILE_BYTES: u64 = 1_000_000_000;
/// The paper's grep found its pattern in 92,337 of the 10^10 records.
const GREP_MATCHES: f64 = 92_337.0;
const RECORDS: f64 = 1e10;

/// Builds the cluster with the input loaded and the job's step added.
pub fn build(preset: Preset, options: &PresetOptions, cal: &Calibration) -> Result<Cluster> {
    let workers = preset.workers();
    let config = ClusterConfig {
        name: format!("MapReduce paper: {}", preset.name()),
        seed: options.seed,
        primary_type: OSDI_2004.into(),
        core: InstanceGroupConfig {
            instance_type: OSDI_2004.into(),
            count: workers,
            market: Market::OnDemand,
        },
        task: InstanceGroupConfig {
            instance_type: OSDI_2004.into(),
            count: 0,
            market: Market::OnDemand,
        },
        block_size: 64 << 20,
        replication: Some(3),
        // The 3 GB the paper's tasks had of each 4 GB machine: up to four maps, or two
        // reduces and two maps, never three reduces.
        sizing: Some(ContainerSizing {
            nodemanager_mb: 3_072,
            map_mb: 384,
            reduce_mb: 1_152,
            am_mb: 384,
        }),
        health: cal.health.clone(),
        core_network_mbps: Some(cal.core_network_mbps),
        provisioning: SimDuration::ZERO,
        bootstrap: SimDuration::ZERO,
        termination: SimDuration::ZERO,
        worker_failure_detection: cal.worker_failure_detection,
        ..ClusterConfig::default()
    };
    let mut cluster = Cluster::new(config)?;
    cluster.advance_to(SimTime::ZERO);
    for i in 0..INPUT_FILES {
        cluster.put_file(
            &format!("/input/records-{i:04}"),
            FileData::Synthetic { size: FILE_BYTES },
        )?;
    }
    let (logic, reduces, cost, synthetic, output_replication) = match preset {
        Preset::OsdiGrep => (
            JobLogic::Grep {
                pattern: "xyz".into(),
            },
            1,
            CostModel {
                task_launch_secs: 1.0,
                map_cpu_secs_per_mb: cal.grep_map_cpu_secs_per_mb,
                spill_passes: 1.0,
                sort_cpu_secs_per_mb: cal.sort_reduce_sort_secs_per_mb,
                merge_passes: 1.0,
                reduce_cpu_secs_per_mb: 0.0,
                output_write_mbps: Some(cal.reduce_write_mbps),
            },
            SyntheticProfile {
                record_bytes: 100,
                map_output_ratio: GREP_MATCHES / RECORDS,
                reduce_output_ratio: 1.0,
            },
            Some(2),
        ),
        Preset::OsdiSort => (
            JobLogic::Sort,
            4_000,
            CostModel {
                task_launch_secs: 1.0,
                map_cpu_secs_per_mb: cal.sort_map_cpu_secs_per_mb,
                spill_passes: 1.0,
                sort_cpu_secs_per_mb: cal.sort_reduce_sort_secs_per_mb,
                merge_passes: 1.0,
                reduce_cpu_secs_per_mb: 0.0,
                output_write_mbps: Some(cal.reduce_write_mbps),
            },
            SyntheticProfile {
                record_bytes: 100,
                map_output_ratio: 1.0,
                reduce_output_ratio: 1.0,
            },
            Some(2),
        ),
    };
    let config = JobConfig {
        reduces: Some(reduces),
        speculative: options.speculation,
        // The 2004 system had fixed reduce slots rather than YARN's ramp-up limit.
        reduce_rampup_limit: 1.0,
        output_replication,
        shuffle_tick: SimDuration::from_secs(1),
        speculation_interval: SimDuration::from_secs(5),
        series_bucket: SimDuration::from_secs(1),
        cost: Some(cost),
        startup: StartupModel {
            am_launch: SimDuration::from_secs(4),
            per_input_file: cal.per_input_file,
            program_push_batch: cal.program_push_batch,
            program_push_interval: cal.program_push_interval,
        },
        synthetic,
        ..JobConfig::default()
    };
    let spec = JobSpec {
        name: preset.name().into(),
        logic,
        input: JobInput::Hdfs(vec!["/input".into()]),
        output: "/output".into(),
        config,
    };
    cluster.add_step(StepConfig {
        name: preset.name().into(),
        job: spec,
        action_on_failure: ActionOnFailure::Continue,
    })?;
    if options.kill_workers > 0 {
        cluster.schedule_fault(
            cluster.now() + options.kill_at,
            FaultAction::KillWorkers {
                count: options.kill_workers,
                restart_after: SimDuration::from_secs(5),
            },
        );
    }
    Ok(cluster)
}

/// A finished preset run.
#[derive(Debug, Clone)]
pub struct PresetRun {
    pub cluster: Cluster,
    pub job: JobId,
    pub summary: JobSummary,
}

/// Runs a preset to the end of its job.
pub fn run(preset: Preset, options: &PresetOptions) -> Result<PresetRun> {
    run_calibrated(preset, options, &Calibration::default())
}

/// Runs a preset with other calibration values (for exploring the model).
pub fn run_calibrated(
    preset: Preset,
    options: &PresetOptions,
    cal: &Calibration,
) -> Result<PresetRun> {
    let mut cluster = build(preset, options, cal)?;
    // A day of simulated time is far more than any of the paper's runs needs.
    cluster.run_until_quiet(SimTime::from_secs(86_400));
    let job = JobId(0);
    let summary = cluster
        .job_summary(job)
        .ok_or_else(|| EmrError::NotFound("the preset's job".into()))?;
    Ok(PresetRun {
        cluster,
        job,
        summary,
    })
}
