//! Reading a Query or Scan request: everything that can be checked before the table is
//! looked up.
//!
//! Query and Scan share most of their members — what to return (`Select`,
//! `ProjectionExpression` or the legacy `AttributesToGet`), which items to keep
//! (`FilterExpression` or `QueryFilter`/`ScanFilter` with `ConditionalOperator`), where to
//! start (`ExclusiveStartKey`), how much to read (`Limit`), how to read (`ConsistentRead`)
//! and what to report (`ReturnConsumedCapacity`). Query adds the key condition and
//! `ScanIndexForward`; Scan adds the parallel-scan `Segment`/`TotalSegments`.
//!
//! DynamoDB checks such a request in passes, and which error a bad request gets depends on
//! the pass that first trips: JSON types for the whole body (SerializationException), then
//! every shape constraint at once ("N validation errors detected"), then the operation's
//! own rules in a fixed order — expression and non-expression parameters mixed, legacy
//! conditions, duplicate `AttributesToGet`, malformed start-key values, segments, then the
//! expressions themselves and their placeholders. [`ReadRequest::parse`] runs exactly these
//! passes in that order; the rules that need the table (index names, key schemas) are the
//! operations' business once the table is found.

use serde_json::{Map, Value};

use super::read_legacy::{self, LegacyCondition, RawCondition};
use crate::capacity::ReturnConsumedCapacity;
use crate::db::{ItemsAs, RequestContext};
use crate::error::{DynamoError, ErrorKind, Result};
use crate::expr::ast::{Condition, Operand};
use crate::expr::document::DocumentPath;
use crate::expr::{
    ConditionExpression, ExpressionKind, KeyComparison, KeyConditionExpression, Placeholders,
    ProjectionExpression,
};
use crate::request::{Fields, Violations, type_error};
use crate::value::{Item, item_from_wire};

/// Which of the two read operations a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReadOp {
    Query,
    Scan,
}

/// What a read returns for each item it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Select {
    AllAttributes,
    AllProjected,
    Specific,
    Count,
}

impl Select {
    /// The enum as AWS lists it in constraint messages.
    pub(crate) const NAMES: [&'static str; 4] = [
        "SPECIFIC_ATTRIBUTES",
        "COUNT",
        "ALL_ATTRIBUTES",
        "ALL_PROJECTED_ATTRIBUTES",
    ];

    fn parse(name: &str) -> Option<Select> {
        Some(match name {
            "ALL_ATTRIBUTES" => Select::AllAttributes,
            "ALL_PROJECTED_ATTRIBUTES" => Select::AllProjected,
            "SPECIFIC_ATTRIBUTES" => Select::Specific,
            "COUNT" => Select::Count,
            _ => return None,
        })
    }

    /// How AWS names the choice in "... when choosing to get X".
    fn described(self) -> &'static str {
        match self {
            Select::AllAttributes => "ALL_ATTRIBUTES",
            Select::AllProjected => "ALL_PROJECTED_ATTRIBUTES",
            Select::Specific => "SPECIFIC_ATTRIBUTES",
            Select::Count => "only the Count",
        }
    }
}

/// Which attributes to return: a ProjectionExpression or the legacy `AttributesToGet`.
#[derive(Debug, Clone)]
pub(crate) enum Projection {
    Expression(ProjectionExpression),
    Attributes(Vec<String>),
}

impl Projection {
    /// The top-level attributes the projection reads.
    pub(crate) fn top_level(&self) -> Vec<String> {
        match self {
            Projection::Expression(expression) => expression
                .top_level_attributes()
                .into_iter()
                .map(str::to_string)
                .collect(),
            Projection::Attributes(names) => names.clone(),
        }
    }

    /// Top-level attributes the projection reaches into (`a.b`, `a[0]`).
    pub(crate) fn nested_heads(&self) -> Vec<String> {
        match self {
            Projection::Expression(expression) => expression
                .paths()
                .iter()
                .filter(|path| path.steps.len() > 1)
                .map(|path| path.top_level().to_string())
                .collect(),
            Projection::Attributes(_) => Vec::new(),
        }
    }

    pub(crate) fn apply(&self, item: &Item) -> Item {
        match self {
            Projection::Expression(expression) => expression.apply(item),
            Projection::Attributes(names) => names
                .iter()
                .filter_map(|name| item.get(name).map(|value| (name.clone(), value.clone())))
                .collect(),
        }
    }
}

/// Which items to keep: a FilterExpression or legacy conditions joined by AND or OR.
#[derive(Debug, Clone)]
pub(crate) enum Filter {
    Expression(ConditionExpression),
    Legacy {
        conditions: Vec<LegacyCondition>,
        any: bool,
        /// `QueryFilter` or `ScanFilter`, for messages.
        member: &'static str,
    },
}

impl Filter {
    pub(crate) fn matches(&self, item: &Item) -> bool {
        match self {
            Filter::Expression(expression) => expression.evaluate(item),
            Filter::Legacy {
                conditions,
                any: true,
                ..
            } => conditions.iter().any(|condition| condition.matches(item)),
            Filter::Legacy {
                conditions,
                any: false,
                ..
            } => conditions.iter().all(|condition| condition.matches(item)),
        }
    }

    /// How messages name the filter: "Filter Expression" or the legacy member's name.
    pub(crate) fn described(&self) -> &'static str {
        match self {
            Filter::Expression(_) => "Filter Expression",
            Filter::Legacy { member, .. } => member,
        }
    }

    /// The document paths the filter reads, in the order written.
    pub(crate) fn paths(&self) -> Vec<DocumentPath> {
        match self {
            Filter::Expression(expression) => {
                let mut paths = Vec::new();
                condition_paths(expression.tree(), expression, &mut paths);
                paths
            }
            Filter::Legacy { conditions, .. } => conditions
                .iter()
                .map(|condition| DocumentPath::attribute(condition.attribute.clone()))
                .collect(),
        }
    }
}

fn condition_paths(
    condition: &Condition,
    expression: &ConditionExpression,
    out: &mut Vec<DocumentPath>,
) {
    let operand = |operand: &Operand, out: &mut Vec<DocumentPath>| {
        operand_paths(operand, expression, out);
    };
    match condition {
        Condition::Compare { left, right, .. } => {
            operand(left, out);
            operand(right, out);
        }
        Condition::Between {
            operand: value,
            lower,
            upper,
        } => {
            operand(value, out);
            operand(lower, out);
            operand(upper, out);
        }
        Condition::In {
            operand: value,
            list,
        } => {
            operand(value, out);
            for candidate in list {
                operand(candidate, out);
            }
        }
        Condition::Call(call) => {
            for argument in &call.arguments {
                operand(argument, out);
            }
        }
        Condition::Not(inner) => condition_paths(inner, expression, out),
        Condition::And(parts) | Condition::Or(parts) => {
            for part in parts {
                condition_paths(part, expression, out);
            }
        }
    }
}

fn operand_paths(operand: &Operand, expression: &ConditionExpression, out: &mut Vec<DocumentPath>) {
    match operand {
        Operand::Path(path) => {
            if let Some(resolved) = DocumentPath::resolve(path, expression.bindings()) {
                out.push(resolved);
            }
        }
        Operand::Value(_) => {}
        Operand::Call(call) => {
            for argument in &call.arguments {
                operand_paths(argument, expression, out);
            }
        }
    }
}

/// One condition of a Query's key condition: the attribute, and the comparison when the
/// operator is one an index can answer (`None` for legacy NULL, NE, CONTAINS, IN, ...).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KeyTerm {
    pub attribute: String,
    pub comparison: Option<KeyComparison>,
}

/// A parallel Scan's slice of the key space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Segment {
    pub segment: u32,
    pub total: u32,
}

/// A Query or Scan request that passed every check not needing the table.
#[derive(Debug, Clone)]
pub(crate) struct ReadRequest {
    pub table_name: String,
    pub index_name: Option<String>,
    /// As asked, or the default: SPECIFIC_ATTRIBUTES with a projection,
    /// ALL_PROJECTED_ATTRIBUTES on an index, ALL_ATTRIBUTES on a table.
    pub select: Select,
    pub limit: Option<u64>,
    pub consistent_read: bool,
    pub forward: bool,
    pub start_key: Option<Item>,
    pub return_capacity: ReturnConsumedCapacity,
    pub projection: Option<Projection>,
    pub filter: Option<Filter>,
    /// Query only: the key condition, one term per attribute, in the order written.
    pub key_terms: Vec<KeyTerm>,
    pub segment: Option<Segment>,
    /// How the page's items are rendered (from the request context, not the body).
    pub items_as: ItemsAs,
}

impl ReadRequest {
    /// Takes in what the request context says about the response.
    pub(crate) fn with_context(mut self, ctx: &RequestContext) -> ReadRequest {
        self.items_as = ctx.items_as;
        self
    }
}

/// A member holding an item-like map, read in pass one: JSON-type errors raise now, a
/// malformed attribute value waits (inside) for pass three.
fn decode_item(fields: &Fields<'_>, name: &str) -> Result<Option<Result<Item>>> {
    let Some(value) = fields.raw(name) else {
        return Ok(None);
    };
    if !value.is_object() {
        return Err(type_error(value, "a structure"));
    }
    match item_from_wire(value) {
        Ok(item) => Ok(Some(Ok(item))),
        Err(error) if error.kind == ErrorKind::Serialization => Err(error),
        Err(error) => Ok(Some(Err(error))),
    }
}

fn string_list(fields: &Fields<'_>, name: &str) -> Result<Option<Vec<String>>> {
    let Some(list) = fields.list(name)? else {
        return Ok(None);
    };
    list.iter()
        .map(|value| match value {
            Value::String(text) => Ok(text.clone()),
            other => Err(type_error(other, "a String")),
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// The start key's attribute values are validated after the shape constraints, and AWS
/// puts "The provided starting key is invalid: " before some of the resulting messages
/// but not others (number and duplicate-member messages come bare).
fn start_key_value_error(error: DynamoError) -> DynamoError {
    const PREFIXED: [&str; 5] = [
        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes",
        "One or more parameter values were invalid: Null attribute value types must have the value of true",
        "One or more parameter values were invalid: An string set  may not be empty",
        "One or more parameter values were invalid: Binary sets should not be empty",
    ];
    if PREFIXED.contains(&error.message.as_str()) {
        DynamoError::validation(format!(
            "The provided starting key is invalid: {}",
            error.message
        ))
    } else {
        error
    }
}

/// Everything read in pass one, before any constraint is looked at.
struct Members<'a> {
    table_name: Option<&'a str>,
    index_name: Option<&'a str>,
    select: Option<&'a str>,
    attributes_to_get: Option<Vec<String>>,
    limit: Option<i64>,
    consistent_read: Option<bool>,
    forward: Option<bool>,
    key_conditions: Option<Vec<RawCondition>>,
    filter_conditions: Option<Vec<RawCondition>>,
    conditional_operator: Option<&'a str>,
    start_key: Option<Result<Item>>,
    return_capacity: Option<&'a str>,
    segment: Option<i64>,
    total_segments: Option<i64>,
    projection_expression: Option<&'a str>,
    filter_expression: Option<&'a str>,
    key_condition_expression: Option<&'a str>,
    names: Option<&'a Map<String, Value>>,
    values: Option<&'a Map<String, Value>>,
}

impl ReadOp {
    fn filter_member(self) -> &'static str {
        match self {
            ReadOp::Query => "QueryFilter",
            ReadOp::Scan => "ScanFilter",
        }
    }
}

impl ReadRequest {
    /// Reads and checks a Query or Scan body up to the point where the table is needed.
    pub(crate) fn parse(op: ReadOp, body: &Value) -> Result<ReadRequest> {
        let fields = Fields::of(body)?;
        let members = read_members(op, &fields)?;
        constrain(op, &members)?;
        check_select(op, &members)?;
        semantic(op, members)
    }
}

/// Pass one: JSON types (SerializationException).
fn read_members<'a>(op: ReadOp, fields: &Fields<'a>) -> Result<Members<'a>> {
    let query = op == ReadOp::Query;
    let names = fields.object("ExpressionAttributeNames")?;
    for value in names.into_iter().flat_map(|map| map.values()) {
        if !value.is_string() {
            return Err(type_error(value, "a String"));
        }
    }
    let values = fields.object("ExpressionAttributeValues")?;
    for value in values.into_iter().flat_map(|map| map.values()) {
        // Only the JSON shape counts now; the values' own validity is checked (and
        // worded) with the placeholders in pass three.
        let _deferred = read_legacy::decode_value(value)?;
    }
    Ok(Members {
        table_name: fields.string("TableName")?,
        index_name: fields.string("IndexName")?,
        select: fields.string("Select")?,
        attributes_to_get: string_list(fields, "AttributesToGet")?,
        limit: fields.integer("Limit")?,
        consistent_read: fields.boolean("ConsistentRead")?,
        forward: if query {
            fields.boolean("ScanIndexForward")?
        } else {
            None
        },
        key_conditions: if query {
            read_legacy::decode(fields, "KeyConditions")?
        } else {
            None
        },
        filter_conditions: read_legacy::decode(fields, op.filter_member())?,
        conditional_operator: fields.string("ConditionalOperator")?,
        start_key: decode_item(fields, "ExclusiveStartKey")?,
        return_capacity: fields.string("ReturnConsumedCapacity")?,
        segment: if query {
            None
        } else {
            fields.integer("Segment")?
        },
        total_segments: if query {
            None
        } else {
            fields.integer("TotalSegments")?
        },
        projection_expression: fields.string("ProjectionExpression")?,
        filter_expression: fields.string("FilterExpression")?,
        key_condition_expression: if query {
            fields.string("KeyConditionExpression")?
        } else {
            None
        },
        names,
        values,
    })
}

/// Pass two: shape constraints, all reported together, in the order AWS lists them.
fn constrain(op: ReadOp, m: &Members<'_>) -> Result<()> {
    let mut v = Violations::new();
    v.one_of("select", m.select, &Select::NAMES);
    v.name("indexName", m.index_name, false);
    if op == ReadOp::Scan {
        v.at_least("totalSegments", m.total_segments, 1);
        v.at_most("totalSegments", m.total_segments, 1_000_000);
    }
    v.one_of(
        "returnConsumedCapacity",
        m.return_capacity,
        &ReturnConsumedCapacity::NAMES,
    );
    if op == ReadOp::Query {
        read_legacy::constrain(
            &mut v,
            "queryFilter",
            m.filter_conditions.as_deref().unwrap_or(&[]),
        );
    }
    v.name("tableName", m.table_name, true);
    v.one_of(
        "conditionalOperator",
        m.conditional_operator,
        &["OR", "AND"],
    );
    if op == ReadOp::Scan {
        read_legacy::constrain(
            &mut v,
            "scanFilter",
            m.filter_conditions.as_deref().unwrap_or(&[]),
        );
        v.at_least("segment", m.segment, 0);
        v.at_most("segment", m.segment, 999_999);
    }
    if m.attributes_to_get.as_ref().is_some_and(Vec::is_empty) {
        v.push(
            Some("[]"),
            "attributesToGet",
            "Member must have length greater than or equal to 1",
        );
    }
    v.at_least("limit", m.limit, 1);
    if op == ReadOp::Query {
        read_legacy::constrain(
            &mut v,
            "keyConditions",
            m.key_conditions.as_deref().unwrap_or(&[]),
        );
    }
    v.finish()
}

/// The `Select` rules. Query reports them in the validator's "1 validation error
/// detected" form and Scan bare, as AWS does; both say "Querying".
fn check_select(op: ReadOp, m: &Members<'_>) -> Result<()> {
    let Some(select) = m.select.and_then(Select::parse) else {
        return Ok(());
    };
    let message = match select {
        Select::AllProjected if m.index_name.is_none() => {
            Some("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName".to_string())
        }
        Select::Specific
            if m.projection_expression.is_none() && m.attributes_to_get.is_none() =>
        {
            Some(
                "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"
                    .to_string(),
            )
        }
        Select::Specific => None,
        other if m.projection_expression.is_some() => Some(format!(
            "Cannot specify the ProjectionExpression when choosing to get {}",
            other.described()
        )),
        other if m.attributes_to_get.is_some() => Some(format!(
            "Cannot specify the AttributesToGet when choosing to get {}",
            other.described()
        )),
        _ => None,
    };
    match (message, op) {
        (None, _) => Ok(()),
        (Some(message), ReadOp::Query) => Err(DynamoError::new(
            ErrorKind::CoralValidation,
            format!("1 validation error detected: {message}"),
        )),
        (Some(message), ReadOp::Scan) => Err(DynamoError::validation(message)),
    }
}

/// Expression and non-expression parameters may not be mixed, and the placeholder maps
/// need an expression to serve.
fn check_expression_parameters(op: ReadOp, m: &Members<'_>) -> Result<()> {
    let mut expressions = vec![
        ("ProjectionExpression", m.projection_expression.is_some()),
        ("FilterExpression", m.filter_expression.is_some()),
    ];
    let mut legacy = vec![
        ("AttributesToGet", m.attributes_to_get.is_some()),
        (op.filter_member(), m.filter_conditions.is_some()),
        ("ConditionalOperator", m.conditional_operator.is_some()),
    ];
    if op == ReadOp::Query {
        expressions.push((
            "KeyConditionExpression",
            m.key_condition_expression.is_some(),
        ));
        // KeyConditions alone may accompany the other expressions.
        if m.key_condition_expression.is_some() {
            legacy.push(("KeyConditions", m.key_conditions.is_some()));
        }
    }
    let present = |list: &[(&'static str, bool)]| -> Vec<&'static str> {
        list.iter()
            .filter(|(_, here)| *here)
            .map(|(name, _)| *name)
            .collect()
    };
    let used_expressions = present(&expressions);
    let used_legacy = present(&legacy);
    if !used_expressions.is_empty() && !used_legacy.is_empty() {
        return Err(DynamoError::validation(format!(
            "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {{{}}} Expression parameters: {{{}}}",
            used_legacy.join(", "),
            used_expressions.join(", ")
        )));
    }
    if m.names.is_some() && used_expressions.is_empty() {
        return Err(DynamoError::validation(
            "ExpressionAttributeNames can only be specified when using expressions",
        ));
    }
    let value_users = match op {
        ReadOp::Query => m.filter_expression.is_some() || m.key_condition_expression.is_some(),
        ReadOp::Scan => m.filter_expression.is_some(),
    };
    if m.values.is_some() && !value_users {
        let which = match op {
            ReadOp::Query => "FilterExpression and KeyConditionExpression are null",
            ReadOp::Scan => "FilterExpression is null",
        };
        return Err(DynamoError::validation(format!(
            "ExpressionAttributeValues can only be specified when using expressions: {which}"
        )));
    }
    Ok(())
}

fn check_duplicates(names: Option<&Vec<String>>) -> Result<()> {
    let Some(names) = names else { return Ok(()) };
    for (position, name) in names.iter().enumerate() {
        if names.iter().take(position).any(|earlier| earlier == name) {
            return Err(DynamoError::validation(format!(
                "One or more parameter values were invalid: Duplicate value in attribute name: {name}"
            )));
        }
    }
    Ok(())
}

fn check_segments(segment: Option<i64>, total: Option<i64>) -> Result<Option<Segment>> {
    match (segment, total) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(DynamoError::validation(
            "The TotalSegments parameter is required but was not present in the request when Segment parameter is present",
        )),
        (None, Some(_)) => Err(DynamoError::validation(
            "The Segment parameter is required but was not present in the request when parameter TotalSegments is present",
        )),
        (Some(segment), Some(total)) if segment >= total => Err(DynamoError::validation(format!(
            "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: {segment} is not less than TotalSegments: {total}"
        ))),
        // The shape constraints bound both to u32 range already.
        (Some(segment), Some(total)) => Ok(Some(Segment {
            segment: u32::try_from(segment).unwrap_or(0),
            total: u32::try_from(total).unwrap_or(1),
        })),
    }
}

/// Pass three: the operation's own rules, in AWS's order.
fn semantic(op: ReadOp, m: Members<'_>) -> Result<ReadRequest> {
    check_expression_parameters(op, &m)?;
    // Query checks its filter before AttributesToGet, Scan the other way round.
    let filter_conditions = if op == ReadOp::Query {
        let conditions = m.filter_conditions.map(read_legacy::validate).transpose()?;
        check_duplicates(m.attributes_to_get.as_ref())?;
        conditions
    } else {
        check_duplicates(m.attributes_to_get.as_ref())?;
        m.filter_conditions.map(read_legacy::validate).transpose()?
    };
    let start_key = m
        .start_key
        .map(|key| key.map_err(start_key_value_error))
        .transpose()?;
    let segment = match op {
        ReadOp::Query => {
            if m.key_conditions.is_none() && m.key_condition_expression.is_none() {
                return Err(DynamoError::validation(
                    "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.",
                ));
            }
            None
        }
        ReadOp::Scan => check_segments(m.segment, m.total_segments)?,
    };

    // The expressions, in DynamoDB's parsing order, then the unused placeholders.
    let mut placeholders = Placeholders::new(m.names, m.values)?;
    let key_expression = m
        .key_condition_expression
        .map(|source| KeyConditionExpression::parse(source, &mut placeholders))
        .transpose()?;
    let filter_expression = m
        .filter_expression
        .map(|source| ConditionExpression::parse(ExpressionKind::Filter, source, &mut placeholders))
        .transpose()?;
    let projection_expression = m
        .projection_expression
        .map(|source| ProjectionExpression::parse(source, &mut placeholders))
        .transpose()?;
    placeholders.check_all_used()?;

    let key_terms = match (key_expression, m.key_conditions) {
        (Some(expression), _) => expression
            .conditions()
            .iter()
            .map(|(attribute, comparison)| KeyTerm {
                attribute: attribute.clone(),
                comparison: Some(comparison.clone()),
            })
            .collect(),
        (None, Some(raw)) => {
            let conditions = read_legacy::validate(raw)?;
            if conditions.len() != 1 && conditions.len() != 2 {
                return Err(DynamoError::validation(
                    "Conditions can be of length 1 or 2 only",
                ));
            }
            conditions
                .iter()
                .map(|condition| KeyTerm {
                    attribute: condition.attribute.clone(),
                    comparison: condition.key_comparison(),
                })
                .collect()
        }
        (None, None) => Vec::new(),
    };

    let projection = match (projection_expression, m.attributes_to_get) {
        (Some(expression), _) => Some(Projection::Expression(expression)),
        (None, Some(names)) => Some(Projection::Attributes(names)),
        (None, None) => None,
    };
    let filter = match (filter_expression, filter_conditions) {
        (Some(expression), _) => Some(Filter::Expression(expression)),
        (None, Some(conditions)) if !conditions.is_empty() => Some(Filter::Legacy {
            conditions,
            any: m.conditional_operator == Some("OR"),
            member: op.filter_member(),
        }),
        _ => None,
    };
    let select = match m.select.and_then(Select::parse) {
        Some(select) => select,
        None if projection.is_some() => Select::Specific,
        None if m.index_name.is_some() => Select::AllProjected,
        None => Select::AllAttributes,
    };
    Ok(ReadRequest {
        table_name: m.table_name.unwrap_or_default().to_string(),
        index_name: m.index_name.map(str::to_string),
        select,
        limit: m.limit.and_then(|limit| u64::try_from(limit).ok()),
        consistent_read: m.consistent_read.unwrap_or(false),
        forward: m.forward.unwrap_or(true),
        start_key,
        return_capacity: ReturnConsumedCapacity::parse(m.return_capacity),
        projection,
        filter,
        key_terms,
        segment,
        items_as: ItemsAs::Values,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn error(op: ReadOp, body: Value) -> DynamoError {
        ReadRequest::parse(op, &body).unwrap_err()
    }

    #[test]
    fn json_types_beat_constraints_and_constraints_are_reported_together() {
        let err = error(ReadOp::Query, json!({"TableName": "a;", "Limit": "x"}));
        assert_eq!(err.kind, ErrorKind::Serialization);
        let err = error(
            ReadOp::Scan,
            json!({"TableName": "ab", "Limit": 0, "Segment": -1}),
        );
        assert_eq!(err.kind, ErrorKind::CoralValidation);
        assert!(
            err.message.starts_with("3 validation errors detected: "),
            "{}",
            err.message
        );
    }

    #[test]
    fn mixing_expressions_and_legacy_names_both_lists() {
        let err = error(
            ReadOp::Query,
            json!({
                "TableName": "tbl", "AttributesToGet": ["a"], "ProjectionExpression": "a",
                "KeyConditionExpression": "k = :k", "KeyConditions": {}
            }),
        );
        assert_eq!(
            err.message,
            "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet, KeyConditions} Expression parameters: {ProjectionExpression, KeyConditionExpression}"
        );
    }

    #[test]
    fn select_rules_use_each_operations_form() {
        let query = error(
            ReadOp::Query,
            json!({"TableName": "tbl", "Select": "SPECIFIC_ATTRIBUTES"}),
        );
        assert_eq!(
            query.message,
            "1 validation error detected: Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"
        );
        let scan = error(
            ReadOp::Scan,
            json!({"TableName": "tbl", "Select": "COUNT", "AttributesToGet": ["a"]}),
        );
        assert_eq!(
            scan.message,
            "Cannot specify the AttributesToGet when choosing to get only the Count"
        );
    }

    #[test]
    fn start_key_values_are_checked_after_constraints_with_aws_prefixes() {
        let err = error(
            ReadOp::Scan,
            json!({"TableName": "tbl", "ExclusiveStartKey": {"a": {}}}),
        );
        assert_eq!(
            err.message,
            "The provided starting key is invalid: Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
        );
        let err = error(
            ReadOp::Scan,
            json!({"TableName": "tbl", "ExclusiveStartKey": {"a": {"NS": ["1", "1"]}}}),
        );
        assert_eq!(err.message, "Input collection contains duplicates");
    }

    #[test]
    fn defaults_follow_the_target_and_projection() {
        let body = json!({"TableName": "tbl", "IndexName": "idx", "KeyConditionExpression": "k = :k",
            "ExpressionAttributeValues": {":k": {"S": "x"}}});
        let request = ReadRequest::parse(ReadOp::Query, &body).unwrap();
        assert_eq!(request.select, Select::AllProjected);
        assert!(request.forward);
        assert_eq!(request.key_terms.len(), 1);
        let body = json!({"TableName": "tbl", "ProjectionExpression": "a"});
        assert_eq!(
            ReadRequest::parse(ReadOp::Scan, &body).unwrap().select,
            Select::Specific
        );
    }
}
