//! The world's EMR: clusters on the world's clock, reading the world's own tables.
//!
//! An EMR cluster is a discrete-event simulation of its own ([`dynaplay_emr::Cluster`],
//! with its own event queue and its own time starting at zero when it is created). Here it
//! becomes part of the world: the world keeps its clusters by id, each with its *origin* —
//! the world instant it was created at, its time zero — and [`World::advance`] moves them
//! in lockstep with everything else. Their events are interleaved with the traffic
//! generator's requests in simulated-time order (a tie goes to the traffic, then to
//! clusters in id order), so a cluster's Scan pages and the traffic compete for a table's
//! capacity exactly as they would at those instants, and the history depends only on the
//! seed and the commands, never on how time was sliced.
//!
//! That is what lets a job read a live table. A table job's maps send real `Scan` pages —
//! parallel segments, paced by the connector's token bucket — and the world answers each
//! through [`DynamoService::execute`] under the client name [`EMR_CLIENT`]: the pages
//! consume the partitions' read capacity, show in the event log and on the Partitions
//! view's gauges, and, when the world's realism throttles, are throttled and retried, so
//! the job slows down and the application sharing the table feels it.
//!
//! Clusters draw their randomness from a stream forked from the world's seed (a label of
//! its own, after DynamoDB's and the traffic's, so neither of those histories shifts): each
//! new cluster's seed is the next draw. A world without clusters pays nothing for them: the
//! world asks for the next EMR event once per advance and finds none; an idle cluster has
//! no events pending, so traffic beside it runs as fast as without it.
//!
//! Commands that change a cluster go through [`World::with_emr_cluster`], which settles
//! whatever they made due at the current instant (a step added now starts now). "Run to
//! the end" ([`World::run_emr_to_end`]) advances the *world* — DynamoDB and traffic with
//! it — event by event of the cluster's, a slice at a time, and stops when the caller's
//! time is up, so a page can spread a long job over several frames.

use std::collections::BTreeMap;

use dynaplay_dynamo::physical::DynamoService;
use dynaplay_dynamo::table::BillingMode;
use dynaplay_dynamo::value::{item_from_wire, item_to_wire};
use dynaplay_emr::cluster::StepState;
use dynaplay_emr::connector::ON_DEMAND_READ_UNITS;
use dynaplay_emr::{
    Cluster, ClusterConfig, EmrError, LiveTable, ScanPage, ScanReply, ScanRequest, TableInput,
    TableSource,
};
use dynaplay_sim::{SimDuration, SimRng, SimTime};
use serde_json::{Value, json};

use crate::World;

/// The client name the EMR connector's Scan pages carry in events.
pub const EMR_CLIENT: &str = "emr";

/// Simulated time "run to the end" covers between looks at the caller's deadline (traffic
/// in that span is work too).
const RUN_SLICE: SimDuration = SimDuration::from_secs(1);

/// "Run to the end" stops at the end of a cluster's first simulated day.
const RUN_LIMIT: SimDuration = SimDuration::from_secs(86_400);

/// A cluster of the world's.
#[derive(Debug)]
pub struct WorldCluster {
    cluster: Cluster,
    origin: SimTime,
}

impl WorldCluster {
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// The world instant that is the cluster's time zero.
    pub fn origin(&self) -> SimTime {
        self.origin
    }

    /// The cluster's instant at world instant `at`.
    pub fn local(&self, at: SimTime) -> SimTime {
        SimTime::ZERO + at.saturating_duration_since(self.origin)
    }

    /// The world instant of the cluster's instant `local`.
    pub fn world_time(&self, local: SimTime) -> SimTime {
        self.origin + local.since_start()
    }

    /// Whether a job runs or a step waits to.
    pub fn busy(&self) -> bool {
        self.cluster.active_job().is_some()
            || self
                .cluster
                .steps()
                .iter()
                .any(|s| matches!(s.state, StepState::Pending | StepState::Running))
    }

    /// The world instant of the cluster's next event.
    fn next_at(&self) -> Option<SimTime> {
        self.cluster.next_event_at().map(|t| self.world_time(t))
    }
}

/// How a run to the end stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmrRun {
    /// Nothing is left to run (or nothing more will ever happen, or a day has passed).
    Done,
    /// The caller's time ran out first; call again to go on.
    Paused,
    /// No cluster has that id.
    NoSuchCluster,
}

/// The world's clusters and the random stream their seeds come from.
#[derive(Debug)]
pub(crate) struct EmrClusters {
    clusters: BTreeMap<String, WorldCluster>,
    rng: SimRng,
}

impl EmrClusters {
    pub(crate) fn new(rng: SimRng) -> EmrClusters {
        EmrClusters {
            clusters: BTreeMap::new(),
            rng,
        }
    }

    /// The world instant of the earliest pending event of any cluster.
    pub(crate) fn next_at(&self) -> Option<SimTime> {
        self.clusters
            .values()
            .filter_map(WorldCluster::next_at)
            .min()
    }

    /// Handles the earliest pending event of any cluster (ties go to the first by id).
    pub(crate) fn step(&mut self, dynamo: &mut DynamoService) {
        let mut first: Option<(SimTime, &mut WorldCluster)> = None;
        for c in self.clusters.values_mut() {
            if let Some(at) = c.next_at()
                && first.as_ref().is_none_or(|(earliest, _)| at < *earliest)
            {
                first = Some((at, c));
            }
        }
        if let Some((_, c)) = first {
            let mut tables = WorldTables {
                dynamo,
                origin: c.origin,
            };
            c.cluster.step_with(&mut tables);
        }
    }

    /// Brings every cluster's clock to world instant `at` (its events up to then have
    /// been handled).
    pub(crate) fn catch_up(&mut self, at: SimTime, dynamo: &mut DynamoService) {
        for c in self.clusters.values_mut() {
            let local = c.local(at);
            let mut tables = WorldTables {
                dynamo: &mut *dynamo,
                origin: c.origin,
            };
            c.cluster.advance_to_with(local, &mut tables);
        }
    }
}

/// The world's DynamoDB as a cluster's table source: Scan pages through the one door,
/// at the world instant the cluster's instant maps to.
struct WorldTables<'a> {
    dynamo: &'a mut DynamoService,
    origin: SimTime,
}

impl TableSource for WorldTables<'_> {
    fn scan(&mut self, request: &ScanRequest<'_>, at: SimTime) -> ScanReply {
        let mut body = json!({
            "TableName": request.table,
            "Segment": request.segment,
            "TotalSegments": request.total_segments,
            "Limit": request.limit,
            "ReturnConsumedCapacity": "TOTAL",
        });
        if let (Some(start), Some(members)) = (request.exclusive_start_key, body.as_object_mut()) {
            members.insert("ExclusiveStartKey".into(), item_to_wire(start));
        }
        let now = self.origin + at.since_start();
        let outcome = self.dynamo.execute("Scan", &body, EMR_CLIENT, now);
        match outcome.result {
            Ok(response) => ScanReply::Page(ScanPage {
                items: response
                    .get("Items")
                    .and_then(Value::as_array)
                    .map(|items| {
                        items
                            .iter()
                            .filter_map(|i| item_from_wire(i).ok())
                            .collect()
                    })
                    .unwrap_or_default(),
                consumed_units: response
                    .get("ConsumedCapacity")
                    .and_then(|c| c.get("CapacityUnits"))
                    .and_then(Value::as_f64)
                    .unwrap_or(0.0),
                last_evaluated_key: response
                    .get("LastEvaluatedKey")
                    .and_then(|k| item_from_wire(k).ok()),
            }),
            Err(err) if err.kind.retryable() => ScanReply::Retry {
                throttled: err.kind.http_status() == 400,
            },
            Err(err) => ScanReply::Failed(format!("{}: {}", err.kind.name(), err.message)),
        }
    }
}

impl World {
    /// Launches an EMR cluster now. Its seed is drawn from the world's EMR stream (the
    /// config's own seed is replaced), so the world's seed decides its history. Returns
    /// the cluster's id.
    pub fn create_emr_cluster(&mut self, mut config: ClusterConfig) -> Result<String, EmrError> {
        config.seed = self.emr.rng.next_u64();
        let cluster = Cluster::new(config)?;
        let id = cluster.id().to_string();
        if self.emr.clusters.contains_key(&id) {
            return Err(EmrError::AlreadyExists(format!("a cluster with id {id}")));
        }
        let origin = self.now();
        self.emr
            .clusters
            .insert(id.clone(), WorldCluster { cluster, origin });
        self.settle_emr();
        Ok(id)
    }

    pub fn emr_cluster(&self, id: &str) -> Option<&WorldCluster> {
        self.emr.clusters.get(id)
    }

    /// Every cluster, by id.
    pub fn emr_clusters(&self) -> impl Iterator<Item = (&str, &WorldCluster)> {
        self.emr.clusters.iter().map(|(id, c)| (id.as_str(), c))
    }

    /// Changes a cluster (adds a step, fails a node, resizes, terminates...), then handles
    /// what that made due now. `None` if no cluster has that id.
    pub fn with_emr_cluster<R>(
        &mut self,
        id: &str,
        change: impl FnOnce(&mut Cluster) -> R,
    ) -> Option<R> {
        let cluster = self.emr.clusters.get_mut(id)?;
        let result = change(&mut cluster.cluster);
        self.settle_emr();
        Some(result)
    }

    /// Forgets a cluster (whatever state it is in); false if there was none.
    pub fn discard_emr_cluster(&mut self, id: &str) -> bool {
        self.emr.clusters.remove(id).is_some()
    }

    /// A job input that reads `table` live through the connector, at `read_percent` of
    /// its read capacity (an on-demand table counts as the connector's assumed capacity).
    /// `None` if there is no such table.
    pub fn emr_table_input(&self, table: &str, read_percent: f64) -> Option<TableInput> {
        let t = self.dynamo().table(table)?;
        let read_capacity_units = match t.def.billing {
            BillingMode::Provisioned(throughput) => throughput.read as f64,
            BillingMode::PayPerRequest => ON_DEMAND_READ_UNITS,
        };
        Some(TableInput {
            table: table.to_string(),
            items: Vec::new(),
            read_capacity_units,
            read_percent,
            live: Some(LiveTable {
                bytes: t.size_bytes(),
                items: t.item_count(),
            }),
        })
    }

    /// Advances the world until the cluster has nothing left to run, a slice at a time,
    /// asking `out_of_time` after each slice whether to stop for now.
    pub fn run_emr_to_end(&mut self, id: &str, out_of_time: &mut dyn FnMut() -> bool) -> EmrRun {
        loop {
            let Some(c) = self.emr.clusters.get(id) else {
                return EmrRun::NoSuchCluster;
            };
            let limit = c.world_time(SimTime::ZERO + RUN_LIMIT);
            let next = match c.next_at() {
                Some(next) if c.busy() && next <= limit => next,
                _ => return EmrRun::Done,
            };
            let target = next.min(self.now() + RUN_SLICE);
            if target > self.now() {
                self.advance_to(target);
            } else {
                self.settle_emr();
            }
            if out_of_time() {
                return EmrRun::Paused;
            }
        }
    }

    /// Handles every EMR event due by now, and brings the clusters' clocks to now.
    fn settle_emr(&mut self) {
        let now = self.now();
        while self.emr.next_at().is_some_and(|at| at <= now) {
            self.emr.step(&mut self.dynamo);
        }
        self.emr.catch_up(now, &mut self.dynamo);
    }
}
