//! KeyConditionExpression: what a Query reads.
//!
//! A key condition is a condition restricted to the shape an index can answer: one
//! equality on the partition key, optionally `AND` one condition on the sort key (`=`,
//! `<`, `<=`, `>`, `>=`, `BETWEEN`, `begins_with`). DynamoDB checks it in two stages, and
//! so does this module. Parsing applies the general condition checks and then the
//! structural rules that need no table (no `OR`/`NOT`/`IN`/`<>`, no other functions, one
//! attribute per condition, no nested paths, at most one condition per attribute, at most
//! two conditions). [`KeyConditionExpression::analyse`] then matches the conditions to the
//! key schema of the table or index being queried, once the caller has found it.
//!
//! The outcome is a [`KeyQuery`]: the partition key value to look up, and an optional
//! [`SortKeyCondition`] that decides which items of that partition qualify.

use std::fmt;

use crate::error::Result;
use crate::expr::ExpressionKind;
use crate::expr::ast::{Comparator, Condition, Operand};
use crate::expr::checks::check_condition;
use crate::expr::condition::{begins_with, between, compare};
use crate::expr::messages;
use crate::expr::parser::parse_condition;
use crate::expr::placeholders::{Bindings, Placeholders};
use crate::value::AttributeValue;

/// How a key attribute is constrained.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyComparison {
    Equal(AttributeValue),
    Less(AttributeValue),
    LessOrEqual(AttributeValue),
    Greater(AttributeValue),
    GreaterOrEqual(AttributeValue),
    Between(AttributeValue, AttributeValue),
    BeginsWith(AttributeValue),
}

impl KeyComparison {
    /// Whether a key value satisfies the comparison (same typing rules as conditions).
    pub fn matches(&self, value: &AttributeValue) -> bool {
        let holds =
            |comparator, bound: &AttributeValue| compare(comparator, Some(value), Some(bound));
        match self {
            KeyComparison::Equal(bound) => holds(Comparator::Equal, bound),
            KeyComparison::Less(bound) => holds(Comparator::Less, bound),
            KeyComparison::LessOrEqual(bound) => holds(Comparator::LessOrEqual, bound),
            KeyComparison::Greater(bound) => holds(Comparator::Greater, bound),
            KeyComparison::GreaterOrEqual(bound) => holds(Comparator::GreaterOrEqual, bound),
            KeyComparison::Between(lower, upper) => between(value, lower, upper),
            KeyComparison::BeginsWith(prefix) => begins_with(value, prefix),
        }
    }

    /// The values the comparison uses, for checking them against the key's type.
    pub fn values(&self) -> Vec<&AttributeValue> {
        match self {
            KeyComparison::Equal(v)
            | KeyComparison::Less(v)
            | KeyComparison::LessOrEqual(v)
            | KeyComparison::Greater(v)
            | KeyComparison::GreaterOrEqual(v)
            | KeyComparison::BeginsWith(v) => vec![v],
            KeyComparison::Between(lower, upper) => vec![lower, upper],
        }
    }
}

/// The condition on the sort key of a Query.
#[derive(Debug, Clone, PartialEq)]
pub struct SortKeyCondition {
    pub attribute: String,
    pub comparison: KeyComparison,
}

impl SortKeyCondition {
    /// Whether an item's sort key value qualifies.
    pub fn matches(&self, value: &AttributeValue) -> bool {
        self.comparison.matches(value)
    }
}

/// What a Query reads: one partition, optionally narrowed by the sort key.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyQuery {
    pub partition_key: String,
    pub partition_value: AttributeValue,
    pub sort_key: Option<SortKeyCondition>,
}

impl KeyQuery {
    /// Checks the condition's values against the key attributes' declared types (`S`,
    /// `N` or `B`, from the table's AttributeDefinitions).
    pub fn check_key_types(&self, partition_type: &str, sort_type: Option<&str>) -> Result<()> {
        if self.partition_value.type_name() != partition_type {
            return Err(messages::key_condition_type_mismatch());
        }
        if let (Some(sort_key), Some(sort_type)) = (&self.sort_key, sort_type)
            && sort_key
                .comparison
                .values()
                .iter()
                .any(|value| value.type_name() != sort_type)
        {
            return Err(messages::key_condition_type_mismatch());
        }
        Ok(())
    }
}

/// A checked KeyConditionExpression, not yet matched to a key schema.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyConditionExpression {
    tree: Condition,
    bindings: Bindings,
    /// One comparison per attribute, in the order written.
    conditions: Vec<(String, KeyComparison)>,
}

impl KeyConditionExpression {
    /// Parses and checks a KeyConditionExpression, resolving placeholders through the
    /// request's `placeholders`.
    pub fn parse(source: &str, placeholders: &mut Placeholders) -> Result<KeyConditionExpression> {
        let kind = ExpressionKind::KeyCondition;
        let parsed = parse_condition(kind, source)?;
        let bindings = check_condition(kind, &parsed, placeholders)?;
        let mut conditions = Vec::new();
        collect(&parsed.condition, &bindings, &mut conditions)?;
        if conditions.len() > 2 {
            return Err(messages::key_too_many_conditions());
        }
        Ok(KeyConditionExpression {
            tree: parsed.condition,
            bindings,
            conditions,
        })
    }

    /// The attribute conditions, in the order written.
    pub fn conditions(&self) -> &[(String, KeyComparison)] {
        &self.conditions
    }

    pub fn tree(&self) -> &Condition {
        &self.tree
    }

    pub fn bindings(&self) -> &Bindings {
        &self.bindings
    }

    /// Matches the conditions to a key schema (`hash_key`, and `range_key` if the table or
    /// index has one).
    pub fn analyse(&self, hash_key: &str, range_key: Option<&str>) -> Result<KeyQuery> {
        let find = |attribute: &str| {
            self.conditions
                .iter()
                .find(|(name, _)| name == attribute)
                .map(|(_, comparison)| comparison)
        };
        let Some(hash) = find(hash_key) else {
            return Err(messages::key_schema_element_missed(hash_key));
        };
        let mut sort_key = None;
        if self.conditions.len() > 1 {
            let Some(range_key) = range_key else {
                return Err(messages::key_condition_not_supported());
            };
            let Some(range) = find(range_key) else {
                return Err(messages::key_schema_element_missed(range_key));
            };
            sort_key = Some(SortKeyCondition {
                attribute: range_key.to_string(),
                comparison: range.clone(),
            });
        }
        let KeyComparison::Equal(partition_value) = hash else {
            return Err(messages::key_condition_not_supported());
        };
        Ok(KeyQuery {
            partition_key: hash_key.to_string(),
            partition_value: partition_value.clone(),
            sort_key,
        })
    }
}

impl fmt::Display for KeyConditionExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.tree)
    }
}

/// Walks the `AND`s of a key condition, turning each comparison into an attribute
/// condition with DynamoDB's structural checks, in its order.
fn collect(
    condition: &Condition,
    bindings: &Bindings,
    conditions: &mut Vec<(String, KeyComparison)>,
) -> Result<()> {
    let (comparator, operands): (Option<Comparator>, Vec<&Operand>) = match condition {
        Condition::And(parts) => {
            for part in parts {
                collect(part, bindings, conditions)?;
            }
            return Ok(());
        }
        Condition::Or(_) => return Err(messages::key_invalid_operator("OR")),
        Condition::Not(_) => return Err(messages::key_invalid_operator("NOT")),
        Condition::In { .. } => return Err(messages::key_invalid_operator("IN")),
        Condition::Compare {
            comparator: Comparator::NotEqual,
            ..
        } => {
            return Err(messages::key_invalid_operator("<>"));
        }
        Condition::Compare {
            comparator,
            left,
            right,
        } => (Some(*comparator), vec![left, right]),
        Condition::Between {
            operand,
            lower,
            upper,
        } => {
            if !matches!(operand, Operand::Path(_)) {
                return Err(messages::key_attribute_not_first("BETWEEN"));
            }
            (None, vec![operand, lower, upper])
        }
        Condition::Call(call) => match call.name.as_str() {
            "begins_with" => {
                if !matches!(call.arguments.first(), Some(Operand::Path(_))) {
                    return Err(messages::key_attribute_not_first("begins_with"));
                }
                (None, call.arguments.iter().collect())
            }
            "size" => return Err(messages::key_nested_operation()),
            other => return Err(messages::key_invalid_operator(other)),
        },
    };
    let mut attribute: Option<(usize, String)> = None;
    let mut values = Vec::new();
    for (position, operand) in operands.iter().enumerate() {
        match operand {
            Operand::Path(path) => {
                if attribute.is_some() {
                    return Err(messages::key_multiple_attributes());
                }
                if path.elements.len() > 1 {
                    return Err(messages::key_nested_attribute());
                }
                let name = crate::expr::document::DocumentPath::resolve(path, bindings)
                    .map(|resolved| resolved.top_level().to_string())
                    .ok_or_else(messages::key_no_attribute)?;
                attribute = Some((position, name));
            }
            Operand::Call(_) => return Err(messages::key_nested_operation()),
            Operand::Value(placeholder) => {
                values.push(
                    bindings
                        .value(placeholder)
                        .cloned()
                        .ok_or_else(messages::key_no_attribute)?,
                );
            }
        }
    }
    let Some((position, name)) = attribute else {
        return Err(messages::key_no_attribute());
    };
    if conditions.iter().any(|(existing, _)| *existing == name) {
        return Err(messages::key_condition_repeated());
    }
    let mut values = values.into_iter();
    let mut next = || values.next().ok_or_else(messages::key_no_attribute);
    let comparison = match (condition, comparator) {
        (Condition::Compare { .. }, Some(comparator)) => {
            // `:v < k` is `k > :v`.
            let comparator = if position == 0 {
                comparator
            } else {
                comparator.flipped()
            };
            let value = next()?;
            match comparator {
                Comparator::Equal | Comparator::NotEqual => KeyComparison::Equal(value),
                Comparator::Less => KeyComparison::Less(value),
                Comparator::LessOrEqual => KeyComparison::LessOrEqual(value),
                Comparator::Greater => KeyComparison::Greater(value),
                Comparator::GreaterOrEqual => KeyComparison::GreaterOrEqual(value),
            }
        }
        (Condition::Between { .. }, _) => {
            let lower = next()?;
            KeyComparison::Between(lower, next()?)
        }
        _ => KeyComparison::BeginsWith(next()?),
    };
    conditions.push((name, comparison));
    Ok(())
}

#[cfg(test)]
mod tests;
