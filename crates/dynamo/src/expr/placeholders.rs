//! ExpressionAttributeNames and ExpressionAttributeValues.
//!
//! A request carries one pair of placeholder maps shared by all its expressions: an
//! UpdateItem's `UpdateExpression` and `ConditionExpression` both draw on the same `#n`
//! and `:v` entries. DynamoDB validates the maps before parsing anything (keys must look
//! like `#name` / `:value`, values must be valid attribute values), resolves placeholders
//! while it checks each expression (an undefined one is an error in that expression), and
//! finally rejects the request if any entry went unused by all of them together. That last
//! rule is why [`Placeholders`] lives at request level and records every lookup;
//! [`Placeholders::check_all_used`] runs once, after all expressions were parsed.
//!
//! Each parsed expression keeps the entries it used as [`Bindings`], so it can be
//! evaluated later without the request's maps.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::error::{DynamoError, ErrorKind, Result};
use crate::expr::messages;
use crate::value::AttributeValue;

/// Placeholder keys longer than this are rejected.
pub const MAX_PLACEHOLDER_BYTES: usize = 255;

const NAMES: &str = "ExpressionAttributeNames";
const VALUES: &str = "ExpressionAttributeValues";

/// The placeholder maps of one request and which entries its expressions used.
#[derive(Debug, Clone, Default)]
pub struct Placeholders {
    /// In request order, which is the order unused keys are reported in.
    names: IndexMap<String, String>,
    values: IndexMap<String, AttributeValue>,
    used_names: BTreeSet<String>,
    used_values: BTreeSet<String>,
}

fn valid_key(key: &str, sigil: char) -> bool {
    let mut chars = key.chars();
    chars.next() == Some(sigil)
        && key.len() > 1
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// AWS's SerializationException wording for a JSON value that should have been a string.
fn not_a_string(value: &Value) -> DynamoError {
    let message = match value {
        Value::Bool(_) => "class java.lang.Boolean can not be converted to an String".to_string(),
        Value::Number(number) if number.is_f64() => {
            "class java.lang.Double can not be converted to an String".to_string()
        }
        Value::Number(_) => "class java.lang.Integer can not be converted to an String".to_string(),
        Value::Array(_) => "Start of list found where not expected".to_string(),
        Value::Object(_) => "Start of structure or map found where not expected.".to_string(),
        Value::Null | Value::String(_) => "Unexpected value".to_string(),
    };
    DynamoError::new(ErrorKind::Serialization, message)
}

impl Placeholders {
    /// No placeholders: for requests that send neither map.
    pub fn none() -> Placeholders {
        Placeholders::default()
    }

    /// Validates the request's maps (wire JSON, as sent) in the order DynamoDB does:
    /// names, then value keys, then the values themselves.
    pub fn new(
        names: Option<&Map<String, Value>>,
        values: Option<&Map<String, Value>>,
    ) -> Result<Placeholders> {
        let mut placeholders = Placeholders::default();
        if let Some(names) = names {
            if names.is_empty() {
                return Err(messages::names_empty());
            }
            for (key, name) in names {
                if !valid_key(key, '#') {
                    return Err(messages::placeholder_key_syntax(NAMES, key));
                }
                if key.len() > MAX_PLACEHOLDER_BYTES {
                    return Err(messages::placeholder_key_too_long(NAMES));
                }
                let Value::String(name) = name else {
                    return Err(not_a_string(name));
                };
                if name.is_empty() {
                    return Err(messages::placeholder_name_empty(key));
                }
                placeholders.names.insert(key.clone(), name.clone());
            }
        }
        if let Some(values) = values {
            if values.is_empty() {
                return Err(messages::values_empty());
            }
            for key in values.keys() {
                if !valid_key(key, ':') {
                    return Err(messages::placeholder_key_syntax(VALUES, key));
                }
                if key.len() > MAX_PLACEHOLDER_BYTES {
                    return Err(messages::placeholder_key_too_long(VALUES));
                }
            }
            for (key, wire) in values {
                let value = AttributeValue::from_wire(wire)
                    .map_err(|error| messages::placeholder_value_invalid(&error.message, key))?;
                placeholders.values.insert(key.clone(), value);
            }
        }
        Ok(placeholders)
    }

    /// Placeholders from already-decoded entries, for callers (and tests) that build
    /// requests in code. Keys are not validated.
    pub fn from_entries(
        names: impl IntoIterator<Item = (String, String)>,
        values: impl IntoIterator<Item = (String, AttributeValue)>,
    ) -> Placeholders {
        Placeholders {
            names: names.into_iter().collect(),
            values: values.into_iter().collect(),
            ..Placeholders::default()
        }
    }

    /// Looks up `#placeholder` and records it as used.
    pub fn name(&mut self, placeholder: &str) -> Option<String> {
        let name = self.names.get(placeholder)?.clone();
        self.used_names.insert(placeholder.to_string());
        Some(name)
    }

    /// Looks up `:placeholder` and records it as used.
    pub fn value(&mut self, placeholder: &str) -> Option<AttributeValue> {
        let value = self.values.get(placeholder)?.clone();
        self.used_values.insert(placeholder.to_string());
        Some(value)
    }

    /// The request-level rule: every entry must have been used by some expression.
    pub fn check_all_used(&self) -> Result<()> {
        let unused_names: Vec<&str> = self
            .names
            .keys()
            .filter(|key| !self.used_names.contains(*key))
            .map(String::as_str)
            .collect();
        if !unused_names.is_empty() {
            return Err(messages::placeholders_unused(NAMES, &unused_names));
        }
        let unused_values: Vec<&str> = self
            .values
            .keys()
            .filter(|key| !self.used_values.contains(*key))
            .map(String::as_str)
            .collect();
        if !unused_values.is_empty() {
            return Err(messages::placeholders_unused(VALUES, &unused_values));
        }
        Ok(())
    }
}

/// The placeholders one parsed expression used, resolved.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bindings {
    names: BTreeMap<String, String>,
    values: BTreeMap<String, AttributeValue>,
}

impl Bindings {
    pub fn name(&self, placeholder: &str) -> Option<&str> {
        self.names.get(placeholder).map(String::as_str)
    }

    pub fn value(&self, placeholder: &str) -> Option<&AttributeValue> {
        self.values.get(placeholder)
    }

    /// Resolves `#placeholder` through the request's maps, remembering the result.
    pub(crate) fn bind_name(&mut self, placeholders: &mut Placeholders, placeholder: &str) -> bool {
        match placeholders.name(placeholder) {
            Some(name) => {
                self.names.insert(placeholder.to_string(), name);
                true
            }
            None => false,
        }
    }

    /// Resolves `:placeholder` through the request's maps, remembering the result.
    pub(crate) fn bind_value(
        &mut self,
        placeholders: &mut Placeholders,
        placeholder: &str,
    ) -> bool {
        match placeholders.value(placeholder) {
            Some(value) => {
                self.values.insert(placeholder.to_string(), value);
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => panic!("not an object"),
        }
    }

    fn message(result: Result<Placeholders>) -> String {
        result.unwrap_err().message
    }

    #[test]
    fn empty_maps_are_rejected() {
        assert_eq!(
            message(Placeholders::new(Some(&Map::new()), None)),
            "ExpressionAttributeNames must not be empty"
        );
        assert_eq!(
            message(Placeholders::new(None, Some(&Map::new()))),
            "ExpressionAttributeValues must not be empty"
        );
    }

    #[test]
    fn keys_must_carry_their_sigil() {
        let names = map(json!({"a": "a"}));
        assert_eq!(
            message(Placeholders::new(Some(&names), None)),
            "ExpressionAttributeNames contains invalid key: Syntax error; key: \"a\""
        );
        let values = map(json!({":b": {"S": "x"}, "b": {"S": "a"}}));
        assert_eq!(
            message(Placeholders::new(None, Some(&values))),
            "ExpressionAttributeValues contains invalid key: Syntax error; key: \"b\""
        );
        let names = map(json!({"#a-b": "x"}));
        assert!(Placeholders::new(Some(&names), None).is_err());
        let names = map(json!({"#": "x"}));
        assert!(Placeholders::new(Some(&names), None).is_err());
    }

    #[test]
    fn keys_longer_than_255_bytes_are_rejected() {
        let long = format!("#{}", "a".repeat(255));
        let names = map(json!({ long: "x" }));
        assert_eq!(
            message(Placeholders::new(Some(&names), None)),
            "ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is too long"
        );
        let fits = format!("#{}", "a".repeat(254));
        let names = map(json!({ fits: "x" }));
        assert!(Placeholders::new(Some(&names), None).is_ok());
    }

    #[test]
    fn values_are_decoded_from_wire_json() {
        let names = map(json!({"#n": "name"}));
        let values = map(json!({":v": {"N": "1.50"}, ":s": {"SS": ["a", "b"]}}));
        let mut placeholders = Placeholders::new(Some(&names), Some(&values)).unwrap();
        assert_eq!(placeholders.name("#n").as_deref(), Some("name"));
        let Some(AttributeValue::N(number)) = placeholders.value(":v") else {
            panic!("not a number");
        };
        assert_eq!(number.to_string(), "1.5");
        assert!(
            matches!(placeholders.value(":s"), Some(AttributeValue::Ss(set)) if set.len() == 2)
        );
    }

    #[test]
    fn invalid_values_name_their_key() {
        let values = map(json!({":b": {"SS": []}}));
        assert_eq!(
            message(Placeholders::new(None, Some(&values))),
            "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :b"
        );
        let values = map(json!({":b": {"N": "b"}}));
        assert_eq!(
            message(Placeholders::new(None, Some(&values))),
            "ExpressionAttributeValues contains invalid value: The parameter cannot be converted to a numeric value: b for key :b"
        );
        // Every key is checked before any value.
        let values = map(json!({":b": {"N": "b"}, "c": {"S": "x"}}));
        assert_eq!(
            message(Placeholders::new(None, Some(&values))),
            "ExpressionAttributeValues contains invalid key: Syntax error; key: \"c\""
        );
    }

    #[test]
    fn name_values_must_be_non_empty_strings() {
        let names = map(json!({"#a": 5}));
        let error = Placeholders::new(Some(&names), None).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Serialization);
        let names = map(json!({"#a": ""}));
        assert!(Placeholders::new(Some(&names), None).is_err());
    }

    #[test]
    fn lookups_record_use_and_unused_entries_are_reported_in_request_order() {
        let mut placeholders = Placeholders::from_entries(
            [
                ("#b".to_string(), "b".to_string()),
                ("#a".to_string(), "a".to_string()),
            ],
            [
                (":z".to_string(), AttributeValue::Bool(true)),
                (":y".to_string(), AttributeValue::Null),
                (":x".to_string(), AttributeValue::Null),
            ],
        );
        assert_eq!(placeholders.name("#a").as_deref(), Some("a"));
        assert_eq!(placeholders.name("#missing"), None);
        assert_eq!(
            placeholders.check_all_used().unwrap_err().message,
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}"
        );
        placeholders.name("#b");
        assert_eq!(placeholders.value(":y"), Some(AttributeValue::Null));
        assert_eq!(
            placeholders.check_all_used().unwrap_err().message,
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:z, :x}"
        );
        placeholders.value(":z");
        placeholders.value(":x");
        assert!(placeholders.check_all_used().is_ok());
    }

    #[test]
    fn no_maps_means_nothing_to_use() {
        let placeholders = Placeholders::new(None, None).unwrap();
        assert!(placeholders.check_all_used().is_ok());
    }
}
