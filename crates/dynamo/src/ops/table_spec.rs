//! Table definitions as requests spell them: key schemas, attribute definitions,
//! secondary indexes, projections and provisioned throughput.
//!
//! CreateTable and UpdateTable (when it creates a global secondary index) read the same
//! structures and make the same mistakes, so the reading and checking lives here, in the
//! three stages DynamoDB uses. Parsing turns JSON into `*Spec` values that remember what
//! was and was not given, failing only on wrong JSON types (SerializationException).
//! Shape checks push every violated constraint onto [`Violations`] with AWS's member
//! paths (`globalSecondaryIndexes.1.member.keySchema`). Semantic checks then return the
//! first ValidationException in DynamoDB's order ("Invalid KeySchema: The first
//! KeySchemaElement is not a HASH key type", "Unknown ProjectionType: null", ...).
//!
//! Several messages list attribute names: `Keys: [a, c], AttributeDefinitions: [a, b]`.
//! DynamoDB builds those lists from Java `HashSet`s, so their order is the set's bucket
//! order, not the request's; [`java_hash_set_order`] reproduces it so that our messages
//! read as DynamoDB's do.

use serde_json::Value;

use crate::error::{DynamoError, Result};
use crate::key::{KeyAttribute, KeySchema, ScalarType};
use crate::ops::throughput_settings::{Members, parse_maximum, parse_warm};
use crate::request::{Fields, Violations, type_error};
use crate::table::{Projection, Throughput};

/// The prefix of most of DynamoDB's semantic validation messages.
pub(crate) const INVALID: &str = "One or more parameter values were invalid: ";

/// Largest capacity a request may name before DynamoDB calls it out of bounds (larger
/// values than the account quota are a LimitExceededException, checked later).
const MAX_CAPACITY_UNITS: i64 = 1_000_000_000_000;

/// At most this many non-key attributes per INCLUDE projection (a shape constraint).
const MAX_NON_KEY_ATTRIBUTES: usize = 20;

/// A ValidationException with the usual "One or more parameter values were invalid: "
/// prefix.
pub(crate) fn invalid(detail: impl std::fmt::Display) -> DynamoError {
    DynamoError::validation(format!("{INVALID}{detail}"))
}

/// One KeySchemaElement as the request gave it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct KeyElementSpec {
    pub name: Option<String>,
    pub key_type: Option<String>,
}

/// One AttributeDefinition as the request gave it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct AttributeSpec {
    pub name: Option<String>,
    pub attribute_type: Option<String>,
}

/// A ProvisionedThroughput block as the request gave it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct ThroughputSpec {
    pub read: Option<i64>,
    pub write: Option<i64>,
}

/// A Projection block as the request gave it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ProjectionSpec {
    pub projection_type: Option<String>,
    pub non_key_attributes: Option<Vec<String>>,
}

/// A GlobalSecondaryIndex or LocalSecondaryIndex (or a GSI Create action) as given.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct IndexSpec {
    pub name: Option<String>,
    pub key_schema: Option<Vec<KeyElementSpec>>,
    pub projection: Option<ProjectionSpec>,
    pub throughput: Option<ThroughputSpec>,
    /// A global index's OnDemandThroughput and WarmThroughput.
    pub maximum: Option<Members>,
    pub warm: Option<Members>,
}

// ----- Parsing: JSON types only -------------------------------------------------------

/// A structure member of a list: an object, or `null` read as an empty structure.
pub(crate) fn structure(value: &Value) -> Result<Fields<'_>> {
    match value {
        Value::Object(map) => Ok(Fields::of_map(map)),
        Value::Null => Fields::of(value),
        other => Err(type_error(other, "a structure")),
    }
}

fn string_of(fields: &Fields<'_>, name: &str) -> Result<Option<String>> {
    Ok(fields.string(name)?.map(str::to_string))
}

pub(crate) fn parse_key_schema(list: &[Value]) -> Result<Vec<KeyElementSpec>> {
    list.iter()
        .map(|element| {
            let fields = structure(element)?;
            Ok(KeyElementSpec {
                name: string_of(&fields, "AttributeName")?,
                key_type: string_of(&fields, "KeyType")?,
            })
        })
        .collect()
}

pub(crate) fn parse_attribute_definitions(list: &[Value]) -> Result<Vec<AttributeSpec>> {
    list.iter()
        .map(|element| {
            let fields = structure(element)?;
            Ok(AttributeSpec {
                name: string_of(&fields, "AttributeName")?,
                attribute_type: string_of(&fields, "AttributeType")?,
            })
        })
        .collect()
}

pub(crate) fn parse_throughput(
    fields: &Fields<'_>,
    member: &str,
) -> Result<Option<ThroughputSpec>> {
    let Some(map) = fields.object(member)? else {
        return Ok(None);
    };
    let inner = Fields::of_map(map);
    Ok(Some(ThroughputSpec {
        read: inner.integer("ReadCapacityUnits")?,
        write: inner.integer("WriteCapacityUnits")?,
    }))
}

fn parse_projection(fields: &Fields<'_>) -> Result<Option<ProjectionSpec>> {
    let Some(map) = fields.object("Projection")? else {
        return Ok(None);
    };
    let inner = Fields::of_map(map);
    let non_key_attributes = match inner.list("NonKeyAttributes")? {
        None => None,
        Some(list) => Some(
            list.iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(type_error(other, "a String")),
                })
                .collect::<Result<Vec<_>>>()?,
        ),
    };
    Ok(Some(ProjectionSpec {
        projection_type: string_of(&inner, "ProjectionType")?,
        non_key_attributes,
    }))
}

/// An index definition; `ProvisionedThroughput`, `OnDemandThroughput` and `WarmThroughput`
/// are read for global indexes only (local indexes share the table's).
pub(crate) fn parse_index(value: &Value, global: bool) -> Result<IndexSpec> {
    let fields = structure(value)?;
    let key_schema = match fields.list("KeySchema")? {
        Some(list) => Some(parse_key_schema(list)?),
        None => None,
    };
    Ok(IndexSpec {
        name: string_of(&fields, "IndexName")?,
        key_schema,
        projection: parse_projection(&fields)?,
        throughput: if global {
            parse_throughput(&fields, "ProvisionedThroughput")?
        } else {
            None
        },
        maximum: if global {
            parse_maximum(&fields)?
        } else {
            None
        },
        warm: if global { parse_warm(&fields)? } else { None },
    })
}

pub(crate) fn parse_indexes(
    fields: &Fields<'_>,
    member: &str,
    global: bool,
) -> Result<Option<Vec<IndexSpec>>> {
    match fields.list(member)? {
        None => Ok(None),
        Some(list) => list
            .iter()
            .map(|v| parse_index(v, global))
            .collect::<Result<_>>()
            .map(Some),
    }
}

// ----- Shape constraints ---------------------------------------------------------------

/// A list of strings the way Java prints it: `[a, b]`.
pub(crate) fn bracket<S: AsRef<str>>(names: &[S]) -> String {
    let joined: Vec<&str> = names.iter().map(AsRef::as_ref).collect();
    format!("[{}]", joined.join(", "))
}

/// Java's `String.hashCode` (over UTF-16 code units, wrapping).
pub(crate) fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, unit| {
        h.wrapping_mul(31).wrapping_add(i32::from(unit))
    })
}

/// How AWS prints a list of KeySchemaElement objects in a constraint message: Java's
/// default `toString`, class name and hash code. The hash follows the AWS model classes
/// (31-based over attribute name and key type).
fn key_schema_repr(list: &[KeyElementSpec]) -> String {
    let items: Vec<String> = list
        .iter()
        .map(|e| {
            let name = e.name.as_deref().map(java_string_hash).unwrap_or(0);
            let key_type = e.key_type.as_deref().map(java_string_hash).unwrap_or(0);
            let hash = 31i32
                .wrapping_add(name)
                .wrapping_mul(31)
                .wrapping_add(key_type);
            format!(
                "com.amazonaws.dynamodb.v20120810.KeySchemaElement@{:x}",
                hash as u32
            )
        })
        .collect();
    bracket(&items)
}

fn check_attribute_name(v: &mut Violations, path: &str, name: Option<&str>) {
    match name {
        None => v.not_null::<()>(path, None),
        Some(n) if n.is_empty() => v.push(
            Some(n),
            path,
            "Member must have length greater than or equal to 1",
        ),
        Some(n) if n.chars().count() > 255 => v.push(
            Some(n),
            path,
            "Member must have length less than or equal to 255",
        ),
        Some(_) => {}
    }
}

/// `keySchema`: 1 or 2 elements, each with a name and a HASH/RANGE key type.
pub(crate) fn check_key_schema(v: &mut Violations, path: &str, schema: Option<&[KeyElementSpec]>) {
    let Some(list) = schema else {
        v.not_null::<()>(path, None);
        return;
    };
    if list.is_empty() {
        v.push(
            Some("[]"),
            path,
            "Member must have length greater than or equal to 1",
        );
    }
    if list.len() > 2 {
        v.push(
            Some(&key_schema_repr(list)),
            path,
            "Member must have length less than or equal to 2",
        );
    }
    for (i, element) in list.iter().enumerate() {
        let member = format!("{path}.{}.member", i + 1);
        check_attribute_name(
            v,
            &format!("{member}.attributeName"),
            element.name.as_deref(),
        );
        let key_type_path = format!("{member}.keyType");
        match element.key_type.as_deref() {
            None => v.not_null::<()>(&key_type_path, None),
            Some(t) => v.one_of(&key_type_path, Some(t), &["HASH", "RANGE"]),
        }
    }
}

/// `attributeDefinitions`: required, each with a name and a type of B, N or S.
pub(crate) fn check_attribute_definitions(v: &mut Violations, defs: Option<&[AttributeSpec]>) {
    let Some(list) = defs else {
        v.not_null::<()>("attributeDefinitions", None);
        return;
    };
    for (i, def) in list.iter().enumerate() {
        let member = format!("attributeDefinitions.{}.member", i + 1);
        check_attribute_name(v, &format!("{member}.attributeName"), def.name.as_deref());
        let type_path = format!("{member}.attributeType");
        match def.attribute_type.as_deref() {
            None => v.not_null::<()>(&type_path, None),
            Some(t) => v.one_of(&type_path, Some(t), &["B", "N", "S"]),
        }
    }
}

/// A ProvisionedThroughput block: both members required and at least 1.
pub(crate) fn check_throughput(v: &mut Violations, path: &str, throughput: &ThroughputSpec) {
    for (member, value) in [
        ("writeCapacityUnits", throughput.write),
        ("readCapacityUnits", throughput.read),
    ] {
        let member_path = format!("{path}.{member}");
        v.not_null(&member_path, value);
        v.at_least(&member_path, value, 1);
    }
}

fn check_projection(v: &mut Violations, path: &str, projection: Option<&ProjectionSpec>) {
    let Some(projection) = projection else {
        v.not_null::<()>(path, None);
        return;
    };
    v.one_of(
        &format!("{path}.projectionType"),
        projection.projection_type.as_deref(),
        &["ALL", "INCLUDE", "KEYS_ONLY"],
    );
    if let Some(names) = &projection.non_key_attributes {
        let member = format!("{path}.nonKeyAttributes");
        if names.is_empty() {
            v.push(
                Some("[]"),
                &member,
                "Member must have length greater than or equal to 1",
            );
        }
        if names.len() > MAX_NON_KEY_ATTRIBUTES {
            v.push(
                Some(&bracket(names)),
                &member,
                "Member must have length less than or equal to 20",
            );
        }
    }
}

/// One index entry, at `path` (`globalSecondaryIndexes.1.member`).
pub(crate) fn check_index(v: &mut Violations, path: &str, index: &IndexSpec) {
    v.name(&format!("{path}.indexName"), index.name.as_deref(), true);
    if let Some(throughput) = &index.throughput {
        check_throughput(v, &format!("{path}.provisionedThroughput"), throughput);
    }
    check_key_schema(v, &format!("{path}.keySchema"), index.key_schema.as_deref());
    check_projection(v, &format!("{path}.projection"), index.projection.as_ref());
}

// ----- Semantic checks ---------------------------------------------------------------

/// The iteration order of a Java `HashSet<String>` holding `names` (duplicates dropped):
/// buckets of the spread hash, insertion order within a bucket, at the capacity a default
/// `HashSet` has grown to for that many entries.
pub(crate) fn java_hash_set_order<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut unique: Vec<&str> = Vec::new();
    for name in names {
        if !unique.contains(&name) {
            unique.push(name);
        }
    }
    let mut capacity: usize = 16;
    while unique.len() * 4 > capacity * 3 {
        capacity *= 2;
    }
    let bucket = |name: &str| {
        let h = java_string_hash(name) as u32;
        ((h ^ (h >> 16)) as usize) & (capacity - 1)
    };
    let mut ordered: Vec<(usize, usize, &str)> = unique
        .iter()
        .enumerate()
        .map(|(i, n)| (bucket(n), i, *n))
        .collect();
    ordered.sort();
    ordered.into_iter().map(|(_, _, n)| n).collect()
}

/// Names of a parsed key schema, in request order (shape checks made them present).
pub(crate) fn key_names(schema: &[KeyElementSpec]) -> Vec<&str> {
    schema.iter().filter_map(|e| e.name.as_deref()).collect()
}

/// "Some index key attributes are not defined in AttributeDefinitions. Keys: [...],
/// AttributeDefinitions: [...]", with both lists in Java set order.
pub(crate) fn undefined_keys(keys: &[&str], defined: &[&str]) -> DynamoError {
    invalid(format!(
        "Some index key attributes are not defined in AttributeDefinitions. Keys: {}, AttributeDefinitions: {}",
        bracket(&java_hash_set_order(keys.iter().copied())),
        bracket(&java_hash_set_order(defined.iter().copied()))
    ))
}

/// The checks DynamoDB makes on the order of a key schema's elements.
pub(crate) fn check_key_order(schema: &[KeyElementSpec]) -> Result<()> {
    let first = schema.first();
    let second = schema.get(1);
    if let (Some(a), Some(b)) = (first, second)
        && a.name == b.name
    {
        return Err(DynamoError::validation(
            "Both the Hash Key and the Range Key element in the KeySchema have the same name",
        ));
    }
    if first.is_some_and(|e| e.key_type.as_deref() != Some("HASH")) {
        return Err(DynamoError::validation(
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
        ));
    }
    if second.is_some_and(|e| e.key_type.as_deref() != Some("RANGE")) {
        return Err(DynamoError::validation(
            "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type",
        ));
    }
    Ok(())
}

/// The key schema a validated spec describes, with each attribute's declared type.
/// `type_of` must know every key attribute (the caller checked the definitions).
pub(crate) fn build_key_schema(
    schema: &[KeyElementSpec],
    type_of: impl Fn(&str) -> Option<ScalarType>,
) -> Result<KeySchema> {
    let attribute = |element: Option<&KeyElementSpec>| -> Result<Option<KeyAttribute>> {
        let Some(element) = element else {
            return Ok(None);
        };
        let name = element.name.clone().unwrap_or_default();
        let scalar_type = type_of(&name).ok_or_else(|| undefined_keys(&[&name], &[]))?;
        Ok(Some(KeyAttribute { name, scalar_type }))
    };
    let hash = attribute(schema.first())?.ok_or_else(|| {
        DynamoError::validation(
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
        )
    })?;
    let range = attribute(schema.get(1))?;
    Ok(KeySchema { hash, range })
}

/// A projection's semantic rules, in DynamoDB's order.
pub(crate) fn build_projection(spec: Option<&ProjectionSpec>) -> Result<Projection> {
    let spec = spec.cloned().unwrap_or_default();
    let Some(projection_type) = spec.projection_type.as_deref() else {
        return Err(invalid("Unknown ProjectionType: null"));
    };
    match (projection_type, spec.non_key_attributes) {
        ("INCLUDE", None) => Err(invalid(
            "ProjectionType is INCLUDE, but NonKeyAttributes is not specified",
        )),
        ("INCLUDE", Some(names)) => {
            for (i, name) in names.iter().enumerate() {
                if names.iter().take(i).any(|earlier| earlier == name) {
                    return Err(invalid(format!(
                        "Duplicate element in NonKeyAttributes: {name}"
                    )));
                }
            }
            Ok(Projection::Include(names))
        }
        (other, Some(_)) => Err(invalid(format!(
            "ProjectionType is {other}, but NonKeyAttributes is specified"
        ))),
        ("KEYS_ONLY", None) => Ok(Projection::KeysOnly),
        _ => Ok(Projection::All),
    }
}

/// Capacity beyond anything DynamoDB accepts is "out of bounds" (ValidationException).
pub(crate) fn check_bounds(throughput: &ThroughputSpec) -> Result<()> {
    for (member, value) in [
        ("ReadCapacityUnits", throughput.read),
        ("WriteCapacityUnits", throughput.write),
    ] {
        if let Some(units) = value.filter(|u| *u > MAX_CAPACITY_UNITS) {
            return Err(DynamoError::validation(format!(
                "Given value {units} for {member} is out of bounds"
            )));
        }
    }
    Ok(())
}

/// The throughput a shape-checked spec names (both members present and positive).
pub(crate) fn throughput_of(spec: &ThroughputSpec) -> Throughput {
    let units = |v: Option<i64>| v.and_then(|u| u64::try_from(u).ok()).unwrap_or(1);
    Throughput {
        read: units(spec.read),
        write: units(spec.write),
    }
}

/// The key type a shape-checked attribute definition names.
pub(crate) fn scalar_type_of(def: &AttributeSpec) -> Option<ScalarType> {
    def.attribute_type.as_deref().and_then(ScalarType::parse)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn elements(pairs: &[(&str, &str)]) -> Vec<KeyElementSpec> {
        pairs
            .iter()
            .map(|(n, t)| KeyElementSpec {
                name: Some(n.to_string()),
                key_type: Some(t.to_string()),
            })
            .collect()
    }

    #[test]
    fn java_hash_set_order_matches_java() {
        // Java: new HashSet<>(List.of("pk", "sk")) iterates [sk, pk]; {"a","sk","pk"}
        // iterates [a, sk, pk] (as DynamoDB's "keys used: [a, sk, pk]" shows).
        assert_eq!(java_hash_set_order(["pk", "sk"]), vec!["sk", "pk"]);
        assert_eq!(
            java_hash_set_order(["pk", "sk", "a"]),
            vec!["a", "sk", "pk"]
        );
        assert_eq!(java_hash_set_order(["b", "a", "a"]), vec!["a", "b"]);
        assert_eq!(java_string_hash("pk"), 3579);
    }

    #[test]
    fn key_schema_shape_violations_use_aws_paths() {
        let mut v = Violations::new();
        let schema = vec![
            KeyElementSpec {
                name: None,
                key_type: Some("HASH".into()),
            },
            KeyElementSpec {
                name: Some("a".into()),
                key_type: Some("Woop".into()),
            },
        ];
        check_key_schema(&mut v, "keySchema", Some(&schema));
        let message = v.finish().unwrap_err().message;
        assert_eq!(
            message,
            "2 validation errors detected: Value null at 'keySchema.1.member.attributeName' failed to satisfy constraint: Member must not be null; \
             Value 'Woop' at 'keySchema.2.member.keyType' failed to satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]"
        );
        let mut empty = Violations::new();
        check_key_schema(&mut empty, "keySchema", Some(&[]));
        assert!(empty.finish().unwrap_err().message.contains(
            "Value '[]' at 'keySchema' failed to satisfy constraint: Member must have length greater than or equal to 1"
        ));
    }

    #[test]
    fn too_long_key_schemas_print_like_java_lists() {
        let mut v = Violations::new();
        check_key_schema(
            &mut v,
            "keySchema",
            Some(&elements(&[("a", "HASH"), ("b", "RANGE"), ("c", "RANGE")])),
        );
        let message = v.finish().unwrap_err().message;
        assert!(message.starts_with(
            "1 validation error detected: Value '[com.amazonaws.dynamodb.v20120810.KeySchemaElement@"
        ));
        assert!(message.ends_with("at 'keySchema' failed to satisfy constraint: Member must have length less than or equal to 2"));
    }

    #[test]
    fn throughput_members_are_checked_write_first() {
        let mut v = Violations::new();
        check_throughput(
            &mut v,
            "provisionedThroughput",
            &ThroughputSpec {
                read: Some(-1),
                write: None,
            },
        );
        assert_eq!(
            v.finish().unwrap_err().message,
            "2 validation errors detected: Value null at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must not be null; \
             Value '-1' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1"
        );
        assert_eq!(
            check_bounds(&ThroughputSpec {
                read: Some(1_000_000_000_001),
                write: Some(1)
            })
            .unwrap_err()
            .message,
            "Given value 1000000000001 for ReadCapacityUnits is out of bounds"
        );
    }

    #[test]
    fn key_order_rules() {
        assert_eq!(
            check_key_order(&elements(&[("a", "RANGE"), ("b", "HASH")]))
                .unwrap_err()
                .message,
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"
        );
        assert_eq!(
            check_key_order(&elements(&[("a", "HASH"), ("b", "HASH")]))
                .unwrap_err()
                .message,
            "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"
        );
        assert_eq!(
            check_key_order(&elements(&[("a", "HASH"), ("a", "RANGE")]))
                .unwrap_err()
                .message,
            "Both the Hash Key and the Range Key element in the KeySchema have the same name"
        );
        assert!(check_key_order(&elements(&[("a", "HASH"), ("b", "RANGE")])).is_ok());
    }

    #[test]
    fn projection_rules() {
        let spec = |t: Option<&str>, names: Option<&[&str]>| ProjectionSpec {
            projection_type: t.map(str::to_string),
            non_key_attributes: names.map(|n| n.iter().map(|s| s.to_string()).collect()),
        };
        assert_eq!(
            build_projection(None).unwrap_err().message,
            "One or more parameter values were invalid: Unknown ProjectionType: null"
        );
        assert_eq!(
            build_projection(Some(&spec(Some("ALL"), Some(&["x"]))))
                .unwrap_err()
                .message,
            "One or more parameter values were invalid: ProjectionType is ALL, but NonKeyAttributes is specified"
        );
        assert_eq!(
            build_projection(Some(&spec(Some("INCLUDE"), None)))
                .unwrap_err()
                .message,
            "One or more parameter values were invalid: ProjectionType is INCLUDE, but NonKeyAttributes is not specified"
        );
        assert_eq!(
            build_projection(Some(&spec(Some("INCLUDE"), Some(&["x", "y", "x"]))))
                .unwrap_err()
                .message,
            "One or more parameter values were invalid: Duplicate element in NonKeyAttributes: x"
        );
        assert_eq!(
            build_projection(Some(&spec(Some("KEYS_ONLY"), None))).unwrap(),
            Projection::KeysOnly
        );
    }

    #[test]
    fn parsing_reports_wrong_json_types() {
        let err = parse_index(&json!({"IndexName": 5}), true).unwrap_err();
        assert_eq!(err.message, "NUMBER_VALUE can not be converted to a String");
        let err = parse_key_schema(&[json!("HASH")]).unwrap_err();
        assert_eq!(
            err.message,
            "STRING_VALUE can not be converted to a structure"
        );
        let index = parse_index(
            &json!({"IndexName": "g", "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x"]},
                    "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 2}}),
            true,
        )
        .unwrap();
        assert_eq!(
            index.throughput,
            Some(ThroughputSpec {
                read: Some(1),
                write: Some(2)
            })
        );
        assert_eq!(
            index.projection.unwrap().non_key_attributes,
            Some(vec!["x".to_string()])
        );
    }
}
