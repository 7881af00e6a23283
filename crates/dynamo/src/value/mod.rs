//! Attribute values: the data DynamoDB stores.
//!
//! An item is a set of named attributes, and each attribute holds one typed value: a string
//! (`S`), an exact number (`N`), a binary blob (`B`), a boolean, a null, a list (`L`), a map
//! of named values (`M`), or a set of strings, numbers or blobs (`SS`, `NS`, `BS`). On the
//! wire every value is a one-key JSON object naming its type — `{"N": "1.5"}` — and this
//! module is where those objects become [`AttributeValue`]s and back (see `wire`), where
//! their sizes are counted the way DynamoDB bills and limits them (see `size`), and where
//! the exact 38-digit numbers live (see [`number`]).
//!
//! Equality follows DynamoDB's condition semantics rather than structural equality: numbers
//! compare numerically (`1` equals `1.0`), sets compare as sets (order is irrelevant),
//! lists and maps compare deeply, and values of different types are never equal. Ordering
//! ([`AttributeValue::compare`]) exists only where DynamoDB defines it — strings by UTF-8
//! bytes, numbers numerically, binaries by unsigned bytes — which is what `<`, `BETWEEN`
//! and sort-key order use.
//!
//! Sets keep the order their members arrived in. DynamoDB itself returns set members in an
//! unspecified order; keeping request order makes the simulation deterministic and lets a
//! learner recognise what they wrote.

// `DynamoError` carries AWS's message and optional payloads, so it is larger than clippy's
// threshold; every fallible function of the engine returns it by design of `error.rs`.
#![allow(clippy::result_large_err)]

pub mod number;
mod size;
mod wire;
mod wire_text;

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::collections::BTreeSet;

pub use number::Number;
pub use size::item_size;
pub use wire::{MAX_NESTING_DEPTH, item_from_wire, item_to_wire};
pub use wire_text::{RenderedItems, response_text, write_item};

/// An item, or any map of attribute names to values: kept in name order so that every
/// rendering of it is deterministic.
pub type Item = BTreeMap<String, AttributeValue>;

/// One DynamoDB attribute value.
#[derive(Debug, Clone)]
pub enum AttributeValue {
    S(String),
    N(Number),
    B(Vec<u8>),
    Bool(bool),
    Null,
    L(Vec<AttributeValue>),
    M(Item),
    /// A string set: unique members, request order kept, never empty.
    Ss(Vec<String>),
    /// A number set: numerically unique members, request order kept, never empty.
    Ns(Vec<Number>),
    /// A binary set: unique members, request order kept, never empty.
    Bs(Vec<Vec<u8>>),
}

impl PartialEq for AttributeValue {
    fn eq(&self, other: &Self) -> bool {
        use AttributeValue::*;
        match (self, other) {
            (S(a), S(b)) => a == b,
            (N(a), N(b)) => a == b,
            (B(a), B(b)) => a == b,
            (Bool(a), Bool(b)) => a == b,
            (Null, Null) => true,
            (L(a), L(b)) => a == b,
            (M(a), M(b)) => a == b,
            (Ss(a), Ss(b)) => as_set(a) == as_set(b),
            (Ns(a), Ns(b)) => as_set(a) == as_set(b),
            (Bs(a), Bs(b)) => as_set(a) == as_set(b),
            _ => false,
        }
    }
}

// No value is unequal to itself (numbers have no NaN), so equality is an equivalence.
impl Eq for AttributeValue {}

fn as_set<T: Ord>(members: &[T]) -> BTreeSet<&T> {
    members.iter().collect()
}

impl AttributeValue {
    /// The type's name as DynamoDB spells it on the wire and in `attribute_type`.
    pub fn type_name(&self) -> &'static str {
        match self {
            AttributeValue::S(_) => "S",
            AttributeValue::N(_) => "N",
            AttributeValue::B(_) => "B",
            AttributeValue::Bool(_) => "BOOL",
            AttributeValue::Null => "NULL",
            AttributeValue::L(_) => "L",
            AttributeValue::M(_) => "M",
            AttributeValue::Ss(_) => "SS",
            AttributeValue::Ns(_) => "NS",
            AttributeValue::Bs(_) => "BS",
        }
    }

    /// Orders two values where DynamoDB defines an order: strings by their UTF-8 bytes,
    /// numbers numerically, binaries by unsigned bytes. Any other pair — including two
    /// values of different types — has no order, and `<`, `BETWEEN` and friends are false
    /// for it.
    pub fn compare(&self, other: &AttributeValue) -> Option<Ordering> {
        match (self, other) {
            (AttributeValue::S(a), AttributeValue::S(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
            (AttributeValue::N(a), AttributeValue::N(b)) => Some(a.cmp(b)),
            (AttributeValue::B(a), AttributeValue::B(b)) => Some(a.as_slice().cmp(b.as_slice())),
            _ => None,
        }
    }

    /// Whether this is one of the three set types.
    pub fn is_set(&self) -> bool {
        matches!(
            self,
            AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Number {
        Number::parse(s).unwrap()
    }

    #[test]
    fn type_names_are_the_wire_names() {
        let names: Vec<&str> = [
            AttributeValue::S("a".into()),
            AttributeValue::N(n("1")),
            AttributeValue::B(vec![1]),
            AttributeValue::Bool(true),
            AttributeValue::Null,
            AttributeValue::L(vec![]),
            AttributeValue::M(Item::new()),
            AttributeValue::Ss(vec!["a".into()]),
            AttributeValue::Ns(vec![n("1")]),
            AttributeValue::Bs(vec![vec![1]]),
        ]
        .iter()
        .map(AttributeValue::type_name)
        .collect();
        assert_eq!(
            names,
            ["S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS"]
        );
    }

    #[test]
    fn numbers_are_equal_by_value_not_spelling() {
        assert_eq!(AttributeValue::N(n("1.0")), AttributeValue::N(n("1")));
        assert_eq!(AttributeValue::N(n("1E2")), AttributeValue::N(n("100")));
        assert_ne!(AttributeValue::N(n("1")), AttributeValue::S("1".into()));
    }

    #[test]
    fn sets_are_equal_regardless_of_order() {
        let a = AttributeValue::Ss(vec!["x".into(), "y".into()]);
        let b = AttributeValue::Ss(vec!["y".into(), "x".into()]);
        assert_eq!(a, b);
        assert_ne!(a, AttributeValue::Ss(vec!["x".into()]));
        assert_eq!(
            AttributeValue::Ns(vec![n("1"), n("2.50")]),
            AttributeValue::Ns(vec![n("2.5"), n("1.000")])
        );
        assert_eq!(
            AttributeValue::Bs(vec![vec![1], vec![2]]),
            AttributeValue::Bs(vec![vec![2], vec![1]])
        );
    }

    #[test]
    fn lists_keep_order_and_compare_deeply() {
        let a = AttributeValue::L(vec![AttributeValue::N(n("1")), AttributeValue::Null]);
        let b = AttributeValue::L(vec![AttributeValue::N(n("1.0")), AttributeValue::Null]);
        let c = AttributeValue::L(vec![AttributeValue::Null, AttributeValue::N(n("1"))]);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn maps_compare_deeply() {
        let map =
            |v: &str| AttributeValue::M(Item::from([("k".to_string(), AttributeValue::N(n(v)))]));
        assert_eq!(map("5"), map("5.00"));
        assert_ne!(map("5"), map("6"));
        assert_ne!(map("5"), AttributeValue::L(vec![AttributeValue::N(n("5"))]));
    }

    #[test]
    fn a_list_is_not_a_set_of_the_same_members() {
        assert_ne!(
            AttributeValue::L(vec![AttributeValue::S("a".into())]),
            AttributeValue::Ss(vec!["a".into()])
        );
    }

    #[test]
    fn strings_order_by_utf8_bytes_not_utf16_units() {
        // In UTF-16, U+1F600 (surrogates 0xD83D 0xDE00) sorts before U+FF61; in UTF-8
        // (F0 9F 98 80 against EF BD A1) it sorts after, and UTF-8 is what DynamoDB uses.
        let halfwidth = AttributeValue::S("\u{FF61}".into());
        let emoji = AttributeValue::S("\u{1F600}".into());
        assert_eq!(halfwidth.compare(&emoji), Some(Ordering::Less));
        assert_eq!(
            AttributeValue::S("Z".into()).compare(&AttributeValue::S("a".into())),
            Some(Ordering::Less)
        );
    }

    #[test]
    fn numbers_order_numerically() {
        let cmp = |a: &str, b: &str| AttributeValue::N(n(a)).compare(&AttributeValue::N(n(b)));
        assert_eq!(cmp("9", "10"), Some(Ordering::Less));
        assert_eq!(cmp("-10", "-9"), Some(Ordering::Less));
        assert_eq!(cmp("1.0", "1"), Some(Ordering::Equal));
    }

    #[test]
    fn binaries_order_by_unsigned_bytes() {
        let a = AttributeValue::B(vec![0x7f]);
        let b = AttributeValue::B(vec![0x80]);
        assert_eq!(a.compare(&b), Some(Ordering::Less));
        assert_eq!(
            AttributeValue::B(vec![1]).compare(&AttributeValue::B(vec![1, 0])),
            Some(Ordering::Less)
        );
    }

    #[test]
    fn other_types_and_mixed_types_have_no_order() {
        let s = AttributeValue::S("1".into());
        let num = AttributeValue::N(n("1"));
        assert_eq!(s.compare(&num), None);
        assert_eq!(
            AttributeValue::Bool(false).compare(&AttributeValue::Bool(true)),
            None
        );
        let set = AttributeValue::Ss(vec!["a".into()]);
        assert_eq!(set.compare(&set), None);
    }

    #[test]
    fn only_the_three_set_types_are_sets() {
        assert!(AttributeValue::Ss(vec!["a".into()]).is_set());
        assert!(AttributeValue::Ns(vec![n("1")]).is_set());
        assert!(AttributeValue::Bs(vec![vec![]]).is_set());
        assert!(!AttributeValue::L(vec![]).is_set());
        assert!(!AttributeValue::S("a".into()).is_set());
    }
}
