//! Checks on update expressions: clauses, placeholders, paths, action and function operands.

use crate::error::Result;
use crate::expr::ExpressionKind;
use crate::expr::ast::{FunctionCall, Operand, Path, SetValue, Update, UpdateClause};
use crate::expr::document::DocumentPath;
use crate::expr::messages::{self, invalid};
use crate::expr::placeholders::{Bindings, Placeholders};
use crate::value::AttributeValue;

use super::{check_paths, first, resolve_all, visit_path};

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
