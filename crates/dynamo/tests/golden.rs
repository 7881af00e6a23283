//! Golden scripts: the engine's behaviour written down as requests and the responses
//! DynamoDB gives, readable as documentation and checked on every test run.
//!
//! Each file in `tests/golden/` is a sequence of blocks separated by blank lines:
//!
//! ```text
//! # Comments explain what the next block shows.
//! PutItem {"TableName": "t", "Item": {"pk": {"S": "a"}}}
//! ---
//! {}
//! ```
//!
//! A block is an operation name and its JSON request (which may span lines), `---`, and
//! the expected outcome: the response as compact JSON, or `ExceptionName: message` for an
//! error (followed by the error's extra members as JSON, if any). A line `@advance 90`
//! moves the simulated clock forward 90 seconds; `@item-collection-limit 2000` lowers the
//! item collection size limit of tables with local secondary indexes to 2,000 bytes
//! (`Database::set_item_collection_limit`), so a script can reach it.
//!
//! Every request that fails is also checked to have changed nothing.
//!
//! Run with `UPDATE_GOLDEN=1` to rewrite the expected outcomes from what the engine does
//! now — then read the diff before committing it.

// A test harness may fail loudly: these lints guard code that input can reach.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fmt::Write as _;
use std::path::Path;

use dynaplay_dynamo::{Database, RequestContext};
use dynaplay_sim::{SimDuration, SimTime};
use serde_json::Value;

/// The outcome of one request, as a golden file shows it.
fn render(result: &Result<Value, dynaplay_dynamo::DynamoError>) -> String {
    match result {
        Ok(response) => response.to_string(),
        Err(err) => {
            let mut out = format!("{}: {}", err.kind.name(), err.message);
            let mut extra = err.to_wire();
            if let Some(map) = extra.as_object_mut() {
                map.remove("__type");
                map.remove("message");
                map.remove("Message");
                if !map.is_empty() {
                    let _ = write!(out, "\n{extra}");
                }
            }
            out
        }
    }
}

/// Runs one script, returning the file as it should read.
fn run_script(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let mut db = Database::default();
    let mut now = SimTime::ZERO;
    let mut out = String::new();
    for block in text.split("\n\n") {
        let block = block.trim_matches('\n');
        if block.is_empty() {
            continue;
        }
        let mut lines = block.lines().peekable();
        let mut kept = Vec::new();
        while let Some(line) = lines.peek() {
            if line.starts_with('#') {
                kept.push(lines.next().unwrap().to_string());
            } else {
                break;
            }
        }
        let rest: Vec<&str> = lines.collect();
        if let Some(first) = rest.first() {
            if let Some(secs) = first.strip_prefix("@advance ") {
                let secs: u64 = secs.trim().parse().expect("@advance takes whole seconds");
                now += SimDuration::from_secs(secs);
                kept.extend(rest.iter().map(|l| l.to_string()));
            } else if let Some(bytes) = first.strip_prefix("@item-collection-limit ") {
                let bytes: u64 = bytes
                    .trim()
                    .parse()
                    .expect("the limit is a number of bytes");
                db.set_item_collection_limit(bytes);
                kept.extend(rest.iter().map(|l| l.to_string()));
            } else {
                let split = rest.iter().position(|l| *l == "---").unwrap_or(rest.len());
                let request_text = rest[..split].join("\n");
                let (operation, body) = request_text
                    .split_once(char::is_whitespace)
                    .unwrap_or((request_text.as_str(), "{}"));
                let body: Value = serde_json::from_str(body).unwrap_or_else(|e| {
                    panic!("{}: bad JSON for {operation}: {e}\n{body}", path.display())
                });
                let before = format!("{:?}", db.debug_state());
                let result = db.execute(operation, &body, &RequestContext::at(now));
                if result.is_err() {
                    let after = format!("{:?}", db.debug_state());
                    assert!(
                        before == after,
                        "{}: a failed {operation} changed the database:\n{request_text}",
                        path.display()
                    );
                }
                kept.extend(rest[..split].iter().map(|l| l.to_string()));
                kept.push("---".to_string());
                kept.push(render(&result));
            }
        }
        out.push_str(&kept.join("\n"));
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[test]
fn golden_scripts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    dynaplay_golden::check("golden scripts", &dir, Some("golden"), run_script);
}
