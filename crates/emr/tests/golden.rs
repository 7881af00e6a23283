//! Golden scripts: the EMR engine's behaviour written down as commands and what the
//! cluster does in reply, readable as documentation and checked on every test run.
//!
//! Each file in `tests/golden/` is a sequence of blocks separated by blank lines:
//!
//! ```text
//! # Comments explain what the next block shows.
//! cluster core=4 block=1KiB
//! ---
//! (the events the command caused, then what it prints)
//! ```
//!
//! A block is a command (with optional data lines, e.g. a job script or DynamoDB items in
//! their JSON wire form), `---`, and the expected outcome: every event that happened since
//! the previous command, one per line, then the command's own output. Errors print as
//! `error: <message>`. Commands:
//!
//! * `cluster core=N [task=N] [type=T] [block=SIZE] [replication=N] [seed=N]
//!   [health=uniform|default] [provisioning=DUR] [bootstrap=DUR] [keep-alive=false]
//!   [network=MBPS]` — a new cluster (machines identical unless `health=default`).
//! * `put PATH size=BYTES | lines=N | text="..."`, `blocks PATH`, `cat PATH`, `hdfs`,
//!   `nodes`, `steps`, `attempts`, `job` — HDFS and inspection.
//! * `table NAME rcu=N` followed by items — a DynamoDB table for the connector.
//! * `step NAME job=wordcount|grep|sort|invert|group-by|top-k|script input=PATH|table:NAME
//!   output=PATH [reduces=N] [on-failure=ACTION] [speculative=off] [combiner=off]
//!   [pattern=P] [by=ATTR] [agg=count,sum:a] [k=N] [show=a,b] [group=ATTR] [split=SIZE]`
//!   (a script job takes its script as data lines).
//! * `run [brief]`, `advance DUR [brief]` — let time pass (`brief` leaves out attempt
//!   start and success lines).
//! * `lose NODE`, `crash NODE for=DUR`, `slow NODE FACTOR`, `spot NODE`,
//!   `decommission NODE`, `resize core=N|task=N`, `fail [task=m_000001] [node=NODE]
//!   count=N`, `terminate`, `faults TEXT` — failures and changes.
//! * `connector size=SIZE rcu=N [percent=P] [slots=N]` — the connector's arithmetic.
//!
//! Run with `UPDATE_GOLDEN=1` to rewrite the expected outcomes from what the engine does
//! now — then read the diff before committing it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::str::FromStr;

use dynaplay_emr::cluster::faults::Injection;
use dynaplay_emr::cluster::{AttemptState, ClusterConfig};
use dynaplay_emr::connector;
use dynaplay_emr::events::EventKind;
use dynaplay_emr::jobs::{AggFn, Aggregate, GroupBy, TopK};
use dynaplay_emr::*;
use dynaplay_sim::{FaultPlan, SimDuration, SimTime};

fn tokens(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' if quoted => {
                if let Some(n) = chars.next() {
                    cur.push(match n {
                        'n' => '\n',
                        't' => '\t',
                        other => other,
                    });
                }
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

struct Args {
    positional: Vec<String>,
    named: BTreeMap<String, String>,
}

impl Args {
    fn parse(toks: &[String]) -> Args {
        let mut positional = Vec::new();
        let mut named = BTreeMap::new();
        for t in toks {
            match t.split_once('=') {
                Some((k, v)) => {
                    named.insert(k.to_string(), v.to_string());
                }
                None => positional.push(t.clone()),
            }
        }
        Args { positional, named }
    }

    fn get(&self, k: &str) -> Option<&str> {
        self.named.get(k).map(String::as_str)
    }

    fn num(&self, k: &str) -> Option<u64> {
        self.get(k).map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{k}={v} is not a number"))
        })
    }

    fn pos(&self, i: usize) -> &str {
        self.positional.get(i).map(String::as_str).unwrap_or("")
    }
}

fn size(s: &str) -> u64 {
    let units = [
        ("GiB", 1u64 << 30),
        ("MiB", 1 << 20),
        ("KiB", 1 << 10),
        ("GB", 1_000_000_000),
        ("MB", 1_000_000),
        ("KB", 1000),
    ];
    for (u, m) in units {
        if let Some(n) = s.strip_suffix(u) {
            return n.parse::<u64>().unwrap() * m;
        }
    }
    s.parse().unwrap_or_else(|_| panic!("bad size {s}"))
}

fn dur(s: &str) -> SimDuration {
    SimDuration::from_str(s).unwrap_or_else(|e| panic!("bad duration {s}: {e}"))
}

/// A deterministic text of `n` lines drawn from a small vocabulary.
fn lines_text(n: u64) -> String {
    const WORDS: [&str; 12] = [
        "map", "reduce", "shuffle", "block", "node", "split", "the", "a", "data", "sort", "key",
        "value",
    ];
    let mut out = String::new();
    let mut x: u64 = 7;
    for _ in 0..n {
        let len = 3 + (x % 5);
        let line: Vec<&str> = (0..len)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                WORDS[((x >> 33) % WORDS.len() as u64) as usize]
            })
            .collect();
        out.push_str(&line.join(" "));
        out.push('\n');
    }
    out
}

struct Session {
    cluster: Option<Cluster>,
    seen: usize,
    tables: BTreeMap<String, TableInput>,
}

impl Session {
    fn c(&mut self) -> &mut Cluster {
        self.cluster
            .as_mut()
            .expect("no cluster yet: start with `cluster`")
    }

    fn events_since(&mut self, brief: bool) -> String {
        let mut out = String::new();
        let Some(c) = &self.cluster else {
            return out;
        };
        for e in &c.events()[self.seen..] {
            let skip = brief
                && matches!(
                    &e.kind,
                    EventKind::AttemptStarted { .. }
                        | EventKind::AttemptSucceeded { .. }
                        | EventKind::FileWritten { .. }
                );
            if !skip {
                writeln!(out, "{e}").unwrap();
            }
        }
        self.seen = c.events().len();
        out
    }

    fn node(&mut self, name: &str) -> Result<NodeId, EmrError> {
        self.c().node_named(name)
    }

    fn run(&mut self, line: &str, data: &[&str]) -> String {
        let toks = tokens(line);
        let cmd = toks.first().cloned().unwrap_or_default();
        let args = Args::parse(&toks[1..]);
        let brief = args.positional.iter().any(|p| p == "brief");
        let result = self.exec(&cmd, &args, data);
        let mut out = self.events_since(brief);
        match result {
            Ok(text) => out.push_str(&text),
            Err(e) => writeln!(out, "error: {e}").unwrap(),
        }
        out
    }

    fn exec(&mut self, cmd: &str, a: &Args, data: &[&str]) -> Result<String, EmrError> {
        let mut out = String::new();
        match cmd {
            "cluster" => {
                let mut config = ClusterConfig::demo(
                    a.num("core").unwrap_or(3) as u32,
                    a.num("task").unwrap_or(0) as u32,
                    a.num("seed").unwrap_or(1),
                );
                if let Some(t) = a.get("type") {
                    config.primary_type = t.into();
                    config.core.instance_type = t.into();
                    config.task.instance_type = t.into();
                }
                if let Some(b) = a.get("block") {
                    config.block_size = size(b);
                }
                config.replication = a.num("replication").map(|r| r as u32);
                config.health = match a.get("health") {
                    Some("default") => HealthModel::default(),
                    _ => HealthModel::uniform(),
                };
                if let Some(p) = a.get("provisioning") {
                    config.provisioning = dur(p);
                }
                if let Some(p) = a.get("bootstrap") {
                    config.bootstrap = dur(p);
                }
                if let Some(p) = a.get("termination") {
                    config.termination = dur(p);
                }
                if a.get("keep-alive") == Some("false") {
                    config.keep_alive = false;
                }
                config.core_network_mbps = a.get("network").map(|n| n.parse().unwrap());
                let mut c = Cluster::new(config)?;
                c.advance_to(SimTime::ZERO);
                let h = c.hdfs();
                let names: Vec<String> = c.nodes().iter().map(|n| n.name.clone()).collect();
                writeln!(out, "cluster {}: {}", c.state().name(), names.join(", ")).unwrap();
                writeln!(
                    out,
                    "dfs.replication {}; HDFS capacity {} bytes ({} raw)",
                    h.replication(),
                    h.capacity(),
                    h.raw_capacity()
                )
                .unwrap();
                // The start-up events are the same every time; the listing says it all.
                self.seen = c.events().len();
                self.cluster = Some(c);
            }
            "put" => {
                let path = a.pos(0).to_string();
                let data = if let Some(s) = a.get("size") {
                    FileData::Synthetic { size: size(s) }
                } else if let Some(n) = a.num("lines") {
                    FileData::Bytes(std::sync::Arc::new(lines_text(n).into_bytes()))
                } else {
                    FileData::Bytes(std::sync::Arc::new(
                        a.get("text").unwrap_or("").as_bytes().to_vec(),
                    ))
                };
                self.c().put_file(&path, data)?;
                out.push_str(&self.blocks(&path)?);
            }
            "blocks" => out.push_str(&self.blocks(a.pos(0))?),
            "cat" => {
                let text = self.c().read_dir_text(a.pos(0))?;
                out.push_str(&text);
            }
            "hdfs" => {
                let c = self.c();
                let h = c.hdfs();
                writeln!(
                    out,
                    "replication {}; capacity {}; raw {} used of {}; {} under-replicated, {} missing",
                    h.replication(),
                    h.capacity(),
                    h.raw_used(),
                    h.raw_capacity(),
                    h.under_replicated().len(),
                    h.missing_blocks().len()
                )
                .unwrap();
                for (id, d) in h.datanodes() {
                    let name = c.node(id).map(|n| n.name.clone()).unwrap_or_default();
                    writeln!(
                        out,
                        "  {name}: {:?}, {} blocks, {} bytes",
                        d.state,
                        d.blocks.len(),
                        d.used
                    )
                    .unwrap();
                }
            }
            "nodes" => {
                let c = self.c();
                for n in c.nodes() {
                    if n.role == NodeRole::Primary {
                        writeln!(
                            out,
                            "{} primary {} {}: NameNode, ResourceManager",
                            n.name, n.instance.name, n.state
                        )
                        .unwrap();
                        continue;
                    }
                    writeln!(
                        out,
                        "{} {} {} {}: {}/{} vcores, {}/{} MB",
                        n.name,
                        n.role,
                        n.instance.name,
                        n.state,
                        n.yarn.vcores_used,
                        n.yarn.vcores,
                        n.yarn.memory_used_mb,
                        n.yarn.sizing.nodemanager_mb
                    )
                    .unwrap();
                }
            }
            "steps" => {
                for s in self.c().steps() {
                    writeln!(
                        out,
                        "{} {:?} {} on failure {}{}",
                        s.id,
                        s.name,
                        s.state.name(),
                        s.action_on_failure,
                        if s.reason.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", s.reason)
                        }
                    )
                    .unwrap();
                }
                writeln!(out, "cluster {}", self.c().state().name()).unwrap();
            }
            "table" => {
                let name = a.pos(0).to_string();
                let mut items = Vec::new();
                for line in data {
                    let v: serde_json::Value = serde_json::from_str(line).expect("item JSON");
                    items.push(dynaplay_dynamo::value::item_from_wire(&v).expect("item"));
                }
                writeln!(out, "table {name}: {} items", items.len()).unwrap();
                self.tables.insert(
                    name.clone(),
                    TableInput {
                        table: name,
                        items,
                        read_capacity_units: a.num("rcu").unwrap_or(100) as f64,
                        read_percent: a.get("percent").map_or(0.5, |p| p.parse().unwrap()),
                        live: None,
                    },
                );
            }
            "step" => {
                let name = a.pos(0).to_string();
                let logic = match a.get("job").unwrap_or("wordcount") {
                    "group-by" => JobLogic::GroupBy(GroupBy {
                        by: a.get("by").unwrap().into(),
                        aggregates: a
                            .get("agg")
                            .unwrap_or("count")
                            .split(',')
                            .map(|s| match s.split_once(':') {
                                Some((f, at)) => Aggregate {
                                    func: AggFn::parse(f).unwrap(),
                                    attribute: Some(at.into()),
                                },
                                None => Aggregate {
                                    func: AggFn::parse(s).unwrap(),
                                    attribute: None,
                                },
                            })
                            .collect(),
                    }),
                    "top-k" => JobLogic::TopK(TopK {
                        k: a.num("k").unwrap_or(3) as usize,
                        by: a.get("by").unwrap().into(),
                        group_by: a.get("group").map(String::from),
                        show: a
                            .get("show")
                            .map_or(Vec::new(), |s| s.split(',').map(String::from).collect()),
                        ascending: a.get("order") == Some("asc"),
                    }),
                    "script" => JobLogic::script(&data.join("\n"))?,
                    other => JobLogic::builtin(other, a.get("pattern"))?,
                };
                let input = a.get("input").unwrap_or("/in");
                let input = match input.strip_prefix("table:") {
                    Some(t) => JobInput::Table(self.tables.get(t).cloned().expect("no such table")),
                    None => JobInput::Hdfs(input.split(',').map(String::from).collect()),
                };
                let mut config = JobConfig {
                    reduces: a.num("reduces").map(|r| r as u32),
                    speculative: a.get("speculative") != Some("off"),
                    combiner: a.get("combiner") != Some("off"),
                    split_size: a.get("split").map(size),
                    ..JobConfig::default()
                };
                if let Some(f) = a.get("map-failure") {
                    config.failures.map_attempt_failure = f.parse().unwrap();
                }
                let action = a.get("on-failure").map_or(ActionOnFailure::Continue, |s| {
                    ActionOnFailure::parse(s).unwrap()
                });
                let id = self.c().add_step(StepConfig {
                    name: name.clone(),
                    job: JobSpec {
                        name,
                        logic,
                        input,
                        output: a.get("output").unwrap_or("/out").into(),
                        config,
                    },
                    action_on_failure: action,
                })?;
                writeln!(out, "added {id}").unwrap();
            }
            "run" => {
                let quiet = self.c().run_until_quiet(SimTime::from_secs(86_400));
                let now = self.c().now();
                writeln!(
                    out,
                    "{} at {}",
                    if quiet { "quiet" } else { "still busy" },
                    now.compact()
                )
                .unwrap();
            }
            "advance" => {
                let d = dur(a.pos(0));
                self.c().advance_by(d);
                writeln!(out, "now {}", self.c().now().compact()).unwrap();
            }
            "lose" => {
                let n = self.node(a.pos(0))?;
                self.c().lose_node(n)?;
            }
            "crash" => {
                let n = self.node(a.pos(0))?;
                self.c()
                    .crash_worker(n, dur(a.get("for").unwrap_or("30s")))?;
            }
            "slow" => {
                let n = self.node(a.pos(0))?;
                self.c().slow_node(n, a.pos(1).parse().unwrap())?;
                writeln!(out, "{} is {}x slower for new work", a.pos(0), a.pos(1)).unwrap();
            }
            "spot" => {
                let n = self.node(a.pos(0))?;
                self.c().interrupt_spot(n)?;
            }
            "decommission" => {
                let n = self.node(a.pos(0))?;
                self.c().decommission(n)?;
            }
            "resize" => {
                let (role, n) = match (a.num("core"), a.num("task")) {
                    (Some(n), _) => (NodeRole::Core, n),
                    (_, Some(n)) => (NodeRole::Task, n),
                    _ => panic!("resize core=N or task=N"),
                };
                let changed = self.c().resize(role, n as u32)?;
                let names: Vec<String> = changed
                    .iter()
                    .map(|id| self.c().node(*id).unwrap().name.clone())
                    .collect();
                writeln!(out, "changing {}", names.join(", ")).unwrap();
            }
            "fail" => {
                let task = a.get("task").map(|t| {
                    let (kind, i) = t.split_at(2);
                    let i: u32 = i.parse().unwrap();
                    if kind == "m_" {
                        TaskRef::Map(i)
                    } else {
                        TaskRef::Reduce(i)
                    }
                });
                let node = match a.get("node") {
                    Some(n) => Some(self.node(n)?),
                    None => None,
                };
                let count = a.num("count").unwrap_or(1) as u32;
                self.c().inject_failures(Injection { task, node, count });
                writeln!(out, "the next {count} matching attempts will fail").unwrap();
            }
            "faults" => {
                let plan = FaultPlan::from_str(&a.positional.join(" "))
                    .map_err(|e| EmrError::InvalidConfig(e.to_string()))?;
                self.c().apply_fault_plan(&plan)?;
                writeln!(out, "{} faults scheduled", plan.len()).unwrap();
            }
            "terminate" => self.c().terminate()?,
            "connector" => {
                let p = connector::plan(
                    size(a.get("size").unwrap_or("0")),
                    a.num("rcu").unwrap_or(1) as f64,
                    a.get("percent")
                        .map_or(connector::DEFAULT_READ_PERCENT, |p| p.parse().unwrap()),
                    a.num("slots").unwrap_or(64),
                )?;
                writeln!(
                    out,
                    "read rate {} RCU/s; {} segments; {} mappers; {} splits; {:.3} MB/s; {:.0} s to scan",
                    p.read_rate,
                    p.segments,
                    p.mappers,
                    p.splits,
                    p.bytes_per_second / 1e6,
                    p.scan_seconds
                )
                .unwrap();
                for (i, segs) in p.segments_by_split.iter().enumerate().take(5) {
                    writeln!(out, "  split {i}: segments {segs:?}").unwrap();
                }
                if p.splits > 5 {
                    writeln!(out, "  ...").unwrap();
                }
            }
            "job" => {
                let c = self.c();
                let job = c.jobs().last().expect("no job yet");
                let s = c.job_summary(job.id).unwrap();
                writeln!(
                    out,
                    "{} {:?} {}{}",
                    s.job,
                    s.name,
                    s.state,
                    s.failure.map(|f| format!(": {f}")).unwrap_or_default()
                )
                .unwrap();
                writeln!(
                    out,
                    "  {:.3} s; first task after {:.3} s; {} maps, {} reduces",
                    s.simulated_seconds,
                    s.startup_seconds.unwrap_or(0.0),
                    s.map_tasks,
                    s.reduce_tasks
                )
                .unwrap();
                writeln!(
                    out,
                    "  attempts {} (failed {}, killed {}, speculative {}, speculative wins {})",
                    s.attempts,
                    s.attempts_failed,
                    s.attempts_killed,
                    s.speculative_attempts,
                    s.speculative_wins
                )
                .unwrap();
                let k = &s.counters;
                writeln!(
                    out,
                    "  locality {}",
                    s.locality_ratio.map_or("n/a".to_string(), |l| format!(
                        "{:.2} ({} node-local, {} off-node)",
                        l, k.data_local_maps, k.other_local_maps
                    ))
                )
                .unwrap();
                writeln!(out, "  records: map in {}, map out {}, combine {} -> {}, reduce groups {}, reduce out {}", k.map_input_records, k.map_output_records, k.combine_input_records, k.combine_output_records, k.reduce_input_groups, k.reduce_output_records).unwrap();
                writeln!(
                    out,
                    "  bytes: read {}, shuffled {}, written {}",
                    s.bytes_read, s.bytes_shuffled, s.bytes_written
                )
                .unwrap();
                if !job.blacklist.is_empty() {
                    let names: Vec<String> = job
                        .blacklist
                        .iter()
                        .map(|n| c.node(*n).unwrap().name.clone())
                        .collect();
                    writeln!(out, "  blacklisted: {}", names.join(", ")).unwrap();
                }
            }
            "attempts" => {
                let c = self.c();
                let job = c.jobs().last().expect("no job yet");
                for at in &job.attempts {
                    let node = c.node(at.node).unwrap().name.clone();
                    let state = match &at.state {
                        AttemptState::Running(p) => format!("RUNNING {p:?}"),
                        AttemptState::Succeeded => "SUCCEEDED".into(),
                        AttemptState::Failed(r) => format!("FAILED ({r})"),
                        AttemptState::Killed(r) => format!("KILLED ({r})"),
                    };
                    let end = at.end.map_or("-".to_string(), |e| e.compact().to_string());
                    writeln!(
                        out,
                        "{} on {node}{}: {} .. {end} {state}",
                        at.label(),
                        if at.speculative { " (speculative)" } else { "" },
                        at.start.compact()
                    )
                    .unwrap();
                }
            }
            other => panic!("unknown command {other:?}"),
        }
        Ok(out)
    }

    fn blocks(&mut self, path: &str) -> Result<String, EmrError> {
        let c = self.c();
        let files = c.hdfs().list(path);
        if files.is_empty() {
            return Err(EmrError::NotFound(path.into()));
        }
        let mut out = String::new();
        for f in files {
            writeln!(
                out,
                "{} ({} bytes, replication {})",
                f.path,
                f.data.len(),
                f.replication
            )
            .unwrap();
            for b in &f.blocks {
                let blk = c.hdfs().block(*b).unwrap();
                let names: Vec<String> = blk
                    .replicas
                    .iter()
                    .map(|n| c.node(*n).unwrap().name.clone())
                    .collect();
                writeln!(
                    out,
                    "  {} {} bytes at {}: {}",
                    blk.id,
                    blk.size,
                    blk.offset,
                    if names.is_empty() {
                        "NO REPLICAS".to_string()
                    } else {
                        names.join(", ")
                    }
                )
                .unwrap();
            }
        }
        Ok(out)
    }
}

/// Runs one script, returning the file as it should read.
fn run_script(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let mut session = Session {
        cluster: None,
        seen: 0,
        tables: BTreeMap::new(),
    };
    let mut out = String::new();
    for block in text.split("\n\n") {
        let block = block.trim_matches('\n');
        if block.is_empty() {
            continue;
        }
        let lines: Vec<&str> = block.lines().collect();
        let mut kept: Vec<String> = Vec::new();
        let mut i = 0;
        while i < lines.len() && lines[i].starts_with('#') {
            kept.push(lines[i].to_string());
            i += 1;
        }
        let rest = &lines[i..];
        if let Some(first) = rest.first() {
            let split = rest.iter().position(|l| *l == "---").unwrap_or(rest.len());
            let data = &rest[1..split];
            let result = session.run(first, data);
            kept.extend(rest[..split].iter().map(|l| l.to_string()));
            kept.push("---".to_string());
            kept.push(result.trim_end().to_string());
        }
        out.push_str(&kept.join("\n"));
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[test]
fn golden_scripts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    dynaplay_golden::check("golden scripts", &dir, Some("golden"), run_script);
}
