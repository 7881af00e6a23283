//! Data: the keys and values that flow through a MapReduce job.
//!
//! Hadoop moves typed `Writable`s between map and reduce; Dynaplay moves [`Datum`]s, a
//! small dynamic type that covers what the built-in jobs, the job language and DynamoDB
//! items need: null, booleans, numbers, strings, lists and maps. Numbers come in two forms
//! that compare and hash as one: machine integers for counting (a word count adds millions
//! of ones, which should not cost a decimal addition each) and exact 38-digit decimals for
//! values read from DynamoDB items, so that summing prices gives the exact total DynamoDB
//! itself would compute.
//!
//! Three things about a datum matter to the framework rather than to the job: its total
//! order (the shuffle sorts by key — strings by their UTF-8 bytes, as Hadoop's `Text`
//! compares), its partition hash (a fixed FNV-1a over a canonical encoding, the same on
//! every platform, so a key always lands in the same reducer) and its encoded length (the
//! bytes it occupies in a spill file and on the wire, which is what the shuffle moves and
//! what the simulated clock charges for).

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use dynaplay_dynamo::value::{AttributeValue, Item, Number};

/// One key or value.
#[derive(Debug, Clone)]
pub enum Datum {
    Null,
    Bool(bool),
    /// A whole number that fits a machine word.
    Int(i64),
    /// An exact decimal (DynamoDB's number type).
    Num(Number),
    Str(String),
    List(Vec<Datum>),
    Map(BTreeMap<String, Datum>),
}

impl Datum {
    /// The type's name, for error messages of the job language.
    pub fn type_name(&self) -> &'static str {
        match self {
            Datum::Null => "null",
            Datum::Bool(_) => "bool",
            Datum::Int(_) | Datum::Num(_) => "number",
            Datum::Str(_) => "string",
            Datum::List(_) => "list",
            Datum::Map(_) => "map",
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Datum::Null => 0,
            Datum::Bool(_) => 1,
            Datum::Int(_) | Datum::Num(_) => 2,
            Datum::Str(_) => 3,
            Datum::List(_) => 4,
            Datum::Map(_) => 5,
        }
    }

    /// The number as an exact decimal, if this is a number.
    pub fn as_number(&self) -> Option<Number> {
        match self {
            Datum::Int(i) => Some(Number::from_i64(*i)),
            Datum::Num(n) => Some(n.clone()),
            _ => None,
        }
    }

    /// The number as a float (for ratios and charts), if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Datum::Int(i) => Some(*i as f64),
            Datum::Num(n) => Some(n.to_f64()),
            _ => None,
        }
    }

    /// Whether the value counts as true in a condition: false, null, zero, the empty string
    /// and empty collections are false.
    pub fn truthy(&self) -> bool {
        match self {
            Datum::Null => false,
            Datum::Bool(b) => *b,
            Datum::Int(i) => *i != 0,
            Datum::Num(n) => !n.is_zero(),
            Datum::Str(s) => !s.is_empty(),
            Datum::List(l) => !l.is_empty(),
            Datum::Map(m) => !m.is_empty(),
        }
    }

    /// Bytes this datum takes serialised: a length or tag byte plus the contents, about
    /// what Hadoop's `Writable`s take.
    pub fn encoded_len(&self) -> u64 {
        match self {
            Datum::Null => 1,
            Datum::Bool(_) => 1,
            Datum::Int(i) => match i.unsigned_abs() {
                0..=127 => 1,
                128..=32_767 => 3,
                32_768..=2_147_483_647 => 5,
                _ => 9,
            },
            Datum::Num(n) => n.size() as u64 + 1,
            Datum::Str(s) => s.len() as u64 + 1,
            Datum::List(l) => 1 + l.iter().map(Datum::encoded_len).sum::<u64>(),
            Datum::Map(m) => {
                1 + m
                    .iter()
                    .map(|(k, v)| k.len() as u64 + 1 + v.encoded_len())
                    .sum::<u64>()
            }
        }
    }

    /// A 64-bit FNV-1a hash of the canonical encoding: equal data hash equally (an `Int`
    /// and a `Num` of the same value included), on every platform.
    pub fn stable_hash(&self) -> u64 {
        let mut h = Fnv::new();
        self.feed(&mut h);
        h.finish()
    }

    fn feed(&self, h: &mut Fnv) {
        h.byte(self.rank());
        match self {
            Datum::Null => {}
            Datum::Bool(b) => h.byte(u8::from(*b)),
            Datum::Int(i) => h.bytes(i.to_string().as_bytes()),
            Datum::Num(n) => h.bytes(n.to_string().as_bytes()),
            Datum::Str(s) => h.bytes(s.as_bytes()),
            Datum::List(l) => {
                for d in l {
                    d.feed(h);
                }
            }
            Datum::Map(m) => {
                for (k, v) in m {
                    h.bytes(k.as_bytes());
                    h.byte(0);
                    v.feed(h);
                }
            }
        }
    }

    /// Converts a DynamoDB attribute value: sets become lists (in their stored order),
    /// binaries become lowercase hex strings.
    pub fn from_attribute(value: &AttributeValue) -> Datum {
        match value {
            AttributeValue::S(s) => Datum::Str(s.clone()),
            AttributeValue::N(n) => Datum::Num(n.clone()),
            AttributeValue::B(b) => Datum::Str(hex(b)),
            AttributeValue::Bool(b) => Datum::Bool(*b),
            AttributeValue::Null => Datum::Null,
            AttributeValue::L(l) => Datum::List(l.iter().map(Datum::from_attribute).collect()),
            AttributeValue::M(m) => Datum::from_item(m),
            AttributeValue::Ss(s) => Datum::List(s.iter().cloned().map(Datum::Str).collect()),
            AttributeValue::Ns(n) => Datum::List(n.iter().cloned().map(Datum::Num).collect()),
            AttributeValue::Bs(b) => Datum::List(b.iter().map(|b| Datum::Str(hex(b))).collect()),
        }
    }

    /// A whole item as a map datum.
    pub fn from_item(item: &Item) -> Datum {
        Datum::Map(
            item.iter()
                .map(|(k, v)| (k.clone(), Datum::from_attribute(v)))
                .collect(),
        )
    }

    /// `self + other` for numbers, exactly; `None` for anything else or out of range.
    pub fn add(&self, other: &Datum) -> Option<Datum> {
        if let (Datum::Int(a), Datum::Int(b)) = (self, other)
            && let Some(sum) = a.checked_add(*b)
        {
            return Some(Datum::Int(sum));
        }
        let sum = self.as_number()?.checked_add(&other.as_number()?).ok()?;
        Some(Datum::Num(sum))
    }

    /// Writes the datum as a JSON-like literal (strings quoted), for nested positions.
    fn fmt_nested(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Datum::Str(s) => write!(f, "{s:?}"),
            other => write!(f, "{other}"),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl PartialEq for Datum {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Datum {}

impl Ord for Datum {
    /// Type first (null < bool < number < string < list < map), then value: numbers
    /// numerically, strings by UTF-8 bytes, lists and maps lexicographically.
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Datum::Bool(a), Datum::Bool(b)) => a.cmp(b),
            (Datum::Int(a), Datum::Int(b)) => a.cmp(b),
            (Datum::Int(_) | Datum::Num(_), Datum::Int(_) | Datum::Num(_)) => {
                match (self.as_number(), other.as_number()) {
                    (Some(a), Some(b)) => a.cmp(&b),
                    _ => Ordering::Equal,
                }
            }
            (Datum::Str(a), Datum::Str(b)) => a.as_bytes().cmp(b.as_bytes()),
            (Datum::List(a), Datum::List(b)) => a.cmp(b),
            (Datum::Map(a), Datum::Map(b)) => a.iter().cmp(b.iter()),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

impl PartialOrd for Datum {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Datum {
    /// Output form: strings bare (as Hadoop's `TextOutputFormat` writes `Text`), numbers
    /// in DynamoDB's normalised form, collections as JSON-like literals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Datum::Null => f.write_str("null"),
            Datum::Bool(b) => write!(f, "{b}"),
            Datum::Int(i) => write!(f, "{i}"),
            Datum::Num(n) => write!(f, "{n}"),
            Datum::Str(s) => f.write_str(s),
            Datum::List(l) => {
                f.write_str("[")?;
                for (i, d) in l.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    d.fmt_nested(f)?;
                }
                f.write_str("]")
            }
            Datum::Map(m) => {
                f.write_str("{")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k:?}: ")?;
                    v.fmt_nested(f)?;
                }
                f.write_str("}")
            }
        }
    }
}

impl From<&str> for Datum {
    fn from(s: &str) -> Self {
        Datum::Str(s.to_string())
    }
}

impl From<String> for Datum {
    fn from(s: String) -> Self {
        Datum::Str(s)
    }
}

impl From<i64> for Datum {
    fn from(i: i64) -> Self {
        Datum::Int(i)
    }
}

/// FNV-1a, 64-bit: tiny, fixed and platform-independent.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn byte(&mut self, b: u8) {
        self.0 ^= u64::from(b);
        self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
    }

    fn bytes(&mut self, bs: &[u8]) {
        for &b in bs {
            self.byte(b);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> Datum {
        Datum::Num(Number::parse(s).unwrap())
    }

    #[test]
    fn ints_and_decimals_are_one_number_type() {
        assert_eq!(Datum::Int(15), num("15"));
        assert_eq!(Datum::Int(15).stable_hash(), num("15.0").stable_hash());
        assert!(Datum::Int(2) < num("2.5"));
        assert!(num("-1") < Datum::Int(0));
    }

    #[test]
    fn types_order_before_values_and_strings_by_bytes() {
        let mut v = [
            Datum::from("b"),
            Datum::Int(3),
            Datum::Null,
            Datum::from("B"),
            Datum::Bool(true),
            Datum::from("ä"),
        ];
        v.sort();
        let shown: Vec<String> = v.iter().map(|d| d.to_string()).collect();
        assert_eq!(shown, ["null", "true", "3", "B", "b", "ä"]);
    }

    #[test]
    fn addition_is_exact_and_overflows_into_decimals() {
        assert_eq!(num("0.1").add(&num("0.2")), Some(num("0.3")));
        assert_eq!(Datum::Int(2).add(&Datum::Int(3)), Some(Datum::Int(5)));
        let big = Datum::Int(i64::MAX).add(&Datum::Int(1)).unwrap();
        assert_eq!(big.to_string(), "9223372036854775808");
        assert_eq!(Datum::from("a").add(&Datum::Int(1)), None);
    }

    #[test]
    fn the_hash_is_pinned() {
        // Partitioning depends on it: a key must land in the same reducer everywhere.
        // (FNV-1a of the type tag 3 followed by the bytes of "hello".)
        assert_eq!(
            Datum::from("hello").stable_hash(),
            0xa289_8e4e_474f_c1ba_u64
        );
    }

    #[test]
    fn items_convert_with_sets_as_lists() {
        let mut item = Item::new();
        item.insert("name".into(), AttributeValue::S("ann".into()));
        item.insert(
            "tags".into(),
            AttributeValue::Ss(vec!["x".into(), "y".into()]),
        );
        item.insert("raw".into(), AttributeValue::B(vec![0, 255]));
        let d = Datum::from_item(&item);
        assert_eq!(
            d.to_string(),
            r#"{"name": "ann", "raw": "00ff", "tags": ["x", "y"]}"#
        );
        assert!(d.encoded_len() > 10);
    }
}
