//! Simulated time: instants ([`SimTime`]) and spans ([`SimDuration`]).
//!
//! Nothing in the simulation reads a wall clock. Time is a number the world moves forward
//! on purpose, counted in whole microseconds since the world started. Microseconds are fine
//! enough for the fastest thing modelled (a DAX cache hit takes a few hundred of them) and a
//! `u64` of them lasts more than half a million years, so one integer unit serves everything
//! and no floating-point rounding can make two runs disagree.
//!
//! Arithmetic saturates instead of overflowing or panicking: adding a huge duration to an
//! instant pins it at [`SimTime::MAX`], and subtracting a later instant from an earlier one
//! gives [`SimDuration::ZERO`]. Saturation is the right failure for a simulator: a fault
//! "for 10^20 s" simply never ends, and bad input cannot crash the page. The `checked_*`
//! methods are there for callers that need to know.
//!
//! # Text form
//!
//! Both types print the exact number of microseconds in the largest unit that keeps the
//! value at least one, with trailing fractional zeros dropped, so the text is short, human
//! and lossless:
//!
//! | value (µs)  | `Display`    | [`SimDuration::compact`] |
//! |-------------|--------------|--------------------------|
//! | 0           | `0 s`        | `0s`                     |
//! | 350         | `350 µs`     | `350us`                  |
//! | 12_000      | `12 ms`      | `12ms`                   |
//! | 12_500      | `12.5 ms`    | `12.5ms`                 |
//! | 1_250_000   | `1.25 s`     | `1.25s`                  |
//! | 90_000_001  | `90.000001 s`| `90.000001s`             |
//!
//! A [`SimTime`] prints as the duration since the world's start. `FromStr` accepts both
//! forms and more: a decimal number, optional spaces, and a unit out of `us`/`µs`, `ms`,
//! `s`, `m`/`min` and `h` (`1.5s`, `250 ms`, `2m`). It rejects signs, missing units, values
//! finer than a microsecond and values that do not fit, so `parse(display(x)) == x` always.

use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

const MICROS_PER_MILLI: u64 = 1_000;
const MICROS_PER_SEC: u64 = 1_000_000;

/// An instant of simulated time: whole microseconds since the world started.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimTime(u64);

/// A span of simulated time in whole microseconds. Never negative.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimDuration(u64);

impl SimTime {
    /// The instant the world starts.
    pub const ZERO: SimTime = SimTime(0);
    /// The last representable instant; saturating arithmetic stops here.
    pub const MAX: SimTime = SimTime(u64::MAX);

    pub const fn from_micros(micros: u64) -> SimTime {
        SimTime(micros)
    }

    pub const fn from_millis(millis: u64) -> SimTime {
        SimTime(millis.saturating_mul(MICROS_PER_MILLI))
    }

    pub const fn from_secs(secs: u64) -> SimTime {
        SimTime(secs.saturating_mul(MICROS_PER_SEC))
    }

    pub const fn as_micros(self) -> u64 {
        self.0
    }

    pub fn as_millis_f64(self) -> f64 {
        self.since_start().as_millis_f64()
    }

    pub fn as_secs_f64(self) -> f64 {
        self.since_start().as_secs_f64()
    }

    /// The space-free text form, as [`SimDuration::compact`] of the time since the start.
    pub fn compact(self) -> impl fmt::Display {
        self.since_start().compact()
    }

    /// How long after the world's start this instant is.
    pub const fn since_start(self) -> SimDuration {
        SimDuration(self.0)
    }

    /// The time from `earlier` to `self`, or zero if `earlier` is actually later.
    pub const fn saturating_duration_since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }

    /// The time from `earlier` to `self`, or `None` if `earlier` is later than `self`.
    pub const fn checked_duration_since(self, earlier: SimTime) -> Option<SimDuration> {
        match self.0.checked_sub(earlier.0) {
            Some(micros) => Some(SimDuration(micros)),
            None => None,
        }
    }

    pub const fn checked_add(self, duration: SimDuration) -> Option<SimTime> {
        match self.0.checked_add(duration.0) {
            Some(micros) => Some(SimTime(micros)),
            None => None,
        }
    }

    pub const fn checked_sub(self, duration: SimDuration) -> Option<SimTime> {
        match self.0.checked_sub(duration.0) {
            Some(micros) => Some(SimTime(micros)),
            None => None,
        }
    }

    pub const fn saturating_add(self, duration: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(duration.0))
    }

    pub const fn saturating_sub(self, duration: SimDuration) -> SimTime {
        SimTime(self.0.saturating_sub(duration.0))
    }
}

impl SimDuration {
    pub const ZERO: SimDuration = SimDuration(0);
    /// The longest representable span; saturating arithmetic stops here.
    pub const MAX: SimDuration = SimDuration(u64::MAX);

    pub const fn from_micros(micros: u64) -> SimDuration {
        SimDuration(micros)
    }

    pub const fn from_millis(millis: u64) -> SimDuration {
        SimDuration(millis.saturating_mul(MICROS_PER_MILLI))
    }

    pub const fn from_secs(secs: u64) -> SimDuration {
        SimDuration(secs.saturating_mul(MICROS_PER_SEC))
    }

    /// Converts fractional microseconds, rounding to the nearest microsecond. NaN and
    /// negative values give zero; values beyond the range (including infinity) give
    /// [`SimDuration::MAX`].
    pub fn from_micros_f64(micros: f64) -> SimDuration {
        if micros.is_nan() || micros <= 0.0 {
            return SimDuration::ZERO;
        }
        let rounded = micros.round();
        // 2^64 is exactly representable; anything at or above it does not fit.
        if rounded >= 18_446_744_073_709_551_616.0 {
            return SimDuration::MAX;
        }
        // In range, non-negative and integral, so the conversion is exact.
        SimDuration(rounded as u64)
    }

    /// Converts fractional milliseconds; clamps like [`SimDuration::from_micros_f64`].
    pub fn from_millis_f64(millis: f64) -> SimDuration {
        SimDuration::from_micros_f64(millis * MICROS_PER_MILLI as f64)
    }

    /// Converts fractional seconds; clamps like [`SimDuration::from_micros_f64`].
    pub fn from_secs_f64(secs: f64) -> SimDuration {
        SimDuration::from_micros_f64(secs * MICROS_PER_SEC as f64)
    }

    pub const fn as_micros(self) -> u64 {
        self.0
    }

    pub fn as_millis_f64(self) -> f64 {
        self.0 as f64 / MICROS_PER_MILLI as f64
    }

    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / MICROS_PER_SEC as f64
    }

    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub const fn checked_add(self, other: SimDuration) -> Option<SimDuration> {
        match self.0.checked_add(other.0) {
            Some(micros) => Some(SimDuration(micros)),
            None => None,
        }
    }

    pub const fn checked_sub(self, other: SimDuration) -> Option<SimDuration> {
        match self.0.checked_sub(other.0) {
            Some(micros) => Some(SimDuration(micros)),
            None => None,
        }
    }

    pub const fn checked_mul(self, factor: u64) -> Option<SimDuration> {
        match self.0.checked_mul(factor) {
            Some(micros) => Some(SimDuration(micros)),
            None => None,
        }
    }

    pub const fn saturating_add(self, other: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(other.0))
    }

    pub const fn saturating_sub(self, other: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_sub(other.0))
    }

    pub const fn saturating_mul(self, factor: u64) -> SimDuration {
        SimDuration(self.0.saturating_mul(factor))
    }

    /// Scales by a real factor (a slowed-down node takes `factor` times as long), rounding
    /// to the nearest microsecond and clamping like [`SimDuration::from_micros_f64`].
    pub fn mul_f64(self, factor: f64) -> SimDuration {
        SimDuration::from_micros_f64(self.0 as f64 * factor)
    }

    /// The short, space-free text form used inside fault plans and other one-line syntaxes:
    /// `350us`, `12.5ms`, `1.25s`. Lossless; parses back with `FromStr`.
    pub fn compact(self) -> impl fmt::Display {
        Formatted {
            micros: self.0,
            spaced: false,
        }
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;

    fn add(self, rhs: SimDuration) -> SimTime {
        self.saturating_add(rhs)
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, rhs: SimDuration) {
        *self = *self + rhs;
    }
}

impl Sub<SimDuration> for SimTime {
    type Output = SimTime;

    fn sub(self, rhs: SimDuration) -> SimTime {
        self.saturating_sub(rhs)
    }
}

impl SubAssign<SimDuration> for SimTime {
    fn sub_assign(&mut self, rhs: SimDuration) {
        *self = *self - rhs;
    }
}

/// The span between two instants, saturating at zero when `rhs` is the later one.
impl Sub<SimTime> for SimTime {
    type Output = SimDuration;

    fn sub(self, rhs: SimTime) -> SimDuration {
        self.saturating_duration_since(rhs)
    }
}

impl Add for SimDuration {
    type Output = SimDuration;

    fn add(self, rhs: SimDuration) -> SimDuration {
        self.saturating_add(rhs)
    }
}

impl AddAssign for SimDuration {
    fn add_assign(&mut self, rhs: SimDuration) {
        *self = *self + rhs;
    }
}

impl Sub for SimDuration {
    type Output = SimDuration;

    fn sub(self, rhs: SimDuration) -> SimDuration {
        self.saturating_sub(rhs)
    }
}

impl SubAssign for SimDuration {
    fn sub_assign(&mut self, rhs: SimDuration) {
        *self = *self - rhs;
    }
}

impl std::iter::Sum for SimDuration {
    fn sum<I: Iterator<Item = SimDuration>>(iter: I) -> SimDuration {
        iter.fold(SimDuration::ZERO, |total, d| total + d)
    }
}

impl From<SimDuration> for std::time::Duration {
    fn from(d: SimDuration) -> std::time::Duration {
        std::time::Duration::from_micros(d.0)
    }
}

/// Prints exact microseconds in the largest fitting unit; see the module docs.
struct Formatted {
    micros: u64,
    spaced: bool,
}

impl fmt::Display for Formatted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let space = if self.spaced { " " } else { "" };
        let micros = self.micros;
        if micros == 0 {
            return write!(f, "0{space}s");
        }
        let (unit_micros, unit, width) = if micros < MICROS_PER_MILLI {
            (1, if self.spaced { "µs" } else { "us" }, 0)
        } else if micros < MICROS_PER_SEC {
            (MICROS_PER_MILLI, "ms", 3)
        } else {
            (MICROS_PER_SEC, "s", 6)
        };
        let whole = micros / unit_micros;
        let frac = micros % unit_micros;
        if frac == 0 {
            write!(f, "{whole}{space}{unit}")
        } else {
            let digits = format!("{frac:0width$}");
            write!(f, "{whole}.{}{space}{unit}", digits.trim_end_matches('0'))
        }
    }
}

impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Formatted {
            micros: self.0,
            spaced: true,
        }
        .fmt(f)
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.since_start().fmt(f)
    }
}

/// Why a piece of text is not a duration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseDurationError {
    /// Nothing but whitespace.
    Empty,
    /// The text does not start with digits (signs are not accepted).
    MissingNumber { text: String },
    /// A number without a unit; `5` could mean anything.
    MissingUnit { text: String },
    /// A suffix that is not one of `us`, `µs`, `ms`, `s`, `m`, `min`, `h`.
    UnknownUnit { unit: String },
    /// A fraction that does not come to a whole number of microseconds.
    TooPrecise { text: String },
    /// More than `u64::MAX` microseconds.
    TooLarge { text: String },
}

impl fmt::Display for ParseDurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseDurationError::Empty => write!(f, "expected a duration such as 250ms or 1.5s"),
            ParseDurationError::MissingNumber { text } => {
                write!(
                    f,
                    "{text:?} is not a duration: expected a number such as 250ms or 1.5s"
                )
            }
            ParseDurationError::MissingUnit { text } => {
                write!(f, "{text:?} has no unit: add one of us, ms, s, m, h")
            }
            ParseDurationError::UnknownUnit { unit } => {
                write!(
                    f,
                    "unknown time unit {unit:?}: expected one of us, ms, s, m, h"
                )
            }
            ParseDurationError::TooPrecise { text } => {
                write!(f, "{text:?} is finer than the one-microsecond resolution")
            }
            ParseDurationError::TooLarge { text } => write!(f, "{text:?} is too long a time"),
        }
    }
}

impl std::error::Error for ParseDurationError {}

impl FromStr for SimDuration {
    type Err = ParseDurationError;

    fn from_str(text: &str) -> Result<SimDuration, ParseDurationError> {
        parse_micros(text).map(SimDuration)
    }
}

impl FromStr for SimTime {
    type Err = ParseDurationError;

    /// Parses the duration since the world's start, in the same syntax as [`SimDuration`].
    fn from_str(text: &str) -> Result<SimTime, ParseDurationError> {
        parse_micros(text).map(SimTime)
    }
}

/// Parses `<digits>[.<digits>] [spaces] <unit>` exactly, in integer arithmetic.
fn parse_micros(text: &str) -> Result<u64, ParseDurationError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(ParseDurationError::Empty);
    }
    let int_end = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (int_digits, rest) = trimmed.split_at(int_end);
    if int_digits.is_empty() {
        return Err(ParseDurationError::MissingNumber {
            text: trimmed.to_owned(),
        });
    }
    let (frac_digits, rest) = match rest.strip_prefix('.') {
        Some(after_dot) => {
            let frac_end = after_dot
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(after_dot.len());
            let (frac, rest) = after_dot.split_at(frac_end);
            if frac.is_empty() {
                return Err(ParseDurationError::MissingNumber {
                    text: trimmed.to_owned(),
                });
            }
            (frac, rest)
        }
        None => ("", rest),
    };
    let unit = rest.trim_start();
    let unit_micros: u128 = match unit {
        "" => {
            return Err(ParseDurationError::MissingUnit {
                text: trimmed.to_owned(),
            });
        }
        "us" | "µs" | "μs" => 1,
        "ms" => 1_000,
        "s" => 1_000_000,
        "m" | "min" => 60_000_000,
        "h" => 3_600_000_000,
        other => {
            return Err(ParseDurationError::UnknownUnit {
                unit: other.to_owned(),
            });
        }
    };
    let too_large = || ParseDurationError::TooLarge {
        text: trimmed.to_owned(),
    };
    let too_precise = || ParseDurationError::TooPrecise {
        text: trimmed.to_owned(),
    };

    let whole = decimal_value(int_digits.trim_start_matches('0')).ok_or_else(too_large)?;
    let mut micros = whole.checked_mul(unit_micros).ok_or_else(too_large)?;

    // Trailing zeros add no precision; after dropping them, more than 18 digits cannot
    // be whole microseconds of any unit (the largest unit is 3.6e9 µs).
    let frac = frac_digits.trim_end_matches('0');
    if !frac.is_empty() {
        if frac.len() > 18 {
            return Err(too_precise());
        }
        let numerator = decimal_value(frac).ok_or_else(too_precise)?;
        let scale = 10u128.pow(frac.len() as u32);
        // numerator < 10^18 and unit_micros < 4e9, so the product fits a u128.
        let scaled = numerator * unit_micros;
        if !scaled.is_multiple_of(scale) {
            return Err(too_precise());
        }
        micros = micros.checked_add(scaled / scale).ok_or_else(too_large)?;
    }
    u64::try_from(micros).map_err(|_| too_large())
}

/// The value of a string of ASCII digits, or `None` if it does not fit a `u128`.
fn decimal_value(digits: &str) -> Option<u128> {
    digits.bytes().try_fold(0u128, |acc, b| {
        acc.checked_mul(10)?
            .checked_add(u128::from(b.wrapping_sub(b'0')))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn constructors_agree_on_units() {
        assert_eq!(SimDuration::from_secs(2), SimDuration::from_millis(2_000));
        assert_eq!(SimDuration::from_millis(3), SimDuration::from_micros(3_000));
        assert_eq!(SimTime::from_secs(1).as_micros(), 1_000_000);
        assert_eq!(SimTime::from_millis(7).as_micros(), 7_000);
        assert_eq!(SimDuration::from_secs(u64::MAX), SimDuration::MAX);
    }

    #[test]
    fn float_constructors_round_and_clamp() {
        assert_eq!(
            SimDuration::from_secs_f64(1.5),
            SimDuration::from_millis(1_500)
        );
        assert_eq!(SimDuration::from_secs_f64(0.000_000_4), SimDuration::ZERO);
        assert_eq!(
            SimDuration::from_secs_f64(0.000_000_6),
            SimDuration::from_micros(1)
        );
        assert_eq!(
            SimDuration::from_millis_f64(2.25),
            SimDuration::from_micros(2_250)
        );
        assert_eq!(SimDuration::from_secs_f64(f64::NAN), SimDuration::ZERO);
        assert_eq!(SimDuration::from_secs_f64(-3.0), SimDuration::ZERO);
        assert_eq!(
            SimDuration::from_secs_f64(f64::NEG_INFINITY),
            SimDuration::ZERO
        );
        assert_eq!(SimDuration::from_secs_f64(f64::INFINITY), SimDuration::MAX);
        assert_eq!(SimDuration::from_secs_f64(1e300), SimDuration::MAX);
    }

    #[test]
    fn accessors_convert_units() {
        let d = SimDuration::from_micros(1_250_000);
        assert_eq!(d.as_secs_f64(), 1.25);
        assert_eq!(d.as_millis_f64(), 1_250.0);
        assert_eq!(SimTime::from_micros(2_500).as_millis_f64(), 2.5);
    }

    #[test]
    fn arithmetic_saturates() {
        let t = SimTime::from_secs(5);
        assert_eq!(t + SimDuration::from_secs(1), SimTime::from_secs(6));
        assert_eq!(SimTime::MAX + SimDuration::from_micros(1), SimTime::MAX);
        assert_eq!(t - SimTime::from_secs(7), SimDuration::ZERO);
        assert_eq!(SimTime::from_secs(7) - t, SimDuration::from_secs(2));
        assert_eq!(t - SimDuration::from_secs(9), SimTime::ZERO);
        assert_eq!(
            SimDuration::from_micros(3) - SimDuration::from_micros(5),
            SimDuration::ZERO
        );
        assert_eq!(
            SimDuration::MAX + SimDuration::from_micros(1),
            SimDuration::MAX
        );
        assert_eq!(
            SimDuration::from_millis(4).mul_f64(2.5),
            SimDuration::from_millis(10)
        );
        assert_eq!(SimDuration::from_millis(4).mul_f64(-1.0), SimDuration::ZERO);
        let total: SimDuration = [1, 2, 3].into_iter().map(SimDuration::from_millis).sum();
        assert_eq!(total, SimDuration::from_millis(6));
    }

    #[test]
    fn checked_arithmetic_reports_overflow() {
        assert_eq!(SimTime::MAX.checked_add(SimDuration::from_micros(1)), None);
        assert_eq!(SimTime::ZERO.checked_sub(SimDuration::from_micros(1)), None);
        assert_eq!(
            SimTime::ZERO.checked_duration_since(SimTime::from_micros(1)),
            None
        );
        assert_eq!(
            SimTime::from_micros(9).checked_duration_since(SimTime::from_micros(4)),
            Some(SimDuration::from_micros(5))
        );
        assert_eq!(SimDuration::MAX.checked_mul(2), None);
        assert_eq!(
            SimDuration::ZERO.checked_sub(SimDuration::from_micros(1)),
            None
        );
    }

    #[test]
    fn display_picks_the_largest_unit_and_stays_exact() {
        let cases = [
            (0, "0 s", "0s"),
            (350, "350 µs", "350us"),
            (12_000, "12 ms", "12ms"),
            (12_500, "12.5 ms", "12.5ms"),
            (1_250_000, "1.25 s", "1.25s"),
            (90_000_001, "90.000001 s", "90.000001s"),
            (3_600_000_000, "3600 s", "3600s"),
        ];
        for (micros, human, compact) in cases {
            let d = SimDuration::from_micros(micros);
            assert_eq!(d.to_string(), human);
            assert_eq!(d.compact().to_string(), compact);
            assert_eq!(SimTime::from_micros(micros).to_string(), human);
        }
    }

    #[test]
    fn parses_units_and_fractions() {
        let ok = [
            ("250ms", 250_000),
            ("250 ms", 250_000),
            ("1.5s", 1_500_000),
            ("  7us ", 7),
            ("7µs", 7),
            ("2min", 120_000_000),
            ("1.5m", 90_000_000),
            ("1h", 3_600_000_000),
            ("0.000001s", 1),
            ("1.2500000000000000000000s", 1_250_000),
            ("0s", 0),
        ];
        for (text, micros) in ok {
            assert_eq!(
                text.parse::<SimDuration>(),
                Ok(SimDuration::from_micros(micros)),
                "{text}"
            );
        }
        assert_eq!("1.5s".parse::<SimTime>(), Ok(SimTime::from_millis(1_500)));
    }

    #[test]
    fn rejects_malformed_durations_with_reasons() {
        use ParseDurationError as E;
        assert_eq!("".parse::<SimDuration>(), Err(E::Empty));
        assert!(matches!(
            "-5s".parse::<SimDuration>(),
            Err(E::MissingNumber { .. })
        ));
        assert!(matches!(
            ".5s".parse::<SimDuration>(),
            Err(E::MissingNumber { .. })
        ));
        assert!(matches!(
            "5.s".parse::<SimDuration>(),
            Err(E::MissingNumber { .. })
        ));
        assert!(matches!(
            "5".parse::<SimDuration>(),
            Err(E::MissingUnit { .. })
        ));
        assert!(matches!(
            "5 days".parse::<SimDuration>(),
            Err(E::UnknownUnit { .. })
        ));
        assert!(matches!(
            "1.5us".parse::<SimDuration>(),
            Err(E::TooPrecise { .. })
        ));
        assert!(matches!(
            "0.0000001s".parse::<SimDuration>(),
            Err(E::TooPrecise { .. })
        ));
        assert!(matches!(
            "18446744073709551616us".parse::<SimDuration>(),
            Err(E::TooLarge { .. })
        ));
        assert!(matches!(
            "99999999999999999999999h".parse::<SimDuration>(),
            Err(E::TooLarge { .. })
        ));
        let message = "5 days".parse::<SimDuration>().unwrap_err().to_string();
        assert!(message.contains("days"), "{message}");
    }

    #[test]
    fn deserializes_from_plain_microseconds() {
        // The serde form is a bare integer, so replay logs and snapshots stay compact.
        use serde::de::IntoDeserializer;
        use serde::de::value::Error;
        let d = SimDuration::deserialize(IntoDeserializer::<Error>::into_deserializer(3_000u64));
        assert_eq!(d, Ok(SimDuration::from_millis(3)));
        let t = SimTime::deserialize(IntoDeserializer::<Error>::into_deserializer(7u64));
        assert_eq!(t, Ok(SimTime::from_micros(7)));
    }

    proptest! {
        #[test]
        fn arithmetic_never_panics(a in any::<u64>(), b in any::<u64>(), f in any::<f64>()) {
            let (ta, tb) = (SimTime::from_micros(a), SimTime::from_micros(b));
            let (da, db) = (SimDuration::from_micros(a), SimDuration::from_micros(b));
            let _ = ta + db;
            let _ = ta - db;
            let _ = ta - tb;
            let _ = da + db;
            let _ = da - db;
            let _ = da.saturating_mul(b);
            let _ = da.mul_f64(f);
            let _ = SimDuration::from_secs_f64(f);
            let _ = SimDuration::from_millis_f64(f);
            let _ = SimTime::from_millis(a);
            let _ = SimDuration::from_secs(b);
            let mut t = ta;
            t += db;
            t -= da;
            let _ = (ta.checked_add(db), ta.checked_sub(db), ta.checked_duration_since(tb));
            let _ = (da.checked_add(db), da.checked_sub(db), da.checked_mul(b));
            let _ = (ta.as_secs_f64(), da.as_millis_f64());
        }

        #[test]
        fn difference_then_sum_restores_the_later_instant(a in any::<u64>(), b in any::<u64>()) {
            let (early, late) = (SimTime::from_micros(a.min(b)), SimTime::from_micros(a.max(b)));
            prop_assert_eq!(early + (late - early), late);
            prop_assert_eq!(early - late, SimDuration::ZERO);
        }

        #[test]
        fn text_round_trips(micros in any::<u64>()) {
            let d = SimDuration::from_micros(micros);
            prop_assert_eq!(d.to_string().parse::<SimDuration>(), Ok(d));
            prop_assert_eq!(d.compact().to_string().parse::<SimDuration>(), Ok(d));
            let t = SimTime::from_micros(micros);
            prop_assert_eq!(t.to_string().parse::<SimTime>(), Ok(t));
        }

        #[test]
        fn parser_never_panics(text in "\\PC*") {
            let _ = text.parse::<SimDuration>();
        }

        #[test]
        fn parser_never_panics_on_near_misses(text in "[0-9]{0,30}(\\.[0-9]{0,30})? ?(us|µs|ms|s|min|h|x)?") {
            let _ = text.parse::<SimDuration>();
        }
    }
}
