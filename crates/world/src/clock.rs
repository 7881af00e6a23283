//! The world's simulated clock.
//!
//! Simulated time only moves when the world is told to move it. Whole microseconds are the
//! unit everywhere; a caller that advances by fractions (the browser, converting real frame
//! times at a chosen speed) keeps its own remainder, so the clock never drifts from the sum
//! of what it was given.

use dynaplay_sim::{SimDuration, SimTime};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Clock {
    now: SimTime,
}

impl Clock {
    pub fn now(&self) -> SimTime {
        self.now
    }

    pub fn advance(&mut self, by: SimDuration) {
        self.now += by;
    }
}
