//! Portable transcendental functions.
//!
//! `f64::ln` and `f64::exp` call the platform's maths library: glibc on a Linux server, a
//! Rust port of musl's libm in a wasm32 browser build. They are accurate, but they are not
//! required to round identically, so a sampled latency could differ by a microsecond between
//! the server and the browser and the two histories would drift apart. IEEE 754 does require
//! `+`, `-`, `*`, `/` and `sqrt` to be correctly rounded, and Rust never fuses them behind
//! our back, so functions built only from those give bit-identical results everywhere.
//! These are such functions: plain range reduction and a fixed polynomial, accurate to a few
//! units in the last place, which is far more than latency sampling needs.

use std::f64::consts::{LN_2, SQRT_2};

// ln 2 split in two (fdlibm's constants): `LN2_HI` has its low bits zero, so `k * LN2_HI` is
// exact for any exponent k, and the rounding error of ln 2 stays in the small `LN2_LO` part.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);

/// The natural logarithm: NaN below zero, -∞ at zero, +∞ at +∞.
pub(crate) fn ln(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return f64::INFINITY;
    }
    // Write x = m · 2^k with m in [1, 2) by reading the IEEE fields; scale subnormals up
    // first so they have an implicit leading bit too.
    let (x, bias) = if x < f64::MIN_POSITIVE {
        (x * TWO_POW_54, -54)
    } else {
        (x, 0)
    };
    let bits = x.to_bits();
    let mut k = ((bits >> 52) & 0x7ff) as i32 - 1023 + bias;
    let mut m = f64::from_bits((bits & MANTISSA_MASK) | ONE_EXPONENT_BITS);
    // Centre m on 1 so the series below converges fast: m in (√2/2, √2].
    if m > SQRT_2 {
        m *= 0.5;
        k += 1;
    }
    // ln m = 2·atanh(s) = 2(s + s³/3 + s⁵/5 + …) with s = (m-1)/(m+1), |s| < 0.172.
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let series = ATANH_TERMS.iter().rev().fold(0.0, |acc, &c| acc * s2 + c);
    let k = f64::from(k);
    k * LN2_HI + (k * LN2_LO + 2.0 * s * series)
}

/// The exponential function: 0 below -708 (the subnormal range is not worth the code) and
/// +∞ above 709.7.
pub(crate) fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x > 709.7 {
        return f64::INFINITY;
    }
    if x < -708.0 {
        return 0.0;
    }
    // e^x = 2^k · e^r with |r| <= ln2/2, then a Taylor polynomial for e^r.
    let k = (x / LN_2).round();
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let poly = EXP_TERMS.iter().rev().fold(0.0, |acc, &c| acc * r + c);
    // k is within [-1022, 1024]; split it so each factor is a normal power of two.
    let k = k as i32;
    let half = k / 2;
    poly * pow2(half) * pow2(k - half)
}

/// 2^n for n in the normal exponent range [-1022, 1023], built from its bit pattern.
fn pow2(n: i32) -> f64 {
    let n = n.clamp(-1022, 1023);
    f64::from_bits(((n + 1023) as u64) << 52)
}

const TWO_POW_54: f64 = 18_014_398_509_481_984.0;
const MANTISSA_MASK: u64 = (1 << 52) - 1;
const ONE_EXPONENT_BITS: u64 = 1023 << 52;

/// 1/(2i+1) for i = 0..13: enough that the next term is below 1e-20 for |s| < 0.172.
const ATANH_TERMS: [f64; 13] = [
    1.0,
    1.0 / 3.0,
    1.0 / 5.0,
    1.0 / 7.0,
    1.0 / 9.0,
    1.0 / 11.0,
    1.0 / 13.0,
    1.0 / 15.0,
    1.0 / 17.0,
    1.0 / 19.0,
    1.0 / 21.0,
    1.0 / 23.0,
    1.0 / 25.0,
];

/// 1/i! for i = 0..17: the next term is below 1e-21 for |r| <= 0.347.
const EXP_TERMS: [f64; 18] = [
    1.0,
    1.0,
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5_040.0,
    1.0 / 40_320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
    1.0 / 6_227_020_800.0,
    1.0 / 87_178_291_200.0,
    1.0 / 1_307_674_368_000.0,
    1.0 / 20_922_789_888_000.0,
    1.0 / 355_687_428_096_000.0,
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64) -> bool {
        a == b || ((a - b) / b).abs() < 4.0 * f64::EPSILON
    }

    #[test]
    fn ln_special_values() {
        assert!(ln(-1.0).is_nan());
        assert!(ln(f64::NAN).is_nan());
        assert_eq!(ln(0.0), f64::NEG_INFINITY);
        assert_eq!(ln(f64::INFINITY), f64::INFINITY);
        assert_eq!(ln(1.0), 0.0);
        assert!(close(ln(std::f64::consts::E), 1.0));
        assert!(close(ln(2.0), LN_2));
        assert!(close(ln(100.0), 100f64.ln()));
        assert!(close(ln(5e-324), (5e-324f64).ln()));
        assert!(close(ln(f64::MAX), f64::MAX.ln()));
    }

    #[test]
    fn exp_special_values() {
        assert!(exp(f64::NAN).is_nan());
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(800.0), f64::INFINITY);
        assert_eq!(exp(-800.0), 0.0);
        assert!(close(exp(1.0), std::f64::consts::E));
        assert!(close(exp(709.5), 709.5f64.exp()));
        assert!(close(exp(-707.0), (-707f64).exp()));
    }

    proptest! {
        #[test]
        fn ln_matches_std(x in 1e-300f64..1e300) {
            let (ours, std) = (ln(x), x.ln());
            prop_assert!((ours - std).abs() <= 4.0 * f64::EPSILON * std.abs().max(1.0), "{x}: {ours} vs {std}");
        }

        #[test]
        fn exp_matches_std(x in -700f64..700.0) {
            let (ours, std) = (exp(x), x.exp());
            prop_assert!(((ours - std) / std).abs() < 1e-13, "{x}: {ours} vs {std}");
        }

        #[test]
        fn exp_inverts_ln(x in 1e-200f64..1e200) {
            prop_assert!(((exp(ln(x)) - x) / x).abs() < 1e-12);
        }
    }
}
