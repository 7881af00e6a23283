//! Query: the items of one partition key, in sort-key order.
//!
//! A Query names a partition key value with an equality and may narrow the sort key with
//! one comparison (`=`, `<`, `<=`, `>`, `>=`, `BETWEEN`, `begins_with`); it reads the
//! table or one of its indexes. That is the access pattern DynamoDB is built for — one
//! item collection, read in order, forwards or backwards (`ScanIndexForward`) — and the
//! reason so many of its errors are about keys: the key condition must match the key
//! schema of what is read, a filter may not test those key attributes (they belong in the
//! key condition), and a start key must name a position inside the collection asked for.
//!
//! The checks that need the table run here in AWS's order, which interleaves the start
//! key and the key condition attribute by attribute (partition key first); the checks
//! that do not need it ran in [`ReadRequest::parse`]. Which stretch of the collection is
//! read is [`seek`]'s; the page itself — Limit, 1 MB, filter, projection, capacity,
//! LastEvaluatedKey — is [`PageReader`]'s.

use serde_json::Value;

use super::read_page::{PageReader, Target};
use super::read_request::{KeyTerm, ReadOp, ReadRequest};
use crate::db::{Answer, Database, RequestContext};
use crate::error::{DynamoError, Result};
use crate::expr::KeyComparison;
use crate::expr::messages::{key_condition_not_supported, key_schema_element_missed};
use crate::key::{KeyAttribute, KeyValue, PrimaryKey};
use crate::table::EntryKey;
use crate::value::{AttributeValue, Item};

pub(crate) fn execute(db: &mut Database, request: &Value, ctx: &RequestContext) -> Result<Answer> {
    let request = ReadRequest::parse(ReadOp::Query, request)?.with_context(ctx);
    let table = db.usable_table(&request.table_name)?;
    let target = Target::resolve(table, &request)?;
    let plan = plan(&target, &request)?;
    Ok(read(target, &request, &plan))
}

/// What a validated Query reads.
struct Plan {
    partition: KeyValue,
    sort: Option<KeyComparison>,
    start: Option<EntryKey>,
}

/// The Query checks that need the table, in AWS's order; the result says what to read.
fn plan(target: &Target<'_>, request: &ReadRequest) -> Result<Plan> {
    let schema = target.key_schema();
    let start_key = request.start_key.as_ref();
    if let Some(key) = start_key {
        target.check_start_key_size(key, ReadOp::Query)?;
        target.check_start_key_part(key, true)?;
    }
    let hash_term = key_term(
        &schema.hash,
        true,
        schema.range.is_none(),
        &request.key_terms,
    )?;
    if let Some(key) = start_key {
        target.check_start_key_part(key, false)?;
    }
    let range_term = match &schema.range {
        Some(range) => key_term(range, false, false, &request.key_terms)?,
        None => None,
    };
    let Some(KeyComparison::Equal(partition_value)) = hash_term else {
        return Err(key_schema_element_missed(&schema.hash.name));
    };
    let partition = KeyValue::from_value(partition_value)
        .ok_or_else(|| key_schema_element_missed(&schema.hash.name))?;

    let mut start = None;
    if let Some(key) = start_key {
        let base = target.table_start_key(key)?;
        check_start_in_bounds(target, key, partition_value, range_term)?;
        start = target.start_position(key, &base).map(|(_, entry)| entry);
    }

    let nested: Vec<String> = request
        .projection
        .as_ref()
        .map(|projection| projection.nested_heads())
        .unwrap_or_default();
    target.check_key_paths(&nested)?;
    if let Some(filter) = &request.filter {
        target.check_filter_keys(filter)?;
    }
    target.check_select(request.select)?;
    if let Some(filter) = &request.filter {
        let heads: Vec<String> = filter
            .paths()
            .iter()
            .filter(|path| path.steps.len() > 1)
            .map(|path| path.top_level().to_string())
            .collect();
        target.check_key_paths(&heads)?;
    }
    Ok(Plan {
        partition,
        sort: range_term.cloned(),
        start,
    })
}

/// The key condition's term for one key attribute, with the checks AWS makes for it.
/// `hash_only` is whether the schema read has no sort key.
fn key_term<'r>(
    attribute: &KeyAttribute,
    hash: bool,
    hash_only: bool,
    terms: &'r [KeyTerm],
) -> Result<Option<&'r KeyComparison>> {
    if hash && hash_only && terms.len() > 1 {
        return Err(key_condition_not_supported());
    }
    let Some(term) = terms.iter().find(|term| term.attribute == attribute.name) else {
        if hash || terms.len() > 1 {
            return Err(key_schema_element_missed(&attribute.name));
        }
        return Ok(None);
    };
    let Some(comparison) = &term.comparison else {
        return Err(DynamoError::validation(
            "Attempted conditional constraint is not an indexable operation",
        ));
    };
    let typed = |value: &&AttributeValue| {
        KeyValue::from_value(value).is_some_and(|key| key.scalar_type() == attribute.scalar_type)
    };
    if !comparison.values().iter().all(typed) {
        return Err(DynamoError::validation(
            "One or more parameter values were invalid: Condition parameter type does not match schema type",
        ));
    }
    if hash && !matches!(comparison, KeyComparison::Equal(_)) {
        return Err(key_condition_not_supported());
    }
    Ok(Some(comparison))
}

/// A start key must lie in the collection the key condition selects.
fn check_start_in_bounds(
    target: &Target<'_>,
    key: &Item,
    partition_value: &AttributeValue,
    range_term: Option<&KeyComparison>,
) -> Result<()> {
    let schema = target.key_schema();
    let same_partition = key.get(&schema.hash.name) == Some(partition_value);
    match (&schema.range, range_term) {
        (Some(range), Some(comparison)) => {
            if !key
                .get(&range.name)
                .is_some_and(|value| comparison.matches(value))
            {
                return Err(DynamoError::validation(
                    "The provided starting key does not match the range key predicate",
                ));
            }
            if !same_partition {
                return Err(DynamoError::validation(
                    "The query can return at most one row and cannot be restarted",
                ));
            }
        }
        _ if !same_partition => {
            return Err(DynamoError::validation(
                "The provided starting key is outside query boundaries based on provided conditions",
            ));
        }
        _ => {}
    }
    Ok(())
}

/// Reads the partition's collection in the asked direction, from after the start key,
/// through exactly the entries whose sort key qualifies (see [`seek`]).
fn read(target: Target<'_>, request: &ReadRequest, plan: &Plan) -> Answer {
    let mut page = PageReader::new(target, request);
    let Some(collection) = target
        .store()
        .and_then(|store| store.collection(&plan.partition))
    else {
        return page.finish();
    };
    let entries = seek::entries(
        collection,
        plan.sort.as_ref(),
        plan.start.as_ref(),
        request.forward,
    );
    for (entry_key, item) in entries {
        // The seek reads only qualifying entries; the check keeps a comparison the range
        // cannot express (begins_with on a number) exact all the same.
        if let Some(sort) = &plan.sort {
            let qualifies = entry_key
                .sort
                .as_ref()
                .is_some_and(|value| sort.matches(&value.to_value()));
            if !qualifies {
                continue;
            }
        }
        let base: Option<&PrimaryKey> = entry_key.base.as_ref();
        if !page.offer(item, base) {
            break;
        }
    }
    page.finish()
}

mod seek;
#[cfg(test)]
mod tests;
