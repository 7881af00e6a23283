//! A map attempt reading a live DynamoDB table: parallel Scan segments, paced, retried.
//!
//! When a job's input is a live table, a map attempt cannot plan its read in advance the
//! way an HDFS map does: what the table holds, and how fast DynamoDB lets it be read, are
//! known only by reading. So after its container has launched, the attempt scans. Its
//! split owns some of the connector's segments; the attempt sends one `Scan` page at a
//! time, taking the unfinished segments in turn (the segments of a split are read in
//! parallel), each page continuing where that segment's last page stopped. The pages are
//! paced by the split's share of the connector's read rate ([`PagePacer`]): a page's cost
//! is known only from its response, so it is paid afterwards and the next page waits out
//! any debt. A page DynamoDB refuses (throttled) is sent again after a back-off that
//! doubles with each refusal in a row ([`connector::retry_delay`]) — the mapper simply
//! makes no progress meanwhile.
//!
//! When every segment is read, the map runs for real over the items it received, and the
//! attempt plans the rest of its run — the map's CPU and the spill — as any map does. Until
//! then its planned end is an estimate (what is left at the split's rate), refreshed with
//! every page, for the speculator to judge it by.
//!
//! The connector's counters — read units consumed, Scan pages sent, pages throttled — count
//! every attempt's pages, since the table's capacity is spent whether or not the attempt
//! commits. Each page's bytes enter the job's input rate as they arrive.

use std::sync::Arc;

use dynaplay_dynamo::value::{Item, item_size};
use dynaplay_sim::{SimDuration, SimTime};

use super::job::*;
use super::run::secs;
use super::{Cluster, Ev};
use crate::connector::{self, BYTES_PER_READ_UNIT, PagePacer};
use crate::events::Locality;
use crate::ids::{AttemptId, JobId, NodeId, TaskRef};
use crate::mapreduce::compute;
use crate::mapreduce::record::Record;
use crate::table_source::{ScanReply, ScanRequest, TableSource};

/// Where a reading map attempt is.
#[derive(Debug, Clone)]
pub(crate) struct ScanState {
    segments: Vec<Cursor>,
    /// The segment whose turn it is next.
    turn: usize,
    pacer: PagePacer,
    /// Pages refused in a row.
    refusals: u32,
    records: Vec<Record>,
    bytes: u64,
    /// When the bytes of the next page began to flow (the previous page's arrival).
    since: SimTime,
    /// A failure decided at launch: its reason, and how far into the work after the read
    /// it strikes.
    doom: Option<(String, f64)>,
}

/// One segment of the split.
#[derive(Debug, Clone)]
struct Cursor {
    segment: u64,
    /// Where its next page starts (`None` at the start of the segment).
    start: Option<Item>,
    done: bool,
}

impl ScanState {
    /// The next unfinished segment, taking them in turn.
    fn next_turn(&self) -> Option<usize> {
        let n = self.segments.len();
        (0..n)
            .map(|k| (self.turn + k) % n)
            .find(|&i| self.segments.get(i).is_some_and(|c| !c.done))
    }
}

impl Cluster {
    /// Starts a map attempt (its container already allocated on `node`) that scans its
    /// split's segments once its container has launched.
    pub(crate) fn start_live_map(
        &mut self,
        job: &mut JobRun,
        node: NodeId,
        m: u32,
        speculative: bool,
        jitter: f64,
        doom: Option<(String, f64)>,
    ) {
        let now = self.now();
        let (segments, rate) = match &job.source {
            InputSource::LiveTable(live) => (
                live.plan
                    .segments_by_split
                    .get(m as usize)
                    .cloned()
                    .unwrap_or_default(),
                live.plan.units_per_split(),
            ),
            _ => (Vec::new(), 1.0),
        };
        let Some(n) = self.node(node) else { return };
        let launch = job.cost.task_launch_secs * n.factor() * jitter;
        let length = job.maps.get(m as usize).map_or(0, |t| t.split.length);
        let start_read = now + secs(launch);
        let id = Self::new_attempt(job, TaskRef::Map(m), node, speculative, now, jitter);
        if let Some(a) = job.attempt_mut(id) {
            a.locality = Some(Locality::NotApplicable);
            a.planned_end = start_read + connector::scan_duration(length, rate);
            a.scan = Some(Box::new(ScanState {
                segments: segments
                    .into_iter()
                    .map(|segment| Cursor {
                        segment,
                        start: None,
                        done: false,
                    })
                    .collect(),
                turn: 0,
                pacer: PagePacer::new(rate, start_read),
                refusals: 0,
                records: Vec::new(),
                bytes: 0,
                since: start_read,
                doom,
            }));
        }
        if let Some(t) = job.maps.get_mut(m as usize) {
            t.state = TaskState::Running;
        }
        job.running_maps += 1;
        job.first_task.get_or_insert(now);
        job.counters.total_launched_maps += 1;
        if speculative {
            job.counters.speculative_maps += 1;
        }
        self.schedule_at(start_read, Ev::ScanPage(job.id, id, 0));
        self.announce_start(job, id, node, speculative, Some(Locality::NotApplicable));
    }

    pub(crate) fn on_scan_page(
        &mut self,
        id: JobId,
        attempt: AttemptId,
        seq: u32,
        tables: &mut dyn TableSource,
    ) {
        let Some(mut job) = self.take_job(id) else {
            return;
        };
        self.scan_page(&mut job, attempt, seq, tables);
        self.put_job(job);
    }

    /// Sends the attempt's next page and acts on the reply.
    fn scan_page(
        &mut self,
        job: &mut JobRun,
        attempt: AttemptId,
        seq: u32,
        tables: &mut dyn TableSource,
    ) {
        let now = self.now();
        let current = job
            .attempt(attempt)
            .filter(|a| a.seq == seq && a.is_running())
            .map(|a| (a.node, a.task.index()));
        let Some((_, m)) = current.filter(|(n, _)| self.node_is_up(*n)) else {
            return;
        };
        let InputSource::LiveTable(live) = &job.source else {
            return;
        };
        let (table, total_segments, limit) =
            (live.table.clone(), live.plan.segments, live.page_items);
        let Some(mut scan) = job.attempt_mut(attempt).and_then(|a| a.scan.take()) else {
            return;
        };
        let Some(turn) = scan.next_turn() else {
            self.put_scan(job, attempt, scan);
            return self.finish_scan(job, attempt);
        };
        let reply = match scan.segments.get(turn) {
            Some(cursor) => tables.scan(
                &ScanRequest {
                    table: &table,
                    segment: cursor.segment,
                    total_segments,
                    limit,
                    exclusive_start_key: cursor.start.as_ref(),
                },
                now,
            ),
            None => ScanReply::Failed("no such segment".into()),
        };
        job.counters.dynamodb_scans += 1;
        let next = match reply {
            ScanReply::Page(page) => {
                job.counters.dynamodb_read_units += page.consumed_units;
                scan.refusals = 0;
                scan.pacer.spend(page.consumed_units, now);
                let bytes: u64 = page.items.iter().map(|i| item_size(i) as u64).sum();
                job.input_rate.add_flow(scan.since, now, bytes as f64);
                scan.since = now;
                scan.bytes += bytes;
                scan.records
                    .extend(page.items.into_iter().map(Record::Item));
                if let Some(cursor) = scan.segments.get_mut(turn) {
                    cursor.done = page.last_evaluated_key.is_none();
                    cursor.start = page.last_evaluated_key;
                }
                scan.turn = turn + 1;
                if scan.next_turn().is_none() {
                    self.put_scan(job, attempt, scan);
                    return self.finish_scan(job, attempt);
                }
                scan.pacer.next_page_at(now)
            }
            ScanReply::Retry { throttled } => {
                if throttled {
                    job.counters.dynamodb_throttled_scans += 1;
                }
                scan.refusals = scan.refusals.saturating_add(1);
                now + connector::retry_delay(scan.refusals)
            }
            ScanReply::Failed(why) => {
                self.put_scan(job, attempt, scan);
                return self.fail_attempt(job, attempt, &format!("reading table {table}: {why}"));
            }
        };
        // For the speculator: what is left of the split at its rate, from the next page.
        let length = job.maps.get(m).map_or(0, |t| t.split.length);
        let left = length.saturating_sub(scan.bytes) as f64;
        let rate = scan.pacer.rate() * BYTES_PER_READ_UNIT;
        let estimate = next + SimDuration::from_secs_f64(left / rate);
        self.put_scan(job, attempt, scan);
        if let Some(a) = job.attempt_mut(attempt) {
            a.planned_end = estimate;
        }
        self.schedule_at(next, Ev::ScanPage(job.id, attempt, seq));
    }

    fn put_scan(&mut self, job: &mut JobRun, attempt: AttemptId, scan: Box<ScanState>) {
        if let Some(a) = job.attempt_mut(attempt) {
            a.scan = Some(scan);
        }
    }

    /// Every segment is read: the map runs over the items, and the rest is planned.
    fn finish_scan(&mut self, job: &mut JobRun, attempt: AttemptId) {
        let now = self.now();
        let Some(a) = job.attempt_mut(attempt) else {
            return;
        };
        let Some(scan) = a.scan.take() else {
            return;
        };
        let (task, node, jitter, seq) = (a.task, a.node, a.jitter, a.seq);
        let ScanState {
            records,
            bytes,
            doom,
            ..
        } = *scan;
        let (output, compute_error) = match compute::run_map(
            &job.logic,
            &records,
            &job.partitioner,
            job.reduces.len() as u32,
            job.config.combiner,
        ) {
            Ok(o) => (Some(Arc::new(o)), None),
            Err(e) => (None, Some(format!("map function failed: {e}"))),
        };
        let out_bytes = output.as_ref().map_or(0, |o| o.total_bytes());
        let Some(n) = self.node(node) else { return };
        let factor = n.factor() * jitter;
        let cost = &job.cost;
        let cpu = bytes as f64 / 1e6 * cost.map_cpu_secs_per_mb / n.instance.speed * factor;
        let spill = out_bytes as f64 / 1e6 * cost.spill_passes / n.disk_share_mbps() * factor;
        let (doomed, run_for) = match (compute_error, doom) {
            (Some(e), _) => (Some(e), cpu / 2.0),
            (None, Some((why, at))) => (Some(why), (cpu + spill) * at),
            (None, None) => (None, cpu + spill),
        };
        let planned_end = now + secs(run_for);
        if let Some(t) = job.maps.get_mut(task.index()) {
            t.split.length = bytes;
            t.split.record_count = records.len() as u64;
        }
        if let Some(a) = job.attempt_mut(attempt) {
            a.planned_end = planned_end;
            a.doomed = doomed;
            a.map_output = output;
            a.out_bytes = out_bytes;
        }
        self.schedule_at(planned_end, Ev::AttemptDone(job.id, attempt, seq));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ActionOnFailure;
    use crate::cluster::{ClusterConfig, StepConfig, StepState};
    use crate::jobs::{AggFn, Aggregate, GroupBy, JobLogic};
    use crate::mapreduce::spec::{JobConfig, JobInput, JobSpec, LiveTable, TableInput};
    use crate::table_source::ScanPage;
    use dynaplay_dynamo::value::AttributeValue;

    /// A table of `n` items in `segments` segments, refusing every `refuse_every`-th page.
    struct FakeTable {
        items: Vec<Item>,
        per_page_units: f64,
        pages: u32,
        refuse_every: Option<u32>,
        log: Vec<(SimTime, u64, u64, Option<String>)>,
    }

    impl TableSource for FakeTable {
        fn scan(&mut self, r: &ScanRequest<'_>, at: SimTime) -> ScanReply {
            self.pages += 1;
            let start = r
                .exclusive_start_key
                .and_then(|k| k.get("id"))
                .map(|v| match v {
                    AttributeValue::S(s) => s.clone(),
                    _ => String::new(),
                });
            self.log
                .push((at, r.segment, r.total_segments, start.clone()));
            if self
                .refuse_every
                .is_some_and(|k| self.pages.is_multiple_of(k))
            {
                return ScanReply::Retry { throttled: true };
            }
            let mine: Vec<Item> = self
                .items
                .iter()
                .enumerate()
                .filter(|(i, _)| *i as u64 % r.total_segments == r.segment)
                .map(|(_, it)| it.clone())
                .filter(|it| {
                    let id = match it.get("id") {
                        Some(AttributeValue::S(s)) => s.clone(),
                        _ => String::new(),
                    };
                    start.as_ref().is_none_or(|s| id > *s)
                })
                .take(r.limit as usize)
                .collect();
            let more = mine.len() == r.limit as usize;
            let last = if more { mine.last().cloned() } else { None };
            ScanReply::Page(ScanPage {
                consumed_units: self.per_page_units,
                items: mine,
                last_evaluated_key: last,
            })
        }
    }

    fn item(i: usize) -> Item {
        let mut it = Item::new();
        it.insert("id".into(), AttributeValue::S(format!("i{i:04}")));
        let team = if i.is_multiple_of(2) { "red" } else { "blue" };
        it.insert("team".into(), AttributeValue::S(team.into()));
        it
    }

    fn run(refuse_every: Option<u32>) -> (Cluster, FakeTable) {
        let mut c = Cluster::new(ClusterConfig::demo(2, 0, 4)).unwrap();
        c.advance_to(SimTime::ZERO);
        let mut table = FakeTable {
            items: (0..40).map(item).collect(),
            per_page_units: 80.0,
            pages: 0,
            refuse_every,
            log: Vec::new(),
        };
        let logic = JobLogic::GroupBy(GroupBy {
            by: "team".into(),
            aggregates: vec![Aggregate {
                func: AggFn::Count,
                attribute: None,
            }],
        });
        // 400 RCU at half: 200 units a second, two splits of one segment each; pages of
        // 10 items (100 units a second each buy 800 KiB, of 80 KiB items).
        let input = TableInput {
            table: "teams".into(),
            items: Vec::new(),
            read_capacity_units: 400.0,
            read_percent: 0.5,
            live: Some(LiveTable {
                bytes: 40 * 80 * 1024,
                items: 40,
            }),
        };
        c.add_step(StepConfig {
            name: "count".into(),
            job: JobSpec {
                name: "count".into(),
                logic,
                input: JobInput::Table(input),
                output: "/out".into(),
                config: JobConfig::default(),
            },
            action_on_failure: ActionOnFailure::Continue,
        })
        .unwrap();
        while c
            .steps()
            .iter()
            .any(|s| matches!(s.state, StepState::Pending | StepState::Running))
        {
            c.step_with(&mut table).unwrap();
        }
        (c, table)
    }

    /// The job's output lines, sorted.
    fn sorted_output(c: &Cluster) -> Vec<String> {
        let mut rows: Vec<String> = c
            .read_dir_text("/out")
            .unwrap()
            .lines()
            .map(String::from)
            .collect();
        rows.sort();
        rows
    }

    #[test]
    fn a_live_table_is_read_page_by_page_at_the_connectors_rate() {
        let (c, table) = run(None);
        let job = c.job(JobId(0)).unwrap();
        assert_eq!(job.state, JobState::Succeeded, "{:?}", job.failure);
        assert_eq!(sorted_output(&c), ["blue\tcount=20", "red\tcount=20"]);
        // Two splits, each its own segment of two, in pages of ten items: 20 items a
        // split make two full pages and an empty third.
        assert_eq!(job.maps.len(), 2);
        assert!(table.log.iter().all(|(_, _, total, _)| *total == 2));
        assert_eq!(job.counters.dynamodb_scans, 6);
        assert_eq!(job.counters.dynamodb_read_units, 480.0);
        assert_eq!(job.counters.map_input_records, 40);
        // 80 units a page against 100 a second per split: the first page is paid from the
        // full bucket, the second leaves a debt of 60 units, the third waits it out.
        let split0: Vec<SimTime> = table.log.iter().filter(|l| l.1 == 0).map(|l| l.0).collect();
        assert_eq!(split0.len(), 3);
        assert_eq!(split0[1], split0[0]);
        assert_eq!(split0[2] - split0[1], SimDuration::from_millis(600));
    }

    #[test]
    fn throttled_pages_are_retried_and_slow_the_map() {
        let (plain, _) = run(None);
        let (throttled, table) = run(Some(2));
        let job = throttled.job(JobId(0)).unwrap();
        assert_eq!(job.state, JobState::Succeeded);
        assert!(
            job.counters.dynamodb_throttled_scans >= 3,
            "{:?}",
            job.counters
        );
        assert_eq!(
            job.counters.dynamodb_scans,
            6 + job.counters.dynamodb_throttled_scans
        );
        assert_eq!(table.pages as u64, job.counters.dynamodb_scans);
        let took = |c: &Cluster| c.job(JobId(0)).unwrap().maps_done.unwrap();
        assert!(took(&throttled) > took(&plain), "the back-offs cost time");
        assert_eq!(
            sorted_output(&throttled),
            ["blue\tcount=20", "red\tcount=20"],
            "same answer"
        );
    }

    #[test]
    fn a_cluster_on_its_own_cannot_read_a_live_table() {
        let mut c = Cluster::new(ClusterConfig::demo(2, 0, 4)).unwrap();
        c.advance_to(SimTime::ZERO);
        let input = TableInput {
            table: "teams".into(),
            items: Vec::new(),
            read_capacity_units: 100.0,
            read_percent: 0.5,
            live: Some(LiveTable {
                bytes: 100,
                items: 1,
            }),
        };
        c.add_step(StepConfig {
            name: "count".into(),
            job: JobSpec {
                name: "count".into(),
                logic: JobLogic::GroupBy(GroupBy {
                    by: "team".into(),
                    aggregates: vec![],
                }),
                input: JobInput::Table(input),
                output: "/out".into(),
                config: JobConfig::default(),
            },
            action_on_failure: ActionOnFailure::Continue,
        })
        .unwrap();
        c.run_until_quiet(SimTime::from_secs(3_600));
        let job = c.job(JobId(0)).unwrap();
        assert_eq!(job.state, JobState::Failed);
        assert!(
            job.failure
                .as_deref()
                .unwrap()
                .contains("no DynamoDB to read table \"teams\""),
            "{:?}",
            job.failure
        );
    }
}
