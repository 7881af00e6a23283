//! Maximum on-demand throughput and warm throughput, as CreateTable and UpdateTable set
//! them on a table and on its global secondary indexes.
//!
//! An on-demand table scales by itself, which is also how a runaway client runs up a bill.
//! `OnDemandThroughput {MaxReadRequestUnits, MaxWriteRequestUnits}` caps it: requests
//! beyond the maximum are throttled. A maximum is for on-demand tables only, so a
//! provisioned table (or a table an UpdateTable makes provisioned) refuses one, and
//! switching a table to provisioned drops its maximums. A maximum is at least 1; UpdateTable
//! also takes -1, which removes that member's maximum (the response echoes the -1). A member
//! left out keeps its current value.
//!
//! `WarmThroughput {ReadUnitsPerSecond, WriteUnitsPerSecond}` is what a table can serve at
//! once without waiting for DynamoDB to scale: 12,000 reads and 4,000 writes for a new
//! on-demand table, the provisioned capacity for a provisioned one, or more when asked
//! for — DynamoDB then prepares the partitions ahead of a launch. It never goes down: it
//! follows the highest capacity the table has had, and a request for less than the
//! current value is refused. At CreateTable it may not be below what the table starts
//! with.
//!
//! The messages are DynamoDB's, "One or more parameter values were invalid: ..." with the
//! member at fault named; CreateTable says "when table BillingMode is PROVISIONED." where
//! UpdateTable says "when the table BillingMode is PROVISIONED".

use crate::error::Result;
use crate::ops::table_spec::invalid;
use crate::request::Fields;
use crate::table::{OnDemandMaximum, TableStatus, Throughput, WarmThroughput};

/// Where DynamoDB's messages send a learner about the initial on-demand throughput.
const INITIAL_THROUGHPUT_DOC: &str = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode.html#on-demand-capacity-mode-initial";

/// What a maximum of -1 means on UpdateTable: no maximum.
const REMOVE: i64 = -1;

/// The two members of either structure, as the request gave them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Members {
    pub read: Option<i64>,
    pub write: Option<i64>,
}

impl Members {
    /// The structure `member` of `fields`, if it has at least one member: DynamoDB reads an
    /// empty one as no change at all.
    fn parse(fields: &Fields<'_>, member: &str, names: [&str; 2]) -> Result<Option<Members>> {
        let Some(map) = fields.object(member)? else {
            return Ok(None);
        };
        let inner = Fields::of_map(map);
        let members = Members {
            read: inner.integer(names[0])?,
            write: inner.integer(names[1])?,
        };
        Ok((members.read.is_some() || members.write.is_some()).then_some(members))
    }

    /// The given members with their names, read first.
    fn named(self, names: [&'static str; 2]) -> impl Iterator<Item = (&'static str, i64)> {
        [(names[0], self.read), (names[1], self.write)]
            .into_iter()
            .filter_map(|(name, value)| Some((name, value?)))
    }
}

const MAXIMUM: [&str; 2] = ["MaxReadRequestUnits", "MaxWriteRequestUnits"];
const WARM: [&str; 2] = ["ReadUnitsPerSecond", "WriteUnitsPerSecond"];

/// A request's `OnDemandThroughput` (in `fields`: the request or one index's entry).
pub(crate) fn parse_maximum(fields: &Fields<'_>) -> Result<Option<Members>> {
    Members::parse(fields, "OnDemandThroughput", MAXIMUM)
}

/// A request's `WarmThroughput`.
pub(crate) fn parse_warm(fields: &Fields<'_>) -> Result<Option<Members>> {
    Members::parse(fields, "WarmThroughput", WARM)
}

/// What the settings belong to, as the messages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope<'a> {
    Table,
    Index(&'a str),
}

/// Which request sets them: the two word "cannot be specified" differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    Create,
    Update,
}

/// Checks an `OnDemandThroughput` for a table or index that will be provisioned or not
/// (`provisioned`), and returns the maximums it sets, -1 included.
pub(crate) fn check_maximum(
    members: Members,
    provisioned: bool,
    scope: Scope<'_>,
    operation: Operation,
) -> Result<OnDemandMaximum> {
    if provisioned && let Some((name, _)) = members.named(MAXIMUM).next() {
        let owner = match scope {
            Scope::Table => String::new(),
            Scope::Index(index) => format!(" for index : {index}"),
        };
        let when = match operation {
            Operation::Create => "when table BillingMode is PROVISIONED.",
            Operation::Update => "when the table BillingMode is PROVISIONED",
        };
        return Err(invalid(format!(
            "{name} for OnDemandThroughput{owner} cannot be specified {when}"
        )));
    }
    for (name, units) in members.named(MAXIMUM) {
        let removal = operation == Operation::Update && units == REMOVE;
        if units < 1 && !removal {
            let owner = match scope {
                Scope::Table => "table".to_string(),
                Scope::Index(index) => format!("index : {index}"),
            };
            return Err(invalid(format!(
                "Requested {name} for OnDemandThroughput for {owner} is outside of valid range"
            )));
        }
    }
    Ok(OnDemandMaximum {
        read: members.read,
        write: members.write,
    })
}

/// `current` with the maximums an UpdateTable set: given members replace, -1 removes.
pub(crate) fn merge_maximum(current: OnDemandMaximum, update: OnDemandMaximum) -> OnDemandMaximum {
    let member = |current: Option<i64>, update: Option<i64>| match update {
        Some(REMOVE) => None,
        Some(units) => Some(units),
        None => current,
    };
    OnDemandMaximum {
        read: member(current.read, update.read),
        write: member(current.write, update.write),
    }
}

/// What an UpdateTable response shows: the maximums after the update, with the removals it
/// asked for still showing -1.
pub(crate) fn echoed_maximum(current: OnDemandMaximum, update: OnDemandMaximum) -> OnDemandMaximum {
    OnDemandMaximum {
        read: update.read.or(current.read),
        write: update.write.or(current.write),
    }
}

fn warm_owner(scope: Scope<'_>) -> String {
    match scope {
        Scope::Table => "table".to_string(),
        Scope::Index(index) => format!("index {index}"),
    }
}

/// Checks a CreateTable `WarmThroughput` against what the table or index starts with
/// (`provisioned` capacity, or on-demand's initial throughput) and returns the warm
/// throughput it will have, UPDATING while DynamoDB warms it.
pub(crate) fn check_initial_warm(
    members: Members,
    provisioned: Option<Throughput>,
    scope: Scope<'_>,
) -> Result<WarmThroughput> {
    let initial = WarmThroughput::initial(provisioned);
    let floors = [
        (initial.read, "ReadCapacityUnits"),
        (initial.write, "WriteCapacityUnits"),
    ];
    for ((name, units), (floor, capacity)) in [(WARM[0], members.read), (WARM[1], members.write)]
        .into_iter()
        .zip(floors)
    {
        let Some(units) = units else { continue };
        if units < floor as i64 {
            let owner = warm_owner(scope);
            return Err(invalid(match provisioned {
                None => format!(
                    "Requested {name} for WarmThroughput for {owner} is lower than initial throughput for OnDemand. See: {INITIAL_THROUGHPUT_DOC}"
                ),
                Some(_) => format!(
                    "Requested {name} for WarmThroughput for {owner} is lower than {capacity} of ProvisionedThroughput"
                ),
            }));
        }
    }
    Ok(raised(initial, members))
}

/// Checks an UpdateTable `WarmThroughput` against the current warm throughput, which it
/// may not lower, and returns the new one, UPDATING while DynamoDB warms it.
pub(crate) fn check_warm_update(
    members: Members,
    current: WarmThroughput,
    scope: Scope<'_>,
) -> Result<WarmThroughput> {
    for (name, units, now) in [
        (WARM[0], members.read, current.read),
        (WARM[1], members.write, current.write),
    ] {
        if units.is_some_and(|units| units < now as i64) {
            return Err(invalid(format!(
                "Requested {name} for WarmThroughput for {} is lower than current WarmThroughput, decreasing WarmThroughput is not supported",
                warm_owner(scope)
            )));
        }
    }
    Ok(raised(current, members))
}

/// `warm` raised to the requested members (already checked not to lower it), marked as
/// being warmed.
fn raised(warm: WarmThroughput, members: Members) -> WarmThroughput {
    let units = |current: u64, requested: Option<i64>| {
        requested
            .and_then(|r| u64::try_from(r).ok())
            .map_or(current, |r| r.max(current))
    };
    WarmThroughput {
        read: units(warm.read, members.read),
        write: units(warm.write, members.write),
        status: TableStatus::Updating,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::DynamoError;

    /// The error's message, or the value for a request that passed.
    fn message(result: Result<impl std::fmt::Debug>) -> String {
        result.map_or_else(|e: DynamoError| e.message, |v| format!("{v:?}"))
    }

    fn members(read: Option<i64>, write: Option<i64>) -> Members {
        Members { read, write }
    }

    #[test]
    fn maximums_are_for_on_demand_tables_and_at_least_one() {
        let both = members(Some(10), Some(5));
        assert_eq!(
            message(check_maximum(both, true, Scope::Table, Operation::Create)),
            "One or more parameter values were invalid: MaxReadRequestUnits for OnDemandThroughput cannot be specified when table BillingMode is PROVISIONED."
        );
        assert_eq!(
            message(check_maximum(
                members(None, Some(5)),
                true,
                Scope::Index("g"),
                Operation::Update
            )),
            "One or more parameter values were invalid: MaxWriteRequestUnits for OnDemandThroughput for index : g cannot be specified when the table BillingMode is PROVISIONED"
        );
        assert_eq!(
            message(check_maximum(
                members(Some(-1), None),
                false,
                Scope::Table,
                Operation::Create
            )),
            "One or more parameter values were invalid: Requested MaxReadRequestUnits for OnDemandThroughput for table is outside of valid range"
        );
        let removal = check_maximum(
            members(Some(-1), Some(0)),
            false,
            Scope::Table,
            Operation::Update,
        );
        assert_eq!(
            message(removal),
            "One or more parameter values were invalid: Requested MaxWriteRequestUnits for OnDemandThroughput for table is outside of valid range"
        );
        assert!(
            check_maximum(
                members(Some(-1), None),
                false,
                Scope::Table,
                Operation::Update
            )
            .is_ok()
        );
    }

    #[test]
    fn updates_merge_member_by_member_and_minus_one_removes() {
        let current = OnDemandMaximum {
            read: Some(1000),
            write: Some(500),
        };
        let update = OnDemandMaximum {
            read: Some(-1),
            write: None,
        };
        assert_eq!(
            merge_maximum(current, update),
            OnDemandMaximum {
                read: None,
                write: Some(500)
            }
        );
        assert_eq!(
            echoed_maximum(current, update),
            OnDemandMaximum {
                read: Some(-1),
                write: Some(500)
            }
        );
    }

    #[test]
    fn warm_throughput_starts_at_the_initial_capacity_and_never_decreases() {
        assert_eq!(
            message(check_initial_warm(
                members(Some(100), None),
                None,
                Scope::Table
            )),
            "One or more parameter values were invalid: Requested ReadUnitsPerSecond for WarmThroughput for table is lower than initial throughput for OnDemand. See: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode.html#on-demand-capacity-mode-initial"
        );
        let provisioned = Some(Throughput {
            read: 10,
            write: 10,
        });
        assert_eq!(
            message(check_initial_warm(
                members(None, Some(5)),
                provisioned,
                Scope::Table
            )),
            "One or more parameter values were invalid: Requested WriteUnitsPerSecond for WarmThroughput for table is lower than WriteCapacityUnits of ProvisionedThroughput"
        );
        let warm = check_initial_warm(members(Some(12_001), None), None, Scope::Table).unwrap();
        assert_eq!(
            (warm.read, warm.write, warm.status),
            (12_001, 4_000, TableStatus::Updating)
        );
        assert_eq!(
            message(check_warm_update(
                members(Some(12_000), None),
                warm,
                Scope::Index("g")
            )),
            "One or more parameter values were invalid: Requested ReadUnitsPerSecond for WarmThroughput for index g is lower than current WarmThroughput, decreasing WarmThroughput is not supported"
        );
        let same =
            check_warm_update(members(Some(12_001), Some(4_000)), warm, Scope::Table).unwrap();
        assert_eq!(
            (same.read, same.write),
            (12_001, 4_000),
            "re-asserting is fine"
        );
    }
}
