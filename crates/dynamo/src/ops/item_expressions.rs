//! The expressions of one item request, read and checked together.
//!
//! An item request may carry up to three expressions (UpdateItem: an UpdateExpression and
//! a ConditionExpression; GetItem: a ProjectionExpression) sharing one pair of placeholder
//! maps. Before parsing any of them DynamoDB checks the request's *style*: expression
//! parameters and their pre-2014 equivalents (`Expected`, `AttributeUpdates`,
//! `AttributesToGet`) may not be mixed, and placeholder maps are only allowed alongside an
//! expression that could use them. Then it parses the expressions in a fixed order and
//! finally rejects placeholders no expression used. [`ExpressionParams`] is that sequence.

use serde_json::{Map, Value};

use crate::error::{DynamoError, Result};
use crate::expr::{
    ConditionExpression, ExpressionKind, Placeholders, ProjectionExpression, UpdateExpression,
};
use crate::request::Fields;

/// The expression members of a request, as sent.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ExpressionParams<'a> {
    /// The expression parameters the operation takes, in AWS's order.
    accepted: &'a [ExpressionKind],
    update: Option<&'a str>,
    condition: Option<&'a str>,
    projection: Option<&'a str>,
    names: Option<&'a Map<String, Value>>,
    values: Option<&'a Map<String, Value>>,
}

/// The parsed expressions of a request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Expressions {
    pub update: Option<UpdateExpression>,
    pub condition: Option<ConditionExpression>,
    pub projection: Option<ProjectionExpression>,
}

impl<'a> ExpressionParams<'a> {
    /// Reads (first pass: JSON types only) the expression members an operation accepts.
    /// An operation without a value-using expression has no `ExpressionAttributeValues`
    /// member, so AWS ignores one sent to it; so do we.
    pub(crate) fn read(
        fields: &Fields<'a>,
        accepted: &'a [ExpressionKind],
    ) -> Result<ExpressionParams<'a>> {
        let takes = |kind| accepted.contains(&kind);
        let member = |kind: ExpressionKind| -> Result<Option<&'a str>> {
            if takes(kind) {
                fields.string(kind.parameter_name())
            } else {
                Ok(None)
            }
        };
        let update = member(ExpressionKind::Update)?;
        let condition = member(ExpressionKind::Condition)?;
        let projection = member(ExpressionKind::Projection)?;
        let names = fields.object("ExpressionAttributeNames")?;
        let uses_values = accepted
            .iter()
            .any(|kind| *kind != ExpressionKind::Projection);
        let values = if uses_values {
            fields.object("ExpressionAttributeValues")?
        } else {
            None
        };
        Ok(ExpressionParams {
            accepted,
            update,
            condition,
            projection,
            names,
            values,
        })
    }

    pub(crate) fn text(&self, kind: ExpressionKind) -> Option<&'a str> {
        match kind {
            ExpressionKind::Update => self.update,
            ExpressionKind::Condition => self.condition,
            ExpressionKind::Projection => self.projection,
            _ => None,
        }
    }

    /// DynamoDB's style rules. `legacy` names the non-expression members the request sent
    /// (in the operation's order).
    pub(crate) fn check_style(&self, legacy: &[&str]) -> Result<()> {
        let used: Vec<&str> = self
            .accepted
            .iter()
            .filter(|kind| self.text(**kind).is_some())
            .map(|kind| kind.parameter_name())
            .collect();
        if !used.is_empty() && !legacy.is_empty() {
            return Err(DynamoError::validation(format!(
                "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {{{}}} Expression parameters: {{{}}}",
                legacy.join(", "),
                used.join(", ")
            )));
        }
        if self.names.is_some() && used.is_empty() {
            return Err(DynamoError::validation(
                "ExpressionAttributeNames can only be specified when using expressions",
            ));
        }
        let value_users: Vec<ExpressionKind> = self
            .accepted
            .iter()
            .copied()
            .filter(|kind| *kind != ExpressionKind::Projection)
            .collect();
        if self.values.is_some() && value_users.iter().all(|kind| self.text(*kind).is_none()) {
            let names: Vec<&str> = value_users.iter().map(|k| k.parameter_name()).collect();
            let verb = if names.len() > 1 { "are" } else { "is" };
            return Err(DynamoError::validation(format!(
                "ExpressionAttributeValues can only be specified when using expressions: {} {verb} null",
                names.join(" and ")
            )));
        }
        Ok(())
    }

    /// Validates the placeholder maps, parses every expression in AWS's order
    /// (UpdateExpression, ConditionExpression, ProjectionExpression) and rejects
    /// placeholders none of them used.
    pub(crate) fn parse(&self) -> Result<Expressions> {
        let mut placeholders = Placeholders::new(self.names, self.values)?;
        let update = self
            .update
            .map(|source| UpdateExpression::parse(source, &mut placeholders))
            .transpose()?;
        let condition = self
            .condition
            .map(|source| {
                ConditionExpression::parse(ExpressionKind::Condition, source, &mut placeholders)
            })
            .transpose()?;
        let projection = self
            .projection
            .map(|source| ProjectionExpression::parse(source, &mut placeholders))
            .transpose()?;
        placeholders.check_all_used()?;
        Ok(Expressions {
            update,
            condition,
            projection,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const WRITE: &[ExpressionKind] = &[ExpressionKind::Condition];
    const UPDATE: &[ExpressionKind] = &[ExpressionKind::Update, ExpressionKind::Condition];
    const READ: &[ExpressionKind] = &[ExpressionKind::Projection];

    fn style(body: Value, accepted: &[ExpressionKind], legacy: &[&str]) -> Result<()> {
        let fields = Fields::of(&body)?;
        ExpressionParams::read(&fields, accepted)?.check_style(legacy)
    }

    #[test]
    fn styles_may_not_mix() {
        let body = json!({"ConditionExpression": "attribute_exists(a)"});
        assert_eq!(
            style(body, WRITE, &["Expected"]).unwrap_err().message,
            "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"
        );
    }

    #[test]
    fn placeholder_maps_need_an_expression() {
        assert_eq!(
            style(json!({"ExpressionAttributeNames": {"#a": "a"}}), WRITE, &[])
                .unwrap_err()
                .message,
            "ExpressionAttributeNames can only be specified when using expressions"
        );
        assert_eq!(
            style(
                json!({"ExpressionAttributeValues": {":a": {"N": "1"}}}),
                UPDATE,
                &[]
            )
            .unwrap_err()
            .message,
            "ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null"
        );
        assert_eq!(
            style(
                json!({"ExpressionAttributeValues": {":a": {"N": "1"}}}),
                WRITE,
                &[]
            )
            .unwrap_err()
            .message,
            "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null"
        );
        // GetItem has no ExpressionAttributeValues member: it is ignored.
        assert!(style(json!({"ExpressionAttributeValues": {}}), READ, &[]).is_ok());
    }

    #[test]
    fn unused_placeholders_are_found_across_all_expressions() {
        let body = json!({
            "UpdateExpression": "SET #a = :v",
            "ConditionExpression": "attribute_exists(#b)",
            "ExpressionAttributeNames": {"#a": "a", "#b": "b"},
            "ExpressionAttributeValues": {":v": {"N": "1"}, ":unused": {"N": "2"}}
        });
        let fields = Fields::of(&body).unwrap();
        let params = ExpressionParams::read(&fields, UPDATE).unwrap();
        assert_eq!(
            params.parse().unwrap_err().message,
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}"
        );
    }
}
