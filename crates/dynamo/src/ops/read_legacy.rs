//! The legacy conditions of Query and Scan: `KeyConditions`, `QueryFilter`, `ScanFilter`.
//!
//! Before expressions existed (2014), a read said what it wanted as a map of attribute
//! names to `Condition`s — `{"ComparisonOperator": "BETWEEN", "AttributeValueList": [..]}` —
//! joined by `ConditionalOperator` (AND or OR). DynamoDB still accepts them, old SDK code
//! still sends them, and their validation has its own messages, so Dynaplay keeps them.
//!
//! A condition is read in the same three passes as the rest of a request: JSON types
//! ([`decode`], SerializationException), shape constraints ([`constrain`]: the operator is
//! required and must be one of thirteen), and then the semantic checks ([`validate`]) in
//! the order AWS applies them: each value must be a valid attribute value, the operator
//! must get the right number of values, all of one type, of a type it accepts, and a
//! BETWEEN range must not be upside down. What a condition means for an item is
//! [`LegacyCondition::matches`], with the typing rules of the API reference's `Condition`.

use std::cmp::Ordering;

use serde_json::Value;

use crate::error::{DynamoError, ErrorKind, Result};
use crate::expr::KeyComparison;
use crate::expr::condition::{begins_with, between, contains};
use crate::request::{Fields, Violations, type_error};
use crate::value::{AttributeValue, Item};

/// The thirteen comparison operators, in the order AWS lists them in constraint messages.
pub(crate) const OPERATOR_NAMES: [&str; 13] = [
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operator {
    Eq,
    Ne,
    Le,
    Lt,
    Ge,
    Gt,
    NotNull,
    Null,
    Contains,
    NotContains,
    BeginsWith,
    In,
    Between,
}

impl Operator {
    pub(crate) fn parse(name: &str) -> Option<Operator> {
        Some(match name {
            "EQ" => Operator::Eq,
            "NE" => Operator::Ne,
            "LE" => Operator::Le,
            "LT" => Operator::Lt,
            "GE" => Operator::Ge,
            "GT" => Operator::Gt,
            "NOT_NULL" => Operator::NotNull,
            "NULL" => Operator::Null,
            "CONTAINS" => Operator::Contains,
            "NOT_CONTAINS" => Operator::NotContains,
            "BEGINS_WITH" => Operator::BeginsWith,
            "IN" => Operator::In,
            "BETWEEN" => Operator::Between,
            _ => return None,
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Operator::Eq => "EQ",
            Operator::Ne => "NE",
            Operator::Le => "LE",
            Operator::Lt => "LT",
            Operator::Ge => "GE",
            Operator::Gt => "GT",
            Operator::NotNull => "NOT_NULL",
            Operator::Null => "NULL",
            Operator::Contains => "CONTAINS",
            Operator::NotContains => "NOT_CONTAINS",
            Operator::BeginsWith => "BEGINS_WITH",
            Operator::In => "IN",
            Operator::Between => "BETWEEN",
        }
    }

    /// Whether `count` values suit the operator.
    fn takes(self, count: usize) -> bool {
        match self {
            Operator::Null | Operator::NotNull => count == 0,
            Operator::Between => count == 2,
            Operator::In => count >= 1,
            _ => count == 1,
        }
    }

    /// Whether the operator accepts values of this type. EQ and NE compare anything;
    /// ordering needs a scalar; a prefix needs a string or binary.
    fn accepts(self, value: &AttributeValue) -> bool {
        let scalar = matches!(
            value,
            AttributeValue::S(_) | AttributeValue::N(_) | AttributeValue::B(_)
        );
        match self {
            Operator::Eq | Operator::Ne | Operator::Null | Operator::NotNull => true,
            Operator::BeginsWith => matches!(value, AttributeValue::S(_) | AttributeValue::B(_)),
            _ => scalar,
        }
    }

    /// The operators a key condition can use: one range of one sort order.
    fn is_indexable(self) -> bool {
        matches!(
            self,
            Operator::Eq
                | Operator::Le
                | Operator::Lt
                | Operator::Ge
                | Operator::Gt
                | Operator::BeginsWith
                | Operator::Between
        )
    }
}

/// A condition as read from JSON: its operator (checked later) and its values, each
/// decoded or holding the ValidationException that decoding raised.
#[derive(Debug)]
pub(crate) struct RawCondition {
    attribute: String,
    operator: Option<String>,
    values: Vec<Result<AttributeValue>>,
}

/// A validated legacy condition on one attribute.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LegacyCondition {
    pub attribute: String,
    pub operator: Operator,
    pub values: Vec<AttributeValue>,
}

/// An attribute value whose JSON shape is fine but whose content may not be: the
/// validation error waits for the semantic pass.
pub(crate) fn decode_value(value: &Value) -> Result<Result<AttributeValue>> {
    match AttributeValue::from_wire(value) {
        Ok(decoded) => Ok(Ok(decoded)),
        Err(error) if error.kind == ErrorKind::Serialization => Err(error),
        Err(error) => Ok(Err(error)),
    }
}

/// Reads a `Map<String, Condition>` member (pass one: JSON types only).
pub(crate) fn decode(fields: &Fields<'_>, member: &str) -> Result<Option<Vec<RawCondition>>> {
    let Some(map) = fields.object(member)? else {
        return Ok(None);
    };
    let mut conditions = Vec::with_capacity(map.len());
    for (attribute, condition) in map {
        let condition = match condition {
            Value::Object(object) => Fields::of_map(object),
            other => return Err(type_error(other, "a structure")),
        };
        let operator = condition.string("ComparisonOperator")?.map(str::to_string);
        let values = match condition.list("AttributeValueList")? {
            Some(list) => list.iter().map(decode_value).collect::<Result<Vec<_>>>()?,
            None => Vec::new(),
        };
        conditions.push(RawCondition {
            attribute: attribute.clone(),
            operator,
            values,
        });
    }
    Ok(Some(conditions))
}

/// Pass two: every condition needs a known operator. `path` is the member's lower-camel
/// name (`queryFilter`).
pub(crate) fn constrain(violations: &mut Violations, path: &str, conditions: &[RawCondition]) {
    for condition in conditions {
        let at = format!("{path}.{}.member.comparisonOperator", condition.attribute);
        violations.not_null(&at, condition.operator.as_deref());
        violations.one_of(&at, condition.operator.as_deref(), &OPERATOR_NAMES);
    }
}

fn invalid(detail: impl std::fmt::Display) -> DynamoError {
    DynamoError::validation(format!(
        "One or more parameter values were invalid: {detail}"
    ))
}

/// Pass three: the semantic checks, condition by condition, in AWS's order.
pub(crate) fn validate(conditions: Vec<RawCondition>) -> Result<Vec<LegacyCondition>> {
    let mut checked = Vec::with_capacity(conditions.len());
    for raw in conditions {
        let values = raw.values.into_iter().collect::<Result<Vec<_>>>()?;
        let operator = raw
            .operator
            .as_deref()
            .and_then(Operator::parse)
            .ok_or_else(|| invalid("Unknown ComparisonOperator"))?;
        if !operator.takes(values.len()) {
            return Err(invalid(format!(
                "Invalid number of argument(s) for the {} ComparisonOperator",
                operator.name()
            )));
        }
        if let Some(first) = values.first()
            && values.iter().any(|v| v.type_name() != first.type_name())
        {
            return Err(invalid(
                "AttributeValues inside AttributeValueList must be of same type",
            ));
        }
        if let Some(wrong) = values.iter().find(|v| !operator.accepts(v)) {
            return Err(invalid(format!(
                "ComparisonOperator {} is not valid for {} AttributeValue type",
                operator.name(),
                wrong.type_name()
            )));
        }
        if let (Operator::Between, [lower, upper]) = (operator, values.as_slice())
            && lower.compare(upper) == Some(Ordering::Greater)
        {
            return Err(DynamoError::validation(
                "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound",
            ));
        }
        checked.push(LegacyCondition {
            attribute: raw.attribute,
            operator,
            values,
        });
    }
    Ok(checked)
}

impl LegacyCondition {
    /// Whether `item` satisfies the condition. A missing attribute satisfies only NULL,
    /// NE and NOT_CONTAINS; values of another type than the condition's never match.
    pub(crate) fn matches(&self, item: &Item) -> bool {
        let target = item.get(&self.attribute);
        let first = self.values.first();
        let ordered = |wanted: &[Ordering]| match (target, first) {
            (Some(value), Some(bound)) => value
                .compare(bound)
                .is_some_and(|order| wanted.contains(&order)),
            _ => false,
        };
        match self.operator {
            Operator::Eq => target.is_some() && target == first,
            Operator::Ne => target.is_none() || target != first,
            Operator::Lt => ordered(&[Ordering::Less]),
            Operator::Le => ordered(&[Ordering::Less, Ordering::Equal]),
            Operator::Gt => ordered(&[Ordering::Greater]),
            Operator::Ge => ordered(&[Ordering::Greater, Ordering::Equal]),
            Operator::NotNull => target.is_some(),
            Operator::Null => target.is_none(),
            Operator::Contains => match (target, first) {
                (Some(value), Some(needle)) => contains(value, needle),
                _ => false,
            },
            Operator::NotContains => match (target, first) {
                (Some(value), Some(needle)) => !contains(value, needle),
                _ => true,
            },
            Operator::BeginsWith => match (target, first) {
                (Some(value), Some(prefix)) => begins_with(value, prefix),
                _ => false,
            },
            Operator::In => target.is_some_and(|value| self.values.contains(value)),
            Operator::Between => match (target, self.values.as_slice()) {
                (Some(value), [lower, upper]) => between(value, lower, upper),
                _ => false,
            },
        }
    }

    /// The condition as a key comparison, or `None` for operators an index cannot answer
    /// (NULL, NE, CONTAINS, IN, ...).
    pub(crate) fn key_comparison(&self) -> Option<KeyComparison> {
        if !self.operator.is_indexable() {
            return None;
        }
        let first = self.values.first()?.clone();
        Some(match self.operator {
            Operator::Eq => KeyComparison::Equal(first),
            Operator::Lt => KeyComparison::Less(first),
            Operator::Le => KeyComparison::LessOrEqual(first),
            Operator::Gt => KeyComparison::Greater(first),
            Operator::Ge => KeyComparison::GreaterOrEqual(first),
            Operator::BeginsWith => KeyComparison::BeginsWith(first),
            _ => KeyComparison::Between(first, self.values.get(1)?.clone()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn conditions(body: Value) -> Result<Vec<LegacyCondition>> {
        let request = json!({ "F": body });
        let fields = Fields::of(&request).unwrap();
        validate(decode(&fields, "F").unwrap().unwrap())
    }

    fn message(body: Value) -> String {
        conditions(body).unwrap_err().message
    }

    #[test]
    fn argument_counts_types_and_ranges_have_aws_messages() {
        assert_eq!(
            message(json!({"a": {"ComparisonOperator": "EQ"}})),
            "One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator"
        );
        assert_eq!(
            message(
                json!({"a": {"ComparisonOperator": "IN", "AttributeValueList": [{"S": "b"}, {"N": "1"}]}})
            ),
            "One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type"
        );
        assert_eq!(
            message(
                json!({"a": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"N": "1"}]}})
            ),
            "One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"
        );
        assert_eq!(
            message(
                json!({"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"S": "b"}, {"S": "a"}]}})
            ),
            "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"
        );
        // A malformed value is reported before the count is looked at.
        assert_eq!(
            message(json!({"a": {"ComparisonOperator": "EQ", "AttributeValueList": [{}, {}]}})),
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
        );
    }

    #[test]
    fn wrong_json_types_fail_before_anything_else() {
        let request = json!({"F": {"a": {"ComparisonOperator": 5}}});
        let fields = Fields::of(&request).unwrap();
        let err = decode(&fields, "F").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Serialization);
    }

    #[test]
    fn matching_follows_the_condition_typing_rules() {
        let item: Item = [
            ("s".to_string(), AttributeValue::S("hello".into())),
            (
                "set".to_string(),
                AttributeValue::Ss(vec!["x".into(), "y".into()]),
            ),
        ]
        .into_iter()
        .collect();
        let check = |body: Value| conditions(body).unwrap()[0].matches(&item);
        assert!(check(
            json!({"s": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "he"}]}})
        ));
        assert!(check(
            json!({"s": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"S": "a"}, {"S": "z"}]}})
        ));
        assert!(!check(
            json!({"s": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "5"}]}})
        ));
        assert!(check(
            json!({"s": {"ComparisonOperator": "NE", "AttributeValueList": [{"N": "5"}]}})
        ));
        assert!(check(
            json!({"set": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"S": "y"}]}})
        ));
        assert!(check(json!({"gone": {"ComparisonOperator": "NULL"}})));
        assert!(check(
            json!({"gone": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "y"}]}})
        ));
        assert!(!check(
            json!({"gone": {"ComparisonOperator": "LT", "AttributeValueList": [{"S": "y"}]}})
        ));
        assert!(check(
            json!({"s": {"ComparisonOperator": "IN", "AttributeValueList": [{"S": "no"}, {"S": "hello"}]}})
        ));
    }

    #[test]
    fn only_range_operators_become_key_comparisons() {
        let between = conditions(
            json!({"k": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}, {"N": "3"}]}}),
        );
        assert!(matches!(
            between.unwrap()[0].key_comparison(),
            Some(KeyComparison::Between(..))
        ));
        let ne = conditions(
            json!({"k": {"ComparisonOperator": "NE", "AttributeValueList": [{"N": "1"}]}}),
        );
        assert_eq!(ne.unwrap()[0].key_comparison(), None);
    }
}
