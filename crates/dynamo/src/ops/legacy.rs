//! The pre-expression parameters: `Expected`, `ConditionalOperator`, `AttributeUpdates`
//! and `AttributesToGet`.
//!
//! Before expressions existed (2014) DynamoDB took conditions and updates as structured
//! JSON: `Expected: {"price": {"ComparisonOperator": "LT", "AttributeValueList": [...]}}`
//! instead of `price < :max`, `AttributeUpdates: {"n": {"Action": "ADD", "Value": ...}}`
//! instead of `ADD n :v`, `AttributesToGet: ["a", "b"]` instead of `a, b`. AWS still
//! accepts them, old code and tutorials still send them, and a request may not mix the two
//! styles. This module reads them with AWS's messages and turns them into the same
//! behaviour the expression forms have.
//!
//! Each parameter is read in the two passes every request gets: [`Expected::read`] and
//! friends check JSON types and collect shape violations; `validate` then applies the
//! semantic rules (operand counts, Exists/Value combinations) and yields something that
//! can be evaluated or applied.

use serde_json::{Map, Value};

use crate::error::{DynamoError, ErrorKind, Result};
use crate::expr::condition::{begins_with, between, contains};
use crate::request::{Fields, Violations, type_error};
use crate::value::{AttributeValue, Item};

const INVALID: &str = "One or more parameter values were invalid:";

/// The legacy comparison operators, in the order AWS lists them in constraint messages.
pub(crate) const COMPARISON_OPERATORS: [&str; 13] = [
    "IN",
    "NULL",
    "BETWEEN",
    "LT",
    "NOT_CONTAINS",
    "EQ",
    "GT",
    "NOT_NULL",
    "NE",
    "LE",
    "BEGINS_WITH",
    "GE",
    "CONTAINS",
];

/// `ConditionalOperator` values, in AWS's order.
pub(crate) const CONDITIONAL_OPERATORS: [&str; 2] = ["OR", "AND"];

/// `AttributeUpdates` actions, in AWS's order.
const ACTIONS: [&str; 3] = ["ADD", "PUT", "DELETE"];

/// An attribute value read in the first pass: a malformed value waits for the second.
type Held = Result<AttributeValue>;

fn hold_value(value: &Value) -> Result<Held> {
    match AttributeValue::from_wire(value) {
        Ok(value) => Ok(Ok(value)),
        Err(error) if error.kind == ErrorKind::Serialization => Err(error),
        Err(error) => Ok(Err(error)),
    }
}

fn entry_fields<'a>(value: &'a Value) -> Result<Fields<'a>> {
    match value {
        Value::Object(map) => Ok(Fields::of_map(map)),
        other => Err(type_error(other, "a structure")),
    }
}

/// One entry of `Expected` as sent.
#[derive(Debug)]
struct ExpectedEntry {
    attribute: String,
    value: Option<Held>,
    exists: Option<bool>,
    operator: Option<String>,
    list: Option<Vec<Held>>,
}

/// The `Expected` and `ConditionalOperator` members after the first pass.
#[derive(Debug, Default)]
pub(crate) struct Expected {
    entries: Vec<ExpectedEntry>,
    any: bool,
}

/// What one `Expected` entry requires of the item.
#[derive(Debug, Clone, PartialEq)]
enum Expectation {
    /// `Exists: false`: the attribute must be absent.
    Absent,
    /// `Value` with `Exists` true or unset: the attribute must equal the value.
    Equals(AttributeValue),
    /// `ComparisonOperator` with its operands.
    Compare(String, Vec<AttributeValue>),
}

/// A validated `Expected`: evaluated like a ConditionExpression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ExpectedCondition {
    checks: Vec<(String, Expectation)>,
    any: bool,
}

impl Expected {
    /// First pass: JSON types, and the enum constraints into `violations`.
    pub(crate) fn read(
        expected: Option<&Map<String, Value>>,
        operator: Option<&str>,
        violations: &mut Violations,
    ) -> Result<Option<Expected>> {
        violations.one_of("conditionalOperator", operator, &CONDITIONAL_OPERATORS);
        let Some(expected) = expected else {
            return Ok(None);
        };
        let mut entries = Vec::new();
        for (attribute, raw) in expected {
            let fields = entry_fields(raw)?;
            let value = fields.raw("Value").map(hold_value).transpose()?;
            let exists = fields.boolean("Exists")?;
            let operator = fields.string("ComparisonOperator")?;
            let list = match fields.list("AttributeValueList")? {
                Some(list) => Some(list.iter().map(hold_value).collect::<Result<Vec<_>>>()?),
                None => None,
            };
            violations.one_of(
                &format!("expected.{attribute}.member.comparisonOperator"),
                operator,
                &COMPARISON_OPERATORS,
            );
            entries.push(ExpectedEntry {
                attribute: attribute.clone(),
                value,
                exists,
                operator: operator.map(str::to_string),
                list,
            });
        }
        Ok(Some(Expected {
            entries,
            any: operator == Some("OR"),
        }))
    }

    /// Second pass: AWS's rules for combining `Value`, `Exists`, `ComparisonOperator` and
    /// `AttributeValueList`, with its messages.
    pub(crate) fn validate(self) -> Result<ExpectedCondition> {
        let mut checks = Vec::new();
        for entry in self.entries {
            let name = &entry.attribute;
            if entry.value.is_some() && entry.list.is_some() {
                return Err(invalid(format!(
                    "Value and AttributeValueList cannot be used together for Attribute: {name}"
                )));
            }
            let expectation = if let Some(operator) = entry.operator {
                if entry.exists.is_some() {
                    return Err(invalid(format!(
                        "Exists and ComparisonOperator cannot be used together for Attribute: {name}"
                    )));
                }
                let unary = matches!(operator.as_str(), "NULL" | "NOT_NULL");
                if !unary && entry.value.is_none() && entry.list.is_none() {
                    return Err(invalid(format!(
                        "Value or AttributeValueList must be used with ComparisonOperator: {operator} for Attribute: {name}"
                    )));
                }
                let operands: Vec<AttributeValue> = match (entry.value, entry.list) {
                    (Some(value), _) => vec![value?],
                    (None, Some(list)) => list.into_iter().collect::<Result<Vec<_>>>()?,
                    (None, None) => Vec::new(),
                };
                check_operands(&operator, &operands)?;
                Expectation::Compare(operator, operands)
            } else if entry.list.is_some() {
                return Err(invalid(format!(
                    "AttributeValueList can only be used with a ComparisonOperator for Attribute: {name}"
                )));
            } else {
                match (entry.exists, entry.value) {
                    (Some(false), Some(_)) => {
                        return Err(invalid(format!(
                            "Value cannot be used when Exists is false for Attribute: {name}"
                        )));
                    }
                    (Some(false), None) => Expectation::Absent,
                    (exists, None) => {
                        let shown = match exists {
                            None => "null",
                            Some(_) => "true",
                        };
                        return Err(invalid(format!(
                            "Value must be provided when Exists is {shown} for Attribute: {name}"
                        )));
                    }
                    (_, Some(value)) => Expectation::Equals(value?),
                }
            };
            checks.push((entry.attribute, expectation));
        }
        Ok(ExpectedCondition {
            checks,
            any: self.any,
        })
    }
}

fn invalid(body: String) -> DynamoError {
    DynamoError::validation(format!("{INVALID} {body}"))
}

fn check_operands(operator: &str, operands: &[AttributeValue]) -> Result<()> {
    let count = operands.len();
    let fits = match operator {
        "NULL" | "NOT_NULL" => count == 0,
        "IN" => count > 0,
        "BETWEEN" => count == 2,
        _ => count == 1,
    };
    if !fits {
        return Err(invalid(format!(
            "Invalid number of argument(s) for the {operator} ComparisonOperator"
        )));
    }
    if let Some(first) = operands.first()
        && operands.iter().any(|o| o.type_name() != first.type_name())
    {
        return Err(invalid(
            "AttributeValues inside AttributeValueList must be of same type".to_string(),
        ));
    }
    if let [lower, upper] = operands
        && operator == "BETWEEN"
        && lower.compare(upper) == Some(std::cmp::Ordering::Greater)
    {
        return Err(DynamoError::validation(
            "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound",
        ));
    }
    Ok(())
}

impl ExpectedCondition {
    /// Whether `item` (empty when there is none) meets the expectations: all of them, or
    /// any with `ConditionalOperator: OR`.
    pub(crate) fn evaluate(&self, item: &Item) -> bool {
        let mut results = self
            .checks
            .iter()
            .map(|(attribute, expectation)| holds(expectation, item.get(attribute)));
        if self.any {
            results.any(|r| r)
        } else {
            results.all(|r| r)
        }
    }
}

fn holds(expectation: &Expectation, actual: Option<&AttributeValue>) -> bool {
    match expectation {
        Expectation::Absent => actual.is_none(),
        Expectation::Equals(value) => actual == Some(value),
        Expectation::Compare(operator, operands) => {
            let first = operands.first();
            match (operator.as_str(), actual) {
                ("NULL", actual) => actual.is_none(),
                ("NOT_NULL", actual) => actual.is_some(),
                ("NE", actual) => actual != first,
                ("NOT_CONTAINS", Some(actual)) => first.is_some_and(|n| !contains(actual, n)),
                (_, None) => false,
                ("EQ", Some(actual)) => Some(actual) == first,
                ("IN", Some(actual)) => !actual.is_set() && operands.contains(actual),
                ("CONTAINS", Some(actual)) => first.is_some_and(|n| contains(actual, n)),
                ("BEGINS_WITH", Some(actual)) => first.is_some_and(|p| begins_with(actual, p)),
                ("BETWEEN", Some(actual)) => match operands.as_slice() {
                    [lower, upper] => between(actual, lower, upper),
                    _ => false,
                },
                (ordering, Some(actual)) => {
                    let Some(order) = first.and_then(|value| actual.compare(value)) else {
                        return false;
                    };
                    match ordering {
                        "LT" => order.is_lt(),
                        "LE" => order.is_le(),
                        "GT" => order.is_gt(),
                        "GE" => order.is_ge(),
                        _ => false,
                    }
                }
            }
        }
    }
}

/// One `AttributeUpdates` entry after the first pass.
#[derive(Debug)]
struct UpdateEntry {
    attribute: String,
    action: Option<String>,
    value: Option<Held>,
}

/// The `AttributeUpdates` member after the first pass.
#[derive(Debug, Default)]
pub(crate) struct AttributeUpdates {
    entries: Vec<UpdateEntry>,
}

#[derive(Debug, Clone, PartialEq)]
enum Action {
    Put(AttributeValue),
    Add(AttributeValue),
    Remove,
    Subtract(AttributeValue),
}

/// Validated `AttributeUpdates`, ready to apply.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LegacyUpdate {
    actions: Vec<(String, Action)>,
}

impl AttributeUpdates {
    pub(crate) fn read(
        updates: Option<&Map<String, Value>>,
        violations: &mut Violations,
    ) -> Result<Option<AttributeUpdates>> {
        let Some(updates) = updates else {
            return Ok(None);
        };
        let mut entries = Vec::new();
        for (attribute, raw) in updates {
            let fields = entry_fields(raw)?;
            let action = fields.string("Action")?;
            let value = fields.raw("Value").map(hold_value).transpose()?;
            violations.one_of(
                &format!("attributeUpdates.{attribute}.member.action"),
                action,
                &ACTIONS,
            );
            entries.push(UpdateEntry {
                attribute: attribute.clone(),
                action: action.map(str::to_string),
                value,
            });
        }
        Ok(Some(AttributeUpdates { entries }))
    }

    /// Second pass: which actions may go with which values.
    pub(crate) fn validate(self) -> Result<LegacyUpdate> {
        let mut actions = Vec::new();
        for entry in self.entries {
            let value = entry.value.transpose()?;
            let action = match (entry.action.as_deref(), value) {
                (Some("DELETE"), None) => Action::Remove,
                (_, None) => {
                    return Err(invalid(
                        "Only DELETE action is allowed when no attribute value is specified"
                            .to_string(),
                    ));
                }
                (Some("DELETE"), Some(value)) => {
                    if !value.is_set() {
                        return Err(invalid(format!(
                            "DELETE action with value is not supported for the type {}",
                            value.type_name()
                        )));
                    }
                    Action::Subtract(value)
                }
                (Some("ADD"), Some(value)) => {
                    if !matches!(value, AttributeValue::N(_) | AttributeValue::L(_))
                        && !value.is_set()
                    {
                        return Err(invalid(format!(
                            "ADD action is not supported for the type {}",
                            value.type_name()
                        )));
                    }
                    Action::Add(value)
                }
                (_, Some(value)) => Action::Put(value),
            };
            actions.push((entry.attribute, action));
        }
        Ok(LegacyUpdate { actions })
    }
}

impl LegacyUpdate {
    /// The attributes the update writes or removes, for the key check and `UPDATED_*`.
    pub(crate) fn attributes(&self) -> impl Iterator<Item = &str> {
        self.actions.iter().map(|(name, _)| name.as_str())
    }

    /// Applies the actions to `item`, with AWS's message for a value of the wrong type.
    pub(crate) fn apply(&self, item: &Item) -> Result<Item> {
        let mut updated = item.clone();
        for (name, action) in &self.actions {
            let existing = updated.get(name);
            let new = match (action, existing) {
                (Action::Put(value), _) | (Action::Add(value), None) => Some(value.clone()),
                (Action::Remove, _) | (Action::Subtract(_), None) => None,
                (Action::Add(value), Some(existing)) => Some(add(existing, value)?),
                (Action::Subtract(value), Some(existing)) => subtract(existing, value)?,
            };
            match new {
                Some(value) => {
                    updated.insert(name.clone(), value);
                }
                None => {
                    updated.remove(name);
                }
            }
        }
        Ok(updated)
    }
}

fn type_mismatch() -> DynamoError {
    DynamoError::validation("Type mismatch for attribute to update")
}

fn add(existing: &AttributeValue, value: &AttributeValue) -> Result<AttributeValue> {
    use AttributeValue::{Bs, L, N, Ns, Ss};
    fn union<T: PartialEq + Clone>(a: &[T], b: &[T]) -> Vec<T> {
        let mut out = a.to_vec();
        for member in b {
            if !out.contains(member) {
                out.push(member.clone());
            }
        }
        out
    }
    Ok(match (existing, value) {
        (N(a), N(b)) => N(a.checked_add(b)?),
        (Ss(a), Ss(b)) => Ss(union(a, b)),
        (Ns(a), Ns(b)) => Ns(union(a, b)),
        (Bs(a), Bs(b)) => Bs(union(a, b)),
        (L(a), L(b)) => L(a.iter().chain(b).cloned().collect()),
        _ => return Err(type_mismatch()),
    })
}

fn subtract(existing: &AttributeValue, value: &AttributeValue) -> Result<Option<AttributeValue>> {
    use AttributeValue::{Bs, Ns, Ss};
    fn minus<T: PartialEq + Clone>(a: &[T], b: &[T]) -> Vec<T> {
        a.iter().filter(|m| !b.contains(m)).cloned().collect()
    }
    let left = match (existing, value) {
        (Ss(a), Ss(b)) => Ss(minus(a, b)),
        (Ns(a), Ns(b)) => Ns(minus(a, b)),
        (Bs(a), Bs(b)) => Bs(minus(a, b)),
        _ => return Err(type_mismatch()),
    };
    let empty = match &left {
        Ss(s) => s.is_empty(),
        Ns(s) => s.is_empty(),
        Bs(s) => s.is_empty(),
        _ => false,
    };
    Ok(if empty { None } else { Some(left) })
}

/// `AttributesToGet` after the first pass: a list of names.
pub(crate) fn read_attributes_to_get(
    fields: &Fields<'_>,
    path: &str,
    violations: &mut Violations,
) -> Result<Option<Vec<String>>> {
    let Some(list) = fields.list("AttributesToGet")? else {
        return Ok(None);
    };
    let names = list
        .iter()
        .map(|name| match name {
            Value::String(name) => Ok(name.clone()),
            other => Err(type_error(other, "a String")),
        })
        .collect::<Result<Vec<_>>>()?;
    if names.is_empty() {
        violations.push(
            Some("[]"),
            path,
            "Member must have length greater than or equal to 1",
        );
    }
    if names.len() > 255 {
        violations.push(
            Some(&format!("[{}]", names.join(", "))),
            path,
            "Member must have length less than or equal to 255",
        );
    }
    Ok(Some(names))
}

/// Second pass for `AttributesToGet`: no name twice.
pub(crate) fn check_attributes_to_get(names: &[String]) -> Result<()> {
    for (index, name) in names.iter().enumerate() {
        if names.iter().take(index).any(|earlier| earlier == name) {
            return Err(invalid(format!(
                "Duplicate value in attribute name: {name}"
            )));
        }
    }
    Ok(())
}

/// The attributes of `item` that `AttributesToGet` names.
pub(crate) fn attributes_to_get(item: &Item, names: &[String]) -> Item {
    item.iter()
        .filter(|(name, _)| names.contains(name))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Number;
    use serde_json::json;

    fn expected(body: Value, operator: Option<&str>) -> Result<ExpectedCondition> {
        let mut violations = Violations::new();
        let map = body.as_object().cloned().unwrap();
        let read = Expected::read(Some(&map), operator, &mut violations)?.unwrap();
        violations.finish()?;
        read.validate()
    }

    fn item(body: Value) -> Item {
        crate::value::item_from_wire(&body).unwrap()
    }

    #[test]
    fn exists_and_value_rules_use_aws_messages() {
        let message = |body| expected(body, None).unwrap_err().message;
        assert_eq!(
            message(json!({"a": {}})),
            "One or more parameter values were invalid: Value must be provided when Exists is null for Attribute: a"
        );
        assert_eq!(
            message(json!({"a": {"Exists": true}})),
            "One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: a"
        );
        assert_eq!(
            message(json!({"a": {"Exists": false, "Value": {"S": "x"}}})),
            "One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: a"
        );
        assert_eq!(
            message(json!({"a": {"ComparisonOperator": "LT"}})),
            "One or more parameter values were invalid: Value or AttributeValueList must be used with ComparisonOperator: LT for Attribute: a"
        );
        assert_eq!(
            message(json!({"a": {"ComparisonOperator": "NULL", "Value": {"S": "x"}}})),
            "One or more parameter values were invalid: Invalid number of argument(s) for the NULL ComparisonOperator"
        );
        assert_eq!(
            message(
                json!({"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "5"}, {"N": "1"}]}})
            ),
            "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"
        );
    }

    #[test]
    fn bad_operator_is_a_shape_violation() {
        let error =
            expected(json!({"a": {"ComparisonOperator": "XX"}}), Some("MAYBE")).unwrap_err();
        assert_eq!(error.kind, ErrorKind::CoralValidation);
        assert!(error.message.starts_with("2 validation errors detected"));
        assert!(
            error
                .message
                .contains("'expected.a.member.comparisonOperator'")
        );
    }

    #[test]
    fn expectations_evaluate_like_their_expression_forms() {
        let stored = item(json!({"a": {"N": "5"}, "s": {"SS": ["x", "y"]}, "t": {"S": "hello"}}));
        let ok = |body, operator| expected(body, operator).unwrap().evaluate(&stored);
        assert!(ok(json!({"a": {"Value": {"N": "5.0"}}}), None));
        assert!(!ok(json!({"a": {"Exists": false}}), None));
        assert!(ok(json!({"zz": {"Exists": false}}), None));
        assert!(ok(
            json!({"a": {"ComparisonOperator": "LT", "Value": {"N": "6"}}}),
            None
        ));
        assert!(!ok(
            json!({"a": {"ComparisonOperator": "GT", "Value": {"N": "6"}}}),
            None
        ));
        assert!(ok(
            json!({"s": {"ComparisonOperator": "CONTAINS", "Value": {"S": "y"}}}),
            None
        ));
        assert!(ok(
            json!({"t": {"ComparisonOperator": "BEGINS_WITH", "Value": {"S": "he"}}}),
            None
        ));
        assert!(ok(
            json!({"zz": {"ComparisonOperator": "NE", "Value": {"S": "he"}}}),
            None
        ));
        assert!(ok(
            json!({"a": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "1"}, {"N": "5"}]}}),
            None
        ));
        let both = json!({"a": {"Exists": false}, "t": {"ComparisonOperator": "NOT_NULL"}});
        assert!(!ok(both.clone(), None));
        assert!(ok(both, Some("OR")));
    }

    fn update(body: Value) -> Result<LegacyUpdate> {
        let mut violations = Violations::new();
        let map = body.as_object().cloned().unwrap();
        let read = AttributeUpdates::read(Some(&map), &mut violations)?.unwrap();
        violations.finish()?;
        read.validate()
    }

    #[test]
    fn attribute_updates_apply_put_add_and_delete() {
        let stored = item(json!({"n": {"N": "1"}, "s": {"SS": ["a", "b"]}, "gone": {"S": "x"}}));
        let legacy = update(json!({
            "n": {"Action": "ADD", "Value": {"N": "2"}},
            "s": {"Action": "DELETE", "Value": {"SS": ["a", "b"]}},
            "gone": {"Action": "DELETE"},
            "new": {"Value": {"S": "v"}}
        }))
        .unwrap();
        let result = legacy.apply(&stored).unwrap();
        assert_eq!(
            result.get("n"),
            Some(&AttributeValue::N(Number::from_i64(3)))
        );
        assert_eq!(result.get("s"), None, "an emptied set is removed");
        assert_eq!(result.get("gone"), None);
        assert_eq!(result.get("new"), Some(&AttributeValue::S("v".into())));
        let mismatch = update(json!({"gone": {"Action": "ADD", "Value": {"N": "1"}}})).unwrap();
        assert_eq!(
            mismatch.apply(&stored).unwrap_err().message,
            "Type mismatch for attribute to update"
        );
    }

    #[test]
    fn attribute_update_rules_use_aws_messages() {
        assert_eq!(
            update(json!({"a": {"Action": "PUT"}})).unwrap_err().message,
            "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified"
        );
        assert_eq!(
            update(json!({"a": {"Action": "DELETE", "Value": {"S": "x"}}}))
                .unwrap_err()
                .message,
            "One or more parameter values were invalid: DELETE action with value is not supported for the type S"
        );
        assert_eq!(
            update(json!({"a": {"Action": "ADD", "Value": {"S": "x"}}}))
                .unwrap_err()
                .message,
            "One or more parameter values were invalid: ADD action is not supported for the type S"
        );
        assert_eq!(
            update(json!({"a": {"Action": "SET", "Value": {"S": "x"}}}))
                .unwrap_err()
                .message,
            "1 validation error detected: Value 'SET' at 'attributeUpdates.a.member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]"
        );
    }

    #[test]
    fn attributes_to_get_rejects_duplicates_and_projects_top_level_names() {
        let names = vec!["a".to_string(), "b".to_string(), "a".to_string()];
        assert_eq!(
            check_attributes_to_get(&names).unwrap_err().message,
            "One or more parameter values were invalid: Duplicate value in attribute name: a"
        );
        let stored = item(json!({"a": {"N": "1"}, "c": {"N": "2"}}));
        let got = attributes_to_get(&stored, &["a".to_string(), "zz".to_string()]);
        assert_eq!(got.len(), 1);
        assert!(got.contains_key("a"));
    }
}
