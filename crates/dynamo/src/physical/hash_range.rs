//! Contiguous ranges of the 128-bit key space.
//!
//! A partition owns the partition-key hashes in `[start, end]` (both inclusive, so the
//! whole space is `[0, u128::MAX]` without overflow). Splitting cuts a range in two at a
//! hash; the left part keeps `[start, at - 1]` and the right part takes `[at, end]`.
//! Hashes travel to the views as 32 hex digits (JavaScript numbers cannot hold them) and
//! as a fraction of the key space for drawing.

use serde::{Deserialize, Serialize};

/// The hashes `start..=end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct HashRange {
    #[serde(with = "hex128")]
    pub start: u128,
    #[serde(with = "hex128")]
    pub end: u128,
}

impl HashRange {
    /// The whole key space.
    pub const ALL: HashRange = HashRange {
        start: 0,
        end: u128::MAX,
    };

    pub fn new(start: u128, end: u128) -> HashRange {
        HashRange {
            start: start.min(end),
            end: start.max(end),
        }
    }

    pub fn contains(&self, hash: u128) -> bool {
        self.start <= hash && hash <= self.end
    }

    pub fn overlaps(&self, other: &HashRange) -> bool {
        self.start <= other.end && other.start <= self.end
    }

    /// The middle of the range, where a split by halves cuts it.
    pub fn midpoint(&self) -> u128 {
        self.start + (self.end - self.start) / 2 + 1
    }

    /// `[start, at - 1]` and `[at, end]`, or `None` if `at` leaves one side empty.
    pub fn split_at(&self, at: u128) -> Option<(HashRange, HashRange)> {
        if at <= self.start || at > self.end {
            return None;
        }
        Some((
            HashRange {
                start: self.start,
                end: at - 1,
            },
            HashRange {
                start: at,
                end: self.end,
            },
        ))
    }

    /// `n` equal ranges tiling the key space (as parallel Scan segments do).
    pub fn even(n: u32) -> Vec<HashRange> {
        (0..n.max(1))
            .map(|i| {
                let (start, end) = crate::keyhash::segment_range(i, n.max(1));
                HashRange { start, end }
            })
            .collect()
    }

    /// Where the range starts, as a fraction of the key space (for drawing).
    pub fn start_fraction(&self) -> f64 {
        fraction(self.start)
    }

    /// Where the range ends, as a fraction of the key space.
    pub fn end_fraction(&self) -> f64 {
        fraction(self.end)
    }
}

/// A hash as a fraction of the key space in `[0, 1]`: its top 64 bits over 2^64.
pub fn fraction(hash: u128) -> f64 {
    ((hash >> 64) as u64) as f64 / 18_446_744_073_709_551_616.0
}

/// A hash as 32 lower-case hex digits.
pub fn hex(hash: u128) -> String {
    format!("{hash:032x}")
}

/// Serde for hashes as 32-digit hex strings.
pub mod hex128 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(hash: &u128, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&super::hex(*hash))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u128, D::Error> {
        let text = String::deserialize(deserializer)?;
        u128::from_str_radix(&text, 16).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_tile_the_range() {
        let (left, right) = HashRange::ALL.split_at(HashRange::ALL.midpoint()).unwrap();
        assert_eq!(left.start, 0);
        assert_eq!(left.end + 1, right.start);
        assert_eq!(right.end, u128::MAX);
        assert_eq!(right.start, 1u128 << 127);
        assert!(HashRange::ALL.split_at(0).is_none(), "nothing left of 0");
    }

    #[test]
    fn even_ranges_cover_the_key_space() {
        let ranges = HashRange::even(4);
        assert_eq!(ranges.len(), 4);
        assert_eq!(ranges[0].start, 0);
        assert_eq!(ranges[3].end, u128::MAX);
        for pair in ranges.windows(2) {
            assert_eq!(pair[0].end + 1, pair[1].start);
        }
    }

    #[test]
    fn hashes_round_trip_as_hex() {
        let range = HashRange::new(5, u128::MAX - 1);
        let json = serde_json::to_string(&range).unwrap();
        assert_eq!(
            json,
            r#"{"start":"00000000000000000000000000000005","end":"fffffffffffffffffffffffffffffffe"}"#
        );
        assert_eq!(serde_json::from_str::<HashRange>(&json).unwrap(), range);
    }
}
