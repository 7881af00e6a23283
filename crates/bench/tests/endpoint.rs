//! The load generator against a real `dynaplay serve` endpoint, in process and small:
//! the table is created and loaded, and every timed request is answered with the data it
//! asked for.

#![cfg(not(target_arch = "wasm32"))]

use std::time::Duration;

use dynaplay_bench::run::{self, Plan, Requests, Target};
use dynaplay_bench::workload::{Mix, Operation, Shape};
use dynaplay_server::endpoint::{self, Options};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_against_dynaplay_measures_every_operation_without_errors() {
    let (listener, addr) = endpoint::bind("127.0.0.1", 0).await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        endpoint::serve(listener, &Options { seed: 1 }, async {
            let _ = stopped.await;
        })
        .await
    });

    let plan = Plan {
        seed: 3,
        shape: Shape {
            partitions: 40,
            sorts_per_partition: 3,
            payload_bytes: 16,
        },
        mix: Mix {
            get: 4,
            put: 2,
            query: 2,
            endpoints: 1,
        },
        connections: vec![3],
        duration: Duration::from_secs(30),
        max_requests: 300,
        warmup: Duration::from_millis(100),
        preload_connections: 2,
        setup_timeout: Duration::from_secs(10),
    };
    // The server runs in this process, so this process's CPU time is the server's.
    let target = Target::parse(&format!("dynaplay={addr}@{}", std::process::id())).unwrap();
    let prepared = run::prepare(&target, &plan).await;
    assert_eq!(prepared.failure, None);
    assert_eq!(prepared.preload_items, 120);

    let requests = Requests::timed(&plan, 3);
    assert_eq!(requests.connections(), 3);
    let phase = run::measure(&target, &plan, &requests).await;
    // 300 requests over 3 connections: 100 each, all answered with their data.
    assert_eq!(phase.errors, 0, "{:?}", phase.first_error);
    assert_eq!(phase.completed(), 300);
    for operation in Operation::ALL {
        assert!(
            phase.operation(operation).unwrap().count() > 0,
            "{operation:?}"
        );
    }
    assert!(phase.throughput() > 0.0);
    assert!(phase.server_cpu_secs.is_some_and(|s| s >= 0.0));

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn a_target_that_is_not_listening_fails_its_preparation() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let plan = Plan {
        seed: 1,
        shape: Shape::default(),
        mix: Mix::default(),
        connections: vec![1],
        duration: Duration::from_secs(1),
        max_requests: 10,
        warmup: Duration::ZERO,
        preload_connections: 1,
        setup_timeout: Duration::from_secs(1),
    };
    let target = Target::parse(&format!("gone={addr}")).unwrap();
    let prepared = run::prepare(&target, &plan).await;
    assert!(prepared.failure.unwrap().contains("cannot connect"));
}
