//! Shorthands for the expression tests: values, items and placeholder maps in a line.

use crate::error::DynamoError;
use crate::expr::Placeholders;
use crate::value::{AttributeValue, Item, Number};

pub fn s(text: &str) -> AttributeValue {
    AttributeValue::S(text.to_string())
}

pub fn n(text: &str) -> AttributeValue {
    AttributeValue::N(Number::parse(text).unwrap())
}

pub fn b(bytes: &[u8]) -> AttributeValue {
    AttributeValue::B(bytes.to_vec())
}

pub fn ss(members: &[&str]) -> AttributeValue {
    AttributeValue::Ss(members.iter().map(|m| m.to_string()).collect())
}

pub fn ns(members: &[&str]) -> AttributeValue {
    AttributeValue::Ns(members.iter().map(|m| Number::parse(m).unwrap()).collect())
}

pub fn bs(members: &[&[u8]]) -> AttributeValue {
    AttributeValue::Bs(members.iter().map(|m| m.to_vec()).collect())
}

pub fn l(elements: Vec<AttributeValue>) -> AttributeValue {
    AttributeValue::L(elements)
}

pub fn m(entries: &[(&str, AttributeValue)]) -> AttributeValue {
    AttributeValue::M(item(entries))
}

pub fn item(entries: &[(&str, AttributeValue)]) -> Item {
    entries
        .iter()
        .map(|(name, value)| (name.to_string(), value.clone()))
        .collect()
}

/// Placeholder maps from `("#n", "name")` and `(":v", value)` pairs.
pub fn placeholders(names: &[(&str, &str)], values: &[(&str, AttributeValue)]) -> Placeholders {
    Placeholders::from_entries(
        names
            .iter()
            .map(|(key, name)| (key.to_string(), name.to_string())),
        values
            .iter()
            .map(|(key, value)| (key.to_string(), value.clone())),
    )
}

/// The message of an error result.
pub fn message<T: std::fmt::Debug>(result: Result<T, DynamoError>) -> String {
    result.unwrap_err().message
}
