//! The model's own steps, newest first: splits, leaders lost and elected, replicas down,
//! replaced and rebuilt, faults injected and healed.
//!
//! Requests and log applications are left out — they happen thousands of times a second
//! under load and have the gauges and the Consistency view. The feed keeps what it found
//! and reads only the events since it last looked (at most the most recent stretch of the
//! world's event ring), so it costs the same on every refresh however long the simulation
//! has run, and an election stays listed however much traffic follows it.

use std::collections::VecDeque;

use dynaplay_world::World;
use dynaplay_world::dynamo::physical::events::{Event, EventKind};
use yew::prelude::*;

use super::format::at;
use super::gauges::reason_word;

/// Events looked at when the feed starts on a table.
const WINDOW: u64 = 5_000;
/// Entries shown.
const SHOWN: usize = 12;

#[derive(Debug, Clone, PartialEq)]
pub struct FeedEntry {
    pub seq: u64,
    pub at: String,
    pub text: String,
    /// `fault`, `election`, `split` or `info`, for colour.
    pub tone: &'static str,
}

/// The words for one event of `table`, or `None` if the feed leaves it out.
pub fn describe(event: &Event, table: &str) -> Option<(String, &'static str)> {
    let ours = |t: &str| t == table;
    Some(match &event.kind {
        EventKind::SplitStarted {
            table: t,
            partition,
            reason,
            ..
        } if ours(t) => (
            format!("p{partition} started splitting ({})", reason_word(*reason)),
            "split",
        ),
        EventKind::SplitFinished {
            table: t,
            parent,
            children,
        } if ours(t) => (
            format!("p{parent} split into p{} and p{}", children[0], children[1]),
            "split",
        ),
        EventKind::LeaderLost {
            table: t,
            partition,
            replica,
        } if ours(t) => (
            format!("p{partition} lost its leader r{replica}; the others wait out its lease"),
            "fault",
        ),
        EventKind::LeaderElected {
            table: t,
            partition,
            replica,
            term,
        } if ours(t) => (
            format!("p{partition} elected r{replica} leader (term {term})"),
            "election",
        ),
        EventKind::ReplicaDown {
            table: t,
            partition,
            replica,
        } if ours(t) => (format!("p{partition}: replica r{replica} is down"), "fault"),
        EventKind::ReplicaUp {
            table: t,
            partition,
            replica,
        } if ours(t) => (
            format!("p{partition}: replica r{replica} is back"),
            "election",
        ),
        EventKind::LogReplicaAdded {
            table: t,
            partition,
            replica,
            zone,
            ..
        } if ours(t) => (
            format!("p{partition}: a log replica stands in as r{replica} in {zone}"),
            "info",
        ),
        EventKind::ReplicaRebuilt {
            table: t,
            partition,
            replica,
        } if ours(t) => (
            format!("p{partition}: r{replica} rebuilt into a full replica"),
            "election",
        ),
        EventKind::ThroughputChanged {
            table: t,
            read,
            write,
            partitions,
        } if ours(t) => (
            format!("throughput now {read} RCU / {write} WCU on {partitions} partitions"),
            "info",
        ),
        EventKind::TableModelled {
            table: t,
            partitions,
        } if ours(t) => (format!("{t} laid out on {partitions} partitions"), "info"),
        EventKind::FaultInjected { target, fault } => {
            (format!("fault injected: {fault} on {target}"), "fault")
        }
        EventKind::FaultHealed { target } => (format!("fault healed on {target}"), "election"),
        _ => return None,
    })
}

/// The model events found so far for one table, and how far the feed has read.
#[derive(Debug, Default)]
pub struct FeedCache {
    table: String,
    /// The last event sequence number read.
    read: u64,
    /// Oldest first.
    entries: VecDeque<FeedEntry>,
}

impl FeedCache {
    /// Reads the events since the last look (starting afresh for another table) and
    /// returns the newest entries, newest first.
    pub fn recent(&mut self, world: &World, table: &str) -> Vec<FeedEntry> {
        let last = world.dynamo_service().events().last_seq();
        if self.table != table || self.read > last {
            *self = FeedCache {
                table: table.to_string(),
                read: last.saturating_sub(WINDOW),
                entries: VecDeque::new(),
            };
        }
        for event in world.events_since(self.read) {
            if let Some((text, tone)) = describe(event, table) {
                self.entries.push_back(FeedEntry {
                    seq: event.seq,
                    at: at(event.at),
                    text,
                    tone,
                });
                if self.entries.len() > SHOWN {
                    self.entries.pop_front();
                }
            }
        }
        self.read = last;
        self.entries.iter().rev().cloned().collect()
    }
}

#[derive(Properties, PartialEq)]
pub struct FeedProps {
    /// Newest first.
    pub entries: Vec<FeedEntry>,
}

/// A component of its own: it re-renders only when an entry arrives.
#[function_component(FeedPanel)]
pub fn feed(props: &FeedProps) -> Html {
    let entries = &props.entries;
    html! {
        <section class="panel feed-panel" aria-labelledby="feed-title">
            <h2 id="feed-title">{"What the model did"}</h2>
            if entries.is_empty() {
                <p class="hint" data-testid="model-events">{"Nothing yet: splits, elections and faults appear here."}</p>
            } else {
                <ol class="model-events" data-testid="model-events" aria-live="polite">
                    { for entries.iter().map(|e| html! {
                        <li key={e.seq} class={e.tone}>
                            <time>{e.at.clone()}</time>
                            <span>{e.text.clone()}</span>
                        </li>
                    }) }
                </ol>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynaplay_world::SimTime;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn event(kind: EventKind) -> Event {
        Event {
            seq: 1,
            at: SimTime::ZERO,
            kind,
        }
    }

    #[wasm_bindgen_test]
    fn the_feed_keeps_what_it_found_and_reads_only_new_events() {
        use dynaplay_sim::FaultKind;
        let world = std::cell::RefCell::new(World::new(2));
        super::super::demo::create(&world).unwrap();
        let mut cache = FeedCache::default();
        let first = cache.recent(&world.borrow(), "Demo");
        assert_eq!(first.len(), 1, "{first:?}");
        assert_eq!(first[0].text, "Demo laid out on 4 partitions");
        world
            .borrow_mut()
            .inject_fault("leader:Demo/p1", FaultKind::Crash)
            .unwrap();
        let found = cache.recent(&world.borrow(), "Demo");
        assert!(
            found[0]
                .text
                .starts_with("fault injected: crash on leader:Demo/p1"),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|e| e.text.starts_with("p1 lost its leader")),
            "{found:?}"
        );
        // Far more events than the window later, the fault is still listed.
        for n in 0..6_000 {
            let key =
                serde_json::json!({"TableName": "Demo", "Key": {"pk": {"S": format!("key-{n}")}}});
            crate::requests::execute(&world, "GetItem", &key).unwrap();
        }
        let later = cache.recent(&world.borrow(), "Demo");
        assert!(
            later.iter().any(|e| e.text.starts_with("fault injected")),
            "{later:?}"
        );
        assert!(
            FeedCache::default()
                .recent(&world.borrow(), "Demo")
                .iter()
                .all(|e| !e.text.starts_with("fault"))
        );
    }

    #[wasm_bindgen_test]
    fn the_feed_speaks_of_this_table_and_every_fault() {
        let elected = event(EventKind::LeaderElected {
            table: "Demo".into(),
            partition: 2,
            replica: 1,
            term: 3,
        });
        assert_eq!(
            describe(&elected, "Demo"),
            Some(("p2 elected r1 leader (term 3)".into(), "election"))
        );
        assert_eq!(describe(&elected, "Other"), None);
        let fault = event(EventKind::FaultInjected {
            target: "az:us-east-1a".into(),
            fault: "zone-outage".into(),
        });
        assert!(describe(&fault, "Other").is_some());
        let applied = event(EventKind::LogApplied {
            table: "Demo".into(),
            partition: 0,
            replica: 1,
            lsn: 4,
        });
        assert_eq!(
            describe(&applied, "Demo"),
            None,
            "too frequent for the feed"
        );
    }
}
