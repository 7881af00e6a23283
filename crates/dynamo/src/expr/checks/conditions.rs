//! Checks on conditions (ConditionExpression, FilterExpression, KeyConditionExpression).
//!
//! The comparisons and condition functions are checked one at a time, in source order;
//! the first one with a problem decides the message unless an expression-wide problem
//! (unknown or misused function, reserved word) outranks it.

use crate::error::Result;
use crate::expr::ExpressionKind;
use crate::expr::ast::{Condition, FunctionCall, Operand, Path};
use crate::expr::document::DocumentPath;
use crate::expr::messages::{self, invalid};
use crate::expr::parser::ParsedCondition;
use crate::expr::placeholders::{Bindings, Placeholders};
use crate::value::AttributeValue;

use super::{describe_value, first, visit_path};

/// The problems found in one comparison or condition function, by priority.
#[derive(Default)]
struct LeafFindings {
    undefined: Option<String>,
    operand_count: Option<String>,
    not_distinct: Option<String>,
    operand_type: Option<String>,
}

impl LeafFindings {
    fn most_important(self) -> Option<String> {
        self.undefined
            .or(self.operand_count)
            .or(self.not_distinct)
            .or(self.operand_type)
    }
}

/// What a condition operand is known to be before any item is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Known {
    /// A document path: its type depends on the item.
    Path,
    /// A literal or function result of this type (`S`, `N`, `BOOL`, ...).
    Type(&'static str),
    /// Nothing known (an undefined placeholder, or a function with a problem).
    Unknown,
}

const CONDITION_FUNCTIONS: &[(&str, usize)] = &[
    ("attribute_exists", 1),
    ("attribute_not_exists", 1),
    ("attribute_type", 2),
    ("begins_with", 2),
    ("contains", 2),
    ("size", 1),
];

const ATTRIBUTE_TYPES: &[&str] = &["S", "N", "B", "NULL", "SS", "BOOL", "L", "BS", "NS", "M"];

struct ConditionChecker<'a> {
    placeholders: &'a mut Placeholders,
    bindings: Bindings,
    unknown_function: Option<String>,
    misused_function: Option<String>,
    reserved: Option<String>,
    first_bad_condition: Option<String>,
}

impl ConditionChecker<'_> {
    fn resolve(&mut self, path: &Path) -> Option<DocumentPath> {
        DocumentPath::resolve(path, &self.bindings)
    }

    /// Flags arguments that are functions other than `size`: only `size` yields a value.
    fn check_misused(&mut self, operands: &[&Operand]) {
        for operand in operands {
            if let Operand::Call(call) = operand
                && call.name != "size"
            {
                first(
                    &mut self.misused_function,
                    messages::misused_function(&call.name),
                );
            }
        }
    }

    fn check_distinct(
        &mut self,
        operator: &str,
        a: &Operand,
        b: &Operand,
        leaf: &mut LeafFindings,
    ) {
        if let (Operand::Path(a), Operand::Path(b)) = (a, b)
            && let (Some(a), Some(b)) = (self.resolve(a), self.resolve(b))
            && a == b
        {
            first(
                &mut leaf.not_distinct,
                messages::operands_not_distinct(operator, &a.describe()),
            );
        }
    }

    fn operand(&mut self, operand: &Operand, leaf: &mut LeafFindings) -> Known {
        match operand {
            Operand::Path(path) => {
                visit_path(
                    path,
                    self.placeholders,
                    &mut self.bindings,
                    &mut self.reserved,
                    &mut leaf.undefined,
                );
                Known::Path
            }
            Operand::Value(placeholder) => {
                if self.bindings.bind_value(self.placeholders, placeholder) {
                    self.bindings
                        .value(placeholder)
                        .map_or(Known::Unknown, |value| Known::Type(value.type_name()))
                } else {
                    first(&mut leaf.undefined, messages::undefined_value(placeholder));
                    Known::Unknown
                }
            }
            Operand::Call(call) => self.function(call, leaf),
        }
    }

    /// Checks a function (arguments first) and returns what it yields.
    fn function(&mut self, call: &FunctionCall, leaf: &mut LeafFindings) -> Known {
        let arguments: Vec<Known> = call
            .arguments
            .iter()
            .map(|argument| self.operand(argument, leaf))
            .collect();
        self.check_misused(&call.arguments.iter().collect::<Vec<_>>());
        let name = call.name.as_str();
        let Some(&(_, arity)) = CONDITION_FUNCTIONS.iter().find(|(known, _)| *known == name) else {
            first(&mut self.unknown_function, messages::unknown_function(name));
            return Known::Unknown;
        };
        if arguments.len() != arity {
            first(
                &mut leaf.operand_count,
                messages::operand_count(name, arguments.len()),
            );
            return Known::Unknown;
        }
        if let [a, b] = call.arguments.as_slice() {
            self.check_distinct(name, a, b, leaf);
        }
        let type_error = |type_name: &str| messages::function_operand_type(name, type_name);
        match name {
            "attribute_exists" | "attribute_not_exists" => {
                if !matches!(call.arguments.first(), Some(Operand::Path(_))) {
                    first(
                        &mut leaf.operand_type,
                        messages::requires_document_path(name),
                    );
                }
                Known::Unknown
            }
            "begins_with" => {
                for known in &arguments {
                    if let Known::Type(type_name) = known
                        && !matches!(*type_name, "S" | "B")
                    {
                        first(&mut leaf.operand_type, type_error(type_name));
                        break;
                    }
                }
                Known::Type("BOOL")
            }
            "attribute_type" => {
                match (arguments.get(1), call.arguments.get(1)) {
                    (Some(Known::Type("S")), Some(Operand::Value(placeholder))) => {
                        if let Some(AttributeValue::S(given)) = self.bindings.value(placeholder)
                            && !ATTRIBUTE_TYPES.contains(&given.as_str())
                        {
                            first(
                                &mut leaf.operand_type,
                                messages::invalid_attribute_type(given),
                            );
                        }
                    }
                    (Some(Known::Type("S")), _) => {}
                    (Some(Known::Type(type_name)), _) => {
                        first(&mut leaf.operand_type, type_error(type_name));
                    }
                    (Some(Known::Path), _) => {
                        first(
                            &mut leaf.operand_type,
                            type_error(messages::ANY_ATTRIBUTE_TYPE),
                        );
                    }
                    _ => {}
                }
                Known::Type("BOOL")
            }
            "size" => {
                if let Some(Known::Type(type_name @ ("N" | "BOOL" | "NULL"))) = arguments.first() {
                    first(&mut leaf.operand_type, type_error(type_name));
                }
                Known::Type("N")
            }
            _ => Known::Type("BOOL"),
        }
    }

    fn between_bounds(&mut self, lower: &Operand, upper: &Operand, leaf: &mut LeafFindings) {
        let (Operand::Value(lower), Operand::Value(upper)) = (lower, upper) else {
            return;
        };
        let (Some(lower), Some(upper)) = (self.bindings.value(lower), self.bindings.value(upper))
        else {
            return;
        };
        let (low, high) = (describe_value(lower), describe_value(upper));
        if lower.type_name() != upper.type_name() {
            first(
                &mut leaf.operand_type,
                messages::between_types_differ(&low, &high),
            );
        } else if lower.compare(upper) == Some(std::cmp::Ordering::Greater) {
            first(
                &mut leaf.operand_type,
                messages::between_bounds_reversed(&low, &high),
            );
        }
    }

    /// A comparison, BETWEEN, IN or condition function: checked as one unit.
    fn leaf(&mut self, condition: &Condition) {
        let mut leaf = LeafFindings::default();
        match condition {
            Condition::Compare {
                comparator,
                left,
                right,
            } => {
                self.operand(left, &mut leaf);
                self.operand(right, &mut leaf);
                self.check_misused(&[left, right]);
                self.check_distinct(comparator.symbol(), left, right, &mut leaf);
            }
            Condition::Between {
                operand,
                lower,
                upper,
            } => {
                self.operand(operand, &mut leaf);
                self.operand(lower, &mut leaf);
                self.operand(upper, &mut leaf);
                self.check_misused(&[operand, lower, upper]);
                self.between_bounds(lower, upper, &mut leaf);
            }
            Condition::In { operand, list } => {
                self.operand(operand, &mut leaf);
                for item in list {
                    self.operand(item, &mut leaf);
                }
                let mut all = vec![operand];
                all.extend(list.iter());
                self.check_misused(&all);
            }
            Condition::Call(call) => {
                self.function(call, &mut leaf);
                if call.name == "size" {
                    first(
                        &mut self.misused_function,
                        messages::misused_function("size"),
                    );
                }
            }
            Condition::Not(_) | Condition::And(_) | Condition::Or(_) => {}
        }
        if self.first_bad_condition.is_none() {
            self.first_bad_condition = leaf.most_important();
        }
    }

    fn condition(&mut self, condition: &Condition) {
        match condition {
            Condition::Not(inner) => self.condition(inner),
            Condition::And(parts) | Condition::Or(parts) => {
                for part in parts {
                    self.condition(part);
                }
            }
            leaf => self.leaf(leaf),
        }
    }
}

/// Checks a parsed condition; on success returns the placeholders it uses.
pub fn check_condition(
    kind: ExpressionKind,
    parsed: &ParsedCondition,
    placeholders: &mut Placeholders,
) -> Result<Bindings> {
    let mut checker = ConditionChecker {
        placeholders,
        bindings: Bindings::default(),
        unknown_function: None,
        misused_function: None,
        reserved: None,
        first_bad_condition: None,
    };
    checker.condition(&parsed.condition);
    let problem = parsed
        .redundant_parentheses
        .then(messages::redundant_parentheses)
        .or(checker.unknown_function)
        .or(checker.misused_function)
        .or(checker.reserved)
        .or(checker.first_bad_condition);
    match problem {
        Some(message) => Err(invalid(kind, message)),
        None => Ok(checker.bindings),
    }
}
