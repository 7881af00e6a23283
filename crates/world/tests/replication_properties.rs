//! Properties of the replicated model over random seeds, operations and faults:
//!
//! * a strongly consistent read returns the latest acknowledged write;
//! * a write that was refused never becomes visible;
//! * no acknowledged write is lost while a quorum survives: whoever leads a partition
//!   has persisted everything the partition acknowledged;
//! * once every fault is healed, eventually consistent reads converge on the latest
//!   acknowledged writes;
//! * the same seed and the same commands give the same history, byte for byte.

// Test code: a broken expectation should stop the run loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use dynaplay_sim::FaultKind;
use dynaplay_world::dynamo::ErrorKind;
use dynaplay_world::{Realism, SimDuration, World};
use proptest::prelude::*;
use serde_json::{Value, json};

const KEYS: u8 = 5;

#[derive(Debug, Clone)]
enum Op {
    Put(u8, u32),
    StrongGet(u8),
    EventualGet(u8),
    Advance(u64),
    Fault(u8, u8, u8),
    Zone(u8),
    HealAll,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..KEYS, any::<u32>()).prop_map(|(k, v)| Op::Put(k, v)),
        3 => (0..KEYS).prop_map(Op::StrongGet),
        3 => (0..KEYS).prop_map(Op::EventualGet),
        3 => (0..4_000u64).prop_map(Op::Advance),
        2 => (0..3u8, 0..4u8, 0..3u8).prop_map(|(kind, p, r)| Op::Fault(kind, p, r)),
        1 => (0..3u8).prop_map(Op::Zone),
        1 => Just(Op::HealAll),
    ]
}

fn key(k: u8) -> Value {
    json!({"pk": {"S": format!("k{k}")}})
}

fn value_of(response: &Value) -> Option<u64> {
    response
        .get("Item")?
        .get("v")?
        .get("N")?
        .as_str()?
        .parse()
        .ok()
}

fn heal_all(world: &mut World) {
    let targets: Vec<String> = world
        .dynamo_service()
        .active_faults()
        .iter()
        .map(|f| f.target.to_string())
        .collect();
    for target in targets {
        world.heal_fault(&target);
    }
}

/// Checks that every leader holds everything its partition acknowledged.
fn check_leaders(world: &World) -> Result<(), TestCaseError> {
    for table in world.snapshot().tables {
        for partition in table.partitions {
            if let Some(slot) = partition.leader {
                let leader = &partition.replicas[slot];
                prop_assert!(
                    leader.persisted_lsn >= partition.committed_lsn,
                    "p{} leader r{slot} has {} of {} acknowledged",
                    partition.id,
                    leader.persisted_lsn,
                    partition.committed_lsn
                );
            }
        }
    }
    Ok(())
}

/// Runs `ops` on a fresh world; returns its serialised event history.
fn run(seed: u64, ops: &[Op]) -> Result<String, TestCaseError> {
    let mut world = World::with_realism(
        seed,
        Realism {
            stale_reads: true,
            ..Realism::OFF
        },
    );
    world.set_event_capacity(1_000_000);
    world
        .execute(
            "CreateTable",
            &json!({
                "TableName": "props",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "BillingMode": "PAY_PER_REQUEST",
            }),
        )
        .unwrap();
    let mut acked: BTreeMap<u8, u64> = BTreeMap::new();
    for op in ops {
        match *op {
            Op::Put(k, v) => {
                let mut item = key(k);
                item["v"] = json!({"N": v.to_string()});
                match world.execute("PutItem", &json!({"TableName": "props", "Item": item})) {
                    Ok(_) => {
                        acked.insert(k, u64::from(v));
                    }
                    Err(err) => prop_assert_eq!(err.kind, ErrorKind::InternalServerError),
                }
            }
            Op::StrongGet(k) => {
                let request = json!({"TableName": "props", "Key": key(k), "ConsistentRead": true});
                match world.execute("GetItem", &request) {
                    Ok(response) => prop_assert_eq!(value_of(&response), acked.get(&k).copied()),
                    Err(err) => prop_assert_eq!(err.kind, ErrorKind::InternalServerError),
                }
            }
            Op::EventualGet(k) => {
                let request = json!({"TableName": "props", "Key": key(k)});
                if let Err(err) = world.execute("GetItem", &request) {
                    prop_assert_eq!(err.kind, ErrorKind::InternalServerError);
                }
            }
            Op::Advance(ms) => world.advance(SimDuration::from_millis(ms)),
            Op::Fault(kind, partition, slot) => {
                let kind = [
                    FaultKind::Crash,
                    FaultKind::Partition,
                    FaultKind::Slow { factor: 4.0 },
                ][usize::from(kind)];
                let _ = world.inject_fault(&format!("replica:props/p{partition}/r{slot}"), kind);
            }
            Op::Zone(zone) => {
                let zone = ["us-east-1a", "us-east-1b", "us-east-1c"][usize::from(zone)];
                world
                    .inject_fault(&format!("az:{zone}"), FaultKind::ZoneOutage)
                    .unwrap();
            }
            Op::HealAll => heal_all(&mut world),
        }
        check_leaders(&world)?;
    }
    // Heal everything and give elections, catch-up and rebuilds time.
    heal_all(&mut world);
    world.advance(SimDuration::from_secs(600));
    check_leaders(&world)?;
    for k in 0..KEYS {
        for _ in 0..6 {
            let response = world
                .execute("GetItem", &json!({"TableName": "props", "Key": key(k)}))
                .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            prop_assert_eq!(
                value_of(&response),
                acked.get(&k).copied(),
                "k{} converged",
                k
            );
        }
    }
    let events: Vec<String> = world
        .events_since(0)
        .map(|e| serde_json::to_string(e).unwrap())
        .collect();
    Ok(events.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn replication_keeps_acknowledged_writes_and_converges(
        seed in any::<u64>(),
        ops in prop::collection::vec(op(), 1..60),
    ) {
        let first = run(seed, &ops)?;
        let second = run(seed, &ops)?;
        prop_assert!(first == second, "same seed, same commands, different history");
    }
}

#[test]
fn eventual_reads_right_after_writes_are_sometimes_stale_and_strong_reads_never() {
    let mut world = World::with_realism(1, Realism::ALL);
    world
        .execute(
            "CreateTable",
            &json!({
                "TableName": "stale",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "BillingMode": "PAY_PER_REQUEST",
            }),
        )
        .unwrap();
    let (mut stale, mut strong_stale) = (0, 0);
    for v in 0..200u32 {
        let mut item = key(0);
        item["v"] = json!({"N": v.to_string()});
        world
            .execute("PutItem", &json!({"TableName": "stale", "Item": item}))
            .unwrap();
        world.advance(SimDuration::from_millis(5));
        let eventual = world
            .execute("GetItem", &json!({"TableName": "stale", "Key": key(0)}))
            .unwrap();
        stale += usize::from(value_of(&eventual) != Some(u64::from(v)));
        let strong = world
            .execute(
                "GetItem",
                &json!({"TableName": "stale", "Key": key(0), "ConsistentRead": true}),
            )
            .unwrap();
        strong_stale += usize::from(value_of(&strong) != Some(u64::from(v)));
        world.advance(SimDuration::from_secs(2));
    }
    assert!(
        (40..160).contains(&stale),
        "about two reads in three hit a lagging follower: {stale}"
    );
    assert_eq!(strong_stale, 0);
}

#[test]
fn the_same_seed_with_traffic_and_faults_gives_the_same_history() {
    let history = |seed: u64| {
        let mut world = World::with_realism(seed, Realism::ALL);
        world.set_event_capacity(1_000_000);
        world
            .execute(
                "CreateTable",
                &json!({
                    "TableName": "busy",
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                    "ProvisionedThroughput": {"ReadCapacityUnits": 300, "WriteCapacityUnits": 50},
                }),
            )
            .unwrap();
        world
            .start_traffic(dynaplay_world::TrafficSpec {
                table: "busy".into(),
                rate: 400.0,
                read_fraction: 0.7,
                skew: dynaplay_world::KeySkew::Zipf,
                ..Default::default()
            })
            .unwrap();
        world.schedule_faults(
            &"at 1s crash replica:busy/p0/r0 for 5s; at 2s zone-outage az:us-east-1b for 3s"
                .parse()
                .unwrap(),
        );
        world.advance(SimDuration::from_secs(12));
        world
            .events_since(0)
            .map(|e| serde_json::to_string(e).unwrap())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let a = history(21);
    assert!(
        a.contains("leader_elected") || a.contains("replica_down"),
        "faults happened"
    );
    assert!(a.contains("\"stale\":true"));
    assert!(a.contains("ProvisionedThroughputExceededException"));
    assert_eq!(a, history(21));
    assert_ne!(a, history(22));
}
