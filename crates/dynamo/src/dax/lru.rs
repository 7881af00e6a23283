//! One cache of one DAX node: entries with a time to live, evicted least recently used
//! first when memory runs out.
//!
//! AWS documents both rules for both of DAX's caches. Every entry carries the time it was
//! stored, and an entry that has stayed longer than the TTL is expired: the next lookup
//! treats it as a miss and goes to DynamoDB. Independently, each cache keeps a
//! least-recently-used list — updated when an entry is first written and each time it is
//! read — and when storing a new entry would overrun the cache's memory, the entries at
//! the cold end go first, expired or not. A TTL of "never" (the item cache's TTL of 0)
//! leaves only eviction and write-through to refresh an entry.
//!
//! Memory is counted in bytes per entry (key, value and a fixed overhead, see
//! [`ENTRY_OVERHEAD_BYTES`]); an entry larger than the whole budget is not stored at all.
//! Entries live in a `BTreeMap` by key and the recency list is a `BTreeMap` from a
//! monotonic tick to the key, so every operation is `O(log n)` and iteration order is
//! fixed.

use std::collections::BTreeMap;

use dynaplay_sim::{SimDuration, SimTime};
use serde::Serialize;

/// Bytes every entry costs beyond its key and value: DAX's own bookkeeping (timestamps,
/// list links, hash slots). An assumption of Dynaplay's; AWS does not publish it.
pub const ENTRY_OVERHEAD_BYTES: u64 = 100;

/// Counters of one cache, for hit ratios.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
    /// Entries stored (misses filled, write-throughs, replicated updates).
    pub fills: u64,
    /// Entries dropped to make room.
    pub evictions: u64,
    /// Entries dropped because their TTL had run out.
    pub expirations: u64,
}

impl CacheStats {
    /// Hits over lookups, or `None` before the first lookup.
    pub fn hit_ratio(&self) -> Option<f64> {
        let lookups = self.hits + self.misses;
        (lookups > 0).then(|| self.hits as f64 / lookups as f64)
    }

    pub fn add(&mut self, other: &CacheStats) {
        self.hits += other.hits;
        self.misses += other.misses;
        self.fills += other.fills;
        self.evictions += other.evictions;
        self.expirations += other.expirations;
    }
}

/// One stored entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot<V> {
    pub value: V,
    pub size: u64,
    /// When the value was stored; the TTL counts from here.
    pub stored_at: SimTime,
    /// When the entry was last stored or read.
    pub last_used: SimTime,
    /// Lookups this entry answered.
    pub hits: u64,
    recency: u64,
}

impl<V> Slot<V> {
    /// How long the entry has been cached at `now`.
    pub fn age(&self, now: SimTime) -> SimDuration {
        now.saturating_duration_since(self.stored_at)
    }

    /// How long the entry has left at `now` under `expiry` (`None`: it never expires).
    pub fn remaining(&self, now: SimTime, expiry: Option<SimDuration>) -> Option<SimDuration> {
        expiry.map(|ttl| ttl.saturating_sub(self.age(now)))
    }

    /// An entry expires once it has been cached for longer than the TTL.
    pub fn is_expired(&self, now: SimTime, expiry: Option<SimDuration>) -> bool {
        expiry.is_some_and(|ttl| self.age(now) > ttl)
    }
}

/// A TTL- and memory-bounded LRU cache.
#[derive(Debug, Clone)]
pub struct LruCache<K, V> {
    slots: BTreeMap<K, Slot<V>>,
    /// Recency tick → key; the first entry is the least recently used.
    recency: BTreeMap<u64, K>,
    clock: u64,
    used_bytes: u64,
    budget_bytes: u64,
    stats: CacheStats,
}

impl<K: Ord + Clone, V> LruCache<K, V> {
    pub fn new(budget_bytes: u64) -> Self {
        LruCache {
            slots: BTreeMap::new(),
            recency: BTreeMap::new(),
            clock: 0,
            used_bytes: 0,
            budget_bytes,
            stats: CacheStats::default(),
        }
    }

    /// Looks `key` up at `now`, counting a hit or a miss. An expired entry is dropped and
    /// counts as a miss; a hit moves the entry to the warm end of the LRU list.
    pub fn lookup(
        &mut self,
        key: &K,
        now: SimTime,
        expiry: Option<SimDuration>,
    ) -> Option<&Slot<V>> {
        let expired = match self.slots.get(key) {
            None => {
                self.stats.misses += 1;
                return None;
            }
            Some(slot) => slot.is_expired(now, expiry),
        };
        if expired {
            self.remove(key);
            self.stats.expirations += 1;
            self.stats.misses += 1;
            return None;
        }
        self.clock += 1;
        let tick = self.clock;
        let slot = self.slots.get_mut(key)?;
        self.recency.remove(&slot.recency);
        self.recency.insert(tick, key.clone());
        slot.recency = tick;
        slot.hits += 1;
        slot.last_used = now;
        self.stats.hits += 1;
        Some(slot)
    }

    /// The entry under `key`, without counting or touching it.
    pub fn get(&self, key: &K) -> Option<&Slot<V>> {
        self.slots.get(key)
    }

    /// Stores `value` (replacing any entry under `key`), evicting the least recently used
    /// entries until it fits. Returns `false`, storing nothing, if the entry alone is
    /// larger than the whole budget.
    pub fn insert(
        &mut self,
        key: K,
        value: V,
        size: u64,
        stored_at: SimTime,
        now: SimTime,
    ) -> bool {
        self.remove(&key);
        if size > self.budget_bytes {
            return false;
        }
        while self.used_bytes + size > self.budget_bytes {
            if !self.evict_one() {
                return false;
            }
        }
        self.clock += 1;
        let tick = self.clock;
        self.recency.insert(tick, key.clone());
        self.slots.insert(
            key,
            Slot {
                value,
                size,
                stored_at,
                last_used: now,
                hits: 0,
                recency: tick,
            },
        );
        self.used_bytes += size;
        self.stats.fills += 1;
        true
    }

    /// Like [`LruCache::insert`], but keeps an existing entry stored later than
    /// `stored_at`: a replicated update that arrives after a fresher local one must not
    /// roll it back.
    pub fn insert_if_newer(
        &mut self,
        key: K,
        value: V,
        size: u64,
        stored_at: SimTime,
        now: SimTime,
    ) -> bool {
        if self
            .slots
            .get(&key)
            .is_some_and(|slot| slot.stored_at > stored_at)
        {
            return false;
        }
        self.insert(key, value, size, stored_at, now)
    }

    pub fn remove(&mut self, key: &K) -> Option<Slot<V>> {
        let slot = self.slots.remove(key)?;
        self.recency.remove(&slot.recency);
        self.used_bytes = self.used_bytes.saturating_sub(slot.size);
        Some(slot)
    }

    /// Drops every entry whose TTL has run out; returns how many.
    pub fn purge_expired(&mut self, now: SimTime, expiry: Option<SimDuration>) -> usize {
        if expiry.is_none() {
            return 0;
        }
        let expired: Vec<K> = self
            .slots
            .iter()
            .filter(|(_, slot)| slot.is_expired(now, expiry))
            .map(|(key, _)| key.clone())
            .collect();
        for key in &expired {
            self.remove(key);
        }
        self.stats.expirations += expired.len() as u64;
        expired.len()
    }

    /// Forgets every entry (a node that restarts comes back empty); counters are kept.
    pub fn clear(&mut self) {
        self.slots.clear();
        self.recency.clear();
        self.used_bytes = 0;
    }

    /// Changes the memory budget, evicting as needed.
    pub fn set_budget(&mut self, budget_bytes: u64) {
        self.budget_bytes = budget_bytes;
        while self.used_bytes > self.budget_bytes && self.evict_one() {}
    }

    fn evict_one(&mut self) -> bool {
        let Some((_, key)) = self.recency.pop_first() else {
            return false;
        };
        if let Some(slot) = self.slots.remove(&key) {
            self.used_bytes = self.used_bytes.saturating_sub(slot.size);
        }
        self.stats.evictions += 1;
        true
    }

    /// Entries from the most recently used to the least.
    pub fn iter_recent_first(&self) -> impl Iterator<Item = (&K, &Slot<V>)> {
        self.recency
            .values()
            .rev()
            .filter_map(|key| self.slots.get(key).map(|slot| (key, slot)))
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    pub fn used_bytes(&self) -> u64 {
        self.used_bytes
    }

    pub fn budget_bytes(&self) -> u64 {
        self.budget_bytes
    }

    pub fn stats(&self) -> &CacheStats {
        &self.stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SimTime {
        SimTime::from_secs(secs)
    }

    const TTL: Option<SimDuration> = Some(SimDuration::from_secs(10));

    #[test]
    fn entries_expire_only_after_outliving_the_ttl() {
        let mut cache = LruCache::new(1_000);
        cache.insert("a", 1, 10, at(0), at(0));
        assert_eq!(cache.lookup(&"a", at(10), TTL).map(|s| s.value), Some(1));
        assert!(cache.lookup(&"a", at(11), TTL).is_none());
        assert!(cache.is_empty(), "the expired entry is dropped");
        assert_eq!(
            *cache.stats(),
            CacheStats {
                hits: 1,
                misses: 1,
                fills: 1,
                evictions: 0,
                expirations: 1
            }
        );
    }

    #[test]
    fn without_a_ttl_entries_never_expire() {
        let mut cache = LruCache::new(1_000);
        cache.insert("a", 1, 10, at(0), at(0));
        assert!(cache.lookup(&"a", at(1_000_000), None).is_some());
        assert_eq!(cache.purge_expired(at(1_000_000), None), 0);
    }

    #[test]
    fn the_least_recently_used_entry_goes_first() {
        let mut cache = LruCache::new(30);
        cache.insert("a", 1, 10, at(0), at(0));
        cache.insert("b", 2, 10, at(1), at(1));
        cache.insert("c", 3, 10, at(2), at(2));
        // Reading `a` makes `b` the coldest.
        assert!(cache.lookup(&"a", at(3), None).is_some());
        cache.insert("d", 4, 10, at(4), at(4));
        assert!(cache.get(&"b").is_none());
        assert!(cache.get(&"a").is_some());
        let order: Vec<&str> = cache.iter_recent_first().map(|(k, _)| *k).collect();
        assert_eq!(order, ["d", "a", "c"]);
        assert_eq!(cache.used_bytes(), 30);
        assert_eq!(cache.stats().evictions, 1);
    }

    #[test]
    fn a_large_entry_evicts_several_and_an_oversized_one_is_refused() {
        let mut cache = LruCache::new(30);
        cache.insert("a", 1, 10, at(0), at(0));
        cache.insert("b", 2, 10, at(0), at(0));
        cache.insert("c", 3, 10, at(0), at(0));
        assert!(cache.insert("big", 4, 25, at(1), at(1)));
        assert_eq!(cache.len(), 1);
        assert!(!cache.insert("huge", 5, 31, at(1), at(1)));
        assert!(cache.get(&"huge").is_none());
    }

    #[test]
    fn replacing_an_entry_restarts_its_ttl_and_keeps_sizes_right() {
        let mut cache = LruCache::new(100);
        cache.insert("a", 1, 40, at(0), at(0));
        cache.insert("a", 2, 10, at(8), at(8));
        assert_eq!(cache.used_bytes(), 10);
        assert_eq!(cache.lookup(&"a", at(15), TTL).map(|s| s.value), Some(2));
    }

    #[test]
    fn an_older_replicated_value_does_not_roll_back_a_newer_one() {
        let mut cache = LruCache::new(100);
        cache.insert("a", 2, 10, at(5), at(5));
        assert!(!cache.insert_if_newer("a", 1, 10, at(4), at(6)));
        assert_eq!(cache.get(&"a").map(|s| s.value), Some(2));
        assert!(cache.insert_if_newer("a", 3, 10, at(6), at(7)));
        assert_eq!(cache.get(&"a").map(|s| s.value), Some(3));
    }

    #[test]
    fn purging_and_shrinking() {
        let mut cache = LruCache::new(100);
        cache.insert("old", 1, 10, at(0), at(0));
        cache.insert("new", 2, 10, at(9), at(9));
        assert_eq!(cache.purge_expired(at(15), TTL), 1);
        assert!(cache.get(&"new").is_some());
        cache.insert("x", 3, 50, at(9), at(9));
        cache.set_budget(55);
        assert_eq!(
            cache.len(),
            1,
            "the colder entry went to fit the new budget"
        );
        assert!(cache.get(&"x").is_some());
        cache.clear();
        assert_eq!(cache.used_bytes(), 0);
        assert_eq!(cache.stats().fills, 3, "counters survive a clear");
    }

    #[test]
    fn hit_ratio_counts_lookups() {
        let mut stats = CacheStats::default();
        assert_eq!(stats.hit_ratio(), None);
        stats.hits = 3;
        stats.misses = 1;
        assert_eq!(stats.hit_ratio(), Some(0.75));
    }
}
