//! EMR inside the world: clusters on the world's clock, and a table job whose Scan pages
//! spend the live table's read capacity — beside an application reading the same table.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use dynaplay_dynamo::physical::EventKind;
use dynaplay_emr::cluster::{ActionOnFailure, StepConfig};
use dynaplay_emr::jobs::{AggFn, Aggregate, GroupBy, JobLogic};
use dynaplay_emr::{ClusterConfig, JobConfig, JobId, JobInput, JobRun, JobSpec, JobState};
use dynaplay_world::{
    EMR_CLIENT, EmrRun, Realism, SimDuration, SimTime, TrafficSpec, TrafficStats, World,
};
use serde_json::json;

/// A provisioned table `name` of `items` items `key-0`... of about `bytes` bytes each,
/// in three teams with a score.
fn load_table(world: &mut World, name: &str, rcu: u64, items: usize, bytes: usize) {
    world
        .execute(
            "CreateTable",
            &json!({
                "TableName": name,
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "ProvisionedThroughput": {"ReadCapacityUnits": rcu, "WriteCapacityUnits": 100},
            }),
        )
        .unwrap();
    let pad = "x".repeat(bytes);
    for i in 0..items {
        let team = ["red", "blue", "green"][i % 3];
        world
            .execute(
                "PutItem",
                &json!({"TableName": name, "Item": {
                    "pk": {"S": format!("key-{i}")}, "team": {"S": team},
                    "score": {"N": (i % 100).to_string()}, "pad": {"S": pad},
                }}),
            )
            .unwrap();
    }
}

fn step(name: &str, logic: JobLogic, input: JobInput) -> StepConfig {
    StepConfig {
        name: name.into(),
        job: JobSpec {
            name: name.into(),
            logic,
            input,
            output: format!("/output/{name}"),
            config: JobConfig::default(),
        },
        action_on_failure: ActionOnFailure::Continue,
    }
}

fn sum_by_team() -> JobLogic {
    JobLogic::GroupBy(GroupBy {
        by: "team".into(),
        aggregates: vec![
            Aggregate {
                func: AggFn::Count,
                attribute: None,
            },
            Aggregate {
                func: AggFn::Sum,
                attribute: Some("score".into()),
            },
        ],
    })
}

fn job<'w>(world: &'w World, cluster: &str, id: u32) -> &'w JobRun {
    world
        .emr_cluster(cluster)
        .unwrap()
        .cluster()
        .job(JobId(id))
        .unwrap()
}

/// Commands, in order: a table and its items, a cluster, a word count over HDFS text and
/// a group-by over the table, a core node lost midway. Returns the EMR history and the
/// DynamoDB event log, as text.
fn history(seed: u64) -> (String, String) {
    let mut world = World::new(seed);
    world.set_event_capacity(1_000_000);
    load_table(&mut world, "scores", 400, 300, 200);
    world.set_realism(Realism::ALL);
    world.advance(SimDuration::from_secs(1));
    let id = world
        .create_emr_cluster(ClusterConfig::demo(4, 1, 0))
        .unwrap();
    let words = "the quick brown fox jumps over the lazy dog\n".repeat(200);
    world
        .with_emr_cluster(&id, |c| {
            c.put_text("/input/words.txt", &words).unwrap();
            c.add_step(step(
                "wordcount",
                JobLogic::WordCount,
                JobInput::Hdfs(vec!["/input/words.txt".into()]),
            ))
            .unwrap();
        })
        .unwrap();
    let input = world.emr_table_input("scores", 0.5).unwrap();
    world
        .with_emr_cluster(&id, |c| {
            c.add_step(step("teams", sum_by_team(), JobInput::Table(input)))
                .unwrap()
        })
        .unwrap();
    world.advance(SimDuration::from_secs(6));
    world
        .with_emr_cluster(&id, |c| {
            let node = c.node_named("core-2").unwrap();
            c.lose_node(node).unwrap();
        })
        .unwrap();
    assert_eq!(world.run_emr_to_end(&id, &mut || false), EmrRun::Done);
    let cluster = world.emr_cluster(&id).unwrap().cluster();
    for j in cluster.jobs() {
        assert_eq!(j.state, JobState::Succeeded, "{:?}", j.failure);
    }
    let the = cluster.read_dir_text("/output/wordcount").unwrap();
    assert!(the.lines().any(|l| l == "the\t400"), "{the}");
    let teams = cluster.read_dir_text("/output/teams").unwrap();
    let mut rows: Vec<&str> = teams.lines().collect();
    rows.sort_unstable();
    assert_eq!(
        rows,
        [
            "blue\tcount=100\tsum(score)=4950",
            "green\tcount=100\tsum(score)=4950",
            "red\tcount=100\tsum(score)=4950",
        ]
    );
    let emr = serde_json::to_string(cluster.events()).unwrap();
    let dynamo: Vec<String> = world.events_since(0).map(|e| format!("{e:?}")).collect();
    (emr, dynamo.join("\n"))
}

#[test]
fn the_same_seed_and_commands_give_the_same_emr_and_dynamodb_histories() {
    let (emr_a, dynamo_a) = history(11);
    let (emr_b, dynamo_b) = history(11);
    assert_eq!(emr_a, emr_b);
    assert_eq!(dynamo_a, dynamo_b);
    assert!(
        dynamo_a.contains("client: \"emr\"") && dynamo_a.contains("operation: \"Scan\""),
        "the job's Scans are in the DynamoDB log"
    );
    let (emr_c, dynamo_c) = history(12);
    assert_ne!(emr_a, emr_c);
    assert_ne!(dynamo_a, dynamo_c);
}

/// What one run of the throttling scenario came to.
struct Contention {
    traffic: TrafficStats,
    /// The job's DYNAMODB_* counters: units, scans, throttled scans.
    units: f64,
    scans: u64,
    throttled_scans: u64,
    /// Seconds from the job's first Scan page to its last.
    scan_span: f64,
    output: String,
    table_bytes: u64,
}

/// A 100 RCU table of 6,000 items of about 4 KB, and an application reading it at about
/// 95 units a second; with `job`, an EMR group-by reads the table at 100% of its capacity
/// from a few seconds in.
fn contention(realism: Realism, job: bool) -> Contention {
    let mut world = World::new(21);
    world.set_event_capacity(1_000_000);
    load_table(&mut world, "orders", 100, 6_000, 4_000);
    world.set_realism(realism);
    world
        .start_traffic(TrafficSpec {
            table: "orders".into(),
            rate: 190.0,
            read_fraction: 1.0,
            keys: 6_000,
            ..TrafficSpec::default()
        })
        .unwrap();
    world.advance(SimDuration::from_secs(2));
    let cluster = world
        .create_emr_cluster(ClusterConfig::demo(2, 0, 0))
        .unwrap();
    if job {
        let input = world.emr_table_input("orders", 1.0).unwrap();
        world
            .with_emr_cluster(&cluster, |c| {
                c.add_step(step("teams", sum_by_team(), JobInput::Table(input)))
                    .unwrap()
            })
            .unwrap();
    }
    world.advance(SimDuration::from_secs(60));
    let traffic = world.traffic().unwrap().1;
    let scans: Vec<SimTime> = world
        .events_since(0)
        .filter(|e| matches!(&e.kind, EventKind::Request(r) if r.client == EMR_CLIENT))
        .map(|e| e.at)
        .collect();
    let scan_span = match (scans.first(), scans.last()) {
        (Some(a), Some(b)) => (*b - *a).as_secs_f64(),
        _ => 0.0,
    };
    let (units, scans, throttled_scans, output) = if job {
        let run = job_of(&world, &cluster);
        assert_eq!(run.state, JobState::Succeeded, "{:?}", run.failure);
        let output = world
            .emr_cluster(&cluster)
            .unwrap()
            .cluster()
            .read_dir_text("/output/teams")
            .unwrap();
        let c = &run.counters;
        (
            c.dynamodb_read_units,
            c.dynamodb_scans,
            c.dynamodb_throttled_scans,
            output,
        )
    } else {
        (0.0, 0, 0, String::new())
    };
    Contention {
        table_bytes: world.dynamo().table("orders").unwrap().size_bytes(),
        traffic,
        units,
        scans,
        throttled_scans,
        scan_span,
        output,
    }
}

fn job_of<'w>(world: &'w World, cluster: &str) -> &'w JobRun {
    job(world, cluster, 0)
}

#[test]
fn a_table_job_spends_the_tables_capacity_and_throttles_its_application() {
    let quiet = contention(Realism::ALL, false);
    let busy = contention(Realism::ALL, true);
    assert_eq!(
        quiet.traffic.issued, busy.traffic.issued,
        "the same traffic"
    );
    assert!(
        busy.traffic.throttled > quiet.traffic.throttled + 100,
        "the job's Scans starve the application: {} throttled with it, {} without",
        busy.traffic.throttled,
        quiet.traffic.throttled
    );
    assert!(busy.throttled_scans > 0, "and it is throttled itself");
    assert_eq!(
        busy.output.lines().count(),
        3,
        "throttled, the job still reads every item: {}",
        busy.output
    );
    assert!(busy.output.contains("count=2000"), "{}", busy.output);
    // Competing for the table, the job gets less than its 100 units a second.
    assert!(
        busy.units < 100.0 * (busy.scan_span + 1.0),
        "{}",
        busy.units
    );

    // Unthrottled, it reads at its rate: 100 units a second from the first page to the
    // last, plus the second's worth its token bucket starts with. The whole table is
    // read once, eventually consistently: a unit per 8 KiB (rounded up page by page).
    let free = contention(Realism::OFF, true);
    assert_eq!(free.throttled_scans, 0);
    let table_units = free.table_bytes as f64 / 8192.0;
    assert!(
        free.units >= table_units && free.units < table_units + 30.0,
        "{} units for {table_units:.0} units of table",
        free.units
    );
    let expected = 100.0 * (free.scan_span + 1.0);
    assert!(
        (free.units / expected - 1.0).abs() < 0.1,
        "{} units in {:.1} s of scanning",
        free.units,
        free.scan_span
    );
    assert!(
        free.scans >= 30,
        "pages of about a second's worth: {}",
        free.scans
    );
}

#[test]
fn a_world_without_clusters_is_unchanged_by_emr_and_an_idle_cluster_has_nothing_to_do() {
    let run = |cluster: bool| {
        let mut world = World::with_realism(5, Realism::ALL);
        load_table(&mut world, "orders", 1_000, 50, 100);
        world
            .start_traffic(TrafficSpec {
                table: "orders".into(),
                rate: 500.0,
                ..TrafficSpec::default()
            })
            .unwrap();
        let id = cluster.then(|| {
            world
                .create_emr_cluster(ClusterConfig::demo(2, 0, 0))
                .unwrap()
        });
        world.advance(SimDuration::from_secs(3));
        if let Some(id) = &id {
            let c = world.emr_cluster(id).unwrap();
            assert_eq!(c.cluster().next_event_at(), None, "an idle cluster waits");
            assert_eq!(
                c.local(world.now()),
                c.cluster().now(),
                "on the world's clock"
            );
        }
        let log: Vec<String> = world.events_since(0).map(|e| format!("{e:?}")).collect();
        (world.traffic().unwrap().1, log)
    };
    assert_eq!(run(false), run(true), "an idle cluster changes nothing");
}

#[test]
fn clusters_are_commands_with_errors_as_data() {
    let mut world = World::new(3);
    assert!(world.emr_table_input("nope", 0.5).is_none());
    assert!(world.with_emr_cluster("j-NOPE", |_| ()).is_none());
    assert_eq!(
        world.run_emr_to_end("j-NOPE", &mut || false),
        EmrRun::NoSuchCluster
    );
    let mut bad = ClusterConfig::demo(1, 0, 0);
    bad.core.count = 0;
    assert!(world.create_emr_cluster(bad).is_err());
    world.advance(SimDuration::from_secs(10));
    let a = world
        .create_emr_cluster(ClusterConfig::demo(2, 0, 0))
        .unwrap();
    let b = world
        .create_emr_cluster(ClusterConfig::demo(2, 0, 0))
        .unwrap();
    assert_ne!(a, b, "each cluster's seed is a fresh draw");
    assert_eq!(
        world.emr_cluster(&a).unwrap().origin(),
        SimTime::from_secs(10)
    );
    assert_eq!(world.emr_clusters().count(), 2);
    // A paused run goes on where it stopped.
    world
        .with_emr_cluster(&a, |c| {
            c.put_text("/in/t", &"a b c\n".repeat(500)).unwrap();
            c.add_step(step(
                "wc",
                JobLogic::WordCount,
                JobInput::Hdfs(vec!["/in/t".into()]),
            ))
            .unwrap();
        })
        .unwrap();
    assert_eq!(world.run_emr_to_end(&a, &mut || true), EmrRun::Paused);
    let mut runs = 1;
    while world.run_emr_to_end(&a, &mut || true) == EmrRun::Paused {
        runs += 1;
    }
    assert!(runs > 3, "one slice at a time: {runs}");
    let wc = job(&world, &a, 0);
    assert_eq!(wc.state, JobState::Succeeded);
    assert_eq!(
        world.now(),
        world
            .emr_cluster(&a)
            .unwrap()
            .world_time(wc.finished.unwrap()),
        "the world's clock ends where the job did"
    );
    assert!(world.discard_emr_cluster(&a));
    assert!(!world.discard_emr_cluster(&a));
}
