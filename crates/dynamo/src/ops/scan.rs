//! Scan: every item of a table or index, in key-space order.
//!
//! A Scan walks the store partition by partition in the order of the partition keys'
//! hashes — the order DynamoDB's partitions lie in — and, within a partition, in sort-key
//! order. It reads everything it walks: `ScannedCount`, `Limit`, the 1 MB page and the
//! capacity all count items evaluated, not items returned, which is why a filtered Scan
//! of a big table is expensive however little it returns.
//!
//! A parallel Scan (`Segment` of `TotalSegments`) walks one slice of the hash range
//! ([`segment_range`]); the slices tile the key space, so the segments together return
//! every item exactly once. A start key from one segment is refused by another.

use std::ops::Bound;

use serde_json::Value;

use super::read_page::{PageReader, Target};
use super::read_request::{ReadOp, ReadRequest};
use crate::db::{Answer, Database, RequestContext};
use crate::error::{DynamoError, Result};
use crate::key::KeyValue;
use crate::keyhash::{key_hash, segment_range};
use crate::table::{EntryKey, Slot};

pub(crate) fn execute(db: &mut Database, request: &Value, ctx: &RequestContext) -> Result<Answer> {
    let request = ReadRequest::parse(ReadOp::Scan, request)?.with_context(ctx);
    let table = db.usable_table(&request.table_name)?;
    let target = Target::resolve(table, &request)?;
    let start = plan(&target, &request)?;
    Ok(read(target, &request, start))
}

/// The Scan checks that need the table, in AWS's order; the result is where to resume.
fn plan(target: &Target<'_>, request: &ReadRequest) -> Result<Option<(Slot, EntryKey)>> {
    let mut start = None;
    if let Some(key) = &request.start_key {
        target.check_start_key_size(key, ReadOp::Scan)?;
        if target.index.is_some() {
            target.check_start_key_part(key, true)?;
            target.check_start_key_part(key, false)?;
        }
    }
    target.check_select(request.select)?;
    if let Some(key) = &request.start_key {
        let base = target.table_start_key(key)?;
        if let Some((partition, entry)) = target.start_position(key, &base) {
            if let Some(segment) = request.segment {
                let (low, high) = segment_range(segment.segment, segment.total);
                let hash = key_hash(&partition);
                if hash < low || hash > high {
                    return Err(DynamoError::validation(format!(
                        "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: {} Segment: {}",
                        segment.total, segment.segment
                    )));
                }
            }
            start = Some((Slot::of(&partition), entry));
        }
    }
    let projection_heads = request
        .projection
        .as_ref()
        .map(|projection| projection.nested_heads())
        .unwrap_or_default();
    target.check_key_paths(&projection_heads)?;
    if let Some(filter) = &request.filter {
        let heads: Vec<String> = filter
            .paths()
            .iter()
            .filter(|path| path.steps.len() > 1)
            .map(|path| path.top_level().to_string())
            .collect();
        target.check_key_paths(&heads)?;
    }
    Ok(start)
}

/// Walks the key space (or this segment's slice of it) from after the start key.
fn read(target: Target<'_>, request: &ReadRequest, start: Option<(Slot, EntryKey)>) -> Answer {
    let mut page = PageReader::new(target, request);
    let Some(store) = target.store() else {
        return page.finish();
    };
    let (low, high) = match request.segment {
        Some(segment) => segment_range(segment.segment, segment.total),
        None => (0, u128::MAX),
    };
    // The smallest slot at a hash: every key sorts after the empty string.
    let first = Slot {
        hash: low,
        key: KeyValue::S(String::new()),
    };
    let from = match &start {
        Some((slot, _)) => Bound::Included(slot),
        None => Bound::Included(&first),
    };
    'slots: for (slot, collection) in store.slots_from(from) {
        if slot.hash > high {
            break;
        }
        let after = match &start {
            Some((start_slot, entry)) if start_slot == slot => Bound::Excluded(entry),
            _ => Bound::Unbounded,
        };
        for (entry_key, item) in collection.range::<EntryKey, _>((after, Bound::Unbounded)) {
            if !page.offer(item, entry_key.base.as_ref()) {
                break 'slots;
            }
        }
    }
    page.finish()
}

#[cfg(test)]
mod tests;
