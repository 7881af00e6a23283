//! The details of what the learner clicked: an item, a partition or a replica.
//!
//! An item is shown with where its partition key hashes to and therefore which partition
//! — and which three replicas — hold it. A partition with its exact hash range, its
//! counts and its replication state. A replica with its zone, role, health and log
//! positions.

use dynaplay_world::dynamo::physical::hash_range::hex;
use dynaplay_world::dynamo::physical::replica::ReplicaKind;
use dynaplay_world::dynamo::physical::snapshot::{PartitionSnapshot, TableSnapshot};
use yew::prelude::*;

use super::format::{at, bytes, int, percent, units};
use super::gauges::reason_word;
use super::replicas::health_word;
use super::state::{PartitionsAction, Selected};
use crate::state::{Action, Playground};

fn fact(term: &str, value: String) -> Html {
    html! { <><dt>{term.to_string()}</dt><dd>{value}</dd></> }
}

fn holders(partition: &PartitionSnapshot) -> String {
    partition
        .replicas
        .iter()
        .map(|r| {
            let role = if partition.leader == Some(r.slot) {
                ", leader"
            } else {
                ""
            };
            format!("r{} ({}{role})", r.slot, r.zone)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn partition_facts(partition: &PartitionSnapshot) -> Html {
    html! {
        <>
            {fact("Hash range", format!("0x{} – 0x{}", hex(partition.range.start), hex(partition.range.end)))}
            {fact("Share of the key space", percent(partition.end_fraction - partition.start_fraction))}
            {fact("Items", format!("{} ({})", int(partition.item_count), bytes(partition.size_bytes)))}
            {fact("Reads last second", format!("{} RCU", units(partition.read.consumed_last_second)))}
            {fact("Writes last second", format!("{} WCU", units(partition.write.consumed_last_second)))}
            {fact("Requests served", format!("{} reads, {} writes", int(partition.read.served), int(partition.write.served)))}
            {fact("Leader", partition.leader.map(|s| format!("r{s} (term {})", partition.term))
                .unwrap_or_else(|| format!("none: electing (term {})", partition.term)))}
            {fact("Log", format!("committed up to {}, {} records kept", int(partition.committed_lsn), int(partition.log_records as u64)))}
            if let Some(split) = &partition.split {
                {fact("Splitting", format!("for {}, started {}, finishes {}", reason_word(split.reason), at(split.started), at(split.finishes)))}
            }
            { for partition.index_applied.iter().map(|(index, lsn)| fact(&format!("Index {index}"), format!("applied up to {}", int(*lsn)))) }
        </>
    }
}

pub fn details(
    table: &TableSnapshot,
    selected: Option<&Selected>,
    dispatcher: &UseReducerDispatcher<Playground>,
) -> Html {
    let Some(selected) = selected else {
        return html! {
            <p class="hint details" data-testid="selection-details">
                {"Click an item mark or a partition for its details."}
            </p>
        };
    };
    let partition = table
        .partitions
        .iter()
        .find(|p| p.id == selected.partition());
    let close = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |_| {
            dispatcher.dispatch(Action::Partitions(PartitionsAction::Select(None)))
        })
    };
    let (title, facts) = match (selected, partition) {
        (
            Selected::Item {
                key,
                hash,
                position,
                partition: id,
            },
            Some(partition),
        ) => (
            format!("Item {key}"),
            html! {
                <>
                    {fact("Partition key hash", format!("0x{hash}"))}
                    {fact("Position in the key space", percent(*position))}
                    {fact("Partition", format!("p{id}"))}
                    {fact("Held by", holders(partition))}
                </>
            },
        ),
        (Selected::Partition(id), Some(partition)) => {
            (format!("Partition p{id}"), partition_facts(partition))
        }
        (Selected::Replica { slot, .. }, Some(partition)) => {
            match partition.replicas.iter().find(|r| r.slot == *slot) {
                Some(replica) => (
                    format!("Replica r{slot} of p{}", partition.id),
                    html! {
                        <>
                            {fact("Zone", replica.zone.clone())}
                            {fact("Member", format!("#{}", replica.member))}
                            {fact("Role", if partition.leader == Some(*slot) { "leader".into() } else { "follower".into() })}
                            {fact("Kind", if replica.kind == ReplicaKind::Log { "log replica (no B-tree: votes, serves no reads)".into() } else { "full replica".into() })}
                            {fact("Health", health_word(replica.health).unwrap_or_else(|| "healthy".into()))}
                            {fact("Persisted", int(replica.persisted_lsn))}
                            {fact("Applied", format!("{} ({} behind the committed {})", int(replica.applied_lsn), int(replica.lag), int(partition.committed_lsn)))}
                        </>
                    },
                ),
                None => (
                    "Replica".into(),
                    html! { {fact("Gone", "it was replaced".into())} },
                ),
            }
        }
        (_, None) => (
            "Selection".into(),
            html! { {fact("Gone", "that partition has split or the table changed".into())} },
        ),
    };
    html! {
        <section class="details" data-testid="selection-details" aria-label="Details of the selection">
            <div class="panel-head">
                <h3 data-testid="selection-title">{title}</h3>
                <button class="small" onclick={close} aria-label="Close the details">{"×"}</button>
            </div>
            <dl class="facts">{facts}</dl>
        </section>
    }
}
