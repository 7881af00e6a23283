//! One seeded world: the simulated clock and, around it, DynamoDB, DAX and EMR.
//!
//! The world is the only thing the outside drives. The browser calls [`World::advance`]
//! from animation frames while playing and [`World::step`] when the learner steps; the
//! native endpoint advances it from the wall clock. Inside, nothing reads a real clock or
//! the operating system's entropy: every random draw comes from the world's own
//! [`SimRng`], seeded once, so the same seed and the same commands always produce the same
//! history — which is what lets a shared link reproduce exactly what its author saw.

mod clock;

pub use clock::Clock;
pub use dynaplay_dynamo as dynamo;
pub use dynaplay_sim::{SimDuration, SimTime};

use dynaplay_dynamo::{Database, DynamoError, RequestContext};
use dynaplay_sim::SimRng;
use serde_json::Value;

/// Everything that is simulated, behind one seed.
#[derive(Debug)]
pub struct World {
    seed: u64,
    clock: Clock,
    rng: SimRng,
    dynamo: Database,
}

impl World {
    /// How far one press of "step" moves simulated time.
    pub const STEP: SimDuration = SimDuration::from_millis(100);

    pub fn new(seed: u64) -> Self {
        World {
            seed,
            clock: Clock::default(),
            rng: SimRng::seed_from(seed),
            dynamo: Database::default(),
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The current simulated instant.
    pub fn now(&self) -> SimTime {
        self.clock.now()
    }

    /// Moves simulated time forward by `by`.
    pub fn advance(&mut self, by: SimDuration) {
        self.clock.advance(by);
    }

    /// Moves simulated time forward to `at`, if that is later than now.
    pub fn advance_to(&mut self, at: SimTime) {
        if at > self.now() {
            self.advance(at - self.now());
        }
    }

    /// Moves simulated time forward by exactly one [`World::STEP`].
    pub fn step(&mut self) {
        self.advance(Self::STEP);
    }

    /// Executes a DynamoDB operation (e.g. `"PutItem"`) on a request body in the AWS JSON
    /// shape, at the current simulated time. This is the one door the console, the page's
    /// JavaScript API and the HTTP endpoint all use.
    pub fn execute(&mut self, operation: &str, request: &Value) -> Result<Value, DynamoError> {
        let ctx = RequestContext::at(self.now());
        self.dynamo.execute(operation, request, &ctx)
    }

    /// The DynamoDB engine's state, for views and snapshots.
    pub fn dynamo(&self) -> &Database {
        &self.dynamo
    }

    /// The world's random stream, for subsystems that draw from it.
    pub fn rng(&mut self) -> &mut SimRng {
        &mut self.rng
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_moves_time_by_exactly_one_step() {
        let mut world = World::new(7);
        world.step();
        world.step();
        assert_eq!(world.now().as_micros(), 200_000);
    }

    #[test]
    fn same_seed_gives_the_same_random_stream() {
        let mut a = World::new(42);
        let mut b = World::new(42);
        let draws_a: Vec<u64> = (0..16).map(|_| a.rng().next_u64()).collect();
        let draws_b: Vec<u64> = (0..16).map(|_| b.rng().next_u64()).collect();
        assert_eq!(draws_a, draws_b);
        let mut c = World::new(43);
        let draws_c: Vec<u64> = (0..16).map(|_| c.rng().next_u64()).collect();
        assert_ne!(draws_a, draws_c);
    }
}
