//! One seeded world: the simulated clock and, around it, DynamoDB, DAX and EMR.
//!
//! The world is the only thing the outside drives. The browser calls [`World::advance`]
//! from animation frames while playing and [`World::step`] when the learner steps; the
//! native endpoint advances it from the wall clock. Inside, nothing reads a real clock or
//! the operating system's entropy: every random draw comes from the world's own
//! [`SimRng`], seeded once, so the same seed and the same commands always produce the same
//! history — which is what lets a shared link reproduce exactly what its author saw.
//!
//! DynamoDB lives here as a [`DynamoService`]: the logical engine inside its physical
//! model of partitions, replicas and capacity. Advancing the world moves replication,
//! bucket refills, splits, elections and scheduled faults along, and issues the requests
//! of a running traffic generator at their simulated arrival times. Whether clients feel
//! the physical model (stale reads, throttling, latency) is the [`Realism`] setting; the
//! model itself always runs, so the views can show it.
//!
//! EMR clusters live here too (see `emr.rs`): advancing the world moves them in lockstep
//! with DynamoDB and the traffic, and a job reading a table sends its Scan pages to the
//! world's own DynamoDB at their simulated instants.

mod clock;
mod dax;
mod emr;
pub mod traffic;

pub use clock::Clock;
pub use dynaplay_dynamo as dynamo;
pub use dynaplay_dynamo::dax::{ClusterSpec, DaxError, DaxOutcome, DaxService, DaxSnapshot};
pub use dynaplay_dynamo::physical::{Outcome, Realism, Snapshot};
pub use dynaplay_sim::{SimDuration, SimTime};
pub use emr::{EMR_CLIENT, EmrRun, WorldCluster};
pub use traffic::{KeySkew, TrafficError, TrafficSpec, TrafficStats};

use dynaplay_dynamo::physical::events::Event;
use dynaplay_dynamo::physical::{DynamoService, ItemMark};
use dynaplay_dynamo::{Database, DynamoError, ItemsAs};
use dynaplay_sim::{FaultKind, FaultPlan, FaultTarget, SimRng};
use serde_json::Value;
use traffic::Traffic;

/// The client name requests from [`World::execute`] carry in events.
pub const CONSOLE: &str = "console";

/// RNG stream labels, forked in this order at start-up.
const DYNAMO_STREAM: u64 = 1;
const TRAFFIC_STREAM: u64 = 2;
const EMR_STREAM: u64 = 3;

/// Everything that is simulated, behind one seed.
#[derive(Debug)]
pub struct World {
    seed: u64,
    clock: Clock,
    rng: SimRng,
    dynamo: DynamoService,
    traffic_rng: SimRng,
    traffic: Option<Traffic>,
    /// DAX clusters in front of `dynamo` (see `dax.rs`).
    dax: DaxService,
    /// EMR clusters on the world's clock (see `emr.rs`).
    emr: emr::EmrClusters,
}

impl World {
    /// How far one press of "step" moves simulated time.
    pub const STEP: SimDuration = SimDuration::from_millis(100);

    pub fn new(seed: u64) -> Self {
        let mut rng = SimRng::seed_from(seed);
        let dynamo = DynamoService::new(Database::default(), rng.fork(DYNAMO_STREAM));
        let traffic_rng = rng.fork(TRAFFIC_STREAM);
        let emr = emr::EmrClusters::new(rng.fork(EMR_STREAM));
        World {
            seed,
            clock: Clock::default(),
            rng,
            dynamo,
            traffic_rng,
            traffic: None,
            dax: DaxService::new(seed),
            emr,
        }
    }

    /// A world whose clients feel `realism`.
    pub fn with_realism(seed: u64, realism: Realism) -> Self {
        let mut world = World::new(seed);
        world.set_realism(realism);
        world
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The current simulated instant.
    pub fn now(&self) -> SimTime {
        self.clock.now()
    }

    /// Moves simulated time forward by `by`, running replication, splits, elections,
    /// scheduled faults, generated traffic and EMR clusters on the way.
    pub fn advance(&mut self, by: SimDuration) {
        let until = self.now() + by;
        loop {
            // Traffic up to the next EMR event (a tie goes to the traffic), then that event.
            let emr_at = self.emr.next_at().filter(|at| *at <= until);
            let horizon = emr_at.unwrap_or(until);
            while let Some(at) = self
                .traffic
                .as_ref()
                .map(Traffic::next_at)
                .filter(|at| *at <= horizon)
            {
                if at > self.now() {
                    self.clock.advance(at - self.now());
                }
                self.issue_traffic(at);
            }
            let Some(at) = emr_at else { break };
            if at > self.now() {
                self.clock.advance(at - self.now());
            }
            self.emr.step(&mut self.dynamo);
        }
        self.clock.advance(until - self.now());
        self.dynamo.advance_to(until);
        self.emr.catch_up(until, &mut self.dynamo);
    }

    fn issue_traffic(&mut self, at: SimTime) {
        let Some(traffic) = self.traffic.as_mut() else {
            return;
        };
        let (operation, body) = traffic.next_request();
        let outcome = self.dynamo.execute(operation, body, "traffic", at);
        let stats = &mut traffic.stats;
        match &outcome.result {
            Ok(_) => stats.ok += 1,
            Err(err) if err.kind.retryable() && err.kind.http_status() == 400 => {
                stats.throttled += 1
            }
            Err(_) => stats.failed += 1,
        }
        if outcome.stale {
            stats.stale += 1;
        }
    }

    /// Moves simulated time forward to `at`, if that is later than now.
    pub fn advance_to(&mut self, at: SimTime) {
        if at > self.now() {
            self.advance(at - self.now());
        }
    }

    /// Moves simulated time forward by exactly one [`World::STEP`].
    pub fn step(&mut self) {
        self.advance(Self::STEP);
    }

    /// Executes a DynamoDB operation (e.g. `"PutItem"`) on a request body in the AWS JSON
    /// shape, at the current simulated time. This is the one door the console, the page's
    /// JavaScript API and the HTTP endpoint all use.
    pub fn execute(&mut self, operation: &str, request: &Value) -> Result<Value, DynamoError> {
        self.request(operation, request, CONSOLE).result
    }

    /// [`World::execute`] for a named client, with everything the model says about it:
    /// its latency, whether it was stale, its number in the event log.
    pub fn request(&mut self, operation: &str, request: &Value, client: &str) -> Outcome {
        self.request_as(operation, request, client, ItemsAs::Values)
    }

    /// [`World::request`] with the response's items rendered as `items_as` says (see
    /// [`DynamoService::execute_as`]).
    pub fn request_as(
        &mut self,
        operation: &str,
        request: &Value,
        client: &str,
        items_as: ItemsAs,
    ) -> Outcome {
        let now = self.now();
        self.dynamo
            .execute_as(operation, request, client, now, items_as)
    }

    /// The DynamoDB engine's state, for views and snapshots.
    pub fn dynamo(&self) -> &Database {
        self.dynamo.database()
    }

    /// DynamoDB with its physical model: partitions, replicas, events.
    pub fn dynamo_service(&self) -> &DynamoService {
        &self.dynamo
    }

    pub fn realism(&self) -> Realism {
        self.dynamo.realism()
    }

    pub fn set_realism(&mut self, realism: Realism) {
        self.dynamo.set_realism(realism);
    }

    /// Every table's partitions and replicas.
    pub fn snapshot(&self) -> Snapshot {
        self.dynamo.snapshot()
    }

    /// One mark per item of `table`, for the key-space canvas.
    pub fn item_marks(&self, table: &str) -> Vec<ItemMark> {
        self.dynamo.item_marks(table)
    }

    /// Events after sequence number `seq` (0 for every event kept).
    pub fn events_since(&self, seq: u64) -> impl Iterator<Item = &Event> {
        self.dynamo.events().since(seq)
    }

    /// Keeps at most `capacity` events.
    pub fn set_event_capacity(&mut self, capacity: usize) {
        self.dynamo.set_event_capacity(capacity);
    }

    /// Injects a fault now (`replica:orders/p0/r1`, `leader:orders/p0`, `az:us-east-1a`).
    pub fn inject_fault(&mut self, target: &str, kind: FaultKind) -> Result<(), String> {
        let target = FaultTarget::new(target).map_err(|e| e.to_string())?;
        self.dynamo.inject(&target, kind).map_err(|e| e.to_string())
    }

    /// Heals every fault on `target`; false if there was none.
    pub fn heal_fault(&mut self, target: &str) -> bool {
        FaultTarget::new(target).is_ok_and(|target| self.dynamo.heal(&target))
    }

    /// Schedules a plan's faults on simulated time.
    pub fn schedule_faults(&mut self, plan: &FaultPlan) {
        self.dynamo.schedule_faults(plan);
    }

    /// Starts generating traffic (replacing any running generator).
    pub fn start_traffic(&mut self, spec: TrafficSpec) -> Result<(), TrafficError> {
        let table = self
            .dynamo()
            .table(&spec.table)
            .ok_or_else(|| TrafficError(format!("no table named {:?}", spec.table)))?;
        let schema = table.def.key_schema.clone();
        let rng = self.traffic_rng.fork(self.dynamo.events().last_seq());
        self.traffic = Some(Traffic::new(spec, &schema, rng, self.now())?);
        Ok(())
    }

    /// Stops the generator, returning what it did.
    pub fn stop_traffic(&mut self) -> Option<TrafficStats> {
        self.traffic.take().map(|t| t.stats)
    }

    /// The running generator's spec and counts.
    pub fn traffic(&self) -> Option<(&TrafficSpec, TrafficStats)> {
        self.traffic.as_ref().map(|t| (&t.spec, t.stats))
    }

    /// The world's random stream, for subsystems that draw from it.
    pub fn rng(&mut self) -> &mut SimRng {
        &mut self.rng
    }
}

#[cfg(test)]
mod tests;
