//! Tags and the resource ARNs they hang on.
//!
//! A table carries up to 50 tags, key/value pairs that DynamoDB validates strictly and all
//! or nothing: one bad tag fails the whole request, whether it comes with CreateTable or
//! TagResource. Keys are 1..=128 characters and values 0..=256, both drawn from the AWS tag
//! alphabet (letters and digits of any script, spaces, and `_ . : / = + - @`); the `aws:`
//! prefix is reserved in any letter case. Unlike most of DynamoDB these rules do not use
//! the shape validator's "N validation errors detected" form but their own sentences
//! ("The Tag Key provided is invalid, Key: bad#char").
//!
//! The tagging APIs name tables by ARN. [`table_for_arn`] reads one the way DynamoDB does:
//! it must be an ARN, of DynamoDB, in this account and region, of a table (not an index),
//! and the table must exist.
//!
//! Tag writes are applied at once here; DynamoDB applies them asynchronously (reads lag by
//! about two seconds and a per-table lock rejects a second write meanwhile).

use serde_json::Value;

use crate::db::Database;
use crate::error::{DynamoError, ErrorKind, Result};
use crate::ops::table_spec::{invalid, structure};
use crate::request::type_error;
use crate::table::Table;

/// Most tags one table may carry.
pub(crate) const MAX_TAGS: usize = 50;

/// One Tag as the request gave it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TagSpec {
    pub key: Option<String>,
    pub value: Option<String>,
}

pub(crate) fn parse_tags(list: &[Value]) -> Result<Vec<TagSpec>> {
    list.iter()
        .map(|element| {
            let fields = structure(element)?;
            Ok(TagSpec {
                key: fields.string("Key")?.map(str::to_string),
                value: fields.string("Value")?.map(str::to_string),
            })
        })
        .collect()
}

/// A list of strings (TagKeys).
pub(crate) fn parse_strings(list: &[Value]) -> Result<Vec<String>> {
    list.iter()
        .map(|v| match v {
            Value::String(s) => Ok(s.clone()),
            other => Err(type_error(other, "a String")),
        })
        .collect()
}

/// Characters of the AWS tag alphabet: `[\p{L}\p{Z}\p{N}_.:/=+\-@]`.
fn tag_char(c: char) -> bool {
    let separator = matches!(
        c,
        ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    );
    c.is_alphabetic() || c.is_numeric() || separator || "_.:/=+-@".contains(c)
}

/// A tag key, checked as TagResource, UntagResource and CreateTable check it.
pub(crate) fn check_key(key: Option<&str>) -> Result<&str> {
    let Some(key) = key else {
        return Err(DynamoError::validation(
            "The Tag Key provided is invalid, Key: null",
        ));
    };
    let length = key.chars().count();
    if length == 0 || length > 128 || !key.chars().all(tag_char) {
        return Err(DynamoError::validation(format!(
            "The Tag Key provided is invalid, Key: {key}"
        )));
    }
    if key
        .get(..4)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("aws:"))
    {
        return Err(DynamoError::validation(format!(
            "Tag Key cannot be prefixed with aws:, Key: {key}"
        )));
    }
    Ok(key)
}

fn check_value(value: Option<&str>) -> Result<&str> {
    let Some(value) = value else {
        return Err(DynamoError::validation(
            "The Tag Value provided is invalid, Value: null",
        ));
    };
    if value.chars().count() > 256 || !value.chars().all(tag_char) {
        return Err(DynamoError::validation(format!(
            "The Tag Value provided is invalid, Value: {value}"
        )));
    }
    Ok(value)
}

/// Validates a set of tags to add: each tag, then duplicates, then the count.
pub(crate) fn check_tags(tags: &[TagSpec]) -> Result<Vec<(String, String)>> {
    let mut checked: Vec<(String, String)> = Vec::with_capacity(tags.len());
    for tag in tags {
        let key = check_key(tag.key.as_deref())?;
        let value = check_value(tag.value.as_deref())?;
        checked.push((key.to_string(), value.to_string()));
    }
    for (i, (key, _)) in checked.iter().enumerate() {
        if checked.iter().take(i).any(|(earlier, _)| earlier == key) {
            return Err(DynamoError::validation(format!(
                "Duplicate Tag Keys provided as input: Duplicate Tag Key found {key}"
            )));
        }
    }
    check_count(checked.len())?;
    Ok(checked)
}

/// "Number of Tags exceed the current limit for the provided ResourceArn" (a
/// ValidationException, not a LimitExceededException).
pub(crate) fn check_count(count: usize) -> Result<()> {
    if count > MAX_TAGS {
        return Err(DynamoError::validation(
            "Number of Tags exceed the current limit for the provided ResourceArn",
        ));
    }
    Ok(())
}

/// The table a tagging request's ResourceArn names.
pub(crate) fn table_for_arn<'a>(db: &'a Database, arn: &str) -> Result<&'a Table> {
    if !arn.starts_with("arn:") {
        return Err(invalid(format!("ARNs must start with 'arn:': {arn}")));
    }
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let (Some(service), Some(region), Some(account), Some(resource)) =
        (parts.get(2), parts.get(3), parts.get(4), parts.get(5))
    else {
        return Err(invalid(format!(
            "Provided Arn is not a DynamoDB resource arn: {arn}"
        )));
    };
    if *service != "dynamodb" {
        return Err(invalid(format!(
            "Provided Arn is not a DynamoDB resource arn: {arn}"
        )));
    }
    if *region != db.settings.region || *account != db.settings.account_id {
        return Err(DynamoError::validation(format!(
            "Invalid TableArn: Invalid ResourceArn provided as input {arn}"
        )));
    }
    let Some(path) = resource.strip_prefix("table/") else {
        return Err(invalid(format!(
            "Provided Arn is not a DynamoDB resource arn: {arn}"
        )));
    };
    let mut segments = path.split('/');
    let name = segments.next().unwrap_or_default();
    match segments.next() {
        None => {}
        Some("stream") => return Err(not_found(arn)),
        Some("index") => {
            return Err(invalid(format!(
                "Invalid resource arn provided, only table or stream is accepted. Provided resource arn: {arn}"
            )));
        }
        Some(_) => {
            return Err(invalid(format!(
                "Provided Arn is not a DynamoDB resource arn: {arn}"
            )));
        }
    }
    db.table(name).ok_or_else(|| not_found(arn))
}

/// Shape checks of a ResourceArn member: required, 1..=1283 characters.
pub(crate) fn check_arn_shape(v: &mut crate::request::Violations, arn: Option<&str>) {
    v.not_null("resourceArn", arn);
    match arn.map(|a| a.chars().count()) {
        Some(0) => v.push(
            arn,
            "resourceArn",
            "Member must have length greater than or equal to 1",
        ),
        Some(n) if n > 1283 => v.push(
            arn,
            "resourceArn",
            "Member must have length less than or equal to 1283",
        ),
        _ => {}
    }
}

fn not_found(arn: &str) -> DynamoError {
    DynamoError::new(
        ErrorKind::ResourceNotFound,
        format!("Requested resource not found: ResourceArn: {arn} not found"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(k: Option<&str>, v: Option<&str>) -> TagSpec {
        TagSpec {
            key: k.map(str::to_string),
            value: v.map(str::to_string),
        }
    }

    #[test]
    fn tag_rules_and_messages() {
        let message = |tags: &[TagSpec]| check_tags(tags).unwrap_err().message;
        assert_eq!(
            message(&[tag(None, Some("v"))]),
            "The Tag Key provided is invalid, Key: null"
        );
        assert_eq!(
            message(&[tag(Some(""), Some("v"))]),
            "The Tag Key provided is invalid, Key: "
        );
        assert_eq!(
            message(&[tag(Some("bad#char"), Some("v"))]),
            "The Tag Key provided is invalid, Key: bad#char"
        );
        assert_eq!(
            message(&[tag(Some("AWS:x"), Some("v"))]),
            "Tag Key cannot be prefixed with aws:, Key: AWS:x"
        );
        assert_eq!(
            message(&[tag(Some("k"), None)]),
            "The Tag Value provided is invalid, Value: null"
        );
        assert_eq!(
            message(&[tag(Some("k"), Some("100%"))]),
            "The Tag Value provided is invalid, Value: 100%"
        );
        assert_eq!(
            message(&[tag(Some("d"), Some("1")), tag(Some("d"), Some("2"))]),
            "Duplicate Tag Keys provided as input: Duplicate Tag Key found d"
        );
        let long_key = "k".repeat(129);
        assert!(message(&[tag(Some(&long_key), Some(""))]).ends_with(&long_key));
        let ok = check_tags(&[
            tag(Some("ключ café"), Some("")),
            tag(Some("myaws:x"), Some("a+b-c=d.e_f:g/h@i")),
        ]);
        assert_eq!(ok.unwrap().len(), 2);
        let many: Vec<TagSpec> = (0..51)
            .map(|i| tag(Some(&format!("k{i}")), Some("v")))
            .collect();
        assert_eq!(
            message(&many),
            "Number of Tags exceed the current limit for the provided ResourceArn"
        );
    }

    #[test]
    fn resource_arns_are_read_like_dynamodb() {
        let db = Database::default();
        let message = |arn: &str| table_for_arn(&db, arn).unwrap_err();
        assert_eq!(
            message("table/t").message,
            "One or more parameter values were invalid: ARNs must start with 'arn:': table/t"
        );
        assert_eq!(
            message("arn:aws:dynamodb:eu-west-1:000000000000:table/t").message,
            "Invalid TableArn: Invalid ResourceArn provided as input arn:aws:dynamodb:eu-west-1:000000000000:table/t"
        );
        assert!(
            message("arn:aws:dynamodb:us-east-1:000000000000:table/t/index/i")
                .message
                .contains("only table or stream is accepted")
        );
        let missing = message("arn:aws:dynamodb:us-east-1:000000000000:table/t");
        assert_eq!(missing.kind, ErrorKind::ResourceNotFound);
        assert_eq!(
            missing.message,
            "Requested resource not found: ResourceArn: arn:aws:dynamodb:us-east-1:000000000000:table/t not found"
        );
    }
}
