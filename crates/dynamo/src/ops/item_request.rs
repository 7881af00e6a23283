//! Reading the members that every item operation shares.
//!
//! PutItem, GetItem, UpdateItem, DeleteItem and the batch and transaction operations all
//! carry a table name, an item or key, and the same handful of `Return...` switches. AWS
//! reads them in two passes (see [`crate::request`]): JSON types first, for the whole
//! request, then shape constraints, reported together. An item or key is special because
//! its attribute values are checked in both passes — a value of the wrong JSON type is a
//! SerializationException that beats everything, while a malformed value (an empty set, a
//! bad number) is a ValidationException that comes only after the shape constraints.
//! [`decode_item`] keeps that order by decoding early and holding a validation failure back
//! until the operation asks for it.

use serde_json::Value;

use crate::error::{DynamoError, ErrorKind, Result};
use crate::request::{Fields, Violations, type_error};
use crate::value::{Item, item_from_wire};

/// An item-valued member as read in the first pass: present or not, and either decoded or
/// holding the ValidationException that decoding it will raise in the second.
pub(crate) type DecodedItem = Option<Result<Item>>;

/// Reads an item or key member. Errors only for JSON-type problems (SerializationException);
/// a malformed attribute value is returned inside, to be raised after the shape checks.
pub(crate) fn decode_item(fields: &Fields<'_>, name: &str) -> Result<DecodedItem> {
    match fields.raw(name) {
        None => Ok(None),
        Some(value) => decode_item_value(value).map(Some),
    }
}

/// [`decode_item`] for a value already in hand (a list element, a nested member).
pub(crate) fn decode_item_value(value: &Value) -> Result<Result<Item>> {
    if !value.is_object() {
        return Err(type_error(value, "a structure"));
    }
    match item_from_wire(value) {
        Ok(item) => Ok(Ok(item)),
        Err(error) if error.kind == ErrorKind::Serialization => Err(error),
        Err(error) => Ok(Err(error)),
    }
}

/// A required member after the shape checks, which have already reported it missing; the
/// error here only guards against a caller that skipped them.
pub(crate) fn required<T>(value: Option<T>, path: &str) -> Result<T> {
    value.ok_or_else(|| {
        DynamoError::new(
            ErrorKind::CoralValidation,
            format!(
                "1 validation error detected: Value null at '{path}' failed to satisfy constraint: Member must not be null"
            ),
        )
    })
}

/// The shape constraint on a map keyed by table name (BatchGetItem's and BatchWriteItem's
/// `RequestItems`): one violation per bad name, quoting the whole map as `echo`.
pub(crate) fn table_name_keys<'a>(
    violations: &mut Violations,
    path: &str,
    names: impl IntoIterator<Item = &'a String>,
    echo: &str,
) {
    for name in names {
        let length = name.chars().count();
        let pattern = name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !(3..=255).contains(&length) || !pattern {
            violations.push(
                Some(echo),
                path,
                "Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]",
            );
        }
    }
}

/// The `ReturnValues` of a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum ReturnValues {
    #[default]
    None,
    AllOld,
    UpdatedOld,
    AllNew,
    UpdatedNew,
}

impl ReturnValues {
    /// The enum as AWS lists it in constraint messages.
    pub const NAMES: [&'static str; 5] =
        ["ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"];

    pub fn parse(name: Option<&str>) -> ReturnValues {
        match name {
            Some("ALL_OLD") => ReturnValues::AllOld,
            Some("UPDATED_OLD") => ReturnValues::UpdatedOld,
            Some("ALL_NEW") => ReturnValues::AllNew,
            Some("UPDATED_NEW") => ReturnValues::UpdatedNew,
            _ => ReturnValues::None,
        }
    }
}

/// `ReturnItemCollectionMetrics` values, in AWS's order.
pub(crate) const METRICS_NAMES: [&str; 2] = ["SIZE", "NONE"];

/// `ReturnValuesOnConditionCheckFailure` values, in AWS's order.
pub(crate) const ON_CONDITION_FAILURE_NAMES: [&str; 2] = ["ALL_OLD", "NONE"];

/// Whether `ReturnItemCollectionMetrics` asked for sizes.
pub(crate) fn wants_metrics(name: Option<&str>) -> bool {
    name == Some("SIZE")
}

/// Whether `ReturnValuesOnConditionCheckFailure` asked for the item.
pub(crate) fn wants_old_on_failure(name: Option<&str>) -> bool {
    name == Some("ALL_OLD")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn type_errors_in_items_come_first_and_value_errors_wait() {
        let body = json!({"Item": {"a": {"S": 5}}, "Key": {"a": {"SS": []}}, "Bad": 3});
        let fields = Fields::of(&body).unwrap();
        let error = decode_item(&fields, "Item").unwrap_err();
        assert_eq!(error.kind, ErrorKind::Serialization);
        let held = decode_item(&fields, "Key").unwrap().unwrap();
        assert_eq!(
            held.unwrap_err().message,
            "One or more parameter values were invalid: An string set  may not be empty"
        );
        assert_eq!(decode_item(&fields, "Missing").unwrap(), None);
        assert_eq!(
            decode_item(&fields, "Bad").unwrap_err().kind,
            ErrorKind::Serialization
        );
    }

    #[test]
    fn return_values_parse() {
        assert_eq!(
            ReturnValues::parse(Some("UPDATED_NEW")),
            ReturnValues::UpdatedNew
        );
        assert_eq!(ReturnValues::parse(None), ReturnValues::None);
        assert!(wants_metrics(Some("SIZE")));
        assert!(!wants_metrics(Some("NONE")));
    }
}
