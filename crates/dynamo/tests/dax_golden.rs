//! Golden scripts for DAX: each semantic written down as requests, what DAX answered, and
//! how it answered — checked on every test run.
//!
//! Each file in `tests/dax_golden/` is a sequence of blocks separated by blank lines.
//! A request block is an operation and its JSON request, `---`, and the outcome:
//!
//! ```text
//! # Through DAX, the first read of an item misses and fills the item cache.
//! GetItem {"TableName": "users", "Key": {"id": {"S": "ada"}}}
//! ---
//! {"Item":{"id":{"S":"ada"}}}
//! demo-b: item cache miss → DynamoDB, cached
//! ```
//!
//! The outcome is the response as compact JSON (or `ExceptionName: message`) and, for a
//! request sent through DAX, a second line saying which node took it and what it did
//! (the `Display` of [`dynaplay_dynamo::dax::DaxRequest`]). DAX management operations
//! (`CreateCluster`, `DescribeClusters`, ...) go to the DAX service; every other operation
//! goes to DynamoDB — directly or through DAX, as the last `@via` chose.
//!
//! Directives:
//!
//! - `@advance 90` moves the simulated clock 90 seconds (or `@advance 250ms`, `1.5s`).
//! - `@via dax <cluster>` sends the following DynamoDB requests through that cluster;
//!   `@via dynamodb` sends them straight to the table (the default), around DAX.
//! - `@fail <cluster> <node>` fails a DAX node.
//! - `@show <cluster>`, `---`, then the cluster's nodes and every cache entry.
//!
//! The world is seeded, so which node takes each read is the same on every run.
//! Run with `UPDATE_GOLDEN=1` to rewrite the expected outcomes from what the code does
//! now — then read the diff before committing it.

// A test harness may fail loudly: these lints guard code that input can reach.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use dynaplay_dynamo::Database;
use dynaplay_dynamo::dax::{CONTROL_OPERATIONS, DaxService};
use dynaplay_sim::{SimDuration, SimTime};
use serde_json::Value;

fn render_error(err: &dynaplay_dynamo::DynamoError) -> String {
    format!("{}: {}", err.kind.name(), err.message)
}

/// What `@show` prints: every node and every cache entry, coldest last.
fn show(dax: &mut DaxService, cluster: &str, now: SimTime) -> String {
    dax.advance_to(now);
    let snapshot = dax.snapshot(now);
    let Some(c) = snapshot.clusters.iter().find(|c| c.name == cluster) else {
        return format!("no cluster {cluster}");
    };
    let mut out = format!(
        "{} ({}; item TTL {} ms, query TTL {} ms; {} replications pending)",
        c.name, c.status, c.record_ttl_millis, c.query_ttl_millis, c.pending_replications
    );
    for node in &c.nodes {
        let role = match node.role {
            dynaplay_dynamo::dax::NodeRole::Primary => "primary",
            dynaplay_dynamo::dax::NodeRole::ReadReplica => "replica",
        };
        let _ = write!(
            out,
            "\n{} {role} {} {}: item cache {}/{} bytes, {} hits {} misses; query cache {}/{} bytes, {} hits {} misses",
            node.id,
            node.availability_zone,
            node.status,
            node.item_cache.used_bytes,
            node.item_cache.budget_bytes,
            node.item_cache.stats.hits,
            node.item_cache.stats.misses,
            node.query_cache.used_bytes,
            node.query_cache.budget_bytes,
            node.query_cache.stats.hits,
            node.query_cache.stats.misses,
        );
        for cache in [&node.item_cache, &node.query_cache] {
            for e in &cache.entries {
                let left = e
                    .ttl_remaining
                    .map_or("no expiry".to_string(), |d| format!("{d} left"));
                let what = match &e.operation {
                    Some(op) => format!("{op} {}", e.key),
                    None => format!("{} {}", e.table, e.key),
                };
                let value = if e.negative {
                    "negative".to_string()
                } else {
                    e.value.to_string()
                };
                let _ = write!(
                    out,
                    "\n  {}: {what} = {value} (age {}, {left}, {} bytes)",
                    cache.kind_name(),
                    e.age,
                    e.size_bytes
                );
            }
        }
    }
    out
}

trait KindName {
    fn kind_name(&self) -> &'static str;
}

impl KindName for dynaplay_dynamo::dax::snapshot::CacheSnapshot {
    fn kind_name(&self) -> &'static str {
        match self.kind {
            dynaplay_dynamo::dax::CacheKind::Item => "item",
            dynaplay_dynamo::dax::CacheKind::Query => "query",
        }
    }
}

fn parse_advance(arg: &str) -> SimDuration {
    let arg = arg.trim();
    match arg.parse::<u64>() {
        Ok(secs) => SimDuration::from_secs(secs),
        Err(_) => arg
            .parse()
            .expect("@advance takes seconds or a duration like 250ms"),
    }
}

/// Runs one script, returning the file as it should read.
fn run_script(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let mut db = Database::default();
    let mut dax = DaxService::new(1);
    let mut now = SimTime::ZERO;
    let mut via: Option<String> = None;
    let mut out = String::new();
    for block in text.split("\n\n") {
        let block = block.trim_matches('\n');
        if block.is_empty() {
            continue;
        }
        let lines: Vec<&str> = block.lines().collect();
        let comments = lines.iter().take_while(|l| l.starts_with('#')).count();
        let mut kept: Vec<String> = lines[..comments].iter().map(|l| l.to_string()).collect();
        let rest = &lines[comments..];
        let split = rest.iter().position(|l| *l == "---").unwrap_or(rest.len());
        let command = rest[..split].join("\n");
        kept.extend(rest[..split].iter().map(|l| l.to_string()));
        if let Some(arg) = command.strip_prefix("@advance ") {
            now += parse_advance(arg);
        } else if let Some(arg) = command.strip_prefix("@via ") {
            let words: Vec<&str> = arg.split_whitespace().collect();
            via = match words.as_slice() {
                ["dax", cluster] => Some(cluster.to_string()),
                ["dynamodb"] => None,
                _ => panic!("{}: @via dax <cluster> | @via dynamodb", path.display()),
            };
        } else if let Some(arg) = command.strip_prefix("@fail ") {
            let words: Vec<&str> = arg.split_whitespace().collect();
            let [cluster, node] = words.as_slice() else {
                panic!("{}: @fail <cluster> <node>", path.display());
            };
            dax.fail_node(cluster, node, now).unwrap();
        } else if let Some(cluster) = command.strip_prefix("@show ") {
            kept.push("---".into());
            kept.push(show(&mut dax, cluster.trim(), now));
        } else if !command.is_empty() {
            let (operation, body) = command
                .split_once(char::is_whitespace)
                .unwrap_or((command.as_str(), "{}"));
            let body: Value = serde_json::from_str(body).unwrap_or_else(|e| {
                panic!("{}: bad JSON for {operation}: {e}\n{body}", path.display())
            });
            kept.push("---".into());
            if CONTROL_OPERATIONS.contains(&operation) {
                kept.push(match dax.control(operation, &body, now) {
                    Ok(response) => response.to_string(),
                    Err(err) => err.to_string(),
                });
            } else if let Some(cluster) = &via {
                let outcome = dax.execute(cluster, operation, &body, &mut db, now);
                kept.push(match &outcome.result {
                    Ok(response) => response.to_string(),
                    Err(err) => render_error(err),
                });
                kept.push(outcome.request.to_string());
            } else {
                let ctx = dynaplay_dynamo::RequestContext::at(now);
                kept.push(match db.execute(operation, &body, &ctx) {
                    Ok(response) => response.to_string(),
                    Err(err) => render_error(&err),
                });
            }
        }
        out.push_str(&kept.join("\n"));
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

fn scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dax_golden")
}

#[test]
fn dax_golden_scripts() {
    dynaplay_golden::check(
        "DAX golden scripts",
        &scripts_dir(),
        Some("golden"),
        run_script,
    );
}

#[test]
fn scripts_exist_for_every_semantic() {
    let names: Vec<String> = dynaplay_golden::scripts(&scripts_dir(), Some("golden"))
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    for semantic in [
        "hit_and_miss",
        "negative_cache",
        "ttl_expiry",
        "lru_eviction",
        "write_through",
        "query_cache_not_invalidated",
        "bypass_staleness",
        "pass_through",
        "node_failure",
    ] {
        assert!(names.iter().any(|n| n == semantic), "no {semantic}.golden");
    }
}
