//! The event queue ([`EventQueue`]) and the clock that drains it ([`Scheduler`]).
//!
//! A discrete-event simulation is a loop: take the earliest pending event, move the clock
//! to its time, handle it, and let the handler schedule more. Everything that "takes time"
//! in Dynaplay — a replica applying the log, a DAX entry expiring, a map task finishing, a
//! fault starting — is an event in such a queue.
//!
//! Two properties make the loop deterministic. Events are ordered by time and, among
//! events at the same instant, by the order they were scheduled (FIFO), so ties never fall
//! to a hash or an allocator. And cancelling is exact: an [`EventId`] names one scheduled
//! event for ever (sequence numbers are never reused), so cancelling a stale id is a
//! harmless `false` rather than the removal of some newer event.
//!
//! The queue is a `BTreeMap` keyed by `(time, sequence)`: scheduling, cancelling and
//! popping are all `O(log n)`, there are no tombstones, and `len` is exact.

use std::collections::BTreeMap;

use crate::time::{SimDuration, SimTime};

/// Names one scheduled event, for cancelling it. Only the queue that issued it can make one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventId {
    at: SimTime,
    seq: u64,
}

impl EventId {
    /// When the event was scheduled to happen.
    pub fn at(self) -> SimTime {
        self.at
    }
}

/// Pending events ordered by time, first-scheduled first among equal times.
#[derive(Debug, Clone)]
pub struct EventQueue<E> {
    events: BTreeMap<(SimTime, u64), E>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            events: BTreeMap::new(),
            next_seq: 0,
        }
    }
}

impl<E> EventQueue<E> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `event` to happen at `at`, after every event already scheduled for `at`.
    pub fn schedule(&mut self, at: SimTime, event: E) -> EventId {
        let seq = self.next_seq;
        // 2^64 schedules would take centuries at any realistic rate; wrapping is unreachable
        // in practice and, unlike overflow, cannot panic.
        self.next_seq = self.next_seq.wrapping_add(1);
        self.events.insert((at, seq), event);
        EventId { at, seq }
    }

    /// Adds `event` to happen `delay` after `now` (saturating at [`SimTime::MAX`]).
    pub fn schedule_after(&mut self, now: SimTime, delay: SimDuration, event: E) -> EventId {
        self.schedule(now + delay, event)
    }

    /// Removes a pending event. `false` if it already happened or was already cancelled.
    pub fn cancel(&mut self, id: EventId) -> bool {
        self.events.remove(&(id.at, id.seq)).is_some()
    }

    /// Whether `id` is still waiting to happen.
    pub fn contains(&self, id: EventId) -> bool {
        self.events.contains_key(&(id.at, id.seq))
    }

    /// The time of the earliest pending event.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.events.first_key_value().map(|(&(at, _), _)| at)
    }

    /// Removes and returns the earliest event if it is due at or before `now`.
    pub fn pop_due(&mut self, now: SimTime) -> Option<(SimTime, E)> {
        if self.peek_time()? > now {
            return None;
        }
        self.pop_next()
    }

    /// Removes and returns the earliest event, however far in the future.
    pub fn pop_next(&mut self) -> Option<(SimTime, E)> {
        self.events.pop_first().map(|((at, _), event)| (at, event))
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Pending events in the order they will happen (for display; does not consume).
    pub fn iter(&self) -> impl Iterator<Item = (SimTime, &E)> {
        self.events.iter().map(|(&(at, _), event)| (at, event))
    }

    /// Keeps only the events for which `keep` returns `true` — e.g. dropping every
    /// pending completion of a node that just crashed.
    pub fn retain(&mut self, mut keep: impl FnMut(SimTime, &E) -> bool) {
        self.events.retain(|&(at, _), event| keep(at, event));
    }

    /// Drops every pending event.
    pub fn clear(&mut self) {
        self.events.clear();
    }
}

/// The simulation clock together with its pending events.
///
/// `now` only moves forward. Events scheduled for a time already past are clamped to
/// `now`, since nothing can happen in the past.
#[derive(Debug, Clone)]
pub struct Scheduler<E> {
    now: SimTime,
    queue: EventQueue<E>,
}

impl<E> Default for Scheduler<E> {
    fn default() -> Self {
        Scheduler {
            now: SimTime::ZERO,
            queue: EventQueue::new(),
        }
    }
}

impl<E> Scheduler<E> {
    /// A scheduler at [`SimTime::ZERO`] with nothing pending.
    pub fn new() -> Self {
        Self::default()
    }

    /// A scheduler whose clock starts at `now`.
    pub fn starting_at(now: SimTime) -> Self {
        Scheduler {
            now,
            queue: EventQueue::new(),
        }
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at `at`, or at `now` if `at` is already past.
    pub fn schedule_at(&mut self, at: SimTime, event: E) -> EventId {
        self.queue.schedule(at.max(self.now), event)
    }

    /// Schedules `event` to happen `delay` from now.
    pub fn schedule_after(&mut self, delay: SimDuration, event: E) -> EventId {
        self.queue.schedule_after(self.now, delay, event)
    }

    pub fn cancel(&mut self, id: EventId) -> bool {
        self.queue.cancel(id)
    }

    /// The pending events, read-only (for `peek_time`, `iter`, `len`…).
    pub fn queue(&self) -> &EventQueue<E> {
        &self.queue
    }

    /// The pending events, for bulk edits such as [`EventQueue::retain`]. Events scheduled
    /// directly on the queue are not clamped to `now`; a past one is handled at `now`.
    pub fn queue_mut(&mut self) -> &mut EventQueue<E> {
        &mut self.queue
    }

    pub fn peek_time(&self) -> Option<SimTime> {
        self.queue.peek_time()
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Pops the next event due at or before `until` and moves `now` to its time. When none
    /// is due, moves `now` to `until` (never backwards) and returns `None`.
    ///
    /// This is the pull-style driver for an owner that needs itself mutably while
    /// handling (the world owns its scheduler, so a closure could not borrow the world):
    ///
    /// ```
    /// # use dynaplay_sim::{Scheduler, SimDuration, SimTime};
    /// let mut scheduler = Scheduler::new();
    /// scheduler.schedule_after(SimDuration::from_millis(5), "ping");
    /// let mut handled = Vec::new();
    /// while let Some((now, event)) = scheduler.step_until(SimTime::from_millis(10)) {
    ///     handled.push((now, event)); // a world would call `self.handle(event)` here
    /// }
    /// assert_eq!(handled, [(SimTime::from_millis(5), "ping")]);
    /// assert_eq!(scheduler.now(), SimTime::from_millis(10));
    /// ```
    pub fn step_until(&mut self, until: SimTime) -> Option<(SimTime, E)> {
        match self.queue.pop_due(until) {
            Some((at, event)) => {
                self.now = self.now.max(at);
                Some((self.now, event))
            }
            None => {
                self.now = self.now.max(until);
                None
            }
        }
    }

    /// Pops the next event however far ahead and moves `now` to its time; `None` (leaving
    /// `now` alone) when nothing is pending.
    pub fn step(&mut self) -> Option<(SimTime, E)> {
        let (at, event) = self.queue.pop_next()?;
        self.now = self.now.max(at);
        Some((self.now, event))
    }

    /// Handles, in order, every event due at or before `until`, moving `now` to each event's
    /// time before calling `handle(scheduler, now, event)`; finally leaves `now` at `until`
    /// (if later). Events the handler schedules at or before `until` are handled in this
    /// same call, so how a span of time is chopped into calls never changes the history.
    /// Returns how many events were handled.
    ///
    /// A handler that keeps scheduling events at the current instant never lets this
    /// return, as in any discrete-event simulator; to bound the work per call, drive with
    /// [`Scheduler::step_until`] and stop after a budget of events.
    pub fn advance_to<F>(&mut self, until: SimTime, mut handle: F) -> usize
    where
        F: FnMut(&mut Scheduler<E>, SimTime, E),
    {
        let mut handled = 0usize;
        while let Some((now, event)) = self.step_until(until) {
            handle(self, now, event);
            handled = handled.saturating_add(1);
        }
        handled
    }

    /// [`Scheduler::advance_to`] `now + by`.
    pub fn advance_by<F>(&mut self, by: SimDuration, handle: F) -> usize
    where
        F: FnMut(&mut Scheduler<E>, SimTime, E),
    {
        self.advance_to(self.now + by, handle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(micros: u64) -> SimTime {
        SimTime::from_micros(micros)
    }

    #[test]
    fn pops_in_time_order_then_fifo() {
        let mut q = EventQueue::new();
        q.schedule(t(30), "c");
        q.schedule(t(10), "a1");
        q.schedule(t(20), "b");
        q.schedule(t(10), "a2");
        q.schedule(t(10), "a3");
        let order: Vec<_> = std::iter::from_fn(|| q.pop_next()).collect();
        assert_eq!(
            order,
            vec![
                (t(10), "a1"),
                (t(10), "a2"),
                (t(10), "a3"),
                (t(20), "b"),
                (t(30), "c")
            ]
        );
        assert!(q.is_empty());
    }

    #[test]
    fn pop_due_stops_at_now() {
        let mut q = EventQueue::new();
        q.schedule(t(5), 1);
        q.schedule(t(10), 2);
        q.schedule(t(11), 3);
        assert_eq!(q.pop_due(t(4)), None);
        assert_eq!(q.pop_due(t(10)), Some((t(5), 1)));
        assert_eq!(q.pop_due(t(10)), Some((t(10), 2)));
        assert_eq!(q.pop_due(t(10)), None);
        assert_eq!(q.peek_time(), Some(t(11)));
        assert_eq!(q.len(), 1);
    }

    #[test]
    fn cancelled_events_never_pop_and_stale_ids_are_harmless() {
        let mut q = EventQueue::new();
        let a = q.schedule(t(1), "a");
        let b = q.schedule(t(1), "b");
        assert!(q.contains(b));
        assert!(q.cancel(b));
        assert!(!q.contains(b));
        assert!(!q.cancel(b), "second cancel reports nothing to do");
        assert_eq!(q.len(), 1);
        assert_eq!(q.pop_next(), Some((t(1), "a")));
        assert!(!q.cancel(a), "already happened");
        // A new event at the same time gets a fresh id; the old ones cannot touch it.
        let c = q.schedule(t(1), "c");
        assert_ne!(c, a);
        assert!(!q.cancel(a) && !q.cancel(b));
        assert_eq!(q.pop_next(), Some((t(1), "c")));
        assert_eq!(c.at(), t(1));
    }

    #[test]
    fn schedule_after_saturates_and_retain_filters() {
        let mut q = EventQueue::new();
        q.schedule_after(SimTime::MAX, SimDuration::from_secs(1), "late");
        q.schedule_after(t(3), SimDuration::from_micros(4), "soon");
        q.schedule(t(2), "drop");
        q.retain(|_, e| *e != "drop");
        let pending: Vec<_> = q.iter().collect();
        assert_eq!(pending, vec![(t(7), &"soon"), (SimTime::MAX, &"late")]);
        q.clear();
        assert!(q.is_empty());
    }

    #[test]
    fn advance_to_handles_cascades_within_the_window() {
        let mut s = Scheduler::new();
        s.schedule_at(t(10), "start");
        s.schedule_at(t(100), "far");
        let mut log = Vec::new();
        let handled = s.advance_to(t(50), |s, now, e| {
            log.push((now, e));
            if e == "start" {
                // Lands inside the window, so it is handled in this call.
                s.schedule_after(SimDuration::from_micros(5), "follow-up");
                // Lands outside, so it waits.
                s.schedule_after(SimDuration::from_micros(40), "boundary");
                s.schedule_after(SimDuration::from_micros(41), "too-late");
            }
        });
        assert_eq!(handled, 3);
        assert_eq!(
            log,
            vec![(t(10), "start"), (t(15), "follow-up"), (t(50), "boundary")]
        );
        assert_eq!(s.now(), t(50));
        assert_eq!(s.peek_time(), Some(t(51)));
        assert_eq!(s.queue().len(), 2);
    }

    #[test]
    fn advance_to_never_moves_backwards() {
        let mut s: Scheduler<()> = Scheduler::starting_at(t(100));
        assert_eq!(s.advance_to(t(40), |_, _, _| {}), 0);
        assert_eq!(s.now(), t(100));
        // Past times are clamped to now rather than rewinding the clock.
        s.schedule_at(t(5), ());
        let mut seen = Vec::new();
        s.advance_by(SimDuration::ZERO, |_, now, _| seen.push(now));
        assert_eq!(seen, vec![t(100)]);
    }

    #[test]
    fn step_handles_exactly_one_event_wherever_it_is() {
        let mut s = Scheduler::new();
        s.schedule_at(t(7), 'x');
        s.schedule_at(t(9), 'y');
        assert_eq!(s.step(), Some((t(7), 'x')));
        assert_eq!(s.now(), t(7));
        assert_eq!(s.len(), 1);
        assert_eq!(s.step(), Some((t(9), 'y')));
        assert_eq!(s.step(), None);
        assert_eq!(s.now(), t(9));
        assert!(s.is_empty());
    }

    #[test]
    fn step_until_pulls_due_events_then_parks_the_clock() {
        let mut s = Scheduler::new();
        s.schedule_at(t(3), "a");
        s.schedule_at(t(8), "b");
        assert_eq!(s.step_until(t(5)), Some((t(3), "a")));
        assert_eq!(s.now(), t(3));
        assert_eq!(s.step_until(t(5)), None);
        assert_eq!(s.now(), t(5));
        assert_eq!(s.step_until(t(1)), None, "never backwards");
        assert_eq!(s.now(), t(5));
        assert_eq!(s.step_until(t(8)), Some((t(8), "b")));
    }

    #[test]
    fn chopping_the_advance_does_not_change_the_history() {
        // The browser advances per animation frame, the server per wall-clock tick: the same
        // span delivered in different chunks must give the same history.
        let run = |stops: &[u64]| {
            let mut s = Scheduler::new();
            s.schedule_at(t(0), 1u64);
            let mut log = Vec::new();
            for &until in stops {
                s.advance_to(t(until), |s, now, n| {
                    log.push((now, n));
                    if n < 300 {
                        s.schedule_after(SimDuration::from_micros(n * 37 % 1_000), 2 * n);
                        s.schedule_after(SimDuration::from_micros(n * 91 % 700), 2 * n + 1);
                    }
                });
            }
            (log, s.now())
        };
        let at_once = run(&[5_000]);
        assert!(at_once.0.len() > 300);
        assert_eq!(at_once, run(&(1..=50).map(|i| i * 100).collect::<Vec<_>>()));
        assert_eq!(at_once, run(&[3, 3, 170, 400, 401, 4_999, 5_000]));
    }

    #[test]
    fn cancel_through_the_scheduler() {
        let mut s = Scheduler::new();
        let id = s.schedule_after(SimDuration::from_millis(1), "timeout");
        assert!(s.cancel(id));
        assert_eq!(s.advance_by(SimDuration::from_secs(1), |_, _, _| {}), 0);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Schedule(u64),
        Cancel(usize),
        Pop,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            // Few distinct times, so equal-time ties are common.
            (0u64..8).prop_map(Op::Schedule),
            any::<usize>().prop_map(Op::Cancel),
            Just(Op::Pop),
        ]
    }

    proptest! {
        #[test]
        fn behaves_like_a_sorted_list(ops in proptest::collection::vec(op(), 0..200)) {
            let mut q = EventQueue::new();
            // The model: (time, insertion number) of every live event, plus its id.
            let mut model: Vec<(u64, u64, EventId)> = Vec::new();
            let mut issued: Vec<EventId> = Vec::new();
            let mut counter = 0u64;
            for op in ops {
                match op {
                    Op::Schedule(at) => {
                        let id = q.schedule(t(at), counter);
                        model.push((at, counter, id));
                        issued.push(id);
                        counter += 1;
                    }
                    Op::Cancel(i) => {
                        if issued.is_empty() { continue; }
                        let id = issued[i % issued.len()];
                        let live = model.iter().position(|m| m.2 == id);
                        prop_assert_eq!(q.cancel(id), live.is_some());
                        if let Some(p) = live { model.remove(p); }
                    }
                    Op::Pop => {
                        model.sort_by_key(|m| (m.0, m.1));
                        let expected = if model.is_empty() { None } else {
                            let m = model.remove(0);
                            Some((t(m.0), m.1))
                        };
                        prop_assert_eq!(q.pop_next(), expected);
                    }
                }
                prop_assert_eq!(q.len(), model.len());
            }
            // Draining what is left: nondecreasing time, FIFO by insertion within a time,
            // and exactly the live events.
            let rest: Vec<_> = std::iter::from_fn(|| q.pop_next()).collect();
            for w in rest.windows(2) {
                prop_assert!(w[0].0 < w[1].0 || (w[0].0 == w[1].0 && w[0].1 < w[1].1));
            }
            let mut live: Vec<u64> = model.iter().map(|m| m.1).collect();
            let mut drained: Vec<u64> = rest.iter().map(|r| r.1).collect();
            live.sort_unstable();
            drained.sort_unstable();
            prop_assert_eq!(drained, live);
        }

        #[test]
        fn scheduler_handles_events_in_nondecreasing_time(
            delays in proptest::collection::vec(0u64..50, 1..60),
            horizon in 0u64..400,
        ) {
            let mut s = Scheduler::new();
            for (i, d) in delays.iter().enumerate() {
                s.schedule_at(t(*d), (i, 0u8));
            }
            let mut times = Vec::new();
            s.advance_to(t(horizon), |s, now, (i, depth)| {
                times.push((now, i, depth));
                // Each event spawns one follow-up, twice, with a data-derived delay.
                if depth < 2 {
                    s.schedule_after(SimDuration::from_micros((i as u64 * 7) % 13), (i, depth + 1));
                }
            });
            for w in times.windows(2) {
                prop_assert!(w[0].0 <= w[1].0);
            }
            prop_assert!(times.iter().all(|e| e.0 <= t(horizon)));
            prop_assert!(s.peek_time().is_none_or(|next| next > t(horizon)));
            prop_assert_eq!(s.now(), t(horizon));
        }
    }
}
