use serde_json::json;

use super::*;

#[test]
fn step_moves_time_by_exactly_one_step() {
    let mut world = World::new(7);
    world.step();
    world.step();
    assert_eq!(world.now().as_micros(), 200_000);
}

#[test]
fn same_seed_gives_the_same_random_stream() {
    let mut a = World::new(42);
    let mut b = World::new(42);
    let draws_a: Vec<u64> = (0..16).map(|_| a.rng().next_u64()).collect();
    let draws_b: Vec<u64> = (0..16).map(|_| b.rng().next_u64()).collect();
    assert_eq!(draws_a, draws_b);
    let mut c = World::new(43);
    let draws_c: Vec<u64> = (0..16).map(|_| c.rng().next_u64()).collect();
    assert_ne!(draws_a, draws_c);
}

fn create(world: &mut World, name: &str, billing: Value) {
    let mut request = json!({
        "TableName": name,
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    });
    if let (Some(map), Some(extra)) = (request.as_object_mut(), billing.as_object()) {
        map.extend(extra.clone());
    }
    world.execute("CreateTable", &request).unwrap();
}

#[test]
fn generated_traffic_runs_on_simulated_time_and_shows_in_the_snapshot() {
    let mut world = World::new(5);
    create(
        &mut world,
        "orders",
        json!({"BillingMode": "PAY_PER_REQUEST"}),
    );
    world
        .start_traffic(TrafficSpec {
            table: "orders".into(),
            rate: 500.0,
            read_fraction: 0.5,
            ..TrafficSpec::default()
        })
        .unwrap();
    world.advance(SimDuration::from_secs(2));
    let (_, stats) = world.traffic().unwrap();
    assert!((800..1_200).contains(&stats.issued), "{stats:?}");
    assert_eq!(stats.ok, stats.issued, "no realism: nothing fails");
    let snapshot = world.snapshot();
    let table = &snapshot.tables[0];
    assert_eq!(table.partitions.len(), 4);
    assert!(table.item_count > 300);
    let served: u64 = table.partitions.iter().map(|p| p.write.served).sum();
    assert_eq!(served, stats.writes);
    assert_eq!(world.item_marks("orders").len() as u64, table.item_count);
    let stopped = world.stop_traffic().unwrap();
    world.advance(SimDuration::from_secs(1));
    assert_eq!(world.traffic(), None);
    assert_eq!(stopped.issued, stats.issued);
}

#[test]
fn a_hot_key_throttles_only_with_realism() {
    for (realism, expect_throttles) in [(Realism::OFF, false), (Realism::ALL, true)] {
        let mut world = World::with_realism(9, realism);
        create(
            &mut world,
            "orders",
            json!({"ProvisionedThroughput": {"ReadCapacityUnits": 100, "WriteCapacityUnits": 100}}),
        );
        world
            .start_traffic(TrafficSpec {
                table: "orders".into(),
                rate: 400.0,
                read_fraction: 0.0,
                skew: KeySkew::HotKey { share: 0.9 },
                ..TrafficSpec::default()
            })
            .unwrap();
        world.advance(SimDuration::from_secs(3));
        let (_, stats) = world.traffic().unwrap();
        assert_eq!(
            stats.throttled > 0,
            expect_throttles,
            "{realism:?}: {stats:?}"
        );
    }
}

#[test]
fn faults_are_commands_with_errors_for_unknown_targets() {
    let mut world = World::with_realism(1, Realism::ALL);
    create(
        &mut world,
        "orders",
        json!({"BillingMode": "PAY_PER_REQUEST"}),
    );
    assert!(
        world
            .inject_fault("replica:nope/p0/r0", FaultKind::Crash)
            .is_err()
    );
    assert!(world.inject_fault("bogus", FaultKind::Crash).is_err());
    world
        .inject_fault("leader:orders/p0", FaultKind::Crash)
        .unwrap();
    assert_eq!(world.snapshot().tables[0].partitions[0].leader, None);
    world.advance(SimDuration::from_secs(3));
    assert!(
        world.snapshot().tables[0].partitions[0].leader.is_some(),
        "elected after the lease"
    );
    assert!(world.heal_fault("leader:orders/p0"));
    assert!(!world.heal_fault("leader:orders/p0"));
}
