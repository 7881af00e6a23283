//! The calendar behind simulated time.
//!
//! The simulation counts microseconds from the moment the world starts; DynamoDB speaks
//! in wall-clock dates: `CreationDateTime` is seconds since the Unix epoch, stream labels
//! are ISO-8601 timestamps, decrease quotas reset at midnight UTC and some messages spell
//! dates out in English ("Monday, January 1, 2024 at 12:00:00 AM Coordinated Universal
//! Time"). To give those answers deterministically the simulated clock starts at a fixed
//! instant, [`SIM_EPOCH_UNIX_SECONDS`] — 2024-01-01T00:00:00Z, a Monday — and every date
//! the engine shows is that instant plus the simulated time. No wall clock is read.

use dynaplay_sim::{SimDuration, SimTime};
use serde_json::{Number, Value};

/// The Unix time (seconds) of simulated time zero: 2024-01-01T00:00:00Z.
pub const SIM_EPOCH_UNIX_SECONDS: u64 = 1_704_067_200;

const MILLIS_PER_DAY: u64 = 86_400_000;

/// Milliseconds since the Unix epoch at simulated instant `t`. DynamoDB's timestamps
/// carry milliseconds, so finer simulated time is truncated.
pub fn unix_millis(t: SimTime) -> u64 {
    SIM_EPOCH_UNIX_SECONDS
        .saturating_mul(1000)
        .saturating_add(t.as_micros() / 1000)
}

/// A timestamp as DynamoDB's JSON carries it: seconds since the Unix epoch as a number
/// with a millisecond fraction (`1704067200.5`).
pub fn epoch_seconds(t: SimTime) -> Value {
    let seconds = unix_millis(t) as f64 / 1000.0;
    Number::from_f64(seconds)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// The UTC day of `t`, counted in days since the Unix epoch.
pub fn utc_day(t: SimTime) -> u64 {
    unix_millis(t) / MILLIS_PER_DAY
}

/// The first instant of the UTC day after the one `t` falls in.
pub fn next_utc_midnight(t: SimTime) -> SimTime {
    let millis = unix_millis(t);
    let into_day = millis % MILLIS_PER_DAY;
    t.saturating_add(SimDuration::from_millis(MILLIS_PER_DAY - into_day))
        .saturating_sub(SimDuration::from_micros(t.as_micros() % 1000))
}

/// A civil date and time of day in UTC.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    weekday: usize,
    hour: u64,
    minute: u64,
    second: u64,
    millis: u64,
}

/// Gregorian calendar date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

fn civil(t: SimTime) -> Civil {
    let millis = unix_millis(t);
    let days = millis / MILLIS_PER_DAY;
    let in_day = millis % MILLIS_PER_DAY;
    let (year, month, day) = civil_from_days(days as i64);
    Civil {
        year,
        month,
        day,
        // 1970-01-01 was a Thursday; index 0 is Sunday.
        weekday: ((days + 4) % 7) as usize,
        hour: in_day / 3_600_000,
        minute: in_day / 60_000 % 60,
        second: in_day / 1000 % 60,
        millis: in_day % 1000,
    }
}

/// ISO-8601 with milliseconds and no zone suffix, as stream labels and cooldown
/// messages show it: `2024-01-01T00:00:00.000`.
pub fn iso_millis(t: SimTime) -> String {
    let c = civil(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}",
        c.year, c.month, c.day, c.hour, c.minute, c.second, c.millis
    )
}

const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The long English form DynamoDB's decrease-quota message uses:
/// `Monday, January 1, 2024 at 12:00:00 AM Coordinated Universal Time`.
pub fn long_utc(t: SimTime) -> String {
    let c = civil(t);
    let weekday = WEEKDAYS.get(c.weekday).copied().unwrap_or("");
    let month = MONTHS
        .get(c.month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("");
    let (hour12, meridiem) = match c.hour {
        0 => (12, "AM"),
        1..=11 => (c.hour, "AM"),
        12 => (12, "PM"),
        _ => (c.hour - 12, "PM"),
    };
    format!(
        "{weekday}, {month} {}, {} at {hour12}:{:02}:{:02} {meridiem} Coordinated Universal Time",
        c.day, c.year, c.minute, c.second
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zero_is_new_year_2024() {
        assert_eq!(iso_millis(SimTime::ZERO), "2024-01-01T00:00:00.000");
        assert_eq!(
            long_utc(SimTime::ZERO),
            "Monday, January 1, 2024 at 12:00:00 AM Coordinated Universal Time"
        );
        assert_eq!(
            epoch_seconds(SimTime::ZERO),
            serde_json::json!(1704067200.0)
        );
    }

    #[test]
    fn dates_advance_across_months_and_leap_day() {
        // 2024 is a leap year: day 59 after New Year is February 29.
        let leap = SimTime::from_secs(59 * 86_400 + 13 * 3600 + 5 * 60 + 7);
        assert_eq!(iso_millis(leap), "2024-02-29T13:05:07.000");
        assert_eq!(
            long_utc(leap),
            "Thursday, February 29, 2024 at 1:05:07 PM Coordinated Universal Time"
        );
        let millis = SimTime::from_millis(1500);
        assert_eq!(iso_millis(millis), "2024-01-01T00:00:01.500");
        assert_eq!(epoch_seconds(millis), serde_json::json!(1704067201.5));
    }

    #[test]
    fn days_and_midnights() {
        let late = SimTime::from_secs(86_400 - 1);
        assert_eq!(utc_day(late), utc_day(SimTime::ZERO));
        assert_eq!(next_utc_midnight(late), SimTime::from_secs(86_400));
        assert_eq!(utc_day(next_utc_midnight(late)), utc_day(SimTime::ZERO) + 1);
        assert_eq!(next_utc_midnight(SimTime::ZERO), SimTime::from_secs(86_400));
    }
}
