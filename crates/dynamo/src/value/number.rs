//! DynamoDB numbers: exact decimals of up to 38 significant digits.
//!
//! DynamoDB does not store numbers as binary floating point. A number is a decimal with at
//! most 38 significant digits whose magnitude lies between 1E-130 and
//! 9.9999999999999999999999999999999999999E+125 (or is zero), and arithmetic on it is
//! exact: `0.1 + 0.2` is `0.3`. Learners and application tests rely on that, so a
//! [`Number`] here is exact too: a sign, the significant digits as an integer (at most 38
//! digits, which fits a `u128`) and the power of ten of the last digit. The representation
//! is canonical — no trailing zeros in the digits, and a single zero — so two equal numbers
//! have equal fields, and `1.0`, `1` and `1E0` compare, hash and print alike.
//!
//! Input accepts what DynamoDB accepts: an optional sign, digits with an optional decimal
//! point, and an optional exponent (`+5`, `.5`, `5.`, `1.5e-3`, `1E+5`). Leading and
//! trailing zeros are not significant. Bad input is rejected with AWS's messages, checked in
//! AWS's order: not a number, then overflow, then underflow, then too many digits.
//!
//! Output is what DynamoDB returns: plain positional notation with no exponent, no leading
//! `+`, no trailing fractional zeros and no negative zero. DynamoDB expands even the
//! extremes this way — `1E+125` comes back as a one followed by 125 zeros and `1E-130` as
//! `0.` followed by 129 zeros and a one (dynalite's test suite, which runs against the real
//! service, pins both) — so [`Number`]'s `Display` never uses an exponent.
//!
//! Sums and differences are exact. A result outside the range fails with the overflow or
//! underflow message, as DynamoDB's `SET a = a + :v` and `ADD` do. A result that would need
//! more than 38 significant digits (say `1E+30 + 1E-30`) fails with the 38-digit message
//! rather than being silently rounded: DynamoDB documents that exceeding 38 digits "results
//! in an exception", and failing loudly is the choice that never corrupts a value.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::error::DynamoError;

/// The most significant digits a number may carry.
pub const MAX_SIGNIFICANT_DIGITS: usize = 38;

/// Powers of ten of the leading digit that DynamoDB can hold.
const MAX_LEADING_EXPONENT: i64 = 125;
const MIN_LEADING_EXPONENT: i64 = -130;

/// Exponents in the input are clamped here while being read: anything this large is far
/// outside the range whatever the digits, and clamping keeps the arithmetic from overflowing.
const EXPONENT_CLAMP: i64 = 1_000_000_000_000;

const NOT_NUMERIC: &str = "The parameter cannot be converted to a numeric value";
const TOO_MANY_DIGITS: &str = "Attempting to store more than 38 significant digits in a Number";
const OVERFLOW: &str =
    "Number overflow. Attempting to store a number with magnitude larger than supported range";
const UNDERFLOW: &str =
    "Number underflow. Attempting to store a number with magnitude smaller than supported range";

/// An exact DynamoDB number.
///
/// Invariants: `mantissa` has no trailing decimal zeros and at most 38 digits; zero is
/// `{ negative: false, mantissa: 0, exponent: 0 }`. Because of them the derived equality
/// and hash are numeric equality and a hash consistent with it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Number {
    negative: bool,
    /// The significant digits, as an integer.
    mantissa: u128,
    /// The power of ten of the last significant digit: the value is `mantissa * 10^exponent`.
    exponent: i32,
}

impl Number {
    /// Parses a number the way DynamoDB reads the `N` of an attribute value, with AWS's
    /// `ValidationException` messages.
    pub fn parse(s: &str) -> Result<Number, DynamoError> {
        if s.is_empty() {
            return Err(DynamoError::validation(NOT_NUMERIC));
        }
        let invalid = || DynamoError::validation(format!("{NOT_NUMERIC}: {s}"));
        let bytes = s.as_bytes();
        let mut at = 0;
        let negative = match bytes.first() {
            Some(b'-') => {
                at += 1;
                true
            }
            Some(b'+') => {
                at += 1;
                false
            }
            _ => false,
        };

        let mut digits = Vec::with_capacity(bytes.len());
        let mut fraction_digits: i64 = 0;
        let mut seen_point = false;
        while let Some(&byte) = bytes.get(at) {
            match byte {
                b'0'..=b'9' => {
                    digits.push(byte - b'0');
                    if seen_point {
                        fraction_digits += 1;
                    }
                }
                b'.' if !seen_point => seen_point = true,
                _ => break,
            }
            at += 1;
        }
        if digits.is_empty() {
            return Err(invalid());
        }

        let mut exponent: i64 = 0;
        if let Some(&marker) = bytes.get(at) {
            if marker != b'e' && marker != b'E' {
                return Err(invalid());
            }
            at += 1;
            let exponent_negative = match bytes.get(at) {
                Some(b'-') => {
                    at += 1;
                    true
                }
                Some(b'+') => {
                    at += 1;
                    false
                }
                _ => false,
            };
            let mut any_digit = false;
            while let Some(&byte) = bytes.get(at) {
                if !byte.is_ascii_digit() {
                    return Err(invalid());
                }
                exponent = (exponent * 10 + i64::from(byte - b'0')).min(EXPONENT_CLAMP);
                any_digit = true;
                at += 1;
            }
            if !any_digit {
                return Err(invalid());
            }
            if exponent_negative {
                exponent = -exponent;
            }
        }

        Number::from_digits(negative, &digits, exponent - fraction_digits)
    }

    /// Builds a number from decimal digits (most significant first, each 0..=9) whose last
    /// digit stands for `10^last_exponent`, enforcing DynamoDB's range and precision.
    fn from_digits(
        negative: bool,
        digits: &[u8],
        last_exponent: i64,
    ) -> Result<Number, DynamoError> {
        let Some(first) = digits.iter().position(|&d| d != 0) else {
            return Ok(Number::zero());
        };
        let last = digits.iter().rposition(|&d| d != 0).unwrap_or(first);
        let trailing_zeros = (digits.len() - 1 - last) as i64;
        let significant = last - first + 1;
        let exponent = last_exponent.saturating_add(trailing_zeros);
        let leading_exponent = exponent.saturating_add(significant as i64 - 1);

        if leading_exponent > MAX_LEADING_EXPONENT {
            return Err(DynamoError::validation(OVERFLOW));
        }
        if leading_exponent < MIN_LEADING_EXPONENT {
            return Err(DynamoError::validation(UNDERFLOW));
        }
        if significant > MAX_SIGNIFICANT_DIGITS {
            return Err(DynamoError::validation(TOO_MANY_DIGITS));
        }
        // At most 38 digits: below 10^38 < 2^127, so the fold cannot overflow.
        let mantissa = digits
            .iter()
            .skip(first)
            .take(significant)
            .fold(0u128, |acc, &d| acc * 10 + u128::from(d));
        // The range checks above bound the exponent to -167..=125.
        let exponent = i32::try_from(exponent).map_err(|_| DynamoError::validation(OVERFLOW))?;
        Ok(Number {
            negative,
            mantissa,
            exponent,
        })
    }

    /// Zero.
    pub fn zero() -> Number {
        Number {
            negative: false,
            mantissa: 0,
            exponent: 0,
        }
    }

    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    /// Whether the number is below zero (zero itself is not).
    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// The number with its sign flipped; zero stays zero.
    pub fn negated(&self) -> Number {
        Number {
            negative: !self.negative && !self.is_zero(),
            ..self.clone()
        }
    }

    /// How many significant digits the number has (zero has one).
    pub fn significant_digits(&self) -> usize {
        digit_count(self.mantissa)
    }

    pub fn from_i64(v: i64) -> Number {
        let mut mantissa = u128::from(v.unsigned_abs());
        let mut exponent = 0;
        while mantissa != 0 && mantissa.is_multiple_of(10) {
            mantissa /= 10;
            exponent += 1;
        }
        Number {
            negative: v < 0,
            mantissa,
            exponent,
        }
    }

    /// The nearest `f64`, for charts and aggregations only: never feed it back into storage.
    pub fn to_f64(&self) -> f64 {
        let sign = if self.negative { "-" } else { "" };
        // Rust's float parsing rounds correctly, so going through the decimal text is exact
        // up to the final rounding.
        format!("{sign}{}e{}", self.mantissa, self.exponent)
            .parse()
            .unwrap_or(0.0)
    }

    /// `self + other`, exactly, or DynamoDB's error when the sum is out of range or needs
    /// more than 38 significant digits.
    pub fn checked_add(&self, other: &Number) -> Result<Number, DynamoError> {
        if other.is_zero() {
            return Ok(self.clone());
        }
        if self.is_zero() {
            return Ok(other.clone());
        }
        // Line both numbers up on the smaller exponent, as little-endian digit vectors. The
        // exponents lie within -167..=125, so these stay a few hundred digits long at most.
        let low = self.exponent.min(other.exponent);
        let a = self.aligned_digits(low);
        let b = other.aligned_digits(low);
        let (negative, mut sum) = if self.negative == other.negative {
            (self.negative, add_magnitudes(&a, &b))
        } else {
            match cmp_magnitudes(&a, &b) {
                Ordering::Equal => return Ok(Number::zero()),
                Ordering::Greater => (self.negative, sub_magnitudes(&a, &b)),
                Ordering::Less => (other.negative, sub_magnitudes(&b, &a)),
            }
        };
        sum.reverse();
        Number::from_digits(negative, &sum, i64::from(low))
    }

    /// `self - other`, exactly; errors as for [`Number::checked_add`].
    pub fn checked_sub(&self, other: &Number) -> Result<Number, DynamoError> {
        self.checked_add(&other.negated())
    }

    /// The bytes DynamoDB counts for this number in an item's size.
    ///
    /// The developer guide ("Item sizes", "Supported data types") says a number takes
    /// "approximately 1 byte per two significant digits, plus 1 byte". The exact rule behind
    /// the approximation is the storage format: one byte of sign and exponent, then one byte
    /// per base-100 digit, the pairs aligned on the decimal point (so `1.5` is `01|50`, two
    /// bytes, while `15` is one), plus a terminating byte for negative numbers shorter than
    /// the full 20 digit bytes; zero is one byte, and no number exceeds 21. This is the
    /// formula dynalite checks against the real service's 400 KB limit (`db/index.js`,
    /// `valSize`, with the terminator rule of its `numToBuffer`); it agrees with the
    /// documented one within a byte.
    pub fn size(&self) -> usize {
        if self.is_zero() {
            return 1;
        }
        let last = i64::from(self.exponent);
        let leading = last + self.significant_digits() as i64 - 1;
        let base100_digits = (leading.div_euclid(2) - last.div_euclid(2) + 1) as usize;
        // A negative number ends with a terminator byte, except when its digits already fill
        // the format's 20 digit bytes: 21 bytes is the ceiling.
        let terminator = usize::from(self.negative && base100_digits < 20);
        1 + base100_digits + terminator
    }

    /// The digits of the magnitude, least significant first, padded with zeros so the first
    /// one stands for `10^low` (`low` must not exceed the number's exponent).
    fn aligned_digits(&self, low: i32) -> Vec<u8> {
        let padding = usize::try_from(i64::from(self.exponent) - i64::from(low)).unwrap_or(0);
        let mut digits = vec![0u8; padding];
        let mut rest = self.mantissa;
        while rest != 0 {
            digits.push((rest % 10) as u8);
            rest /= 10;
        }
        digits
    }

    /// Compares magnitudes, ignoring signs.
    fn cmp_magnitude(&self, other: &Number) -> Ordering {
        match (self.is_zero(), other.is_zero()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
        let (da, db) = (self.significant_digits(), other.significant_digits());
        let leading_a = i64::from(self.exponent) + da as i64;
        let leading_b = i64::from(other.exponent) + db as i64;
        leading_a.cmp(&leading_b).then_with(|| {
            // Same leading power of ten: pad the shorter mantissa to the longer one's length
            // (both stay within 38 digits) and compare as integers.
            let (mut ma, mut mb) = (self.mantissa, other.mantissa);
            if da < db {
                ma *= pow10(db - da);
            } else {
                mb *= pow10(da - db);
            }
            ma.cmp(&mb)
        })
    }
}

/// Number of decimal digits of `n` (one for zero).
fn digit_count(n: u128) -> usize {
    n.checked_ilog10().map_or(1, |log| log as usize + 1)
}

/// `10^n` for `n <= 38`.
fn pow10(n: usize) -> u128 {
    (0..n).fold(1u128, |acc, _| acc.saturating_mul(10))
}

fn add_magnitudes(a: &[u8], b: &[u8]) -> Vec<u8> {
    let len = a.len().max(b.len());
    let mut out = Vec::with_capacity(len + 1);
    let mut carry = 0u8;
    for i in 0..len {
        let digit = a.get(i).copied().unwrap_or(0) + b.get(i).copied().unwrap_or(0) + carry;
        out.push(digit % 10);
        carry = digit / 10;
    }
    if carry != 0 {
        out.push(carry);
    }
    out
}

/// `a - b` for little-endian magnitudes with `a >= b`.
fn sub_magnitudes(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(a.len());
    let mut borrow = 0u8;
    for (i, &digit) in a.iter().enumerate() {
        let subtrahend = b.get(i).copied().unwrap_or(0) + borrow;
        if digit >= subtrahend {
            out.push(digit - subtrahend);
            borrow = 0;
        } else {
            out.push(digit + 10 - subtrahend);
            borrow = 1;
        }
    }
    out
}

/// Compares little-endian magnitudes that may carry leading (high) zeros.
fn cmp_magnitudes(a: &[u8], b: &[u8]) -> Ordering {
    let len = a.len().max(b.len());
    for i in (0..len).rev() {
        let (x, y) = (
            a.get(i).copied().unwrap_or(0),
            b.get(i).copied().unwrap_or(0),
        );
        if x != y {
            return x.cmp(&y);
        }
    }
    Ordering::Equal
}

impl Number {
    /// The number's canonical text (`-12.5`, `0.001`, `1000`), handed to `emit` in pieces:
    /// the one rendering behind both `Display` and [`Number::write_text`].
    fn render(&self, mut emit: impl FnMut(&[u8])) {
        if self.negative {
            emit(b"-");
        }
        let mut buffer = [0u8; 40];
        let digits = mantissa_digits(self.mantissa, &mut buffer);
        if self.exponent >= 0 {
            emit(digits);
            for _ in 0..self.exponent {
                emit(b"0");
            }
            return;
        }
        let point = digits.len() as i64 + i64::from(self.exponent);
        if point > 0 {
            let (whole, fraction) = digits
                .split_at_checked(point as usize)
                .unwrap_or((digits, b""));
            emit(whole);
            emit(b".");
            emit(fraction);
        } else {
            emit(b"0.");
            for _ in 0..-point {
                emit(b"0");
            }
            emit(digits);
        }
    }

    /// Appends the number's canonical text to `out` (what `Display` writes).
    pub fn write_text(&self, out: &mut Vec<u8>) {
        self.render(|piece| out.extend_from_slice(piece));
    }
}

/// The decimal digits of `mantissa`, most significant first, written at the end of
/// `buffer` (39 digits is the most a `u128` has). Where the value fits in a `u64` the
/// division is done in 64 bits: a `u128` division costs several times more, and stored
/// numbers almost always fit.
fn mantissa_digits(mantissa: u128, buffer: &mut [u8; 40]) -> &[u8] {
    let mut start = buffer.len();
    let mut wide = mantissa;
    let mut push = |digit: u8, start: &mut usize| {
        *start -= 1;
        if let Some(slot) = buffer.get_mut(*start) {
            *slot = b'0' + digit;
        }
    };
    let mut narrow = loop {
        match u64::try_from(wide) {
            Ok(narrow) => break narrow,
            Err(_) => {
                push((wide % 10) as u8, &mut start);
                wide /= 10;
            }
        }
    };
    loop {
        push((narrow % 10) as u8, &mut start);
        narrow /= 10;
        if narrow == 0 {
            break;
        }
    }
    buffer.get(start..).unwrap_or_default()
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut result = Ok(());
        self.render(|piece| {
            // Every piece is ASCII digits, a sign or a point.
            if result.is_ok() {
                result = f.write_str(std::str::from_utf8(piece).unwrap_or_default());
            }
        });
        result
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Self) -> Ordering {
        let sign = |n: &Number| match (n.is_zero(), n.negative) {
            (true, _) => 0i8,
            (false, true) => -1,
            (false, false) => 1,
        };
        sign(self).cmp(&sign(other)).then_with(|| {
            let magnitude = self.cmp_magnitude(other);
            if self.negative {
                magnitude.reverse()
            } else {
                magnitude
            }
        })
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl FromStr for Number {
    type Err = DynamoError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Number::parse(s)
    }
}

impl From<i64> for Number {
    fn from(v: i64) -> Self {
        Number::from_i64(v)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::hash_map::DefaultHasher;
    use std::hash::{Hash, Hasher};

    use proptest::prelude::*;

    use super::*;
    use crate::error::ErrorKind;

    fn n(s: &str) -> Number {
        Number::parse(s).unwrap()
    }

    fn parse_error(s: &str) -> String {
        let err = Number::parse(s).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Validation);
        err.message
    }

    fn hash_of(number: &Number) -> u64 {
        let mut hasher = DefaultHasher::new();
        number.hash(&mut hasher);
        hasher.finish()
    }

    #[test]
    fn display_is_normalised_as_dynamodb_returns_it() {
        for (input, shown) in [
            ("1.50", "1.5"),
            ("-0", "0"),
            ("+0", "0"),
            ("1e3", "1000"),
            ("0.000", "0"),
            ("+5", "5"),
            ("+1.5", "1.5"),
            ("1E+2", "100"),
            ("1.5E+3", "1500"),
            ("-7", "-7"),
            (".5", "0.5"),
            ("5.", "5"),
            ("1.5e-3", "0.0015"),
            ("-00001.2300", "-1.23"),
            ("120", "120"),
            ("0e999999999999999999999", "0"),
        ] {
            assert_eq!(n(input).to_string(), shown, "input {input}");
        }
    }

    #[test]
    fn extremes_print_in_full_like_dynamodb() {
        // dynalite's "should put really long numbers", which it checks against DynamoDB.
        for (input, shown) in [
            (
                "0000012345678901234567890123456789012345678",
                "12345678901234567890123456789012345678".to_string(),
            ),
            (
                "-00001.23456789012345678901234567890123456780000",
                "-1.2345678901234567890123456789012345678".to_string(),
            ),
            (
                "0009.99999999999999999999999999999999999990000e125",
                format!("{}{}", "9".repeat(38), "0".repeat(88)),
            ),
            (
                "-0009.99999999999999999999999999999999999990000e125",
                format!("-{}{}", "9".repeat(38), "0".repeat(88)),
            ),
            ("0001.000e-130", format!("0.{}1", "0".repeat(129))),
            ("-0001.000e-130", format!("-0.{}1", "0".repeat(129))),
            ("1E+100", format!("1{}", "0".repeat(100))),
        ] {
            assert_eq!(n(input).to_string(), shown, "input {input}");
        }
    }

    #[test]
    fn an_empty_string_is_not_a_number_and_names_nothing() {
        assert_eq!(
            parse_error(""),
            "The parameter cannot be converted to a numeric value"
        );
    }

    #[test]
    fn malformed_numbers_are_quoted_back() {
        for input in [
            "abc", "b", "1e", "1e+", "1.2.3", "--1", "+-1", " 1", "1 ", "e5", ".", "+", "-", "NaN",
            "Infinity", "0x10", "1_000", "1,5", "1e5.5", "1+2", "+e2", "١",
        ] {
            assert_eq!(
                parse_error(input),
                format!("The parameter cannot be converted to a numeric value: {input}")
            );
        }
    }

    #[test]
    fn more_than_38_significant_digits_are_refused() {
        let message = "Attempting to store more than 38 significant digits in a Number";
        assert_eq!(
            parse_error("123456789012345678901234567890123456789"),
            message
        );
        assert_eq!(
            parse_error("-1.23456789012345678901234567890123456789"),
            message
        );
        // Zeros at either end are not significant, however many there are.
        let padded = format!("000{}{}", "9".repeat(38), "0".repeat(50));
        assert_eq!(n(&padded).significant_digits(), 38);
        assert_eq!(
            n(&format!("0.{}1", "0".repeat(100))).significant_digits(),
            1
        );
    }

    #[test]
    fn magnitudes_beyond_1e125_overflow() {
        let message = "Number overflow. Attempting to store a number with magnitude larger than supported range";
        assert_eq!(parse_error("1e126"), message);
        assert_eq!(parse_error("-1e126"), message);
        assert_eq!(parse_error("10E125"), message);
        assert_eq!(parse_error("1e99999999999999999999999999"), message);
        n("9.9999999999999999999999999999999999999E+125");
        n("-9.9999999999999999999999999999999999999E+125");
    }

    #[test]
    fn magnitudes_below_1e_minus_130_underflow() {
        let message = "Number underflow. Attempting to store a number with magnitude smaller than supported range";
        assert_eq!(parse_error("1e-131"), message);
        assert_eq!(parse_error("-1e-131"), message);
        assert_eq!(parse_error("0.9e-130"), message);
        assert_eq!(parse_error("1e-99999999999999999999999999"), message);
        assert_eq!(n("0.1e-129"), n("1E-130"));
    }

    #[test]
    fn range_is_checked_before_precision() {
        // AWS checks overflow, then underflow, then the digit count.
        let long = "1234567890123456789012345678901234567890";
        assert!(parse_error(&format!("{long}e200")).starts_with("Number overflow"));
        assert!(parse_error(&format!("{long}e-200")).starts_with("Number underflow"));
    }

    #[test]
    fn equal_numbers_are_equal_and_hash_alike() {
        for (a, b) in [
            ("1.0", "1"),
            ("1e3", "1000"),
            ("-0", "0"),
            ("0.50", ".5"),
            ("+7", "7"),
        ] {
            assert_eq!(n(a), n(b));
            assert_eq!(hash_of(&n(a)), hash_of(&n(b)));
        }
        assert_ne!(n("1"), n("-1"));
        assert_ne!(n("1"), n("1.0000000000000000000000000000000000001"));
    }

    #[test]
    fn ordering_is_numeric() {
        let sorted = [
            "-1e125", "-10", "-9", "-0.01", "-0.001", "0", "1e-130", "0.001", "0.01", "9", "10",
            "9.99e124", "1e125",
        ];
        for pair in sorted.windows(2) {
            assert!(n(pair[0]) < n(pair[1]), "{} < {}", pair[0], pair[1]);
        }
        assert_eq!(n("1.0").cmp(&n("1")), Ordering::Equal);
    }

    #[test]
    fn arithmetic_is_exact() {
        assert_eq!(n("0.1").checked_add(&n("0.2")).unwrap(), n("0.3"));
        assert_eq!(n("1").checked_add(&n("-1")).unwrap(), n("0"));
        assert_eq!(n("-5").checked_add(&n("3")).unwrap(), n("-2"));
        assert_eq!(n("3").checked_sub(&n("5")).unwrap(), n("-2"));
        assert_eq!(n("-3").checked_sub(&n("-5")).unwrap(), n("2"));
        assert_eq!(n("0").checked_sub(&n("7")).unwrap(), n("-7"));
        assert_eq!(
            n("100000000000000000000.00000001")
                .checked_sub(&n("1"))
                .unwrap()
                .to_string(),
            "99999999999999999999.00000001"
        );
        let max = "9".repeat(38);
        assert_eq!(
            n(&max).checked_add(&n("1")).unwrap().to_string(),
            format!("1{}", "0".repeat(38))
        );
    }

    #[test]
    fn arithmetic_out_of_range_fails_like_dynamodb() {
        let max = n("9.9999999999999999999999999999999999999E+125");
        let err = max.checked_add(&n("1E+125")).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Validation);
        assert_eq!(
            err.message,
            "Number overflow. Attempting to store a number with magnitude larger than supported range"
        );
        assert!(
            max.negated()
                .checked_sub(&n("1E+125"))
                .unwrap_err()
                .message
                .starts_with("Number overflow")
        );
        let tiny = n("1.0000000000000000000000000000000000001E-130")
            .checked_sub(&n("1E-130"))
            .unwrap_err();
        assert!(
            tiny.message.starts_with("Number underflow"),
            "{}",
            tiny.message
        );
    }

    #[test]
    fn arithmetic_needing_more_than_38_digits_fails() {
        let err = n("1E+30").checked_add(&n("1E-30")).unwrap_err();
        assert_eq!(
            err.message,
            "Attempting to store more than 38 significant digits in a Number"
        );
    }

    #[test]
    fn sizes_follow_the_storage_format() {
        for (input, size) in [
            ("0", 1),
            ("27", 2),
            ("-27", 3),
            ("461", 3),
            ("1.5", 3),
            ("15", 2),
            ("12345", 4),
            ("1", 2),
            ("-1", 3),
            // The boundary cases dynalite bisects against the real 400 KB limit.
            ("1E125", 2),
            ("11E124", 2),
            ("11111E121", 4),
            ("111111E120", 4),
            ("1111111E119", 5),
        ] {
            assert_eq!(n(input).size(), size, "size of {input}");
        }
        let widest = format!("{}{}", "9".repeat(38), "0".repeat(88));
        assert_eq!(n(&widest).size(), 20);
        // Never more than 21 bytes: a negative number with all 20 digit bytes drops its
        // terminator.
        assert_eq!(n(&format!("-{}", "1".repeat(38))).size(), 21);
        assert_eq!(n(&format!("-{}e-1", "1".repeat(38))).size(), 21);
        assert_eq!(n(&format!("{}e-1", "1".repeat(38))).size(), 21);
    }

    #[test]
    fn conversions() {
        assert_eq!(n("1.5").to_f64(), 1.5);
        assert_eq!(n("0.1").to_f64(), 0.1);
        assert_eq!(n("-1e-130").to_f64(), -1e-130);
        assert_eq!(n("0").to_f64(), 0.0);
        assert_eq!(Number::from_i64(1000), n("1e3"));
        assert_eq!(Number::from_i64(0), Number::zero());
        assert_eq!(Number::from_i64(i64::MIN).to_string(), i64::MIN.to_string());
        assert_eq!(Number::from(-42).to_string(), "-42");
        assert_eq!("2.50".parse::<Number>().unwrap(), n("2.5"));
        assert!(n("-0").negated().is_zero() && !n("-0").negated().is_negative());
        assert!(n("-3").is_negative() && !n("-3").negated().is_negative());
    }

    /// Any valid number: up to 38 random digits placed anywhere in the range.
    fn number_strategy() -> impl Strategy<Value = Number> {
        (any::<bool>(), any::<u128>(), 1usize..=38, -130i64..=125).prop_map(
            |(negative, raw, width, leading)| {
                let mantissa = raw % pow10(width);
                let digits = digit_count(mantissa) as i64;
                let sign = if negative { "-" } else { "" };
                Number::parse(&format!("{sign}{mantissa}e{}", leading - (digits - 1))).unwrap()
            },
        )
    }

    /// Numbers an f64 tells apart (at most 15 digits) over a span narrow enough that any sum
    /// of two fits in 38 digits.
    fn moderate_number() -> impl Strategy<Value = Number> {
        (-999_999_999_999_999i64..=999_999_999_999_999, -10i32..=10)
            .prop_map(|(m, e)| Number::parse(&format!("{m}e{e}")).unwrap())
    }

    proptest! {
        #[test]
        fn display_parses_back_to_the_same_number(number in number_strategy()) {
            let shown = number.to_string();
            let reparsed = Number::parse(&shown).unwrap();
            prop_assert_eq!(&reparsed, &number);
            prop_assert_eq!(reparsed.to_string(), shown);
        }

        #[test]
        fn parsing_arbitrary_text_never_panics(text in "\\PC{0,60}") {
            let _ = Number::parse(&text);
        }

        #[test]
        fn parsing_number_like_text_never_panics(
            text in "[-+]?[0-9.]{0,60}([eE][-+]?[0-9]{0,30})?"
        ) {
            if let Ok(number) = Number::parse(&text) {
                prop_assert!(number.significant_digits() <= MAX_SIGNIFICANT_DIGITS);
                prop_assert_eq!(Number::parse(&number.to_string()).unwrap(), number);
            }
        }

        #[test]
        fn addition_commutes(a in number_strategy(), b in number_strategy()) {
            prop_assert_eq!(a.checked_add(&b), b.checked_add(&a));
        }

        #[test]
        fn small_integer_arithmetic_matches_i128(
            a in -1_000_000_000_000_000_000i64..=1_000_000_000_000_000_000,
            b in -1_000_000_000_000_000_000i64..=1_000_000_000_000_000_000,
        ) {
            let (x, y) = (Number::from_i64(a), Number::from_i64(b));
            let sum = (i128::from(a) + i128::from(b)).to_string();
            let difference = (i128::from(a) - i128::from(b)).to_string();
            prop_assert_eq!(x.checked_add(&y).unwrap().to_string(), sum);
            prop_assert_eq!(x.checked_sub(&y).unwrap().to_string(), difference);
        }

        #[test]
        fn subtraction_undoes_addition(a in moderate_number(), b in moderate_number()) {
            let sum = a.checked_add(&b).unwrap();
            prop_assert_eq!(sum.checked_sub(&b).unwrap(), a);
        }

        #[test]
        fn order_agrees_with_f64_for_moderate_values(a in moderate_number(), b in moderate_number()) {
            let (fa, fb) = (a.to_f64(), b.to_f64());
            if fa < fb {
                prop_assert!(a < b);
            } else if fa > fb {
                prop_assert!(a > b);
            } else {
                prop_assert_eq!(a.cmp(&b), Ordering::Equal);
            }
        }

        #[test]
        fn order_is_consistent_with_subtraction(a in number_strategy(), b in number_strategy()) {
            // a < b exactly when b - a is positive (when the difference is representable).
            if let Ok(difference) = b.checked_sub(&a) {
                let expected = if difference.is_zero() {
                    Ordering::Equal
                } else if difference.is_negative() {
                    Ordering::Greater
                } else {
                    Ordering::Less
                };
                prop_assert_eq!(a.cmp(&b), expected);
            }
        }

        #[test]
        fn size_stays_within_the_documented_bounds(number in number_strategy()) {
            prop_assume!(!number.is_zero());
            // About one byte per two digits plus one; never more than 21 bytes.
            let digits = number.significant_digits();
            let size = number.size();
            prop_assert!(size > digits.div_ceil(2));
            prop_assert!(size <= digits.div_ceil(2) + 2 + usize::from(number.is_negative()));
            prop_assert!(size <= 21);
        }
    }
}
