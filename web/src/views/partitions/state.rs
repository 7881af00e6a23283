//! The Partitions view's state and the commands it sends the world.
//!
//! What the view *shows* — partitions, gauges, replicas, item marks — is read from the
//! world's snapshot on every revision and is never copied here. What lives here is only
//! what the learner chose: which table to look at, which item, partition or replica is
//! selected, and what came of the last command. Commands (inject or heal a fault, start or
//! stop generated traffic, switch the realistic behaviours, load the demo table) change
//! the world through its own API; [`PartitionsState::apply`] reports what it touched so
//! the reducer can tell the other views.

use std::cell::RefCell;

use dynaplay_sim::FaultKind;
use dynaplay_world::{Realism, TrafficSpec, World};

use super::demo;

/// What a command changed, for the reducer's revision counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Touched {
    /// The world moved (a fault, a generator, a setting): redraw.
    pub world: bool,
    /// Stored items changed: views that read tables with requests read them again.
    pub data: bool,
}

impl Touched {
    pub const NOTHING: Touched = Touched {
        world: false,
        data: false,
    };
    pub const WORLD: Touched = Touched {
        world: true,
        data: false,
    };
    pub const DATA: Touched = Touched {
        world: true,
        data: true,
    };
}

/// The thing the details panel describes.
#[derive(Debug, Clone, PartialEq)]
pub enum Selected {
    /// An item mark on the key-space canvas.
    Item {
        key: String,
        hash: String,
        partition: u32,
        position: f64,
    },
    Partition(u32),
    Replica {
        partition: u32,
        slot: usize,
    },
}

impl Selected {
    /// The partition the selection belongs to.
    pub fn partition(&self) -> u32 {
        match self {
            Selected::Item { partition, .. }
            | Selected::Partition(partition)
            | Selected::Replica { partition, .. } => *partition,
        }
    }
}

/// What came of the last command, shown under the controls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub ok: bool,
    pub text: String,
}

impl Notice {
    fn ok(text: impl Into<String>) -> Option<Notice> {
        Some(Notice {
            ok: true,
            text: text.into(),
        })
    }

    fn failed(text: impl Into<String>) -> Option<Notice> {
        Some(Notice {
            ok: false,
            text: text.into(),
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartitionsState {
    /// The table on screen; `None` shows the first table there is.
    pub table: Option<String>,
    pub selected: Option<Selected>,
    pub notice: Option<Notice>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PartitionsAction {
    SelectTable(String),
    Select(Option<Selected>),
    /// Creates a provisioned table and loads 10,000 items into it.
    CreateDemoTable,
    /// Injects `kind` on a target such as `replica:Demo/p0/r1`, `leader:Demo/p0` or
    /// `az:us-east-1a`.
    InjectFault {
        target: String,
        kind: FaultKind,
    },
    HealFault(String),
    StartTraffic(TrafficSpec),
    StopTraffic,
    SetRealism(Realism),
    DismissNotice,
}

/// The text of a fault command, as the event log and the active-fault list word it.
pub fn fault_words(kind: FaultKind) -> String {
    match kind {
        FaultKind::Crash => "crash".into(),
        FaultKind::Partition => "cut off from its peers".into(),
        FaultKind::Slow { factor } => format!("slowed {factor}×"),
        FaultKind::ZoneOutage => "zone outage".into(),
        FaultKind::Kill => "killed".into(),
    }
}

impl PartitionsState {
    /// The table to show among `tables` (in name order): the chosen one while it exists,
    /// else the first.
    pub fn table_among<'a>(&'a self, tables: &'a [String]) -> Option<&'a str> {
        self.table
            .as_deref()
            .filter(|chosen| tables.iter().any(|t| t == chosen))
            .or_else(|| tables.first().map(String::as_str))
    }

    /// Runs `action` against `world`.
    pub fn apply(&mut self, world: &RefCell<World>, action: PartitionsAction) -> Touched {
        match action {
            PartitionsAction::SelectTable(name) => {
                self.table = Some(name);
                self.selected = None;
                Touched::NOTHING
            }
            PartitionsAction::Select(selected) => {
                self.selected = selected;
                Touched::NOTHING
            }
            PartitionsAction::DismissNotice => {
                self.notice = None;
                Touched::NOTHING
            }
            PartitionsAction::CreateDemoTable => match demo::create(world) {
                Ok(name) => {
                    self.notice = Notice::ok(format!(
                        "Created {name} and loaded {} items into it.",
                        demo::ITEMS
                    ));
                    self.table = Some(name);
                    self.selected = None;
                    Touched::DATA
                }
                Err(failure) => {
                    self.notice = Notice::failed(failure.message);
                    if failure.created {
                        Touched::DATA
                    } else {
                        Touched::NOTHING
                    }
                }
            },
            PartitionsAction::InjectFault { target, kind } => {
                let Ok(mut world) = world.try_borrow_mut() else {
                    return self.busy();
                };
                self.notice = match world.inject_fault(&target, kind) {
                    Ok(()) => Notice::ok(format!("Injected {} on {target}.", fault_words(kind))),
                    Err(message) => Notice::failed(message),
                };
                Touched::WORLD
            }
            PartitionsAction::HealFault(target) => {
                let Ok(mut world) = world.try_borrow_mut() else {
                    return self.busy();
                };
                self.notice = if world.heal_fault(&target) {
                    Notice::ok(format!("Healed {target}."))
                } else {
                    Notice::failed(format!("There is no fault on {target} to heal."))
                };
                Touched::WORLD
            }
            PartitionsAction::StartTraffic(spec) => {
                let Ok(mut world) = world.try_borrow_mut() else {
                    return self.busy();
                };
                let what = format!("{} requests/s on {}", spec.rate, spec.table);
                self.notice = match world.start_traffic(spec) {
                    Ok(()) => Notice::ok(format!(
                        "Generating {what}. Press play: requests arrive on simulated time."
                    )),
                    Err(error) => Notice::failed(format!("The generator did not start: {error}.")),
                };
                Touched::WORLD
            }
            PartitionsAction::StopTraffic => {
                let Ok(mut world) = world.try_borrow_mut() else {
                    return self.busy();
                };
                self.notice = world.stop_traffic().map_or_else(
                    || Notice::failed("No traffic is being generated."),
                    |stats| {
                        Notice::ok(format!(
                            "Stopped the generator after {} requests.",
                            stats.issued
                        ))
                    },
                );
                Touched::WORLD
            }
            PartitionsAction::SetRealism(realism) => {
                let Ok(mut world) = world.try_borrow_mut() else {
                    return self.busy();
                };
                world.set_realism(realism);
                Touched::WORLD
            }
        }
    }

    /// The world is borrowed elsewhere (it never is between events; this keeps a
    /// surprise from becoming a panic).
    fn busy(&mut self) -> Touched {
        self.notice = Notice::failed("The world is busy; try again.");
        Touched::NOTHING
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynaplay_world::KeySkew;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn world() -> RefCell<World> {
        RefCell::new(World::new(3))
    }

    #[wasm_bindgen_test]
    fn faults_go_to_the_world_and_bad_targets_are_reported() {
        let world = world();
        let mut state = PartitionsState::default();
        assert_eq!(
            state.apply(&world, PartitionsAction::CreateDemoTable),
            Touched::DATA
        );
        assert_eq!(state.table.as_deref(), Some("Demo"));
        let touched = state.apply(
            &world,
            PartitionsAction::InjectFault {
                target: "leader:Demo/p0".into(),
                kind: FaultKind::Crash,
            },
        );
        assert_eq!(touched, Touched::WORLD);
        assert!(state.notice.as_ref().unwrap().ok, "{:?}", state.notice);
        let snapshot = world.borrow().snapshot();
        assert_eq!(snapshot.faults.len(), 1);
        assert_eq!(
            snapshot.tables[0].partitions[0].leader, None,
            "the leader is down"
        );

        state.apply(
            &world,
            PartitionsAction::InjectFault {
                target: "replica:Nope/p0/r0".into(),
                kind: FaultKind::Crash,
            },
        );
        let notice = state.notice.clone().unwrap();
        assert!(!notice.ok);
        assert!(notice.text.contains("no such table"), "{}", notice.text);

        state.apply(&world, PartitionsAction::HealFault("leader:Demo/p0".into()));
        assert!(world.borrow().snapshot().faults.is_empty());
        state.apply(&world, PartitionsAction::HealFault("leader:Demo/p0".into()));
        assert!(!state.notice.as_ref().unwrap().ok, "nothing left to heal");
    }

    #[wasm_bindgen_test]
    fn traffic_starts_on_simulated_time_and_stops() {
        let world = world();
        let mut state = PartitionsState::default();
        state.apply(&world, PartitionsAction::CreateDemoTable);
        let spec = TrafficSpec {
            table: "Demo".into(),
            rate: 1_000.0,
            skew: KeySkew::Zipf,
            keys: 100,
            ..TrafficSpec::default()
        };
        state.apply(&world, PartitionsAction::StartTraffic(spec));
        assert_eq!(
            world.borrow().traffic().unwrap().1.issued,
            0,
            "nothing before time moves"
        );
        world
            .borrow_mut()
            .advance(dynaplay_world::SimDuration::from_secs(1));
        let issued = world.borrow().traffic().unwrap().1.issued;
        assert!(issued > 500, "{issued}");
        state.apply(&world, PartitionsAction::StopTraffic);
        assert!(world.borrow().traffic().is_none());
        assert!(state.notice.unwrap().text.contains(&issued.to_string()));

        let mut state = PartitionsState::default();
        state.apply(
            &world,
            PartitionsAction::StartTraffic(TrafficSpec {
                table: "Missing".into(),
                ..TrafficSpec::default()
            }),
        );
        assert!(!state.notice.unwrap().ok);
    }

    #[wasm_bindgen_test]
    fn the_chosen_table_is_shown_while_it_exists() {
        let tables = vec!["A".to_string(), "B".to_string()];
        let mut state = PartitionsState::default();
        assert_eq!(state.table_among(&tables), Some("A"));
        state.table = Some("B".into());
        assert_eq!(state.table_among(&tables), Some("B"));
        state.table = Some("Gone".into());
        assert_eq!(state.table_among(&tables), Some("A"));
        assert_eq!(state.table_among(&[]), None);
    }

    #[wasm_bindgen_test]
    fn the_reducer_routes_both_views_actions_and_counts_what_they_touched() {
        use crate::state::{Action, Playground};
        use crate::theme::ThemePreference;
        use crate::view::View;
        use crate::views::consistency::state::ConsistencyAction;
        use std::rc::Rc;
        use yew::Reducible;

        let fresh = Rc::new(Playground::new(
            1,
            View::Partitions,
            ThemePreference::System,
            false,
        ));
        let made = fresh
            .clone()
            .reduce(Action::Partitions(PartitionsAction::CreateDemoTable));
        assert_eq!(
            made.data_revision,
            fresh.data_revision + 1,
            "the Tables view re-reads"
        );
        let crashed = made
            .clone()
            .reduce(Action::Partitions(PartitionsAction::InjectFault {
                target: "az:us-east-1a".into(),
                kind: FaultKind::ZoneOutage,
            }));
        assert_eq!(crashed.revision, made.revision + 1);
        assert_eq!(crashed.data_revision, made.data_revision, "no data changed");
        let selected = crashed
            .clone()
            .reduce(Action::Partitions(PartitionsAction::Select(Some(
                Selected::Partition(1),
            ))));
        assert_eq!(
            selected.revision, crashed.revision,
            "a selection is not a world change"
        );
        assert_eq!(selected.partitions.selected, Some(Selected::Partition(1)));

        let synced = selected
            .clone()
            .reduce(Action::Consistency(ConsistencyAction::Sync));
        assert!(!Rc::ptr_eq(&synced, &selected));
        assert!(synced.consistency.seen > 0);
        let again = synced
            .clone()
            .reduce(Action::Consistency(ConsistencyAction::Sync));
        assert!(
            Rc::ptr_eq(&again, &synced),
            "nothing new: the same state, no render"
        );
    }

    #[wasm_bindgen_test]
    fn realism_is_the_worlds() {
        let world = world();
        let mut state = PartitionsState::default();
        state.apply(&world, PartitionsAction::SetRealism(Realism::ALL));
        assert_eq!(world.borrow().realism(), Realism::ALL);
    }
}
