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

mod conditions;
mod projections;
mod updates;

pub use conditions::check_condition;
pub use projections::check_projection;
pub use updates::check_update;

use crate::error::{DynamoError, Result};
use crate::expr::ExpressionKind;
use crate::expr::ast::{Path, PathElement};
use crate::expr::document::{DocumentPath, PathStep};
use crate::expr::messages::{self, invalid};
use crate::expr::placeholders::{Bindings, Placeholders};
use crate::expr::reserved::is_reserved;
use crate::value::AttributeValue;

/// Sets `slot` unless an earlier finding already filled it.
pub(super) fn first(slot: &mut Option<String>, message: String) {
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
pub(super) fn visit_path(
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

/// Checks that no path repeats, contains another, or uses a name where another uses an
/// index (`a.b` and `a[1]`), in the order the paths were written.
pub(super) fn check_paths(kind: ExpressionKind, paths: &[DocumentPath]) -> Result<()> {
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

/// Resolves paths whose placeholders are known to be bound.
pub(super) fn resolve_all(paths: &[&Path], bindings: &Bindings) -> Result<Vec<DocumentPath>> {
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

#[cfg(test)]
mod tests;
