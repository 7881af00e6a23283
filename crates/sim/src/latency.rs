//! Latency distributions: how long things take.
//!
//! Real services do not answer in a fixed time. A DynamoDB read usually takes a few
//! milliseconds, occasionally ten times that; a DAX hit takes a few hundred microseconds. The
//! shape matters as much as the average — a cache is worth having because it removes the
//! tail — so the simulation samples every latency from a [`LatencyDistribution`] instead of
//! using constants.
//!
//! The log-normal is parameterised by its **median** and the shape `sigma` (the standard
//! deviation of the latency's logarithm) because that is how people read latency graphs:
//! "typically 3 ms" is the median, and `sigma` widens the spread — `p99 = median · e^(2.326σ)`,
//! so σ = 0.5 puts p99 at about 3.2× the median. [`LatencyDistribution::WithTail`] mixes two
//! distributions for the rare slow path real systems have (a GC pause, a retried request):
//! "99% around 3 ms, 1% around 20 ms".
//!
//! Sampling is our own code on top of [`SimRng`], by inverse CDF throughout: `-mean·ln u`
//! for the exponential, and Acklam's rational approximation of the normal quantile (relative
//! error below 1.2e-9) behind the log-normal. It uses only correctly rounded arithmetic and
//! this crate's portable `ln`/`exp` (see `math.rs`), never the platform's libm, so a sample
//! is the same microsecond on a native server and in a wasm32 browser. Each variant consumes
//! a fixed number of draws, so changing a parameter never shifts the rest of a stream. Sampling never panics: parameters that make no sense
//! (a NaN sigma, a reversed range) still give some duration, and [`LatencyDistribution::validate`]
//! is there to reject them up front with a clear message.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::math::{exp, ln};
use crate::rng::SimRng;
use crate::time::SimDuration;

/// A distribution of durations to sample latencies from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum LatencyDistribution {
    /// Always exactly this long.
    Constant(SimDuration),
    /// Uniform over `lo..=hi`, to the microsecond.
    Uniform { lo: SimDuration, hi: SimDuration },
    /// Memoryless waits (arrivals, failures) with the given mean.
    Exponential { mean: SimDuration },
    /// Log-normal with the given median; `sigma` is the standard deviation of `ln(latency)`.
    LogNormal { median: SimDuration, sigma: f64 },
    /// With probability `p` sample `tail`, otherwise `base`.
    WithTail {
        base: Box<LatencyDistribution>,
        tail: Box<LatencyDistribution>,
        p: f64,
    },
}

/// Why a distribution's parameters make no sense.
#[derive(Debug, Clone, PartialEq)]
pub enum LatencyError {
    /// `Uniform` with `lo > hi`.
    ReversedRange { lo: SimDuration, hi: SimDuration },
    /// `LogNormal` with a sigma that is negative, infinite or NaN.
    InvalidSigma { sigma: f64 },
    /// `WithTail` with a probability outside `[0, 1]` (or NaN).
    InvalidProbability { p: f64 },
}

impl fmt::Display for LatencyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LatencyError::ReversedRange { lo, hi } => {
                write!(
                    f,
                    "uniform latency range is reversed: lo {lo} is above hi {hi}"
                )
            }
            LatencyError::InvalidSigma { sigma } => {
                write!(
                    f,
                    "log-normal sigma must be a finite number >= 0, not {sigma}"
                )
            }
            LatencyError::InvalidProbability { p } => {
                write!(f, "tail probability must be between 0 and 1, not {p}")
            }
        }
    }
}

impl std::error::Error for LatencyError {}

impl LatencyDistribution {
    pub fn constant(d: SimDuration) -> Self {
        LatencyDistribution::Constant(d)
    }

    pub fn uniform(lo: SimDuration, hi: SimDuration) -> Self {
        LatencyDistribution::Uniform { lo, hi }
    }

    pub fn exponential(mean: SimDuration) -> Self {
        LatencyDistribution::Exponential { mean }
    }

    pub fn log_normal(median: SimDuration, sigma: f64) -> Self {
        LatencyDistribution::LogNormal { median, sigma }
    }

    /// `base` most of the time, `tail` with probability `p`.
    pub fn with_tail(base: LatencyDistribution, tail: LatencyDistribution, p: f64) -> Self {
        LatencyDistribution::WithTail {
            base: Box::new(base),
            tail: Box::new(tail),
            p,
        }
    }

    /// Checks every parameter, including those of nested distributions.
    pub fn validate(&self) -> Result<(), LatencyError> {
        match self {
            LatencyDistribution::Constant(_) | LatencyDistribution::Exponential { .. } => Ok(()),
            LatencyDistribution::Uniform { lo, hi } if lo > hi => {
                Err(LatencyError::ReversedRange { lo: *lo, hi: *hi })
            }
            LatencyDistribution::Uniform { .. } => Ok(()),
            LatencyDistribution::LogNormal { sigma, .. } => {
                if sigma.is_finite() && *sigma >= 0.0 {
                    Ok(())
                } else {
                    Err(LatencyError::InvalidSigma { sigma: *sigma })
                }
            }
            LatencyDistribution::WithTail { base, tail, p } => {
                if !(0.0..=1.0).contains(p) {
                    return Err(LatencyError::InvalidProbability { p: *p });
                }
                base.validate()?;
                tail.validate()
            }
        }
    }

    /// Draws one latency.
    ///
    /// Draws consumed: `Constant` none, `Uniform` one (rarely more: rejection keeps it
    /// unbiased), `Exponential` one, `LogNormal` one, `WithTail` one plus the chosen branch.
    pub fn sample(&self, rng: &mut SimRng) -> SimDuration {
        match self {
            LatencyDistribution::Constant(d) => *d,
            LatencyDistribution::Uniform { lo, hi } => {
                let (lo, hi) = (lo.min(hi).as_micros(), lo.max(hi).as_micros());
                let offset = match (hi - lo).checked_add(1) {
                    Some(span) => rng.range_u64(0..span).unwrap_or(0),
                    // The span covers every u64, so any draw is uniform over it.
                    None => rng.next_u64(),
                };
                SimDuration::from_micros(lo.saturating_add(offset))
            }
            LatencyDistribution::Exponential { mean } => {
                // Inverse CDF; 1 - u lies in (0, 1], so the logarithm is finite.
                let u = 1.0 - rng.next_f64();
                SimDuration::from_micros_f64(-(mean.as_micros() as f64) * ln(u))
            }
            LatencyDistribution::LogNormal { median, sigma } => {
                let z = normal_quantile(open_unit(rng));
                SimDuration::from_micros_f64(median.as_micros() as f64 * exp(sigma * z))
            }
            LatencyDistribution::WithTail { base, tail, p } => {
                if rng.chance(*p) {
                    tail.sample(rng)
                } else {
                    base.sample(rng)
                }
            }
        }
    }

    /// The exact mean of the distribution (saturating at [`SimDuration::MAX`]). For a
    /// `WithTail` with an out-of-range `p`, the probability is clamped the way sampling
    /// treats it: below 0 (or NaN) means never, above 1 always.
    pub fn mean(&self) -> SimDuration {
        SimDuration::from_micros_f64(self.mean_micros())
    }

    fn mean_micros(&self) -> f64 {
        match self {
            LatencyDistribution::Constant(d) => d.as_micros() as f64,
            LatencyDistribution::Uniform { lo, hi } => {
                (lo.as_micros() as f64 + hi.as_micros() as f64) / 2.0
            }
            LatencyDistribution::Exponential { mean } => mean.as_micros() as f64,
            LatencyDistribution::LogNormal { median, sigma } => {
                median.as_micros() as f64 * exp(sigma * sigma / 2.0)
            }
            LatencyDistribution::WithTail { base, tail, p } => {
                let p = if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
                (1.0 - p) * base.mean_micros() + p * tail.mean_micros()
            }
        }
    }
}

/// A uniform draw from the open interval (0, 1): both ends excluded, so quantile functions
/// stay finite. 52 random bits plus a half keeps every value exactly representable.
fn open_unit(rng: &mut SimRng) -> f64 {
    ((rng.next_u64() >> 12) as f64 + 0.5) * (1.0 / (1u64 << 52) as f64)
}

// Coefficients of Peter Acklam's rational approximations to the normal quantile.
const ACKLAM_A: [f64; 6] = [
    -3.969_683_028_665_376e1,
    2.209_460_984_245_205e2,
    -2.759_285_104_469_687e2,
    1.383_577_518_672_69e2,
    -3.066_479_806_614_716e1,
    2.506_628_277_459_239,
];
const ACKLAM_B: [f64; 5] = [
    -5.447_609_879_822_406e1,
    1.615_858_368_580_409e2,
    -1.556_989_798_598_866e2,
    6.680_131_188_771_972e1,
    -1.328_068_155_288_572e1,
];
const ACKLAM_C: [f64; 6] = [
    -7.784_894_002_430_293e-3,
    -3.223_964_580_411_365e-1,
    -2.400_758_277_161_838,
    -2.549_732_539_343_734,
    4.374_664_141_464_968,
    2.938_163_982_698_783,
];
const ACKLAM_D: [f64; 4] = [
    7.784_695_709_041_462e-3,
    3.224_671_290_700_398e-1,
    2.445_134_137_142_996,
    3.754_408_661_907_416,
];
/// Below this (and above `1 - P_LOW`) the tail formula is used.
const P_LOW: f64 = 0.024_25;

/// Evaluates a polynomial with coefficients from the highest power down (Horner).
fn horner(coefficients: &[f64], x: f64) -> f64 {
    coefficients.iter().fold(0.0, |acc, &c| acc * x + c)
}

/// The standard normal quantile Φ⁻¹(p) for p in (0, 1), relative error below 1.2e-9.
fn normal_quantile(p: f64) -> f64 {
    let tail = |p: f64| {
        let q = (-2.0 * ln(p)).sqrt();
        horner(&ACKLAM_C, q) / (horner(&ACKLAM_D, q) * q + 1.0)
    };
    if p < P_LOW {
        tail(p)
    } else if p > 1.0 - P_LOW {
        -tail(1.0 - p)
    } else {
        let q = p - 0.5;
        let r = q * q;
        horner(&ACKLAM_A, r) * q / (horner(&ACKLAM_B, r) * r + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::histogram::Histogram;

    const N: usize = 100_000;

    fn ms(v: u64) -> SimDuration {
        SimDuration::from_millis(v)
    }

    fn sample_many(dist: &LatencyDistribution, seed: u64) -> Histogram {
        let mut rng = SimRng::seed_from(seed);
        let mut h = Histogram::new();
        for _ in 0..N {
            h.record(dist.sample(&mut rng));
        }
        h
    }

    fn assert_close(what: &str, got: SimDuration, want: f64, tolerance: f64) {
        let got = got.as_micros() as f64;
        let err = (got - want).abs() / want;
        assert!(
            err <= tolerance,
            "{what}: got {got} µs, want {want} µs (error {err:.4})"
        );
    }

    #[test]
    fn normal_quantile_matches_reference_values() {
        // Φ⁻¹ at a few probabilities, from standard tables (10 significant digits).
        let cases = [
            (0.5, 0.0),
            (0.975, 1.959_963_985),
            (0.99, 2.326_347_874),
            (0.01, -2.326_347_874),
            (0.001, -3.090_232_306),
            (0.841_344_746_1, 1.0),
            (1e-9, -5.997_807_015),
        ];
        for (p, z) in cases {
            let got = normal_quantile(p);
            assert!(
                (got - z).abs() <= 1e-8 * z.abs().max(1.0),
                "p={p}: {got} vs {z}"
            );
        }
        // Symmetric, monotonic across the region boundaries, finite at the extremes.
        for p in [0.001, 0.024, 0.02425, 0.0243, 0.3] {
            assert!((normal_quantile(p) + normal_quantile(1.0 - p)).abs() < 1e-8);
        }
        let mut previous = f64::NEG_INFINITY;
        for i in 1..10_000 {
            let z = normal_quantile(i as f64 / 10_000.0);
            assert!(z > previous);
            previous = z;
        }
        let mut rng = SimRng::seed_from(0);
        for _ in 0..10_000 {
            let p = open_unit(&mut rng);
            assert!(p > 0.0 && p < 1.0);
            assert!(normal_quantile(p).is_finite());
        }
        let extreme = 0.5 / (1u64 << 52) as f64;
        assert!(normal_quantile(extreme).is_finite() && normal_quantile(1.0 - extreme).is_finite());
    }

    #[test]
    fn constant_is_constant() {
        let h = sample_many(&LatencyDistribution::constant(ms(4)), 1);
        assert_eq!(h.min(), Some(ms(4)));
        assert_eq!(h.max(), Some(ms(4)));
        assert_eq!(LatencyDistribution::constant(ms(4)).mean(), ms(4));
    }

    #[test]
    fn uniform_stays_in_bounds_and_centres() {
        let dist = LatencyDistribution::uniform(ms(1), ms(5));
        let h = sample_many(&dist, 2);
        assert!(h.min().unwrap() >= ms(1) && h.max().unwrap() <= ms(5));
        assert_eq!(dist.mean(), ms(3));
        assert_close("uniform mean", h.mean().unwrap(), 3_000.0, 0.01);
        assert_close("uniform p50", h.quantile(0.5).unwrap(), 3_000.0, 0.02);
        assert_close("uniform p95", h.quantile(0.95).unwrap(), 4_800.0, 0.02);
        // Both ends are reachable when the range is small.
        let tiny =
            LatencyDistribution::uniform(SimDuration::from_micros(7), SimDuration::from_micros(8));
        let h = sample_many(&tiny, 3);
        assert_eq!(
            (h.min(), h.max()),
            (
                Some(SimDuration::from_micros(7)),
                Some(SimDuration::from_micros(8))
            )
        );
    }

    #[test]
    fn exponential_mean_and_p99_match_theory() {
        let dist = LatencyDistribution::exponential(ms(3));
        let h = sample_many(&dist, 4);
        assert_eq!(dist.mean(), ms(3));
        assert_close("exponential mean", h.mean().unwrap(), 3_000.0, 0.02);
        assert_close(
            "exponential p50",
            h.quantile(0.5).unwrap(),
            3_000.0 * 2f64.ln(),
            0.02,
        );
        assert_close(
            "exponential p99",
            h.quantile(0.99).unwrap(),
            3_000.0 * 100f64.ln(),
            0.03,
        );
    }

    #[test]
    fn log_normal_median_mean_and_p99_match_theory() {
        let (median, sigma) = (3_000.0, 0.5);
        let dist = LatencyDistribution::log_normal(ms(3), sigma);
        let h = sample_many(&dist, 5);
        let analytic_mean = median * (sigma * sigma / 2.0f64).exp();
        // mean() rounds to the microsecond.
        assert_close(
            "lognormal analytic mean",
            dist.mean(),
            analytic_mean,
            0.5 / analytic_mean,
        );
        assert_close("lognormal median", h.quantile(0.5).unwrap(), median, 0.02);
        assert_close("lognormal mean", h.mean().unwrap(), analytic_mean, 0.02);
        // z(0.99) = 2.3263.
        assert_close(
            "lognormal p99",
            h.quantile(0.99).unwrap(),
            median * (sigma * 2.3263f64).exp(),
            0.04,
        );
    }

    #[test]
    fn log_normal_with_zero_sigma_is_its_median() {
        let h = sample_many(&LatencyDistribution::log_normal(ms(2), 0.0), 6);
        assert_eq!((h.min(), h.max()), (Some(ms(2)), Some(ms(2))));
    }

    #[test]
    fn with_tail_mixes_in_the_stated_proportion() {
        let base = LatencyDistribution::log_normal(ms(3), 0.2);
        let tail = LatencyDistribution::log_normal(ms(20), 0.2);
        let dist = LatencyDistribution::with_tail(base, tail, 0.01);
        let mut rng = SimRng::seed_from(7);
        let samples: Vec<SimDuration> = (0..N).map(|_| dist.sample(&mut rng)).collect();
        // The two modes are far apart; 10 ms separates them almost perfectly.
        let slow = samples.iter().filter(|d| **d > ms(10)).count() as f64 / N as f64;
        assert!((slow - 0.01).abs() < 0.0015, "tail share {slow}");
        let mean = samples.iter().copied().sum::<SimDuration>().as_micros() as f64 / N as f64;
        let analytic = dist.mean().as_micros() as f64;
        assert!(
            (mean - analytic).abs() / analytic < 0.02,
            "mean {mean} vs {analytic}"
        );
        let expected = 0.99 * 3_000.0 * 0.02f64.exp() + 0.01 * 20_000.0 * 0.02f64.exp();
        assert!(
            (analytic - expected).abs() < 1.0,
            "{analytic} vs {expected}"
        );
    }

    #[test]
    fn same_seed_gives_same_samples() {
        let dist = LatencyDistribution::with_tail(
            LatencyDistribution::exponential(ms(1)),
            LatencyDistribution::uniform(ms(10), ms(30)),
            0.1,
        );
        let run = |seed| {
            let mut rng = SimRng::seed_from(seed);
            (0..100).map(|_| dist.sample(&mut rng)).collect::<Vec<_>>()
        };
        assert_eq!(run(1), run(1));
        assert_ne!(run(1), run(2));
    }

    #[test]
    fn validation_rejects_nonsense_and_sampling_survives_it() {
        let bad = [
            (LatencyDistribution::uniform(ms(5), ms(1)), "reversed"),
            (LatencyDistribution::log_normal(ms(1), -0.1), "sigma"),
            (LatencyDistribution::log_normal(ms(1), f64::NAN), "sigma"),
            (
                LatencyDistribution::log_normal(ms(1), f64::INFINITY),
                "sigma",
            ),
            (
                LatencyDistribution::with_tail(
                    LatencyDistribution::constant(ms(1)),
                    LatencyDistribution::constant(ms(2)),
                    1.5,
                ),
                "probability",
            ),
            (
                LatencyDistribution::with_tail(
                    LatencyDistribution::constant(ms(1)),
                    LatencyDistribution::uniform(ms(3), ms(2)),
                    0.5,
                ),
                "reversed",
            ),
        ];
        let mut rng = SimRng::seed_from(0);
        for (dist, word) in bad {
            let err = dist.validate().unwrap_err();
            assert!(err.to_string().contains(word), "{err}");
            let _ = dist.sample(&mut rng);
            let _ = dist.mean();
        }
        assert_eq!(
            LatencyDistribution::uniform(ms(1), ms(5)).validate(),
            Ok(())
        );
        // A reversed uniform range still samples inside the two bounds.
        let d = LatencyDistribution::uniform(ms(5), ms(1)).sample(&mut rng);
        assert!(d >= ms(1) && d <= ms(5));
        // The full u64 range is a legal uniform and must not overflow.
        let full = LatencyDistribution::uniform(SimDuration::ZERO, SimDuration::MAX);
        let _ = full.sample(&mut rng);
        assert_eq!(
            LatencyDistribution::log_normal(SimDuration::MAX, 10.0).sample(&mut rng),
            SimDuration::MAX
        );
    }
}
