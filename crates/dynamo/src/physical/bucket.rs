//! Token buckets: how a partition's throughput is metered.
//!
//! A bucket fills at `rate` units per second up to `capacity` and is drawn down by what
//! requests consume. DynamoDB admits a request while the bucket holds anything and
//! charges the units the request actually used afterwards — it cannot know a Query's
//! cost before running it — so a balance may go negative: the partition is in debt and
//! throttles until the refill has paid it off. A partition's provisioned bucket holds up
//! to 300 seconds of its rate (burst capacity: unused capacity kept for later); its
//! ceiling bucket holds one second of the hardware limit (3,000 RCU or 1,000 WCU), which
//! no burst or adaptive capacity can exceed.
//!
//! Buckets refill lazily: the balance is brought up to date whenever it is looked at,
//! from the time since it was last touched, so an idle table costs nothing to simulate.

use dynaplay_sim::SimTime;

#[derive(Debug, Clone, PartialEq)]
pub struct TokenBucket {
    rate: f64,
    capacity: f64,
    balance: f64,
    updated: SimTime,
}

impl TokenBucket {
    /// A bucket filling at `rate` per second up to `capacity`, holding `initial` at `now`.
    pub fn new(rate: f64, capacity: f64, initial: f64, now: SimTime) -> TokenBucket {
        TokenBucket {
            rate,
            capacity,
            balance: initial.min(capacity),
            updated: now,
        }
    }

    /// Brings the balance up to `now`.
    pub fn refill(&mut self, now: SimTime) {
        if now > self.updated {
            let elapsed = (now - self.updated).as_secs_f64();
            self.balance = (self.balance + self.rate * elapsed).min(self.capacity);
            self.updated = now;
        }
    }

    /// Whether a request may start at `now`: the bucket holds more than nothing.
    pub fn admits(&mut self, now: SimTime) -> bool {
        self.refill(now);
        self.balance > 0.0
    }

    /// Draws `units`, possibly into debt.
    pub fn spend(&mut self, units: f64) {
        self.balance -= units;
    }

    /// Changes the rate and capacity (throughput changed, or the partition split),
    /// keeping what the bucket holds up to the new capacity.
    pub fn reshape(&mut self, now: SimTime, rate: f64, capacity: f64) {
        self.refill(now);
        self.rate = rate;
        self.capacity = capacity;
        self.balance = self.balance.min(capacity);
    }

    /// Multiplies the balance by `factor` (a split hands each half its share).
    pub fn scale_balance(&mut self, factor: f64) {
        self.balance *= factor;
    }

    pub fn rate(&self) -> f64 {
        self.rate
    }

    pub fn capacity(&self) -> f64 {
        self.capacity
    }

    /// The balance as of `now`, without changing the bucket.
    pub fn balance_at(&self, now: SimTime) -> f64 {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        (self.balance + self.rate * elapsed).min(self.capacity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refills_at_the_rate_up_to_the_capacity() {
        let mut bucket = TokenBucket::new(10.0, 3000.0, 10.0, SimTime::ZERO);
        bucket.spend(10.0);
        assert!(!bucket.admits(SimTime::ZERO), "empty");
        assert!(bucket.admits(SimTime::from_millis(1)));
        assert_eq!(bucket.balance_at(SimTime::from_secs(1)), 10.0);
        assert_eq!(bucket.balance_at(SimTime::from_secs(1000)), 3000.0);
    }

    #[test]
    fn debt_is_paid_off_before_admitting_again() {
        let mut bucket = TokenBucket::new(1.0, 300.0, 1.0, SimTime::ZERO);
        assert!(bucket.admits(SimTime::ZERO));
        bucket.spend(5.0);
        assert!(
            !bucket.admits(SimTime::from_secs(3)),
            "still 1 unit in debt"
        );
        assert!(bucket.admits(SimTime::from_millis(4001)));
    }
}
