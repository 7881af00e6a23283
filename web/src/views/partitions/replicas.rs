//! Each partition's replication group, one Availability Zone per column, and the faults
//! a learner can inject into it.
//!
//! A row is a partition: its leader (or the election under way when it has none), its
//! term and the last log position a quorum acknowledged. Each cell holds the replicas in
//! that zone with their role and how far they have applied the log, so a follower's lag
//! is the gap between its applied position and the committed one. Selecting a replica
//! offers the faults the model knows — crash (and restart), cut off from its peers, slow
//! down — and each zone's column can lose the whole zone. Faults are commands to the
//! world; what follows (a lease running out, an election, a log replica standing in) is
//! the model's, and shows here as it happens.

use dynaplay_sim::FaultKind;
use dynaplay_world::SimTime;
use dynaplay_world::dynamo::physical::replica::{Health, ReplicaKind, Role, ZONES};
use dynaplay_world::dynamo::physical::snapshot::{
    PartitionSnapshot, ReplicaSnapshot, TableSnapshot,
};
use yew::prelude::*;

use super::format::{at, int};
use super::state::{PartitionsAction, Selected, fault_words};
use crate::state::{Action, Playground};

/// The slow-down the "slow" button injects.
pub const SLOW_FACTOR: f64 = 10.0;

/// A fault in force, as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultView {
    pub target: String,
    pub kind: FaultKind,
    pub since: SimTime,
}

impl FaultView {
    /// Whether this fault takes a whole zone down.
    pub fn downs_zone(&self, zone: &str) -> bool {
        self.target.strip_prefix("az:") == Some(zone)
            && matches!(
                self.kind,
                FaultKind::Crash | FaultKind::Kill | FaultKind::ZoneOutage
            )
    }
}

pub fn replica_target(table: &str, partition: u32, slot: usize) -> String {
    format!("replica:{table}/p{partition}/r{slot}")
}

pub fn leader_target(table: &str, partition: u32) -> String {
    format!("leader:{table}/p{partition}")
}

fn send(
    dispatcher: &UseReducerDispatcher<Playground>,
    action: PartitionsAction,
) -> Callback<MouseEvent> {
    let dispatcher = dispatcher.clone();
    Callback::from(move |_| dispatcher.dispatch(Action::Partitions(action.clone())))
}

pub fn health_word(health: Health) -> Option<String> {
    match health {
        Health::Healthy => None,
        Health::Crashed => Some("crashed".into()),
        Health::ZoneDown => Some("zone down".into()),
        Health::Isolated => Some("cut off".into()),
        Health::Slow { factor } => Some(format!("slow {factor}×")),
    }
}

fn health_class(health: Health) -> &'static str {
    match health {
        Health::Healthy => "healthy",
        Health::Crashed | Health::ZoneDown => "down",
        Health::Isolated => "isolated",
        Health::Slow { .. } => "slow",
    }
}

fn role_word(replica: &ReplicaSnapshot) -> &'static str {
    match (replica.role, replica.kind) {
        (Role::Leader, _) => "Leader",
        (Role::Follower, ReplicaKind::Log) => "Log replica",
        (Role::Follower, ReplicaKind::Full) => "Follower",
    }
}

fn chip(
    partition: &PartitionSnapshot,
    replica: &ReplicaSnapshot,
    selected: bool,
    dispatcher: &UseReducerDispatcher<Playground>,
) -> Html {
    let id = partition.id;
    let slot = replica.slot;
    let onclick = send(
        dispatcher,
        PartitionsAction::Select(Some(Selected::Replica {
            partition: id,
            slot,
        })),
    );
    let leader = replica.role == Role::Leader;
    let health = health_word(replica.health);
    let lag = if replica.kind == ReplicaKind::Log {
        format!("persisted {}", int(replica.persisted_lsn))
    } else if replica.lag == 0 {
        "up to date".to_string()
    } else {
        format!("{} behind", int(replica.lag))
    };
    let label = format!(
        "Replica r{slot} of p{id} in {}: {}, applied log position {}{}",
        replica.zone,
        role_word(replica),
        replica.applied_lsn,
        health
            .as_ref()
            .map(|h| format!(", {h}"))
            .unwrap_or_default()
    );
    html! {
        <button
            key={slot}
            class={classes!("replica-chip", health_class(replica.health), leader.then_some("leader"),
                (replica.lag > 0).then_some("lagging"), selected.then_some("selected"))}
            data-testid={format!("replica-{id}-{slot}")}
            data-role={if leader { "leader" } else { "follower" }}
            data-kind={if replica.kind == ReplicaKind::Log { "log" } else { "full" }}
            data-health={health_class(replica.health)}
            data-applied={replica.applied_lsn.to_string()}
            data-lag={replica.lag.to_string()}
            aria-pressed={selected.to_string()}
            aria-label={label}
            {onclick}
        >
            <span class="chip-head">
                if leader { <span class="leader-star" aria-hidden="true">{"★"}</span> }
                {format!("r{slot} ")}<span class="chip-role">{role_word(replica)}</span>
            </span>
            <span class="chip-lsn">{format!("applied {}", int(replica.applied_lsn))}</span>
            <span class="chip-lag">{health.unwrap_or(lag)}</span>
        </button>
    }
}

fn row(
    table: &str,
    partition: &PartitionSnapshot,
    selected: Option<&Selected>,
    dispatcher: &UseReducerDispatcher<Playground>,
) -> Html {
    let id = partition.id;
    let leader = partition
        .leader
        .map(|slot| format!("leader r{slot}"))
        .unwrap_or_else(|| "no leader: electing".into());
    let crash_leader = send(
        dispatcher,
        PartitionsAction::InjectFault {
            target: leader_target(table, id),
            kind: FaultKind::Crash,
        },
    );
    let select = send(
        dispatcher,
        PartitionsAction::Select(Some(Selected::Partition(id))),
    );
    html! {
        <tr key={id}
            data-testid={format!("replica-row-{id}")}
            data-leader={partition.leader.map(|s| s.to_string()).unwrap_or_default()}
            data-term={partition.term.to_string()}
            data-committed={partition.committed_lsn.to_string()}
            class={classes!(partition.leader.is_none().then_some("leaderless"))}
        >
            <th scope="row" class="group-head">
                <button class="partition-name" onclick={select} aria-label={format!("Partition p{id}")}>{format!("p{id}")}</button>
                <span class={classes!("group-leader", partition.leader.is_none().then_some("electing"))}
                    data-testid={format!("leader-{id}")}>{leader}</span>
                <span class="group-meta">{format!("term {} · committed {}", partition.term, int(partition.committed_lsn))}</span>
                <button class="small danger" data-testid={format!("crash-leader-{id}")}
                    disabled={partition.leader.is_none()}
                    aria-label={format!("Crash the leader of p{id}")}
                    onclick={crash_leader}>{"Crash leader"}</button>
            </th>
            { for ZONES.iter().map(|zone| html! {
                <td key={*zone} class="zone-cell">
                    { for partition.replicas.iter().filter(|r| r.zone == *zone).map(|r| {
                        let chosen = selected == Some(&Selected::Replica { partition: id, slot: r.slot });
                        chip(partition, r, chosen, dispatcher)
                    }) }
                </td>
            }) }
        </tr>
    }
}

/// The controls for the selected replica.
fn replica_faults(
    table: &str,
    partition: &PartitionSnapshot,
    replica: &ReplicaSnapshot,
    faults: &[FaultView],
    dispatcher: &UseReducerDispatcher<Playground>,
) -> Html {
    let target = replica_target(table, partition.id, replica.slot);
    let inject = |kind: FaultKind| {
        send(
            dispatcher,
            PartitionsAction::InjectFault {
                target: target.clone(),
                kind,
            },
        )
    };
    let own = faults.iter().any(|f| f.target == target);
    html! {
        <div class="fault-bar" role="group" aria-label="Faults for the selected replica" data-testid="replica-faults">
            <span class="fault-subject">{format!("r{} of p{} in {}", replica.slot, partition.id, replica.zone)}</span>
            <button class="small danger" data-testid="fault-crash" onclick={inject(FaultKind::Crash)}>{"Crash"}</button>
            <button class="small" data-testid="fault-isolate" onclick={inject(FaultKind::Partition)}>{"Cut off from peers"}</button>
            <button class="small" data-testid="fault-slow" onclick={inject(FaultKind::Slow { factor: SLOW_FACTOR })}>{format!("Slow {SLOW_FACTOR}×")}</button>
            <button class="small" data-testid="fault-heal" disabled={!own}
                onclick={send(dispatcher, PartitionsAction::HealFault(target.clone()))}>{"Restart / heal"}</button>
        </div>
    }
}

/// The zone headers, each able to lose (or restore) its zone.
fn zone_head(faults: &[FaultView], dispatcher: &UseReducerDispatcher<Playground>) -> Html {
    html! {
        <tr>
            <th scope="col">{"Partition"}</th>
            { for ZONES.iter().map(|zone| {
                let down = faults.iter().any(|f| f.downs_zone(zone));
                let target = format!("az:{zone}");
                let action = if down {
                    PartitionsAction::HealFault(target)
                } else {
                    PartitionsAction::InjectFault { target, kind: FaultKind::ZoneOutage }
                };
                html! {
                    <th scope="col" key={*zone} class={classes!("zone-head", down.then_some("down"))}>
                        <span>{*zone}</span>
                        <button class={classes!("small", (!down).then_some("danger"))}
                            data-testid={format!("zone-{zone}")}
                            aria-label={format!("{} {zone}", if down { "Restore" } else { "Lose" })}
                            onclick={send(dispatcher, action)}>
                            {if down { "Restore zone" } else { "Lose zone" }}
                        </button>
                    </th>
                }
            }) }
        </tr>
    }
}

/// The faults in force, each with its Heal button.
fn active_faults(faults: &[FaultView], dispatcher: &UseReducerDispatcher<Playground>) -> Html {
    if faults.is_empty() {
        return html! { <p class="hint" data-testid="active-faults">{"No faults in force."}</p> };
    }
    html! {
        <ul class="active-faults" data-testid="active-faults">
            { for faults.iter().enumerate().map(|(i, fault)| html! {
                <li key={i}>
                    <span class="fault-kind">{fault_words(fault.kind)}</span>
                    <code>{fault.target.clone()}</code>
                    <span class="hint">{format!("since {}", at(fault.since))}</span>
                    <button class="small" data-testid="heal-fault"
                        onclick={send(dispatcher, PartitionsAction::HealFault(fault.target.clone()))}>{"Heal"}</button>
                </li>
            }) }
        </ul>
    }
}

/// The replicas panel: the grid, the selected replica's faults and the faults in force.
pub fn replicas_panel(
    table: &TableSnapshot,
    faults: &[FaultView],
    selected: Option<&Selected>,
    dispatcher: &UseReducerDispatcher<Playground>,
) -> Html {
    let chosen = match selected {
        Some(Selected::Replica { partition, slot }) => table
            .partitions
            .iter()
            .find(|p| p.id == *partition)
            .and_then(|p| p.replicas.iter().find(|r| r.slot == *slot).map(|r| (p, r))),
        _ => None,
    };
    html! {
        <section class="panel replicas-panel" aria-labelledby="replicas-title">
            <h2 id="replicas-title">{"Replicas by Availability Zone"}</h2>
            <p class="hint">{"★ marks the leader, which takes writes and strongly consistent reads. \
                A follower's lag is how many acknowledged log records it has not applied yet. \
                Select a replica to inject a fault."}</p>
            <div class="grid-scroll">
                <table class="replica-grid" data-testid="replica-grid">
                    <thead>{zone_head(faults, dispatcher)}</thead>
                    <tbody>
                        { for table.partitions.iter().map(|p| row(&table.name, p, selected, dispatcher)) }
                    </tbody>
                </table>
            </div>
            if let Some((partition, replica)) = chosen {
                {replica_faults(&table.name, partition, replica, faults, dispatcher)}
            } else {
                <p class="hint fault-bar">{"Select a replica to crash, cut off or slow it."}</p>
            }
            <h3 class="sub-title">{"Faults in force"}</h3>
            {active_faults(faults, dispatcher)}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn targets_follow_the_models_convention() {
        assert_eq!(replica_target("Demo", 3, 1), "replica:Demo/p3/r1");
        assert_eq!(leader_target("Demo", 0), "leader:Demo/p0");
        let zone = FaultView {
            target: "az:us-east-1b".into(),
            kind: FaultKind::ZoneOutage,
            since: SimTime::ZERO,
        };
        assert!(zone.downs_zone("us-east-1b"));
        assert!(!zone.downs_zone("us-east-1a"));
        let slow = FaultView {
            kind: FaultKind::Slow { factor: 2.0 },
            ..zone
        };
        assert!(!slow.downs_zone("us-east-1b"), "a slow zone is still up");
    }
}
