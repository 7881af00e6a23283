//! Reading a request body the way DynamoDB's front door does.
//!
//! DynamoDB checks a request in two passes before any operation logic runs. First the
//! JSON is deserialised against the operation's shape: a field of the wrong JSON type is a
//! `SerializationException` ("NUMBER_VALUE can not be converted to a String"). Then the
//! shape's constraints are checked — required members, lengths, patterns, enum values,
//! ranges — and *all* violations are reported together as one `ValidationException`
//! ("2 validation errors detected: Value null at 'tableName' failed to satisfy constraint:
//! Member must not be null; ..."). Only then do the operation's own semantic checks run.
//!
//! [`Fields`] does the first pass, field by field; [`Violations`] collects the second.
//! Constraint paths use AWS's lower-camel member names (`tableName`,
//! `keySchema.1.member.attributeName`).

use serde_json::{Map, Value};

use crate::error::{DynamoError, ErrorKind, Result};
use crate::value::{AttributeValue, Item, item_from_wire};

/// The JSON type names AWS's deserialiser uses in its messages.
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "NULL_VALUE",
        Value::Bool(true) => "TRUE_VALUE",
        Value::Bool(false) => "FALSE_VALUE",
        Value::Number(_) => "NUMBER_VALUE",
        Value::String(_) => "STRING_VALUE",
        Value::Array(_) => "START_ARRAY",
        Value::Object(_) => "START_OBJECT",
    }
}

/// A `SerializationException` for a value of the wrong JSON type, in AWS's words.
pub fn type_error(value: &Value, expected: &str) -> DynamoError {
    let message = match value {
        Value::Array(_) => "Start of list found where not expected".to_string(),
        Value::Object(_) => "Start of structure or map found where not expected.".to_string(),
        _ => format!("{} can not be converted to {expected}", json_kind(value)),
    };
    DynamoError::new(ErrorKind::Serialization, message)
}

/// A request body's top-level members, read with AWS's type checks.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    map: &'a Map<String, Value>,
}

/// An empty map, for requests that arrive without a body object's members.
static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

impl<'a> Fields<'a> {
    /// The body must be a JSON object (an empty body reads as `{}`).
    pub fn of(body: &'a Value) -> Result<Fields<'a>> {
        match body {
            Value::Object(map) => Ok(Fields { map }),
            Value::Null => Ok(Fields { map: &EMPTY }),
            other => Err(type_error(other, "a structure")),
        }
    }

    pub fn of_map(map: &'a Map<String, Value>) -> Fields<'a> {
        Fields { map }
    }

    /// A member that is present and not JSON null (AWS treats `null` as absent).
    pub fn raw(&self, name: &str) -> Option<&'a Value> {
        self.map.get(name).filter(|v| !v.is_null())
    }

    pub fn has(&self, name: &str) -> bool {
        self.raw(name).is_some()
    }

    pub fn string(&self, name: &str) -> Result<Option<&'a str>> {
        match self.raw(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(other) => Err(type_error(other, "a String")),
        }
    }

    pub fn boolean(&self, name: &str) -> Result<Option<bool>> {
        match self.raw(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            // AWS's deserialiser accepts the strings "true"/"false" for booleans.
            Some(Value::String(s)) if s == "true" => Ok(Some(true)),
            Some(Value::String(s)) if s == "false" => Ok(Some(false)),
            Some(other) => Err(type_error(other, "a Boolean")),
        }
    }

    /// An integer member (AWS's Integer and Long shapes). Fractions are truncated as
    /// AWS's deserialiser does; out-of-range numbers saturate so the constraint check,
    /// not a crash, reports them.
    pub fn integer(&self, name: &str) -> Result<Option<i64>> {
        match self.raw(name) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(Some(match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => i,
                (None, Some(f)) if f.is_finite() => {
                    f.trunc().clamp(i64::MIN as f64, i64::MAX as f64) as i64
                }
                _ => i64::MAX,
            })),
            Some(Value::String(s)) => s
                .trim()
                .parse::<i64>()
                .map(Some)
                .map_err(|_| type_error(&Value::String(s.clone()), "an Integer")),
            Some(other) => Err(type_error(other, "an Integer")),
        }
    }

    pub fn object(&self, name: &str) -> Result<Option<&'a Map<String, Value>>> {
        match self.raw(name) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(map)),
            Some(other) => Err(type_error(other, "a structure")),
        }
    }

    pub fn list(&self, name: &str) -> Result<Option<&'a Vec<Value>>> {
        match self.raw(name) {
            None => Ok(None),
            Some(Value::Array(list)) => Ok(Some(list)),
            Some(other) => Err(type_error(other, "a list")),
        }
    }

    /// A member holding an item or key: a map of attribute names to attribute values.
    pub fn item(&self, name: &str) -> Result<Option<Item>> {
        match self.raw(name) {
            None => Ok(None),
            Some(value @ Value::Object(_)) => item_from_wire(value).map(Some),
            Some(other) => Err(type_error(other, "a structure")),
        }
    }

    /// `ExpressionAttributeNames`-style members: a map of strings to strings.
    pub fn string_map(&self, name: &str) -> Result<Option<Vec<(&'a str, &'a str)>>> {
        let Some(map) = self.object(name)? else {
            return Ok(None);
        };
        map.iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.as_str(), s.as_str())),
                other => Err(type_error(other, "a String")),
            })
            .collect::<Result<Vec<_>>>()
            .map(Some)
    }

    /// `ExpressionAttributeValues`-style members: a map of names to attribute values.
    pub fn value_map(&self, name: &str) -> Result<Option<Vec<(&'a str, AttributeValue)>>> {
        let Some(map) = self.object(name)? else {
            return Ok(None);
        };
        map.iter()
            .map(|(k, v)| AttributeValue::from_wire(v).map(|value| (k.as_str(), value)))
            .collect::<Result<Vec<_>>>()
            .map(Some)
    }
}

/// The shape-constraint violations of one request, reported together.
#[derive(Debug, Default)]
pub struct Violations {
    list: Vec<String>,
}

/// How AWS renders a violating value: `null`, or the value in single quotes.
fn shown(value: Option<&str>) -> String {
    match value {
        None => "null".to_string(),
        Some(v) => format!("'{v}'"),
    }
}

impl Violations {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `Value <v> at '<path>' failed to satisfy constraint: <constraint>`.
    pub fn push(&mut self, value: Option<&str>, path: &str, constraint: &str) {
        self.list.push(format!(
            "Value {} at '{path}' failed to satisfy constraint: {constraint}",
            shown(value)
        ));
    }

    pub fn not_null<T>(&mut self, path: &str, value: Option<T>) {
        if value.is_none() {
            self.push(None, path, "Member must not be null");
        }
    }

    /// A table or index name: 3..=255 characters of `[a-zA-Z0-9_.-]`.
    pub fn name(&mut self, path: &str, value: Option<&str>, required: bool) {
        match value {
            None if required => self.not_null::<()>(path, None),
            None => {}
            Some(name) => {
                if !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
                {
                    self.push(
                        Some(name),
                        path,
                        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
                    );
                }
                let len = name.chars().count();
                if len < 3 {
                    self.push(
                        Some(name),
                        path,
                        "Member must have length greater than or equal to 3",
                    );
                }
                if len > 255 {
                    self.push(
                        Some(name),
                        path,
                        "Member must have length less than or equal to 255",
                    );
                }
            }
        }
    }

    /// A member restricted to a set of values. AWS lists the allowed set in its own order.
    pub fn one_of(&mut self, path: &str, value: Option<&str>, allowed: &[&str]) {
        if let Some(v) = value
            && !allowed.contains(&v)
        {
            self.push(
                Some(v),
                path,
                &format!(
                    "Member must satisfy enum value set: [{}]",
                    allowed.join(", ")
                ),
            );
        }
    }

    pub fn at_least(&mut self, path: &str, value: Option<i64>, min: i64) {
        if let Some(v) = value.filter(|v| *v < min) {
            self.push(
                Some(&v.to_string()),
                path,
                &format!("Member must have value greater than or equal to {min}"),
            );
        }
    }

    pub fn at_most(&mut self, path: &str, value: Option<i64>, max: i64) {
        if let Some(v) = value.filter(|v| *v > max) {
            self.push(
                Some(&v.to_string()),
                path,
                &format!("Member must have value less than or equal to {max}"),
            );
        }
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// `Ok` when nothing was violated; otherwise the one ValidationException AWS sends.
    pub fn finish(self) -> Result<()> {
        let count = self.list.len();
        if count == 0 {
            return Ok(());
        }
        let noun = if count == 1 { "error" } else { "errors" };
        Err(DynamoError::new(
            ErrorKind::CoralValidation,
            format!(
                "{count} validation {noun} detected: {}",
                self.list.join("; ")
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wrong_json_types_are_serialization_errors_in_aws_words() {
        let body = json!({"TableName": 5, "Limit": true, "Key": [1], "Item": "x"});
        let fields = Fields::of(&body).unwrap();
        let err = fields.string("TableName").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Serialization);
        assert_eq!(err.message, "NUMBER_VALUE can not be converted to a String");
        assert_eq!(
            fields.integer("Limit").unwrap_err().message,
            "TRUE_VALUE can not be converted to an Integer"
        );
        assert_eq!(
            fields.object("Key").unwrap_err().message,
            "Start of list found where not expected"
        );
        assert_eq!(
            fields.item("Item").unwrap_err().message,
            "STRING_VALUE can not be converted to a structure"
        );
    }

    #[test]
    fn null_members_are_absent() {
        let body = json!({"TableName": null});
        assert_eq!(
            Fields::of(&body).unwrap().string("TableName").unwrap(),
            None
        );
    }

    #[test]
    fn violations_are_counted_and_joined() {
        let mut v = Violations::new();
        v.name("tableName", None, true);
        v.name("indexName", Some("a;"), false);
        let err = v.finish().unwrap_err();
        assert_eq!(err.kind, ErrorKind::CoralValidation);
        assert_eq!(
            err.message,
            "3 validation errors detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null; \
             Value 'a;' at 'indexName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; \
             Value 'a;' at 'indexName' failed to satisfy constraint: Member must have length greater than or equal to 3"
        );
        let mut one = Violations::new();
        one.not_null::<()>("tableName", None);
        assert_eq!(
            one.finish().unwrap_err().message,
            "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null"
        );
    }
}
