//! Item sizes, counted the way DynamoDB counts them.
//!
//! Size is what the 400 KB item limit, the 1 MB Query/Scan page and every capacity unit are
//! measured in, so it has to match the service byte for byte near the boundaries. The
//! developer guide ("Item sizes" and "Supported data types") gives the rules, and dynalite's
//! test suite — which runs against the real service and bisects the 400 KB limit — pins the
//! details the guide leaves vague:
//!
//! - a string is its UTF-8 length, a binary its raw length;
//! - a number is about one byte per two significant digits plus one (see [`Number::size`]);
//! - a boolean or a null is one byte;
//! - a list or a map is 3 bytes of overhead plus 1 byte per element plus its elements' sizes,
//!   and a map's element also counts its key's UTF-8 length;
//! - a set is the sum of its members' sizes, with no overhead of its own;
//! - an item is the sum, over its attributes, of the name's UTF-8 length and the value's size.

use super::{AttributeValue, Item, Number};

impl AttributeValue {
    /// The bytes DynamoDB counts for this value (without any attribute name).
    pub fn size(&self) -> usize {
        match self {
            AttributeValue::S(s) => s.len(),
            AttributeValue::N(n) => n.size(),
            AttributeValue::B(b) => b.len(),
            AttributeValue::Bool(_) | AttributeValue::Null => 1,
            AttributeValue::L(elements) => {
                3 + elements
                    .iter()
                    .map(|element| 1 + element.size())
                    .sum::<usize>()
            }
            AttributeValue::M(entries) => {
                3 + entries
                    .iter()
                    .map(|(key, value)| 1 + key.len() + value.size())
                    .sum::<usize>()
            }
            AttributeValue::Ss(members) => members.iter().map(String::len).sum(),
            AttributeValue::Ns(members) => members.iter().map(Number::size).sum(),
            AttributeValue::Bs(members) => members.iter().map(Vec::len).sum(),
        }
    }
}

/// The bytes DynamoDB counts for an item: every attribute name's UTF-8 length plus its
/// value's size.
pub fn item_size(item: &Item) -> usize {
    item.iter()
        .map(|(name, value)| name.len() + value.size())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> AttributeValue {
        AttributeValue::N(Number::parse(s).unwrap())
    }

    #[test]
    fn strings_count_utf8_bytes() {
        assert_eq!(AttributeValue::S("abc".into()).size(), 3);
        assert_eq!(AttributeValue::S("é".into()).size(), 2);
        assert_eq!(AttributeValue::S("😀".into()).size(), 4);
        assert_eq!(AttributeValue::S(String::new()).size(), 0);
    }

    #[test]
    fn binaries_count_raw_bytes() {
        assert_eq!(AttributeValue::B(vec![0; 10]).size(), 10);
    }

    #[test]
    fn booleans_and_nulls_are_one_byte() {
        assert_eq!(AttributeValue::Bool(true).size(), 1);
        assert_eq!(AttributeValue::Null.size(), 1);
    }

    #[test]
    fn numbers_use_their_storage_size() {
        assert_eq!(n("0").size(), 1);
        assert_eq!(n("27").size(), 2);
        assert_eq!(n("-27").size(), 3);
        assert_eq!(n("1.5").size(), 3);
        // Trailing zeros are not stored: 1E125 is as small as 1.
        assert_eq!(n("1E125").size(), 2);
    }

    #[test]
    fn lists_cost_three_plus_one_per_element() {
        let list = AttributeValue::L(vec![AttributeValue::S("ab".into()), AttributeValue::Null]);
        assert_eq!(list.size(), 3 + (1 + 2) + (1 + 1));
        assert_eq!(AttributeValue::L(vec![]).size(), 3);
    }

    #[test]
    fn maps_also_count_their_keys() {
        let map = AttributeValue::M(Item::from([
            ("key".to_string(), AttributeValue::S("v".into())),
            ("é".to_string(), AttributeValue::Bool(false)),
        ]));
        assert_eq!(map.size(), 3 + (1 + 3 + 1) + (1 + 2 + 1));
        assert_eq!(AttributeValue::M(Item::new()).size(), 3);
    }

    #[test]
    fn sets_are_the_sum_of_their_members() {
        assert_eq!(
            AttributeValue::Ss(vec!["ab".into(), "cde".into()]).size(),
            5
        );
        assert_eq!(AttributeValue::Bs(vec![vec![1, 2], vec![3]]).size(), 3);
        let ns = AttributeValue::Ns(vec![
            Number::parse("27").unwrap(),
            Number::parse("-1.5").unwrap(),
        ]);
        assert_eq!(ns.size(), 2 + 4);
    }

    #[test]
    fn nested_documents_add_up() {
        let inner = AttributeValue::M(Item::from([("a".to_string(), n("1"))]));
        let outer = AttributeValue::L(vec![inner.clone(), inner]);
        // inner = 3 + (1 + 1 + 2) = 7; outer = 3 + 2 * (1 + 7) = 19
        assert_eq!(outer.size(), 19);
    }

    #[test]
    fn item_size_is_names_plus_values() {
        let item = Item::from([
            ("id".to_string(), AttributeValue::S("abc".into())),
            ("n".to_string(), n("12345")),
            ("flag".to_string(), AttributeValue::Bool(true)),
        ]);
        assert_eq!(item_size(&item), (2 + 3) + (1 + 4) + (4 + 1));
        assert_eq!(item_size(&Item::new()), 0);
    }

    #[test]
    fn a_400_kb_string_item_matches_dynalites_boundary() {
        // dynalite's "just small enough" case: key "a" (1 + key) and "b" filling the rest.
        let key = "x".repeat(10);
        let filler = "a".repeat(409_600 - 1 - key.len() - 1);
        let item = Item::from([
            ("a".to_string(), AttributeValue::S(key)),
            ("b".to_string(), AttributeValue::S(filler)),
        ]);
        assert_eq!(item_size(&item), 409_600);
    }
}
