//! Evaluating conditions and filters against an item.
//!
//! A condition never fails at evaluation time: DynamoDB settles every type question
//! before reading the item, and what remains evaluates to true or false. Comparing values
//! of different types is simply false (`"5" = 5` is false, not an error), an operand that
//! names a missing attribute makes a comparison false, and `<`, `<=`, `>`, `>=`, `BETWEEN`
//! order only strings (by UTF-8 bytes), numbers (numerically) and binaries (by bytes).
//! The one asymmetry learners notice is `<>`: a missing attribute is "not equal" to any
//! value, so `a <> :v` holds for items without `a`.
//!
//! Functions: `attribute_exists`/`attribute_not_exists` test presence; `attribute_type`
//! compares the type name (`S`, `SS`, `N`, `NS`, `B`, `BS`, `BOOL`, `NULL`, `L`, `M`);
//! `begins_with` takes string or binary prefixes; `contains` finds a substring in a
//! string, a member in a set, an element in a list (or a byte run in a binary); `size`
//! is the length in bytes of a string or binary, the number of elements of a set or list
//! and the number of entries of a map, and has no value for numbers, booleans and nulls.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

use crate::error::Result;
use crate::expr::ExpressionKind;
use crate::expr::ast::{Comparator, Condition, Operand};
use crate::expr::checks::check_condition;
use crate::expr::document::DocumentPath;
use crate::expr::parser::parse_condition;
use crate::expr::placeholders::{Bindings, Placeholders};
use crate::value::{AttributeValue, Item, Number};

/// A checked ConditionExpression or FilterExpression, ready to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionExpression {
    kind: ExpressionKind,
    tree: Condition,
    bindings: Bindings,
}

impl ConditionExpression {
    /// Parses and checks `source` as the parameter `kind` (normally
    /// [`ExpressionKind::Condition`] or [`ExpressionKind::Filter`]), resolving its
    /// placeholders through the request's `placeholders`.
    pub fn parse(
        kind: ExpressionKind,
        source: &str,
        placeholders: &mut Placeholders,
    ) -> Result<ConditionExpression> {
        let parsed = parse_condition(kind, source)?;
        let bindings = check_condition(kind, &parsed, placeholders)?;
        Ok(ConditionExpression {
            kind,
            tree: parsed.condition,
            bindings,
        })
    }

    /// Whether `item` satisfies the condition. A missing item is the empty item: only
    /// `attribute_not_exists` and `<>` style conditions can hold for it.
    pub fn evaluate(&self, item: &Item) -> bool {
        evaluate(&self.tree, item, &self.bindings)
    }

    pub fn kind(&self) -> ExpressionKind {
        self.kind
    }

    /// The syntax tree, with placeholders as written.
    pub fn tree(&self) -> &Condition {
        &self.tree
    }

    pub fn bindings(&self) -> &Bindings {
        &self.bindings
    }
}

impl fmt::Display for ConditionExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.tree)
    }
}

/// Evaluates a checked condition.
pub(crate) fn evaluate(condition: &Condition, item: &Item, bindings: &Bindings) -> bool {
    let value = |operand: &Operand| operand_value(operand, item, bindings);
    match condition {
        Condition::Compare {
            comparator,
            left,
            right,
        } => compare(*comparator, value(left).as_deref(), value(right).as_deref()),
        Condition::Between {
            operand,
            lower,
            upper,
        } => match (value(operand), value(lower), value(upper)) {
            (Some(v), Some(low), Some(high)) => between(&v, &low, &high),
            _ => false,
        },
        Condition::In { operand, list } => match value(operand) {
            Some(v) => list
                .iter()
                .any(|candidate| value(candidate).is_some_and(|c| *c == *v)),
            None => false,
        },
        Condition::Call(call) => {
            let argument = |index: usize| call.arguments.get(index).and_then(value);
            match call.name.as_str() {
                "attribute_exists" => argument(0).is_some(),
                "attribute_not_exists" => argument(0).is_none(),
                "attribute_type" => match (argument(0), argument(1)) {
                    (Some(v), Some(wanted)) => {
                        matches!(&*wanted, AttributeValue::S(name) if name == v.type_name())
                    }
                    _ => false,
                },
                "begins_with" => match (argument(0), argument(1)) {
                    (Some(v), Some(prefix)) => begins_with(&v, &prefix),
                    _ => false,
                },
                "contains" => match (argument(0), argument(1)) {
                    (Some(v), Some(needle)) => contains(&v, &needle),
                    _ => false,
                },
                _ => false,
            }
        }
        Condition::Not(inner) => !evaluate(inner, item, bindings),
        Condition::And(parts) => parts.iter().all(|part| evaluate(part, item, bindings)),
        Condition::Or(parts) => parts.iter().any(|part| evaluate(part, item, bindings)),
    }
}

/// The value of an operand for this item, if it has one.
pub(crate) fn operand_value<'a>(
    operand: &Operand,
    item: &'a Item,
    bindings: &'a Bindings,
) -> Option<Cow<'a, AttributeValue>> {
    match operand {
        Operand::Path(path) => DocumentPath::resolve(path, bindings)?
            .get(item)
            .map(Cow::Borrowed),
        Operand::Value(placeholder) => bindings.value(placeholder).map(Cow::Borrowed),
        Operand::Call(call) if call.name == "size" => {
            let target = operand_value(call.arguments.first()?, item, bindings)?;
            let length = i64::try_from(size(&target)?).ok()?;
            Some(Cow::Owned(AttributeValue::N(Number::from_i64(length))))
        }
        Operand::Call(_) => None,
    }
}

/// `a <comparator> b`; `None` is a missing attribute.
pub fn compare(
    comparator: Comparator,
    left: Option<&AttributeValue>,
    right: Option<&AttributeValue>,
) -> bool {
    let (left, right) = match (left, right) {
        (Some(left), Some(right)) => (left, right),
        (None, None) => return false,
        // A missing attribute differs from any value, and satisfies nothing else.
        _ => return comparator == Comparator::NotEqual,
    };
    let order = left.compare(right);
    match comparator {
        Comparator::Equal => left == right,
        Comparator::NotEqual => left != right,
        Comparator::Less => order == Some(Ordering::Less),
        Comparator::LessOrEqual => matches!(order, Some(Ordering::Less | Ordering::Equal)),
        Comparator::Greater => order == Some(Ordering::Greater),
        Comparator::GreaterOrEqual => matches!(order, Some(Ordering::Greater | Ordering::Equal)),
    }
}

/// `value BETWEEN lower AND upper`, inclusive, for strings, numbers and binaries of one type.
pub fn between(value: &AttributeValue, lower: &AttributeValue, upper: &AttributeValue) -> bool {
    matches!(
        value.compare(lower),
        Some(Ordering::Greater | Ordering::Equal)
    ) && matches!(value.compare(upper), Some(Ordering::Less | Ordering::Equal))
}

/// `begins_with(value, prefix)` for strings and binaries.
pub fn begins_with(value: &AttributeValue, prefix: &AttributeValue) -> bool {
    match (value, prefix) {
        (AttributeValue::S(value), AttributeValue::S(prefix)) => value.starts_with(prefix.as_str()),
        (AttributeValue::B(value), AttributeValue::B(prefix)) => value.starts_with(prefix),
        _ => false,
    }
}

/// `contains(value, needle)`.
pub fn contains(value: &AttributeValue, needle: &AttributeValue) -> bool {
    match (value, needle) {
        (AttributeValue::S(text), AttributeValue::S(part)) => text.contains(part.as_str()),
        (AttributeValue::B(bytes), AttributeValue::B(part)) => {
            part.is_empty()
                || bytes
                    .windows(part.len())
                    .any(|window| window == part.as_slice())
        }
        (AttributeValue::Ss(set), AttributeValue::S(member)) => set.contains(member),
        (AttributeValue::Ns(set), AttributeValue::N(member)) => set.contains(member),
        (AttributeValue::Bs(set), AttributeValue::B(member)) => set.contains(member),
        (AttributeValue::L(list), element) => list.contains(element),
        _ => false,
    }
}

/// `size(value)`: bytes of a string or binary, elements of a set or list, entries of a
/// map; numbers, booleans and nulls have no size.
pub fn size(value: &AttributeValue) -> Option<usize> {
    match value {
        AttributeValue::S(text) => Some(text.len()),
        AttributeValue::B(bytes) => Some(bytes.len()),
        AttributeValue::Ss(set) => Some(set.len()),
        AttributeValue::Ns(set) => Some(set.len()),
        AttributeValue::Bs(set) => Some(set.len()),
        AttributeValue::L(list) => Some(list.len()),
        AttributeValue::M(map) => Some(map.len()),
        AttributeValue::N(_) | AttributeValue::Bool(_) | AttributeValue::Null => None,
    }
}

#[cfg(test)]
mod tests;
