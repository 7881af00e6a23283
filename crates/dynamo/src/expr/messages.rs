//! Every message the expression module can produce, in one place.
//!
//! DynamoDB's expression errors are part of its interface: SDK users match on them,
//! learners paste them into search engines, and application tests assert them. Each text
//! below was checked against what the real service returns, as recorded by tests that were
//! run against AWS (dynalite's suite, conformance suites, and error reports quoting the
//! service). Where AWS's wording could not be confirmed the function says so.
//!
//! Most messages are the body of an `Invalid <Parameter>: <body>` message; [`invalid`]
//! adds the prefix for the expression being parsed. The key-condition structure messages,
//! the placeholder-map messages and the update-time messages stand alone, as AWS writes
//! them.

use crate::error::DynamoError;
use crate::expr::ExpressionKind;

/// `Invalid <Parameter>: <body>` as a ValidationException.
pub fn invalid(kind: ExpressionKind, body: impl AsRef<str>) -> DynamoError {
    DynamoError::validation(format!(
        "Invalid {}: {}",
        kind.parameter_name(),
        body.as_ref()
    ))
}

// ---- Bodies of `Invalid <Parameter>: ...` messages -------------------------------------

pub fn empty_expression() -> String {
    "The expression can not be empty;".to_string()
}

pub fn expression_too_long(bytes: usize) -> String {
    format!("Expression size has exceeded the maximum allowed size; expression size: {bytes}")
}

pub fn too_many_operators(count: usize) -> String {
    format!("The expression contains too many operators; operator count: {count}")
}

pub fn too_many_in_operands(count: usize) -> String {
    format!("The IN operator is provided with too many operands; number of operands: {count}")
}

/// Our wording: AWS documents the nesting limit but no response quoting it was found.
pub fn nesting_too_deep(depth: usize) -> String {
    format!(
        "The expression has exceeded the maximum nesting depth of parentheses; nesting depth: {depth}"
    )
}

pub fn syntax_error(token: &str, near: &str) -> String {
    format!("Syntax error; token: \"{token}\", near: \"{near}\"")
}

pub fn redundant_parentheses() -> String {
    "The expression has redundant parentheses;".to_string()
}

pub fn unknown_function(name: &str) -> String {
    format!("Invalid function name; function: {name}")
}

pub fn misused_function(name: &str) -> String {
    format!("The function is not allowed to be used this way in an expression; function: {name}")
}

pub fn reserved_keyword(name: &str) -> String {
    format!("Attribute name is a reserved keyword; reserved keyword: {name}")
}

pub fn undefined_name(placeholder: &str) -> String {
    format!(
        "An expression attribute name used in the document path is not defined; attribute name: {placeholder}"
    )
}

pub fn undefined_value(placeholder: &str) -> String {
    format!(
        "An expression attribute value used in expression is not defined; attribute value: {placeholder}"
    )
}

pub fn operand_count(function: &str, count: usize) -> String {
    format!(
        "Incorrect number of operands for operator or function; operator or function: {function}, number of operands: {count}"
    )
}

pub fn operands_not_distinct(operator: &str, path: &str) -> String {
    format!(
        "The first operand must be distinct from the remaining operands for this operator or function; operator: {operator}, first operand: {path}"
    )
}

pub fn requires_document_path(function: &str) -> String {
    format!("Operator or function requires a document path; operator or function: {function}")
}

/// A function or `+`/`-` given an operand of the wrong type (`S`, `N`, ... as written).
pub fn function_operand_type(function: &str, type_name: &str) -> String {
    format!(
        "Incorrect operand type for operator or function; operator or function: {function}, operand type: {type_name}"
    )
}

/// `ADD`/`DELETE` given a value they cannot take (`STRING`, `NUMBER`, ... spelled out).
pub fn action_operand_type(action: &str, type_word: &str) -> String {
    format!(
        "Incorrect operand type for operator or function; operator: {action}, operand type: {type_word}"
    )
}

/// The type names `attribute_type` accepts, in the order AWS happened to list them.
pub const ATTRIBUTE_TYPE_NAMES: &str = "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}";

/// What AWS prints as the "operand type" when `attribute_type` gets a path whose type it
/// cannot know before reading the item.
pub const ANY_ATTRIBUTE_TYPE: &str = "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}";

pub fn invalid_attribute_type(given: &str) -> String {
    format!("Invalid attribute type name found; type: {given}, valid types: {ATTRIBUTE_TYPE_NAMES}")
}

/// Bounds are rendered as AWS does: `AttributeValue: {N:5}`.
pub fn between_types_differ(lower: &str, upper: &str) -> String {
    format!(
        "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {lower}, upper bound operand: AttributeValue: {upper}"
    )
}

pub fn between_bounds_reversed(lower: &str, upper: &str) -> String {
    format!(
        "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {lower}, upper bound operand: AttributeValue: {upper}"
    )
}

pub fn section_repeated(keyword: &str) -> String {
    format!("The \"{keyword}\" section can only be used once in an update expression;")
}

pub fn paths_overlap(one: &str, two: &str) -> String {
    format!(
        "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: {one}, path two: {two}"
    )
}

pub fn paths_conflict(one: &str, two: &str) -> String {
    format!(
        "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: {one}, path two: {two}"
    )
}

// ---- KeyConditionExpression structure (no `Invalid ...:` prefix) -----------------------

pub fn key_invalid_operator(operator: &str) -> DynamoError {
    DynamoError::validation(format!(
        "Invalid operator used in KeyConditionExpression: {operator}"
    ))
}

pub fn key_attribute_not_first(operator: &str) -> DynamoError {
    DynamoError::validation(format!(
        "Invalid condition in KeyConditionExpression: {operator} operator must have the key attribute as its first operand"
    ))
}

pub fn key_nested_operation() -> DynamoError {
    DynamoError::validation("KeyConditionExpressions cannot contain nested operations")
}

pub fn key_multiple_attributes() -> DynamoError {
    DynamoError::validation(
        "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition",
    )
}

pub fn key_nested_attribute() -> DynamoError {
    DynamoError::validation("KeyConditionExpressions cannot have conditions on nested attributes")
}

pub fn key_no_attribute() -> DynamoError {
    DynamoError::validation(
        "Invalid condition in KeyConditionExpression: No key attribute specified",
    )
}

pub fn key_condition_repeated() -> DynamoError {
    DynamoError::validation("KeyConditionExpressions must only contain one condition per key")
}

pub fn key_too_many_conditions() -> DynamoError {
    DynamoError::validation("Conditions can be of length 1 or 2 only")
}

pub fn key_schema_element_missed(attribute: &str) -> DynamoError {
    DynamoError::validation(format!(
        "Query condition missed key schema element: {attribute}"
    ))
}

pub fn key_condition_not_supported() -> DynamoError {
    DynamoError::validation("Query key condition not supported")
}

pub fn key_condition_type_mismatch() -> DynamoError {
    DynamoError::validation(
        "One or more parameter values were invalid: Condition parameter type does not match schema type",
    )
}

// ---- ExpressionAttributeNames / ExpressionAttributeValues ------------------------------

pub fn names_empty() -> DynamoError {
    DynamoError::validation("ExpressionAttributeNames must not be empty")
}

pub fn values_empty() -> DynamoError {
    DynamoError::validation("ExpressionAttributeValues must not be empty")
}

/// `map` is `ExpressionAttributeNames` or `ExpressionAttributeValues`.
pub fn placeholder_key_syntax(map: &str, key: &str) -> DynamoError {
    DynamoError::validation(format!(
        "{map} contains invalid key: Syntax error; key: \"{key}\""
    ))
}

/// Wording from AWS's own DAX client, which mirrors the service's check.
pub fn placeholder_key_too_long(map: &str) -> DynamoError {
    DynamoError::validation(format!(
        "{map} contains invalid key: The expression attribute map contains a key that is too long"
    ))
}

/// Our wording: AWS rejects an empty attribute name, but no response quoting it was found.
pub fn placeholder_name_empty(key: &str) -> DynamoError {
    DynamoError::validation(format!(
        "ExpressionAttributeNames contains invalid value: Empty attribute name for key {key}"
    ))
}

pub fn placeholder_value_invalid(reason: &str, key: &str) -> DynamoError {
    DynamoError::validation(format!(
        "ExpressionAttributeValues contains invalid value: {reason} for key {key}"
    ))
}

/// `keys` in the order the request listed them, e.g. `{:a, :b}`.
pub fn placeholders_unused(map: &str, keys: &[&str]) -> DynamoError {
    DynamoError::validation(format!(
        "Value provided in {map} unused in expressions: keys: {{{}}}",
        keys.join(", ")
    ))
}

// ---- Applying an UpdateExpression to an item -------------------------------------------

pub fn update_refers_to_missing_attribute() -> DynamoError {
    DynamoError::validation(
        "The provided expression refers to an attribute that does not exist in the item",
    )
}

pub fn update_operand_type() -> DynamoError {
    DynamoError::validation("An operand in the update expression has an incorrect data type")
}

pub fn update_invalid_path() -> DynamoError {
    DynamoError::validation(
        "The document path provided in the update expression is invalid for update",
    )
}
