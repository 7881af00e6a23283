//! The checks DynamoDB makes on a parsed expression before it touches any item.
//!
//! A syntactically valid expression can still be wrong in many ways: an unknown function,
//! `size(a)` used as a condition, a reserved word as an attribute name, an undefined
//! placeholder, `begins_with(a, :n)` with a number, `BETWEEN :hi AND :lo`, two update
//! actions on overlapping paths. DynamoDB reports exactly one problem per request, and
//! which one it reports follows a fixed priority, reproduced here:
//!
//! * conditions: redundant parentheses, then unknown function names, then misused
//!   functions, then reserved words, then the first comparison or function (in source
//!   order) that has a problem, where an undefined placeholder beats a wrong operand count,
//!   which beats non-distinct operands, which beats a wrong operand type;
//! * updates: reserved words, unknown functions, a repeated clause, undefined names,
//!   undefined values, overlapping paths, conflicting paths, `ADD`/`DELETE` value types,
//!   then function operand counts and types;
//! * projections: reserved words, undefined names, overlapping paths, conflicting paths.
//!
//! Within each category the first occurrence wins, where "first" follows the order in
//! which DynamoDB's parser finishes reading things: a function's arguments before the
//! function, both sides of a comparison before the comparison.
//!
//! The checks resolve every placeholder they meet, which both records it as used for the
//! request-level unused check and fills the expression's [`Bindings`].

use crate::error::{DynamoError, Result};
use crate::expr::ExpressionKind;
use crate::expr::ast::{
    Condition, FunctionCall, Operand, Path, PathElement, Projection, SetValue, Update, UpdateClause,
};
use crate::expr::document::{DocumentPath, PathStep};
use crate::expr::messages::{self, invalid};
use crate::expr::parser::ParsedCondition;
use crate::expr::placeholders::{Bindings, Placeholders};
use crate::expr::reserved::is_reserved;
use crate::value::AttributeValue;

/// Sets `slot` unless an earlier finding already filled it.
fn first(slot: &mut Option<String>, message: String) {
    if slot.is_none() {
        *slot = Some(message);
    }
}

/// How DynamoDB renders a literal in BETWEEN messages: `{N:5}`, `{S:abc}`.
pub fn describe_value(value: &AttributeValue) -> String {
    use base64::Engine;
    let encode = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let body = match value {
        AttributeValue::S(text) => text.clone(),
        AttributeValue::N(number) => number.to_string(),
        AttributeValue::B(bytes) => encode(bytes),
        AttributeValue::Bool(flag) => flag.to_string(),
        AttributeValue::Null => "true".to_string(),
        AttributeValue::Ss(items) => format!("[{}]", items.join(", ")),
        AttributeValue::Ns(items) => {
            format!(
                "[{}]",
                items
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        AttributeValue::Bs(items) => {
            format!(
                "[{}]",
                items
                    .iter()
                    .map(|b| encode(b))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        AttributeValue::L(items) => format!("[{} elements]", items.len()),
        AttributeValue::M(map) => format!("{{{} entries}}", map.len()),
    };
    format!("{{{}:{}}}", value.type_name(), body)
}

/// Reserved-word check and placeholder resolution for every element of a path.
fn visit_path(
    path: &Path,
    placeholders: &mut Placeholders,
    bindings: &mut Bindings,
    reserved: &mut Option<String>,
    undefined_name: &mut Option<String>,
) {
    for element in &path.elements {
        match element {
            PathElement::Name(name) if is_reserved(name) => {
                first(reserved, messages::reserved_keyword(name));
            }
            // Binding records the placeholder as used even when a later check fails.
            PathElement::Placeholder(placeholder)
                if !bindings.bind_name(placeholders, placeholder) =>
            {
                first(undefined_name, messages::undefined_name(placeholder));
            }
            _ => {}
        }
    }
}

// ---- conditions ---------------------------------------------------------------------

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

// ---- overlapping document paths -----------------------------------------------------

/// Checks that no path repeats, contains another, or uses a name where another uses an
/// index (`a.b` and `a[1]`), in the order the paths were written.
fn check_paths(kind: ExpressionKind, paths: &[DocumentPath]) -> Result<()> {
    let mut conflict = None;
    for (position, later) in paths.iter().enumerate() {
        for earlier in paths.iter().take(position) {
            let mut diverged = false;
            for (a, b) in earlier.steps.iter().zip(&later.steps) {
                let same_kind = matches!(
                    (a, b),
                    (PathStep::Attribute(_), PathStep::Attribute(_))
                        | (PathStep::Index(_), PathStep::Index(_))
                );
                if !same_kind {
                    first(
                        &mut conflict,
                        messages::paths_conflict(&earlier.describe(), &later.describe()),
                    );
                    diverged = true;
                    break;
                }
                if a != b {
                    diverged = true;
                    break;
                }
            }
            if !diverged {
                return Err(invalid(
                    kind,
                    messages::paths_overlap(&earlier.describe(), &later.describe()),
                ));
            }
        }
    }
    match conflict {
        Some(message) => Err(invalid(kind, message)),
        None => Ok(()),
    }
}

// ---- updates ------------------------------------------------------------------------

const UPDATE_FUNCTIONS: &[&str] = &["if_not_exists", "list_append"];

struct UpdateChecker<'a> {
    placeholders: &'a mut Placeholders,
    bindings: Bindings,
    reserved: Option<String>,
    unknown_function: Option<String>,
    undefined_name: Option<String>,
    undefined_value: Option<String>,
    function_problem: Option<String>,
}

impl UpdateChecker<'_> {
    fn path(&mut self, path: &Path) {
        visit_path(
            path,
            self.placeholders,
            &mut self.bindings,
            &mut self.reserved,
            &mut self.undefined_name,
        );
    }

    fn value(&mut self, placeholder: &str) -> Option<&'static str> {
        if self.bindings.bind_value(self.placeholders, placeholder) {
            self.bindings
                .value(placeholder)
                .map(AttributeValue::type_name)
        } else {
            first(
                &mut self.undefined_value,
                messages::undefined_value(placeholder),
            );
            None
        }
    }

    /// Checks an operand; returns the type of a literal value (functions and paths give
    /// `None`: DynamoDB only checks literal operands here, the rest waits for the item).
    fn operand(&mut self, operand: &Operand) -> Option<&'static str> {
        match operand {
            Operand::Path(path) => {
                self.path(path);
                None
            }
            Operand::Value(placeholder) => self.value(placeholder),
            Operand::Call(call) => {
                self.function(call);
                None
            }
        }
    }

    /// Both operands of `+`, `-` or `list_append` must be of `wanted` type if literal.
    fn typed_operands(&mut self, name: &str, types: &[Option<&'static str>], wanted: &str) {
        if let Some(type_name) = types
            .iter()
            .flatten()
            .find(|type_name| **type_name != wanted)
        {
            first(
                &mut self.function_problem,
                messages::function_operand_type(name, type_name),
            );
        }
    }

    fn function(&mut self, call: &FunctionCall) {
        let types: Vec<Option<&'static str>> = call
            .arguments
            .iter()
            .map(|argument| self.operand(argument))
            .collect();
        let name = call.name.as_str();
        if !UPDATE_FUNCTIONS.contains(&name) {
            first(&mut self.unknown_function, messages::unknown_function(name));
            return;
        }
        if call.arguments.len() != 2 {
            first(
                &mut self.function_problem,
                messages::operand_count(name, call.arguments.len()),
            );
            return;
        }
        match name {
            "if_not_exists" => {
                if !matches!(call.arguments.first(), Some(Operand::Path(_))) {
                    first(
                        &mut self.function_problem,
                        messages::requires_document_path(name),
                    );
                }
            }
            _ => self.typed_operands(name, &types, "L"),
        }
    }

    fn set_value(&mut self, value: &SetValue) {
        match value {
            SetValue::Operand(operand) => {
                self.operand(operand);
            }
            SetValue::Plus(left, right) | SetValue::Minus(left, right) => {
                let types = [self.operand(left), self.operand(right)];
                let symbol = if matches!(value, SetValue::Plus(..)) {
                    "+"
                } else {
                    "-"
                };
                self.typed_operands(symbol, &types, "N");
            }
        }
    }
}

/// The word DynamoDB uses for a value type `ADD`/`DELETE` cannot take; sets are fine, and
/// so is a number for `ADD`.
fn action_type_word(action: &str, type_name: &str) -> Option<&'static str> {
    let word = match type_name {
        "S" => "STRING",
        "N" if action == "ADD" => return None,
        "N" => "NUMBER",
        "B" => "BINARY",
        "NULL" => "NULL",
        "BOOL" => "BOOLEAN",
        "L" => "LIST",
        "M" => "MAP",
        _ => return None,
    };
    Some(word)
}

/// Checks an update expression; on success returns its bindings and its target paths in
/// the order they were written.
pub fn check_update(
    update: &Update,
    placeholders: &mut Placeholders,
) -> Result<(Bindings, Vec<DocumentPath>)> {
    let kind = ExpressionKind::Update;
    let mut checker = UpdateChecker {
        placeholders,
        bindings: Bindings::default(),
        reserved: None,
        unknown_function: None,
        undefined_name: None,
        undefined_value: None,
        function_problem: None,
    };
    let mut repeated_clause = None;
    let mut seen_clauses: Vec<&str> = Vec::new();
    let mut action_type = None;
    let mut targets: Vec<&Path> = Vec::new();
    for clause in &update.clauses {
        let keyword = clause.keyword();
        if seen_clauses.contains(&keyword) {
            first(&mut repeated_clause, messages::section_repeated(keyword));
        }
        seen_clauses.push(keyword);
        match clause {
            UpdateClause::Set(actions) => {
                for action in actions {
                    checker.path(&action.path);
                    targets.push(&action.path);
                    checker.set_value(&action.value);
                }
            }
            UpdateClause::Remove(paths) => {
                for path in paths {
                    checker.path(path);
                    targets.push(path);
                }
            }
            UpdateClause::Add(actions) | UpdateClause::Delete(actions) => {
                for action in actions {
                    checker.path(&action.path);
                    targets.push(&action.path);
                    if let Some(type_name) = checker.value(&action.value)
                        && let Some(word) = action_type_word(keyword, type_name)
                    {
                        first(
                            &mut action_type,
                            messages::action_operand_type(keyword, word),
                        );
                    }
                }
            }
        }
    }
    let early = checker
        .reserved
        .take()
        .or(checker.unknown_function.take())
        .or(repeated_clause)
        .or(checker.undefined_name.take())
        .or(checker.undefined_value.take());
    if let Some(message) = early {
        return Err(invalid(kind, message));
    }
    let resolved = resolve_all(&targets, &checker.bindings)?;
    check_paths(kind, &resolved)?;
    if let Some(message) = action_type.or(checker.function_problem) {
        return Err(invalid(kind, message));
    }
    Ok((checker.bindings, resolved))
}

/// Resolves paths whose placeholders are known to be bound.
fn resolve_all(paths: &[&Path], bindings: &Bindings) -> Result<Vec<DocumentPath>> {
    paths
        .iter()
        .map(|path| {
            DocumentPath::resolve(path, bindings).ok_or_else(|| {
                // Unreachable after the undefined-name check; kept as an error, not a panic.
                DynamoError::validation(format!("Unresolved document path: {path}"))
            })
        })
        .collect()
}

// ---- projections --------------------------------------------------------------------

/// Checks a projection; on success returns its bindings and resolved paths.
pub fn check_projection(
    projection: &Projection,
    placeholders: &mut Placeholders,
) -> Result<(Bindings, Vec<DocumentPath>)> {
    let kind = ExpressionKind::Projection;
    let mut bindings = Bindings::default();
    let mut reserved = None;
    let mut undefined = None;
    for path in &projection.paths {
        visit_path(
            path,
            placeholders,
            &mut bindings,
            &mut reserved,
            &mut undefined,
        );
    }
    if let Some(message) = reserved.or(undefined) {
        return Err(invalid(kind, message));
    }
    let paths: Vec<&Path> = projection.paths.iter().collect();
    let resolved = resolve_all(&paths, &bindings)?;
    check_paths(kind, &resolved)?;
    Ok((bindings, resolved))
}

#[cfg(test)]
mod tests;
