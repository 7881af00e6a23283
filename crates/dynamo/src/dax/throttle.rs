//! A node's request budget: when a DAX node is driven past what its CPU can serve, it
//! answers `ThrottlingException` instead.
//!
//! DAX watches each node's CPU and starts refusing requests when it runs hot. Dynaplay
//! models the CPU as a token bucket: a node earns its type's request rate in tokens per
//! second, keeps at most one second's worth, and spends one per request. Tokens are
//! counted in millionths so that refilling by whole microseconds is exact integer
//! arithmetic — the same on every platform, with no rounding drift.

use dynaplay_sim::SimTime;

/// The message DynamoDB's documentation gives for `ThrottlingException`.
pub const THROTTLING_MESSAGE: &str = "Rate of requests exceeds the allowed throughput.";

const SCALE: u64 = 1_000_000;

/// A token bucket refilled continuously by simulated time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestBudget {
    per_second: u64,
    /// Millionths of a request.
    tokens: u64,
    refilled_at: SimTime,
}

impl RequestBudget {
    /// A full bucket for `per_second` requests per second.
    pub fn new(per_second: u64, now: SimTime) -> RequestBudget {
        RequestBudget {
            per_second,
            tokens: per_second.saturating_mul(SCALE),
            refilled_at: now,
        }
    }

    /// Spends one request if there is one to spend.
    pub fn try_take(&mut self, now: SimTime) -> bool {
        let elapsed = now.saturating_duration_since(self.refilled_at).as_micros();
        // `per_second` tokens per 10^6 µs is exactly `per_second` millionths per µs.
        let earned = elapsed.saturating_mul(self.per_second);
        self.tokens = self
            .tokens
            .saturating_add(earned)
            .min(self.per_second.saturating_mul(SCALE));
        self.refilled_at = self.refilled_at.max(now);
        if self.tokens >= SCALE {
            self.tokens -= SCALE;
            true
        } else {
            false
        }
    }

    pub fn per_second(&self) -> u64 {
        self.per_second
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynaplay_sim::SimDuration;

    #[test]
    fn a_burst_beyond_one_second_of_budget_is_refused_until_it_refills() {
        let t0 = SimTime::ZERO;
        let mut budget = RequestBudget::new(3, t0);
        assert!(budget.try_take(t0));
        assert!(budget.try_take(t0));
        assert!(budget.try_take(t0));
        assert!(!budget.try_take(t0));
        // A third of a second earns one request back.
        let later = t0 + SimDuration::from_micros(333_334);
        assert!(budget.try_take(later));
        assert!(!budget.try_take(later));
        // Idle time never banks more than a second's worth.
        let much_later = later + SimDuration::from_secs(60);
        assert!((0..3).all(|_| budget.try_take(much_later)));
        assert!(!budget.try_take(much_later));
    }

    #[test]
    fn a_zero_rate_refuses_everything() {
        let mut budget = RequestBudget::new(0, SimTime::ZERO);
        assert!(!budget.try_take(SimTime::from_secs(10)));
    }
}
