//! Seeking to the sort-key range a Query asks for.
//!
//! An item collection is kept in sort-key order, which is the whole point of a sort key: a
//! condition on it (`=`, `<`, `<=`, `>`, `>=`, `BETWEEN`, `begins_with`) selects one
//! contiguous stretch of the collection, and DynamoDB reads that stretch and nothing else —
//! a Query for the last day of a year-long time series costs the day, not the year. This
//! module turns the condition, and a page's `ExclusiveStartKey`, into the two ends of that
//! stretch, so the read walks exactly the entries that qualify, in either direction.
//!
//! Entries are ordered by sort key and then, in an index, by the table's primary key of the
//! item they came from (several index entries may share a sort key). A bound *before* every
//! entry with sort key `v` is the entry key `(v, none)`, since no base key sorts lower. There
//! is no entry key after them all, so the bound *past* them is the first entry with a greater
//! sort key, found by seeking to `v` and stepping over the entries that share it (at most one
//! in a table). A `begins_with` prefix ends before the smallest value that is greater than
//! every value starting with it: the prefix with its last character (or byte) that can grow
//! grown by one and the rest dropped.

use std::ops::Bound;

use crate::expr::KeyComparison;
use crate::key::KeyValue;
use crate::table::{Collection, EntryKey};
use crate::value::{AttributeValue, Item};

/// The stretch of a collection between two bounds.
type Span = (Bound<EntryKey>, Bound<EntryKey>);

/// The entries of `collection` a Query reads, in the asked direction: those whose sort key
/// satisfies `sort` (all of them without a condition), after `start` (the
/// ExclusiveStartKey's position) in the direction of reading.
pub(super) fn entries<'c>(
    collection: &'c Collection,
    sort: Option<&KeyComparison>,
    start: Option<&EntryKey>,
    forward: bool,
) -> Box<dyn Iterator<Item = (&'c EntryKey, &'c Item)> + 'c> {
    let Some((mut lower, mut upper)) = span(collection, sort) else {
        return Box::new(std::iter::empty());
    };
    if let Some(start) = start {
        if forward {
            lower = raise(lower, start);
        } else {
            upper = lower_to(upper, start);
        }
    }
    if is_empty(&lower, &upper) {
        return Box::new(std::iter::empty());
    }
    let range = collection.range::<EntryKey, _>((lower, upper));
    if forward {
        Box::new(range)
    } else {
        Box::new(range.rev())
    }
}

/// The bounds of the entries satisfying `sort`; `None` when none can.
fn span(collection: &Collection, sort: Option<&KeyComparison>) -> Option<Span> {
    use Bound::{Excluded, Included, Unbounded};
    let Some(sort) = sort else {
        return Some((Unbounded, Unbounded));
    };
    let key = |value: &AttributeValue| KeyValue::from_value(value);
    let span = match sort {
        KeyComparison::Equal(v) => {
            let v = key(v)?;
            (Included(before(&v)), end_past(collection, &v))
        }
        KeyComparison::Less(v) => (Unbounded, Excluded(before(&key(v)?))),
        KeyComparison::LessOrEqual(v) => (Unbounded, end_past(collection, &key(v)?)),
        KeyComparison::Greater(v) => (Included(past(collection, &key(v)?)?), Unbounded),
        KeyComparison::GreaterOrEqual(v) => (Included(before(&key(v)?)), Unbounded),
        KeyComparison::Between(low, high) => {
            let (low, high) = (key(low)?, key(high)?);
            if low > high {
                return None;
            }
            (Included(before(&low)), end_past(collection, &high))
        }
        KeyComparison::BeginsWith(prefix) => {
            let prefix = key(prefix)?;
            let end = match successor_of_prefix(&prefix) {
                Some(next) => Excluded(before(&next)),
                None => Unbounded,
            };
            // Numbers have no prefixes; the read's own check of each entry decides.
            match prefix {
                KeyValue::N(_) => (Unbounded, Unbounded),
                _ => (Included(before(&prefix)), end),
            }
        }
    };
    Some(span)
}

/// The position before every entry whose sort key is `value`.
fn before(value: &KeyValue) -> EntryKey {
    EntryKey {
        sort: Some(value.clone()),
        base: None,
    }
}

/// The first entry whose sort key is greater than `value`, if any.
fn past(collection: &Collection, value: &KeyValue) -> Option<EntryKey> {
    collection
        .range::<EntryKey, _>((Bound::Included(before(value)), Bound::Unbounded))
        .map(|(entry, _)| entry)
        .find(|entry| entry.sort.as_ref() != Some(value))
        .cloned()
}

/// An upper bound just past every entry whose sort key is `value`.
fn end_past(collection: &Collection, value: &KeyValue) -> Bound<EntryKey> {
    match past(collection, value) {
        Some(entry) => Bound::Excluded(entry),
        None => Bound::Unbounded,
    }
}

/// The smallest value greater than every value that starts with `prefix`, or `None` when
/// no value is (a prefix of only the largest characters or bytes).
fn successor_of_prefix(prefix: &KeyValue) -> Option<KeyValue> {
    match prefix {
        KeyValue::S(text) => {
            let mut chars: Vec<char> = text.chars().collect();
            while let Some(last) = chars.pop() {
                // UTF-8 keeps code point order, so the next scalar value is the next string.
                let next = (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32);
                if let Some(next) = next {
                    chars.push(next);
                    return Some(KeyValue::S(chars.into_iter().collect()));
                }
            }
            None
        }
        KeyValue::B(bytes) => {
            let mut bytes = bytes.clone();
            while let Some(last) = bytes.pop() {
                if let Some(next) = last.checked_add(1) {
                    bytes.push(next);
                    return Some(KeyValue::B(bytes));
                }
            }
            None
        }
        KeyValue::N(_) => None,
    }
}

/// `lower` moved up to just after `start`, unless it already lies beyond it.
fn raise(lower: Bound<EntryKey>, start: &EntryKey) -> Bound<EntryKey> {
    match lower {
        Bound::Included(key) if *start < key => Bound::Included(key),
        Bound::Excluded(key) if *start < key => Bound::Excluded(key),
        _ => Bound::Excluded(start.clone()),
    }
}

/// `upper` moved down to just before `start`, unless it already lies below it.
fn lower_to(upper: Bound<EntryKey>, start: &EntryKey) -> Bound<EntryKey> {
    match upper {
        Bound::Included(key) if *start > key => Bound::Included(key),
        Bound::Excluded(key) if *start > key => Bound::Excluded(key),
        _ => Bound::Excluded(start.clone()),
    }
}

/// Whether no entry lies between the bounds (ranges the map would refuse are empty too).
fn is_empty(lower: &Bound<EntryKey>, upper: &Bound<EntryKey>) -> bool {
    let (
        Bound::Included(low) | Bound::Excluded(low),
        Bound::Included(high) | Bound::Excluded(high),
    ) = (lower, upper)
    else {
        return false;
    };
    let inclusive = matches!((lower, upper), (Bound::Included(_), Bound::Included(_)));
    low > high || (low == high && !inclusive)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::PrimaryKey;
    use crate::value::Number;

    fn n(v: i64) -> KeyValue {
        KeyValue::N(Number::from_i64(v))
    }

    fn nv(v: i64) -> AttributeValue {
        AttributeValue::N(Number::from_i64(v))
    }

    fn sv(v: &str) -> AttributeValue {
        AttributeValue::S(v.into())
    }

    /// A table's collection: one entry per sort key.
    fn table_collection(keys: impl IntoIterator<Item = KeyValue>) -> Collection {
        keys.into_iter()
            .map(|k| (before(&k), Item::new()))
            .collect()
    }

    /// An index collection where every sort key is shared by `copies` entries.
    fn index_collection(keys: impl IntoIterator<Item = KeyValue>, copies: i64) -> Collection {
        let mut collection = Collection::new();
        for key in keys {
            for copy in 0..copies {
                let base = PrimaryKey {
                    hash: KeyValue::S(format!("item-{copy}")),
                    range: None,
                };
                collection.insert(
                    EntryKey {
                        sort: Some(key.clone()),
                        base: Some(base),
                    },
                    Item::new(),
                );
            }
        }
        collection
    }

    /// What a walk of the whole collection keeps, to compare the seek with.
    fn naive<'c>(
        collection: &'c Collection,
        sort: Option<&KeyComparison>,
        start: Option<&EntryKey>,
        forward: bool,
    ) -> Vec<&'c EntryKey> {
        let qualifies = |entry: &&EntryKey| {
            sort.is_none_or(|s| {
                entry
                    .sort
                    .as_ref()
                    .is_some_and(|v| s.matches(&v.to_value()))
            })
        };
        let after = |entry: &&EntryKey| match start {
            None => true,
            Some(start) if forward => *entry > start,
            Some(start) => *entry < start,
        };
        let mut keys: Vec<&EntryKey> = collection.keys().filter(qualifies).filter(after).collect();
        if !forward {
            keys.reverse();
        }
        keys
    }

    fn seek<'c>(
        collection: &'c Collection,
        sort: Option<&KeyComparison>,
        start: Option<&EntryKey>,
        forward: bool,
    ) -> Vec<&'c EntryKey> {
        entries(collection, sort, start, forward)
            .map(|(key, _)| key)
            .collect()
    }

    fn numeric_comparisons() -> Vec<KeyComparison> {
        let mut all = Vec::new();
        for v in [-1, 0, 1, 7, 50, 51, 99, 100, 120] {
            all.push(KeyComparison::Equal(nv(v)));
            all.push(KeyComparison::Less(nv(v)));
            all.push(KeyComparison::LessOrEqual(nv(v)));
            all.push(KeyComparison::Greater(nv(v)));
            all.push(KeyComparison::GreaterOrEqual(nv(v)));
            for w in [-5, 0, 7, 50, 99, 200] {
                all.push(KeyComparison::Between(nv(v), nv(w)));
            }
        }
        all
    }

    #[test]
    fn the_seek_reads_what_a_full_walk_keeps_in_both_directions() {
        // Even sort keys only, so conditions fall both on and between entries.
        let keys = || (0..50).map(|k| n(k * 2));
        for collection in [table_collection(keys()), index_collection(keys(), 3)] {
            let starts: Vec<Option<&EntryKey>> = std::iter::once(None)
                .chain(collection.keys().step_by(7).map(Some))
                .collect();
            for sort in numeric_comparisons() {
                for start in &starts {
                    for forward in [true, false] {
                        assert_eq!(
                            seek(&collection, Some(&sort), *start, forward),
                            naive(&collection, Some(&sort), *start, forward),
                            "{sort:?} from {start:?} forward {forward}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn prefixes_end_at_the_next_possible_value() {
        let words = [
            "",
            "a",
            "ab",
            "abc",
            "abd",
            "ac",
            "b",
            "\u{7f}",
            "\u{80}",
            "z\u{10FFFF}",
            "z\u{10FFFF}a",
            "zz",
            "\u{D7FF}",
            "\u{D7FF}x",
            "\u{E000}",
            "\u{10FFFF}",
            "\u{10FFFF}\u{10FFFF}",
        ];
        let collection = table_collection(words.iter().map(|w| KeyValue::S(w.to_string())));
        for prefix in [
            "a",
            "ab",
            "z\u{10FFFF}",
            "\u{D7FF}",
            "\u{10FFFF}",
            "q",
            "\u{7f}",
        ] {
            let sort = KeyComparison::BeginsWith(sv(prefix));
            for forward in [true, false] {
                assert_eq!(
                    seek(&collection, Some(&sort), None, forward),
                    naive(&collection, Some(&sort), None, forward),
                    "begins_with {prefix:?}"
                );
            }
        }
        let bytes: Vec<KeyValue> = [
            vec![1],
            vec![1, 0],
            vec![1, 255],
            vec![1, 255, 3],
            vec![2],
            vec![255],
            vec![255, 255],
        ]
        .into_iter()
        .map(KeyValue::B)
        .collect();
        let collection = table_collection(bytes);
        for prefix in [vec![1], vec![1, 255], vec![255], vec![255, 255], vec![3]] {
            let sort = KeyComparison::BeginsWith(AttributeValue::B(prefix.clone()));
            for forward in [true, false] {
                assert_eq!(
                    seek(&collection, Some(&sort), None, forward),
                    naive(&collection, Some(&sort), None, forward),
                    "begins_with {prefix:?}"
                );
            }
        }
    }

    #[test]
    fn a_narrow_condition_on_a_large_collection_visits_only_its_range() {
        let collection = table_collection((0..100_000).map(n));
        let visited = |sort: &KeyComparison, forward: bool| {
            entries(&collection, Some(sort), None, forward).count()
        };
        let cases = [
            (KeyComparison::Equal(nv(40_000)), 1),
            (KeyComparison::Between(nv(50_000), nv(50_099)), 100),
            (KeyComparison::Less(nv(10)), 10),
            (KeyComparison::LessOrEqual(nv(10)), 11),
            (KeyComparison::Greater(nv(99_989)), 10),
            (KeyComparison::GreaterOrEqual(nv(99_990)), 10),
        ];
        for (sort, expected) in cases {
            for forward in [true, false] {
                assert_eq!(
                    visited(&sort, forward),
                    expected,
                    "{sort:?} forward {forward}"
                );
            }
        }
        // A page that resumes inside the range continues from its start key.
        let start = before(&n(50_049));
        let resumed = entries(
            &collection,
            Some(&KeyComparison::Between(nv(50_000), nv(50_099))),
            Some(&start),
            true,
        );
        assert_eq!(resumed.count(), 50);
        let strings = table_collection((0..100_000).map(|i| KeyValue::S(format!("{i:06}"))));
        let prefixed = entries(
            &strings,
            Some(&KeyComparison::BeginsWith(sv("0421"))),
            None,
            false,
        );
        assert_eq!(prefixed.count(), 100);
    }

    #[test]
    fn impossible_ranges_are_empty_rather_than_a_panic() {
        let collection = table_collection((0..10).map(n));
        let backwards = KeyComparison::Between(nv(5), nv(2));
        assert_eq!(seek(&collection, Some(&backwards), None, true).len(), 0);
        // A start key beyond the end of the range.
        let start = before(&n(9));
        let sort = KeyComparison::Less(nv(3));
        assert!(seek(&collection, Some(&sort), Some(&start), true).is_empty());
        assert_eq!(seek(&collection, Some(&sort), Some(&start), false).len(), 3);
        let sort = KeyComparison::Equal(nv(9));
        assert!(seek(&collection, Some(&sort), Some(&start), true).is_empty());
        assert!(seek(&collection, Some(&sort), Some(&start), false).is_empty());
    }
}
