//! The deterministic simulation kernel.
//!
//! Dynaplay simulates distributed services — DynamoDB partitions and replicas, DAX, EMR — so
//! people can watch what the real ones hide. That is only worth anything if the simulation
//! is *deterministic*: the same seed and the same commands must produce a byte-identical
//! history, every time, on every machine. Determinism turns a surprising moment ("why did
//! this read return stale data?") into something one can share as a link, step through
//! again, and pin in a test. A stale read that happens once and never again teaches nothing.
//! It also makes failures debuggable the way turmoil and madsim popularised: a bug found
//! with seed 7 comes back every time seed 7 runs.
//!
//! Non-determinism creeps in through a handful of doors, and this crate closes each one:
//!
//! * **Time.** Nothing reads a wall clock. [`SimTime`] is a number that the world owns and
//!   [`Scheduler`] moves forward only by handling events; how the host chops real time into
//!   frames or ticks does not change what happens.
//! * **Randomness.** Every choice is drawn from a [`SimRng`] seeded explicitly, never from
//!   OS entropy, and subsystems get their own forked streams so that an extra draw in one
//!   place does not reshuffle everything after it.
//! * **Order.** Simultaneous events run in the order they were scheduled ([`EventQueue`]),
//!   and nothing iterates a `HashMap` (whose order changes from run to run) into output.
//! * **Floating point.** Sampling ([`LatencyDistribution`]) uses only correctly rounded
//!   arithmetic and this crate's own logarithm and exponential, never the platform's maths
//!   library, so a wasm32 browser and a native server compute the same microseconds.
//! * **Failures.** Faults are data ([`FaultPlan`]) scheduled like any other event, not
//!   accidents of the host.
//!
//! The kernel knows nothing about AWS. It is pure — no I/O, no clock, no async — and builds
//! for `wasm32-unknown-unknown` as well as natively; the other crates build the services on
//! top of it. Its pieces: [`time`] (instants and durations), [`rng`] (seeded streams),
//! [`queue`] (events and the scheduler), [`latency`] (sampled durations), [`histogram`]
//! (percentiles of what was sampled) and [`fault`] (fault plans).

pub mod fault;
pub mod histogram;
pub mod latency;
mod math;
pub mod queue;
pub mod rng;
pub mod time;

pub use fault::{FaultError, FaultKind, FaultPlan, FaultTarget, FaultTransition, ScheduledFault};
pub use histogram::{Histogram, Percentiles};
pub use latency::{LatencyDistribution, LatencyError};
pub use queue::{EventId, EventQueue, Scheduler};
pub use rng::SimRng;
pub use time::{ParseDurationError, SimDuration, SimTime};
