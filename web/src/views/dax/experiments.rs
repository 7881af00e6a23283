//! The guided experiments: each a short script of requests that makes one of DAX's rules
//! visible, run with one click.
//!
//! DAX's surprises all come from the same few rules — the query cache is never
//! invalidated, writes around DAX are invisible to it, misses are cached too, entries live
//! until their TTL, strongly consistent reads skip the cache — and each rule is easiest to
//! believe when you watch it happen. An experiment is a list of [`Step`]s: a request sent
//! through DAX or straight to DynamoDB, or a change of the cluster's TTLs, each after a
//! pause of simulated time. The pauses matter: a DAX cluster copies cache updates from
//! node to node after a short lag, and a TTL only runs out as time passes, so a script
//! that fired everything at one instant would show a different (and less honest) story.
//! The steps run as the shared clock moves (see the DAX state), which lets the learner
//! watch entries age and TTLs drain between them.
//!
//! Every step says what it expects — a hit, a miss, a pass-through, a stale answer — and
//! its outcome is checked against DAX's own record of the request, never against a
//! scripted answer. The verdict is only the experiment's conclusion when every step
//! behaved as the rule predicts; otherwise it names the step that did not.

use dynaplay_world::dynamo::dax::{DaxRequest, PassThrough, Route};
use dynaplay_world::{SimDuration, SimTime};
use serde_json::Value;

use super::lab;
use crate::dynamo_json::{cell, truncate};

/// The experiments, in the order the view lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExperimentKind {
    QueryStaleness,
    BypassStaleness,
    NegativeCache,
    TtlExpiry,
    StrongRead,
    ReadHeavy,
}

/// The TTL the experiments normally run with: DAX's default of five minutes.
pub const DEFAULT_TTL_MILLIS: u64 = 300_000;
/// The short item TTL of the TTL experiment.
pub const SHORT_TTL_MILLIS: u64 = 5_000;

/// A pause long enough for a cache update to reach every node (lags are tens of ms).
const SETTLE: SimDuration = SimDuration::from_secs(1);
const NOW: SimDuration = SimDuration::ZERO;

impl ExperimentKind {
    pub const ALL: [ExperimentKind; 6] = [
        ExperimentKind::QueryStaleness,
        ExperimentKind::BypassStaleness,
        ExperimentKind::NegativeCache,
        ExperimentKind::TtlExpiry,
        ExperimentKind::StrongRead,
        ExperimentKind::ReadHeavy,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            ExperimentKind::QueryStaleness => "query-staleness",
            ExperimentKind::BypassStaleness => "bypass-staleness",
            ExperimentKind::NegativeCache => "negative-cache",
            ExperimentKind::TtlExpiry => "ttl-expiry",
            ExperimentKind::StrongRead => "strong-read",
            ExperimentKind::ReadHeavy => "read-heavy",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ExperimentKind::QueryStaleness => "Query cache staleness after a write",
            ExperimentKind::BypassStaleness => "Staleness after a write that bypassed DAX",
            ExperimentKind::NegativeCache => "Negative caching",
            ExperimentKind::TtlExpiry => "TTL expiry",
            ExperimentKind::StrongRead => "A strongly consistent read passes through",
            ExperimentKind::ReadHeavy => "Read-heavy workload: the speed-up",
        }
    }

    /// What the experiment does, in a sentence.
    pub fn blurb(self) -> &'static str {
        match self {
            ExperimentKind::QueryStaleness => {
                "Query a partition through DAX, update an item in it through DAX, query again."
            }
            ExperimentKind::BypassStaleness => {
                "Cache an item in DAX, update it straight in DynamoDB, read it through DAX."
            }
            ExperimentKind::NegativeCache => {
                "Read an item that does not exist through DAX, create it around DAX, read again."
            }
            ExperimentKind::TtlExpiry => {
                "With a 5 s item TTL, cache an item, change it around DAX, and wait out the TTL."
            }
            ExperimentKind::StrongRead => {
                "Make DAX's copy stale, then read with ConsistentRead: true through DAX."
            }
            ExperimentKind::ReadHeavy => {
                "The same 5,000 requests (95% reads, popular keys) straight to DynamoDB and through DAX."
            }
        }
    }

    /// What an experiment in which every step behaved as predicted shows.
    pub fn conclusion(self) -> &'static str {
        match self {
            ExperimentKind::QueryStaleness => {
                "Stale result: the second Query came from the query cache with the old price, \
                 while GetItem through DAX already had the new one. Writes refresh the item \
                 cache but never invalidate the query cache; the old result stays until its \
                 TTL (5 minutes) runs out."
            }
            ExperimentKind::BypassStaleness => {
                "Stale result: DAX kept serving the item it had cached, because the update went \
                 straight to DynamoDB and DAX never saw it. It stays stale until the entry's TTL \
                 runs out or a write goes through DAX."
            }
            ExperimentKind::NegativeCache => {
                "Stale result: DAX cached the fact that the item did not exist (a negative \
                 entry) and kept answering \"no item\" from memory after it was created around \
                 DAX."
            }
            ExperimentKind::TtlExpiry => {
                "Stale until the TTL ran out: once the entry was 5 s old it expired, the next \
                 read missed and fetched the current item from DynamoDB."
            }
            ExperimentKind::StrongRead => {
                "The strongly consistent read passed through to DynamoDB and got the current \
                 item; it was not cached, so eventually consistent reads through DAX stayed \
                 stale."
            }
            ExperimentKind::ReadHeavy => {
                "Faster through DAX: most reads were hits, answered from memory in microseconds \
                 instead of DynamoDB's milliseconds."
            }
        }
    }

    /// Whether the script waits for simulated time to pass.
    pub fn waits(self) -> bool {
        self != ExperimentKind::ReadHeavy
    }

    /// The script, writing under partition key `pk`.
    pub fn steps(self, pk: &str) -> Vec<Step> {
        use Via::{Dax, Direct};
        let hit = Expect::path(Path::Hit);
        let miss = Expect::path(Path::Miss);
        let written = Expect::path(Path::WriteThrough);
        let ttls = |record_millis, note| Step {
            wait: NOW,
            note,
            action: StepAction::Ttls {
                record_millis,
                query_millis: DEFAULT_TTL_MILLIS,
            },
            expect: Expect::default(),
        };
        match self {
            ExperimentKind::QueryStaleness => vec![
                ttls(
                    DEFAULT_TTL_MILLIS,
                    "Both TTLs at DAX's default of 5 minutes.",
                ),
                send(
                    NOW,
                    Dax,
                    "PutItem",
                    lab::put(pk, "apple", "price", 1),
                    written,
                    "Write apple (price 1) through DAX.",
                ),
                send(
                    NOW,
                    Dax,
                    "PutItem",
                    lab::put(pk, "pear", "price", 2),
                    written,
                    "Write pear (price 2) through DAX.",
                ),
                send(
                    SETTLE,
                    Dax,
                    "Query",
                    lab::query(pk),
                    miss.fresh(),
                    "Query the partition: a query cache miss, so DAX asks DynamoDB and caches the result.",
                ),
                send(
                    SETTLE,
                    Dax,
                    "UpdateItem",
                    lab::set(pk, "apple", "price", 5),
                    written,
                    "Update apple to price 5 through DAX: DynamoDB first, then the item cache.",
                ),
                send(
                    SETTLE,
                    Dax,
                    "Query",
                    lab::query(pk),
                    hit.stale(),
                    "The same Query again: answered from the query cache, which the write did not touch.",
                ),
                send(
                    NOW,
                    Dax,
                    "GetItem",
                    lab::get(pk, "apple", false),
                    Expect::default().fresh(),
                    "GetItem apple through DAX: the item cache has the written-through price.",
                ),
            ],
            ExperimentKind::BypassStaleness => vec![
                ttls(
                    DEFAULT_TTL_MILLIS,
                    "Both TTLs at DAX's default of 5 minutes.",
                ),
                send(
                    NOW,
                    Dax,
                    "PutItem",
                    lab::put(pk, "book", "price", 10),
                    written,
                    "Write book (price 10) through DAX: it lands in the item cache too.",
                ),
                send(
                    SETTLE,
                    Dax,
                    "GetItem",
                    lab::get(pk, "book", false),
                    hit.fresh(),
                    "Read it through DAX: an item cache hit, and correct.",
                ),
                send(
                    NOW,
                    Direct,
                    "UpdateItem",
                    lab::set(pk, "book", "price", 12),
                    Expect::default(),
                    "Update book to price 12 straight in DynamoDB, around DAX.",
                ),
                send(
                    SETTLE,
                    Dax,
                    "GetItem",
                    lab::get(pk, "book", false),
                    hit.stale(),
                    "Read it through DAX again: still the cached price.",
                ),
                send(
                    NOW,
                    Direct,
                    "GetItem",
                    lab::get(pk, "book", false),
                    Expect::default(),
                    "Read it straight from DynamoDB: the new price.",
                ),
            ],
            ExperimentKind::NegativeCache => vec![
                ttls(
                    DEFAULT_TTL_MILLIS,
                    "Both TTLs at DAX's default of 5 minutes.",
                ),
                send(
                    NOW,
                    Dax,
                    "GetItem",
                    lab::get(pk, "ghost", false),
                    miss.negative(),
                    "Read ghost, which does not exist, through DAX: a miss, cached as a negative entry.",
                ),
                send(
                    SETTLE,
                    Dax,
                    "GetItem",
                    lab::get(pk, "ghost", false),
                    hit.negative().fresh(),
                    "Read it again: a hit on the negative entry, answered without asking DynamoDB.",
                ),
                send(
                    NOW,
                    Direct,
                    "PutItem",
                    lab::put(pk, "ghost", "seen", 1),
                    Expect::default(),
                    "Create ghost straight in DynamoDB, around DAX.",
                ),
                send(
                    SETTLE,
                    Dax,
                    "GetItem",
                    lab::get(pk, "ghost", false),
                    hit.negative().stale(),
                    "Read it through DAX: the negative entry still says there is no such item.",
                ),
                send(
                    NOW,
                    Direct,
                    "GetItem",
                    lab::get(pk, "ghost", false),
                    Expect::default(),
                    "Read it straight from DynamoDB: it is there.",
                ),
            ],
            ExperimentKind::TtlExpiry => vec![
                ttls(
                    SHORT_TTL_MILLIS,
                    "Item cache TTL set to 5 s (record-ttl-millis = 5000).",
                ),
                send(
                    NOW,
                    Direct,
                    "PutItem",
                    lab::put(pk, "clock", "version", 1),
                    Expect::default(),
                    "Write clock (version 1) straight to DynamoDB.",
                ),
                send(
                    NOW,
                    Dax,
                    "GetItem",
                    lab::get(pk, "clock", false),
                    miss.fresh(),
                    "Read it through DAX: a miss, now cached for 5 s.",
                ),
                send(
                    NOW,
                    Direct,
                    "UpdateItem",
                    lab::set(pk, "clock", "version", 2),
                    Expect::default(),
                    "Update it to version 2 around DAX.",
                ),
                send(
                    SETTLE,
                    Dax,
                    "GetItem",
                    lab::get(pk, "clock", false),
                    hit.stale(),
                    "Read through DAX: a hit, stale. Watch the entry's TTL drain in the cache table.",
                ),
                send(
                    SimDuration::from_secs(5),
                    Dax,
                    "GetItem",
                    lab::get(pk, "clock", false),
                    miss.fresh(),
                    "5 s later the entry has expired: a miss, and the current version from DynamoDB.",
                ),
                ttls(
                    DEFAULT_TTL_MILLIS,
                    "Item cache TTL back to the default 5 minutes.",
                ),
            ],
            ExperimentKind::StrongRead => vec![
                ttls(
                    DEFAULT_TTL_MILLIS,
                    "Both TTLs at DAX's default of 5 minutes.",
                ),
                send(
                    NOW,
                    Dax,
                    "PutItem",
                    lab::put(pk, "lamp", "price", 30),
                    written,
                    "Write lamp (price 30) through DAX.",
                ),
                send(
                    SETTLE,
                    Direct,
                    "UpdateItem",
                    lab::set(pk, "lamp", "price", 35),
                    Expect::default(),
                    "Update it to price 35 straight in DynamoDB.",
                ),
                send(
                    NOW,
                    Dax,
                    "GetItem",
                    lab::get(pk, "lamp", false),
                    hit.stale(),
                    "An eventually consistent read through DAX: a hit, stale.",
                ),
                send(
                    NOW,
                    Dax,
                    "GetItem",
                    lab::get(pk, "lamp", true),
                    Expect::path(Path::PassThrough).fresh(),
                    "The same read with ConsistentRead: true: DAX passes it through to DynamoDB.",
                ),
                send(
                    SETTLE,
                    Dax,
                    "GetItem",
                    lab::get(pk, "lamp", false),
                    hit.stale(),
                    "Eventually consistent again: the strong read did not refresh the cache.",
                ),
            ],
            ExperimentKind::ReadHeavy => vec![Step {
                wait: NOW,
                note: "5,000 requests over 200 items, 95% GetItem with Zipf-popular keys, 5% \
                       UpdateItem; run once straight to DynamoDB and once through a 3-node cluster.",
                action: StepAction::Benchmark,
                expect: Expect::default(),
            }],
        }
    }
}

fn send(
    wait: SimDuration,
    via: Via,
    operation: &'static str,
    request: Value,
    expect: Expect,
    note: &'static str,
) -> Step {
    Step {
        wait,
        note,
        action: StepAction::Send {
            via,
            operation,
            request,
        },
        expect,
    }
}

/// One step of an experiment.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Simulated time to let pass after the previous step.
    pub wait: SimDuration,
    pub note: &'static str,
    pub action: StepAction,
    pub expect: Expect,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StepAction {
    Send {
        via: Via,
        operation: &'static str,
        request: Value,
    },
    /// Sets the lab cluster's item (record) and query cache TTLs.
    Ttls {
        record_millis: u64,
        query_millis: u64,
    },
    /// Runs the engine's read-heavy benchmark, direct against through DAX.
    Benchmark,
}

/// Which door an experiment's request uses: the lab cluster or DynamoDB itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Dax,
    Direct,
}

/// The path a request through DAX took, as an experiment predicts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    Hit,
    Miss,
    PassThrough,
    WriteThrough,
}

impl Path {
    pub fn of(route: Route) -> Option<Path> {
        match route {
            Route::CacheHit => Some(Path::Hit),
            Route::CacheMiss => Some(Path::Miss),
            Route::PassThrough(PassThrough::StronglyConsistentRead | PassThrough::Transaction) => {
                Some(Path::PassThrough)
            }
            Route::PassThrough(PassThrough::NotCacheable) => Some(Path::PassThrough),
            Route::WriteThrough => Some(Path::WriteThrough),
            Route::Rejected | Route::Unavailable => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Path::Hit => "a cache hit",
            Path::Miss => "a cache miss",
            Path::PassThrough => "a pass-through to DynamoDB",
            Path::WriteThrough => "a write-through",
        }
    }
}

/// What a step predicts about DAX's record of its request; `None` predicts nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Expect {
    pub path: Option<Path>,
    pub stale: Option<bool>,
    pub negative: Option<bool>,
}

impl Expect {
    fn path(path: Path) -> Expect {
        Expect {
            path: Some(path),
            ..Expect::default()
        }
    }

    fn stale(self) -> Expect {
        Expect {
            stale: Some(true),
            ..self
        }
    }

    fn fresh(self) -> Expect {
        Expect {
            stale: Some(false),
            ..self
        }
    }

    fn negative(self) -> Expect {
        Expect {
            negative: Some(true),
            ..self
        }
    }

    /// Checks DAX's record of a request (`None` for a request sent straight to DynamoDB)
    /// against the prediction; the error says what differed.
    pub fn check(&self, record: Option<&DaxRequest>) -> Result<(), String> {
        let Some(record) = record else {
            return match (self.path, self.stale, self.negative) {
                (None, None, None) => Ok(()),
                _ => Err("expected DAX's record of the request, but it has none".into()),
            };
        };
        if let Some(path) = self.path {
            let took = Path::of(record.route);
            if took != Some(path) {
                let took = took.map_or("refused", Path::name);
                return Err(format!("expected {}, but it was {took}", path.name()));
            }
        }
        if let Some(stale) = self.stale
            && record.stale != stale
        {
            return Err(if stale {
                "expected a stale answer, but it matched the table".into()
            } else {
                "expected an up-to-date answer, but it was stale".into()
            });
        }
        if let Some(negative) = self.negative {
            let was = record.touches.first().is_some_and(|t| t.negative);
            if was != negative {
                return Err(if negative {
                    "expected a negative cache entry".into()
                } else {
                    "expected a cached item, not a negative entry".into()
                });
            }
        }
        Ok(())
    }
}

/// What one executed step did.
#[derive(Debug, Clone, PartialEq)]
pub struct StepLine {
    pub at: SimTime,
    pub note: &'static str,
    /// `DAX`, `DynamoDB` or `settings`.
    pub door: &'static str,
    pub operation: String,
    /// What happened, in DAX's words when it went through DAX.
    pub what: String,
    /// The data the answer held, in short.
    pub answer: String,
    pub stale: bool,
    /// Whether the step behaved as the experiment predicts.
    pub met: Result<(), String>,
    /// The request's number in the cluster, to show its path.
    pub request_id: Option<u64>,
}

/// An experiment's conclusion.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub ok: bool,
    pub text: String,
}

/// One run of an experiment: its script, what has run so far, and when the next step is.
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentRun {
    pub kind: ExperimentKind,
    /// The run's number, also its partition key (`run-<number>`).
    pub number: u64,
    pub steps: Vec<Step>,
    /// What setting up the lab made, if anything.
    pub setup: Vec<String>,
    pub lines: Vec<StepLine>,
    /// When the next step is due.
    pub next_at: SimTime,
    pub verdict: Option<Verdict>,
    /// The run pressed play itself, so it pauses when it is done.
    pub started_playing: bool,
}

impl ExperimentRun {
    pub fn new(kind: ExperimentKind, number: u64, now: SimTime) -> ExperimentRun {
        let steps = kind.steps(&Self::partition_of(number));
        let next_at = now + steps.first().map_or(SimDuration::ZERO, |s| s.wait);
        ExperimentRun {
            kind,
            number,
            steps,
            setup: Vec::new(),
            lines: Vec::new(),
            next_at,
            verdict: None,
            started_playing: false,
        }
    }

    fn partition_of(number: u64) -> String {
        format!("run-{number}")
    }

    pub fn partition(&self) -> String {
        Self::partition_of(self.number)
    }

    /// The step to run next, if one is due at `now`.
    pub fn due(&self, now: SimTime) -> Option<&Step> {
        if self.verdict.is_some() || self.next_at > now {
            return None;
        }
        self.steps.get(self.lines.len())
    }

    pub fn is_running(&self) -> bool {
        self.verdict.is_none()
    }

    /// Records a step that ran at `now`, schedules the next and, after the last, decides.
    pub fn record(&mut self, line: StepLine, now: SimTime) {
        self.lines.push(line);
        match self.steps.get(self.lines.len()) {
            Some(next) => self.next_at = now + next.wait,
            None => self.verdict = Some(self.decide()),
        }
    }

    /// Stops the run with `problem` (the lab could not be set up).
    pub fn abort(&mut self, problem: String) {
        self.verdict = Some(Verdict {
            ok: false,
            text: problem,
        });
    }

    fn decide(&self) -> Verdict {
        let failed = self
            .lines
            .iter()
            .enumerate()
            .find_map(|(n, line)| line.met.as_ref().err().map(|why| (n + 1, why)));
        match failed {
            None => Verdict {
                ok: true,
                text: self.kind.conclusion().to_string(),
            },
            Some((step, why)) => Verdict {
                ok: false,
                text: format!(
                    "Step {step} did not behave as the rule predicts: {why}. Run it again to \
                     see whether it was a matter of timing."
                ),
            },
        }
    }

    /// Simulated time until the next step, while waiting for one.
    pub fn next_in(&self, now: SimTime) -> Option<SimDuration> {
        self.is_running()
            .then(|| self.next_at.saturating_duration_since(now))
    }
}

/// The data an answer held, in short: `price 1`, `no item`, `2 items: apple price 1, ...`.
pub fn answer_summary(response: &Value) -> String {
    if let Some(items) = response.get("Items").and_then(Value::as_array) {
        let shown: Vec<String> = items.iter().take(4).map(item_summary).collect();
        let more = items.len().saturating_sub(shown.len());
        let noun = if items.len() == 1 { "item" } else { "items" };
        let mut text = format!("{} {noun}", items.len());
        if !shown.is_empty() {
            text.push_str(": ");
            text.push_str(&shown.join("; "));
        }
        if more > 0 {
            text.push_str(&format!("; +{more} more"));
        }
        return text;
    }
    match response.get("Item") {
        Some(item) => item_summary(item),
        None if response.get("Responses").is_some() => "responses".to_string(),
        None if response.as_object().is_some_and(|m| m.is_empty()) => "no item".to_string(),
        None => String::new(),
    }
}

/// An item without its partition key: `apple price 1` (the sort key first).
pub fn item_summary(item: &Value) -> String {
    let Some(members) = item.as_object() else {
        return truncate(&item.to_string(), 60);
    };
    let mut parts = Vec::new();
    if let Some(sk) = members.get("sk") {
        parts.push(cell(sk).text);
    }
    for (name, value) in members {
        if name != "pk" && name != "sk" {
            parts.push(format!("{name} {}", cell(value).text));
        }
    }
    if parts.is_empty() {
        return "(keys only)".to_string();
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynaplay_world::dynamo::dax::{CacheKind, CacheTouch, Touch};
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn record(route: Route, stale: bool, negative: bool) -> DaxRequest {
        DaxRequest {
            id: 1,
            at: SimTime::ZERO,
            operation: "GetItem".into(),
            node: Some("lab-a".into()),
            primary: true,
            route,
            touches: vec![CacheTouch {
                cache: CacheKind::Item,
                table: "t".into(),
                key: "{}".into(),
                touch: Touch::Hit,
                negative,
                age: None,
                stale,
                stored: false,
            }],
            dynamodb: false,
            stale,
            latency: SimDuration::ZERO,
            error: None,
        }
    }

    #[wasm_bindgen_test]
    fn predictions_are_checked_against_daxs_record() {
        let stale_hit = Expect::path(Path::Hit).stale();
        assert_eq!(
            stale_hit.check(Some(&record(Route::CacheHit, true, false))),
            Ok(())
        );
        assert_eq!(
            stale_hit.check(Some(&record(Route::CacheHit, false, false))),
            Err("expected a stale answer, but it matched the table".into())
        );
        assert_eq!(
            stale_hit.check(Some(&record(Route::CacheMiss, true, false))),
            Err("expected a cache hit, but it was a cache miss".into())
        );
        let negative = Expect::path(Path::Hit).negative();
        assert!(
            negative
                .check(Some(&record(Route::CacheHit, false, false)))
                .is_err()
        );
        assert!(
            negative
                .check(Some(&record(Route::CacheHit, false, true)))
                .is_ok()
        );
        assert!(Expect::default().check(None).is_ok());
        assert!(stale_hit.check(None).is_err());
    }

    #[wasm_bindgen_test]
    fn a_run_waits_for_its_steps_and_names_the_step_that_misbehaved() {
        let start = SimTime::from_secs(10);
        let mut run = ExperimentRun::new(ExperimentKind::BypassStaleness, 4, start);
        assert_eq!(run.partition(), "run-4");
        let line = |met: Result<(), String>| StepLine {
            at: start,
            note: "",
            door: "DAX",
            operation: "GetItem".into(),
            what: String::new(),
            answer: String::new(),
            stale: false,
            met,
            request_id: None,
        };
        // The first two steps are due at once; the third waits a second.
        assert!(run.due(start).is_some());
        run.record(line(Ok(())), start);
        assert!(run.due(start).is_some());
        run.record(line(Ok(())), start);
        assert!(run.due(start).is_none());
        assert_eq!(run.next_in(start), Some(SimDuration::from_secs(1)));
        let later = start + SimDuration::from_secs(1);
        assert!(run.due(later).is_some());
        run.record(
            line(Err("expected a cache hit, but it was a cache miss".into())),
            later,
        );
        while run.is_running() {
            let at = run.next_at;
            assert!(run.due(at).is_some());
            run.record(line(Ok(())), at);
        }
        assert_eq!(run.lines.len(), run.steps.len());
        let verdict = run.verdict.clone().unwrap();
        assert!(!verdict.ok);
        assert!(
            verdict.text.starts_with("Step 3 did not behave"),
            "{}",
            verdict.text
        );
    }

    #[wasm_bindgen_test]
    fn every_experiment_has_a_script_and_only_the_benchmark_runs_at_once() {
        for kind in ExperimentKind::ALL {
            assert!(!kind.steps("run-1").is_empty(), "{kind:?}");
            let waits = kind
                .steps("run-1")
                .iter()
                .any(|s| s.wait > SimDuration::ZERO);
            assert_eq!(waits, kind.waits(), "{kind:?}");
        }
    }

    #[wasm_bindgen_test]
    fn answers_in_short() {
        assert_eq!(answer_summary(&json!({})), "no item");
        assert_eq!(
            answer_summary(
                &json!({"Item": {"pk": {"S": "run-1"}, "sk": {"S": "apple"}, "price": {"N": "1"}}})
            ),
            "apple price 1"
        );
        assert_eq!(
            answer_summary(&json!({"Items": [
                {"pk": {"S": "r"}, "sk": {"S": "apple"}, "price": {"N": "1"}},
                {"pk": {"S": "r"}, "sk": {"S": "pear"}, "price": {"N": "2"}}
            ], "Count": 2})),
            "2 items: apple price 1; pear price 2"
        );
    }
}
