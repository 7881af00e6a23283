//! Provisioned capacity: the account's quotas and the daily decrease budget.
//!
//! A provisioned table (and each of its global secondary indexes) names read and write
//! capacity units. DynamoDB caps them per table or index (40,000 each by default) and
//! across the account in a region (80,000 each), and reports both caps through
//! DescribeLimits. Raising capacity is allowed any time; lowering it is rationed: four
//! decreases per UTC day, then one more each hour after the last. The table and each index
//! have their own budget, and NumberOfDecreasesToday restarts at midnight UTC.
//!
//! Exceeding a quota is a `LimitExceededException` whose message names the numbers, the
//! region and, for the decrease budget, the dates spelled out in English.

use dynaplay_sim::{SimDuration, SimTime};

use crate::db::Database;
use crate::error::{DynamoError, ErrorKind, Result};
use crate::ops::calendar::{long_utc, next_utc_midnight, utc_day};
use crate::table::def::{TableDef, ThroughputHistory};
use crate::table::{BillingMode, Throughput};

/// Largest read or write capacity of one table or index (TableMax*CapacityUnits).
pub(crate) const TABLE_MAX_CAPACITY: u64 = 40_000;
/// Largest read or write capacity of all tables and indexes of the account in a region.
pub(crate) const ACCOUNT_MAX_CAPACITY: u64 = 80_000;
/// Decreases allowed at any time in one UTC day; later ones need an hour's gap.
const FREE_DECREASES_PER_DAY: u32 = 4;
const DECREASE_GAP: SimDuration = SimDuration::from_secs(3600);

/// The table's own throughput history, gathered from its definition.
pub(crate) fn table_history(def: &TableDef) -> ThroughputHistory {
    ThroughputHistory {
        last_increase: def.last_increase,
        last_decrease: def.last_decrease,
        decreases_today: def.decreases_today,
        decreases_day: def.decreases_day,
    }
}

pub(crate) fn set_table_history(def: &mut TableDef, history: ThroughputHistory) {
    def.last_increase = history.last_increase;
    def.last_decrease = history.last_decrease;
    def.decreases_today = history.decreases_today;
    def.decreases_day = history.decreases_day;
}

/// NumberOfDecreasesToday as of `now`.
pub(crate) fn decreases_today(history: &ThroughputHistory, now: SimTime) -> u32 {
    if history.decreases_day == utc_day(now) {
        history.decreases_today
    } else {
        0
    }
}

/// Records a change from `old` to `new` at `now`: an increase stamps LastIncreaseDateTime,
/// a decrease (of either member; both at once count once) spends the day's budget and
/// stamps LastDecreaseDateTime. A decrease the budget does not allow fails.
pub(crate) fn record_change(
    history: &mut ThroughputHistory,
    old: Throughput,
    new: Throughput,
    now: SimTime,
) -> Result<()> {
    let increase = new.read > old.read || new.write > old.write;
    let decrease = new.read < old.read || new.write < old.write;
    if decrease {
        let today = decreases_today(history, now);
        if today >= FREE_DECREASES_PER_DAY {
            let last = history.last_decrease.unwrap_or(now);
            let next = last
                .saturating_add(DECREASE_GAP)
                .min(next_utc_midnight(last));
            if now < next {
                return Err(DynamoError::new(
                    ErrorKind::LimitExceeded,
                    format!(
                        "Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day. After the first 4 decreases, each subsequent decrease in the same UTC day can be performed at most once every 3600 seconds. Number of decreases today: {today}. Last decrease at {}. Next decrease can be made at {}.",
                        long_utc(last),
                        long_utc(next)
                    ),
                ));
            }
        }
        history.decreases_today = today + 1;
        history.decreases_day = utc_day(now);
        history.last_decrease = Some(now);
    }
    if increase {
        history.last_increase = Some(now);
    }
    Ok(())
}

/// The per-table (or, with `index`, per-index) quota.
pub(crate) fn check_table_max(
    throughput: Throughput,
    index: Option<&str>,
    region: &str,
) -> Result<()> {
    for (member, units) in [
        ("ReadCapacityUnits", throughput.read),
        ("WriteCapacityUnits", throughput.write),
    ] {
        if units > TABLE_MAX_CAPACITY {
            let what = match index {
                None => format!("The requested {member}, {units}, is above the per table maximum"),
                Some(name) => format!(
                    "The requested {member} for index {name}, {units}, is above the per index maximum"
                ),
            };
            return Err(DynamoError::new(
                ErrorKind::LimitExceeded,
                format!(
                    "{what} for the account in {region}. Per table maximum: {TABLE_MAX_CAPACITY}. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits."
                ),
            ));
        }
    }
    Ok(())
}

/// Capacity a table and its global indexes hold from the account's quota.
pub(crate) fn reserved_by(def: &TableDef) -> Throughput {
    let mut total = Throughput { read: 0, write: 0 };
    let mut add = |t: Throughput| {
        total.read = total.read.saturating_add(t.read);
        total.write = total.write.saturating_add(t.write);
    };
    if let BillingMode::Provisioned(t) = def.billing {
        add(t);
    }
    def.global_indexes
        .iter()
        .filter_map(|i| i.throughput)
        .for_each(add);
    total
}

/// Capacity reserved by every table of the account.
pub(crate) fn account_reserved(db: &Database) -> Throughput {
    db.tables()
        .map(|t| reserved_by(&t.def))
        .fold(Throughput { read: 0, write: 0 }, |a, b| Throughput {
            read: a.read.saturating_add(b.read),
            write: a.write.saturating_add(b.write),
        })
}

/// The account quota: `current` is reserved now, `released` is what the request gives
/// back (an updated table's old capacity) and `requested` what it asks for.
pub(crate) fn check_account(
    current: Throughput,
    released: Throughput,
    requested: Throughput,
    region: &str,
) -> Result<()> {
    let members = [
        (
            "ReadCapacityUnits",
            current.read,
            released.read,
            requested.read,
        ),
        (
            "WriteCapacityUnits",
            current.write,
            released.write,
            requested.write,
        ),
    ];
    for (member, current, released, requested) in members {
        if current.saturating_sub(released).saturating_add(requested) > ACCOUNT_MAX_CAPACITY {
            return Err(DynamoError::new(
                ErrorKind::LimitExceeded,
                format!(
                    "This request would have caused the {member} limit to be exceeded for the account in {region}. Current {member} reserved by the account: {current}. Limit: {ACCOUNT_MAX_CAPACITY}. Requested: {requested}"
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn tp(read: u64, write: u64) -> Throughput {
        Throughput { read, write }
    }

    #[test]
    fn four_decreases_a_day_then_one_an_hour() {
        let mut h = ThroughputHistory::default();
        let mut units = 10;
        let mut now = SimTime::from_secs(3600);
        for n in 1..=4 {
            record_change(&mut h, tp(units, units), tp(units - 1, units - 1), now).unwrap();
            units -= 1;
            assert_eq!(decreases_today(&h, now), n);
            now = now.saturating_add(SimDuration::from_secs(60));
        }
        let err = record_change(&mut h, tp(units, units), tp(units - 1, units), now).unwrap_err();
        assert_eq!(err.kind, ErrorKind::LimitExceeded);
        assert!(err.message.contains("Number of decreases today: 4. Last decrease at Monday, January 1, 2024 at 1:03:00 AM Coordinated Universal Time. Next decrease can be made at Monday, January 1, 2024 at 2:03:00 AM Coordinated Universal Time."), "{}", err.message);
        // Increases are never rationed, and an hour later one more decrease is allowed.
        record_change(&mut h, tp(units, units), tp(units + 1, units), now).unwrap();
        let later = now.saturating_add(SimDuration::from_secs(3600));
        record_change(&mut h, tp(units, units), tp(units - 1, units), later).unwrap();
        assert_eq!(decreases_today(&h, later), 5);
        // The count starts again the next UTC day.
        assert_eq!(decreases_today(&h, SimTime::from_secs(86_400)), 0);
    }

    #[test]
    fn quotas_name_the_numbers() {
        assert_eq!(
            check_table_max(tp(40_001, 1), None, "us-east-1")
                .unwrap_err()
                .message,
            "The requested ReadCapacityUnits, 40001, is above the per table maximum for the account in us-east-1. Per table maximum: 40000. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits."
        );
        assert!(check_table_max(tp(1, 40_001), Some("g"), "us-east-1")
            .unwrap_err()
            .message
            .starts_with("The requested WriteCapacityUnits for index g, 40001, is above the per index maximum"));
        assert_eq!(
            check_account(tp(40_000, 10), tp(0, 0), tp(40_001, 1), "us-east-1")
                .unwrap_err()
                .message,
            "This request would have caused the ReadCapacityUnits limit to be exceeded for the account in us-east-1. Current ReadCapacityUnits reserved by the account: 40000. Limit: 80000. Requested: 40001"
        );
        assert!(check_account(tp(80_000, 0), tp(10, 0), tp(10, 0), "r").is_ok());
    }
}
