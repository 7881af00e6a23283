//! Attribute values on the wire: decoding and validating `{"S": "x"}`-style JSON.
//!
//! DynamoDB reads a request in two stages, and the errors show which stage failed. First
//! the JSON is deserialised into typed members; a member of the wrong JSON type fails there
//! with a `SerializationException` whose message comes from AWS's Java deserialiser
//! ("NUMBER_VALUE cannot be converted to String"). Then the typed request is validated, and
//! a malformed value fails with a `ValidationException` ("An string set  may not be empty",
//! with AWS's grammar and double space). Because the whole request is deserialised before
//! any of it is validated, a type error anywhere beats a validation error anywhere; decoding
//! here keeps that order by shaping the whole value (or item) first and validating it after.
//!
//! The messages are AWS's own, as recorded by dynalite's test suite (which runs against the
//! real service) and cross-checked with other emulators' captures. Within one value the
//! members are validated in the order they appear in the JSON, and only then is a value
//! with two types rejected — so `{"S": "a", "N": "b"}` complains about the number, as AWS
//! does. Members whose JSON value is `null` count as absent, and unknown members are
//! ignored, as AWS's deserialiser does.
//!
//! Documents nest at most 32 levels, counting the attribute itself as level 1 (so a leaf
//! wrapped in 31 maps is the deepest value accepted). The decoder stops descending at that
//! depth, so no input — however deep — can make it recurse without bound.
//!
//! A few corners have no recorded AWS answer; the choices made are: a JSON `null` where a
//! whole attribute value belongs reads as an empty value; a `null` set member is rejected
//! with the message DynamoDB uses for null members of that set type; and a base64 string
//! with a character outside the alphabet is rejected as "Invalid Base64 character: 'x'"
//! (AWS's older wording, minus the prefix AWS has since dropped from its blob messages).

use std::collections::BTreeSet;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value};

use super::{AttributeValue, Item, Number};
use crate::error::{DynamoError, ErrorKind};

/// How deep documents may nest: the attribute is level 1 and a value at level 33 is refused.
pub const MAX_NESTING_DEPTH: usize = 32;

const INVALID: &str = "One or more parameter values were invalid:";
const EMPTY_VALUE: &str =
    "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes";
const MULTIPLE_TYPES: &str = concat!(
    "Supplied AttributeValue has more than one datatypes set, ",
    "must contain exactly one of the supported datatypes"
);
const NESTING: &str = concat!(
    "Nesting Levels have exceeded supported limits: ",
    "Attributes in the item have nested levels beyond supported limit"
);
const NOT_NUMERIC: &str = "The parameter cannot be converted to a numeric value";
const STRUCTURE_NOT_EXPECTED: &str = "Start of structure or map found where not expected";
const UNEXPECTED_FIELD: &str = "Unexpected field type";
const ATTRIBUTE_VALUE_CLASS: &str = "com.amazonaws.dynamodb.v20120810.AttributeValue";

impl AttributeValue {
    /// Decodes and validates one attribute value from its wire JSON, with AWS's exception
    /// and message for anything malformed.
    pub fn from_wire(v: &Value) -> Result<AttributeValue, DynamoError> {
        let shaped = shape_value(v, 1)?;
        validate_slot(&shaped, 1)
    }

    /// The wire JSON for this value: `{"S":"x"}`, `{"N":"1.5"}`, `{"B":"<base64>"}`,
    /// `{"BOOL":true}`, `{"NULL":true}`, `{"L":[...]}`, `{"M":{...}}`, `{"SS":[...]}`, ...
    pub fn to_wire(&self) -> Value {
        let (tag, body) = match self {
            AttributeValue::S(s) => ("S", Value::String(s.clone())),
            AttributeValue::N(n) => ("N", Value::String(n.to_string())),
            AttributeValue::B(b) => ("B", Value::String(BASE64.encode(b))),
            AttributeValue::Bool(b) => ("BOOL", Value::Bool(*b)),
            AttributeValue::Null => ("NULL", Value::Bool(true)),
            AttributeValue::L(elements) => (
                "L",
                Value::Array(elements.iter().map(AttributeValue::to_wire).collect()),
            ),
            AttributeValue::M(entries) => ("M", item_to_wire(entries)),
            AttributeValue::Ss(members) => (
                "SS",
                Value::Array(members.iter().cloned().map(Value::String).collect()),
            ),
            AttributeValue::Ns(members) => (
                "NS",
                Value::Array(
                    members
                        .iter()
                        .map(|n| Value::String(n.to_string()))
                        .collect(),
                ),
            ),
            AttributeValue::Bs(members) => (
                "BS",
                Value::Array(
                    members
                        .iter()
                        .map(|b| Value::String(BASE64.encode(b)))
                        .collect(),
                ),
            ),
        };
        let mut object = Map::new();
        object.insert(tag.to_string(), body);
        Value::Object(object)
    }
}

/// Decodes and validates an item (or any name → value map, such as a key or
/// `ExpressionAttributeValues`): a JSON object whose members are attribute values.
///
/// A JSON `null` decodes to an empty item: AWS treats a null member as an absent one, and
/// whether the member was required is the request validator's business.
pub fn item_from_wire(v: &Value) -> Result<Item, DynamoError> {
    let entries = match v {
        Value::Null => return Ok(Item::new()),
        Value::Object(object) => object,
        Value::Array(_) => return Err(serialization(unrecognized_map())),
        _ => return Err(serialization(UNEXPECTED_FIELD)),
    };
    // Shape everything before validating anything: see the module comment.
    let shaped = entries
        .iter()
        .map(|(name, value)| Ok((name, shape_value(value, 1)?)))
        .collect::<Result<Vec<_>, DynamoError>>()?;
    shaped
        .into_iter()
        .map(|(name, slot)| Ok((name.clone(), validate_slot(&slot, 1)?)))
        .collect()
}

/// The wire JSON for an item: an object of attribute names to attribute values, in name
/// order.
pub fn item_to_wire(item: &Item) -> Value {
    Value::Object(
        item.iter()
            .map(|(name, value)| (name.clone(), value.to_wire()))
            .collect(),
    )
}

fn serialization(message: impl Into<String>) -> DynamoError {
    DynamoError::new(ErrorKind::Serialization, message)
}

fn invalid(detail: impl std::fmt::Display) -> DynamoError {
    DynamoError::validation(format!("{INVALID} {detail}"))
}

fn unrecognized_map() -> String {
    format!("Unrecognized collection type java.util.Map<java.lang.String, {ATTRIBUTE_VALUE_CLASS}>")
}

// ---- Stage one: shape the JSON into typed members (SerializationException) ----

/// An attribute value's JSON object after deserialisation: its typed members in JSON order,
/// with `null` and unknown members dropped. `None` is a JSON `null` in a value's place.
type Slot<'a> = Option<Shaped<'a>>;

struct Shaped<'a> {
    members: Vec<Member<'a>>,
}

/// One typed member of an attribute value. Strings and blobs keep their original text,
/// which AWS quotes back in duplicate-member messages.
enum Member<'a> {
    S(&'a str),
    N(&'a str),
    B(Vec<u8>),
    Bool(bool),
    Null(bool),
    Ss(Vec<Option<&'a str>>),
    Ns(Vec<Option<&'a str>>),
    Bs(Vec<Option<(&'a str, Vec<u8>)>>),
    L(Vec<Slot<'a>>),
    M(Vec<(&'a str, Slot<'a>)>),
}

/// Shapes a JSON value that stands where an attribute value belongs (an item's attribute,
/// a list element, a map entry), `level` levels deep.
fn shape_value(v: &Value, level: usize) -> Result<Slot<'_>, DynamoError> {
    if level > MAX_NESTING_DEPTH {
        return Err(DynamoError::validation(NESTING));
    }
    let object = match v {
        Value::Null => return Ok(None),
        Value::Object(object) => object,
        Value::Array(_) => {
            return Err(serialization(format!(
                "Unrecognized collection type class {ATTRIBUTE_VALUE_CLASS}"
            )));
        }
        _ => return Err(serialization("Unexpected value type in payload")),
    };
    let mut members = Vec::with_capacity(1);
    for (tag, body) in object {
        let member = match tag.as_str() {
            "S" => string_member(body)?.map(Member::S),
            "N" => string_member(body)?.map(Member::N),
            "B" => blob_member(body)?.map(|(_, bytes)| Member::B(bytes)),
            "BOOL" => bool_member(body)?.map(Member::Bool),
            "NULL" => bool_member(body)?.map(Member::Null),
            "SS" => list_member(body, string_member)?.map(Member::Ss),
            "NS" => list_member(body, string_member)?.map(Member::Ns),
            "BS" => list_member(body, blob_member)?.map(Member::Bs),
            "L" => list_member(body, |element| shape_value(element, level + 1))?.map(Member::L),
            "M" => map_member(body, level)?.map(Member::M),
            // AWS's deserialiser ignores members it does not know.
            _ => None,
        };
        members.extend(member);
    }
    Ok(Some(Shaped { members }))
}

/// A member AWS models as a Java `String` (`S`, `N`, set members).
fn string_member(v: &Value) -> Result<Option<&str>, DynamoError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Bool(b) => Err(serialization(format!(
            "{} cannot be converted to String",
            bool_token(*b)
        ))),
        Value::Number(n) => Err(serialization(format!(
            "{} cannot be converted to String",
            number_token(n)
        ))),
        Value::Array(_) => Err(serialization(
            "Unrecognized collection type class java.lang.String",
        )),
        Value::Object(_) => Err(serialization(STRUCTURE_NOT_EXPECTED)),
    }
}

/// A member AWS models as a Java `Boolean` (`BOOL`, `NULL`). Like AWS, the strings `true`
/// and `false` in any case are read as booleans.
fn bool_member(v: &Value) -> Result<Option<bool>, DynamoError> {
    match v {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Value::String(_) => Err(serialization("Unexpected token received from parser")),
        Value::Number(n) => Err(serialization(format!(
            "{} cannot be converted to Boolean",
            number_token(n)
        ))),
        Value::Array(_) => Err(serialization(
            "Unrecognized collection type class java.lang.Boolean",
        )),
        Value::Object(_) => Err(serialization(STRUCTURE_NOT_EXPECTED)),
    }
}

/// A member AWS models as a byte buffer (`B`, `BS` members): base64 text, decoded.
fn blob_member(v: &Value) -> Result<Option<(&str, Vec<u8>)>, DynamoError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => decode_base64(s).map(|bytes| Some((s.as_str(), bytes))),
        Value::Bool(_) | Value::Number(_) => Err(serialization(
            "only base-64-encoded strings are convertible to bytes",
        )),
        Value::Array(_) => Err(serialization(
            "Unrecognized collection type class java.nio.ByteBuffer",
        )),
        Value::Object(_) => Err(serialization(STRUCTURE_NOT_EXPECTED)),
    }
}

/// Decodes standard, padded base64, rejecting what AWS rejects: a length that is not a
/// multiple of four (counted in UTF-16 units, as Java does), characters outside the
/// alphabet, misplaced padding and non-zero bits after the last symbol.
fn decode_base64(s: &str) -> Result<Vec<u8>, DynamoError> {
    let length = s.encode_utf16().count();
    if !length.is_multiple_of(4) {
        return Err(serialization(format!(
            "Base64 encoded length is expected a multiple of 4 bytes but found: {length}"
        )));
    }
    if let Some(bad) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')))
    {
        return Err(serialization(format!("Invalid Base64 character: '{bad}'")));
    }
    // AWS's spelling, typo included.
    BASE64
        .decode(s)
        .map_err(|_| serialization("Invalid last non-pad Base64 character dectected"))
}

/// A member AWS models as a list (`SS`, `NS`, `BS`, `L`), each element shaped by `element`.
fn list_member<'a, T>(
    v: &'a Value,
    element: impl Fn(&'a Value) -> Result<Option<T>, DynamoError>,
) -> Result<Option<Vec<Option<T>>>, DynamoError> {
    match v {
        Value::Null => Ok(None),
        Value::Array(elements) => elements
            .iter()
            .map(element)
            .collect::<Result<_, _>>()
            .map(Some),
        Value::Object(_) => Err(serialization(STRUCTURE_NOT_EXPECTED)),
        _ => Err(serialization(UNEXPECTED_FIELD)),
    }
}

/// The `M` member: a map of names to attribute values one level deeper.
fn map_member(v: &Value, level: usize) -> Result<Option<Vec<(&str, Slot<'_>)>>, DynamoError> {
    match v {
        Value::Null => Ok(None),
        Value::Object(entries) => entries
            .iter()
            .map(|(key, value)| Ok((key.as_str(), shape_value(value, level + 1)?)))
            .collect::<Result<_, _>>()
            .map(Some),
        Value::Array(_) => Err(serialization(unrecognized_map())),
        _ => Err(serialization(UNEXPECTED_FIELD)),
    }
}

/// How AWS's parser names a JSON boolean token.
fn bool_token(b: bool) -> &'static str {
    if b { "TRUE_VALUE" } else { "FALSE_VALUE" }
}

/// How AWS's parser names a JSON number token: integers and decimals differ.
fn number_token(n: &serde_json::Number) -> &'static str {
    if n.is_i64() || n.is_u64() {
        "NUMBER_VALUE"
    } else {
        "DECIMAL_VALUE"
    }
}

// ---- Stage two: validate the typed value (ValidationException) ----

fn validate_slot(slot: &Slot<'_>, level: usize) -> Result<AttributeValue, DynamoError> {
    match slot {
        None => Err(DynamoError::validation(EMPTY_VALUE)),
        Some(shaped) => validate_value(shaped, level),
    }
}

fn validate_value(shaped: &Shaped<'_>, level: usize) -> Result<AttributeValue, DynamoError> {
    let mut value = None;
    for member in &shaped.members {
        let validated = validate_member(member, level)?;
        value.get_or_insert(validated);
    }
    match value {
        None => Err(DynamoError::validation(EMPTY_VALUE)),
        Some(_) if shaped.members.len() > 1 => Err(DynamoError::validation(MULTIPLE_TYPES)),
        Some(value) => Ok(value),
    }
}

fn validate_member(member: &Member<'_>, level: usize) -> Result<AttributeValue, DynamoError> {
    match member {
        Member::S(s) => Ok(AttributeValue::S((*s).to_string())),
        Member::N(s) => Number::parse(s).map(AttributeValue::N),
        Member::B(bytes) => Ok(AttributeValue::B(bytes.clone())),
        Member::Bool(b) => Ok(AttributeValue::Bool(*b)),
        Member::Null(true) => Ok(AttributeValue::Null),
        Member::Null(false) => Err(invalid(
            "Null attribute value types must have the value of true",
        )),
        Member::Ss(members) => validate_string_set(members),
        Member::Ns(members) => validate_number_set(members),
        Member::Bs(members) => validate_binary_set(members),
        Member::L(elements) => elements
            .iter()
            .map(|element| validate_slot(element, level + 1))
            .collect::<Result<_, _>>()
            .map(AttributeValue::L),
        Member::M(entries) => entries
            .iter()
            .map(|(key, value)| Ok(((*key).to_string(), validate_slot(value, level + 1)?)))
            .collect::<Result<_, DynamoError>>()
            .map(AttributeValue::M),
    }
}

fn validate_string_set(members: &[Option<&str>]) -> Result<AttributeValue, DynamoError> {
    if members.is_empty() {
        return Err(invalid("An string set  may not be empty"));
    }
    let strings: Vec<&str> = members
        .iter()
        .map(|member| {
            member.ok_or_else(|| invalid("An string set may not have a null string as a member"))
        })
        .collect::<Result<_, _>>()?;
    let unique: BTreeSet<&str> = strings.iter().copied().collect();
    if unique.len() != strings.len() {
        return Err(invalid(format!(
            "Input collection [{}] contains duplicates.",
            strings.join(", ")
        )));
    }
    Ok(AttributeValue::Ss(
        strings.into_iter().map(str::to_string).collect(),
    ))
}

fn validate_number_set(members: &[Option<&str>]) -> Result<AttributeValue, DynamoError> {
    if members.is_empty() {
        return Err(invalid("An number set  may not be empty"));
    }
    let numbers: Vec<Number> = members
        .iter()
        .map(|member| match member {
            Some(text) => Number::parse(text),
            None => Err(DynamoError::validation(NOT_NUMERIC)),
        })
        .collect::<Result<_, _>>()?;
    // Duplicates are numeric: "1" and "1.0" are the same member. AWS's message for number
    // sets names no members and has no prefix.
    let unique: BTreeSet<&Number> = numbers.iter().collect();
    if unique.len() != numbers.len() {
        return Err(DynamoError::validation(
            "Input collection contains duplicates",
        ));
    }
    Ok(AttributeValue::Ns(numbers))
}

fn validate_binary_set(members: &[Option<(&str, Vec<u8>)>]) -> Result<AttributeValue, DynamoError> {
    if members.is_empty() {
        return Err(invalid("Binary sets should not be empty"));
    }
    let blobs: Vec<&(&str, Vec<u8>)> = members
        .iter()
        .map(|member| {
            member
                .as_ref()
                .ok_or_else(|| invalid("Binary sets may not contain null or empty values"))
        })
        .collect::<Result<_, _>>()?;
    let unique: BTreeSet<&[u8]> = blobs.iter().map(|(_, bytes)| bytes.as_slice()).collect();
    if unique.len() != blobs.len() {
        let texts: Vec<&str> = blobs.iter().map(|(text, _)| *text).collect();
        // No space before "of": AWS's message, verbatim.
        return Err(invalid(format!(
            "Input collection [{}]of type BS contains duplicates.",
            texts.join(", ")
        )));
    }
    Ok(AttributeValue::Bs(
        blobs.into_iter().map(|(_, bytes)| bytes.clone()).collect(),
    ))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    fn decode(v: Value) -> AttributeValue {
        AttributeValue::from_wire(&v).unwrap()
    }

    /// The error for `v`, checking its exception kind.
    fn error(v: Value, kind: ErrorKind) -> String {
        let err = AttributeValue::from_wire(&v).unwrap_err();
        assert_eq!(err.kind, kind, "{}", err.message);
        err.message
    }

    fn validation(v: Value) -> String {
        error(v, ErrorKind::Validation)
    }

    fn serialization(v: Value) -> String {
        error(v, ErrorKind::Serialization)
    }

    /// `{"<tag>": body}`, built without `json!`, which would re-serialise `body` recursively.
    fn tagged(tag: &str, body: Value) -> Value {
        Value::Object(Map::from_iter([(tag.to_string(), body)]))
    }

    fn nested_maps(depth: usize) -> Value {
        (0..depth).fold(json!({"S": "leaf"}), |inner, _| {
            tagged("M", tagged("n", inner))
        })
    }

    fn nested_lists(depth: usize) -> Value {
        (0..depth).fold(json!({"NULL": true}), |inner, _| {
            tagged("L", Value::Array(vec![inner]))
        })
    }

    #[test]
    fn every_type_round_trips_through_its_wire_shape() {
        for wire in [
            json!({"S": "x"}),
            json!({"S": ""}),
            json!({"N": "1.5"}),
            json!({"B": "AAEC/w=="}),
            json!({"B": ""}),
            json!({"BOOL": false}),
            json!({"NULL": true}),
            json!({"L": [{"S": "a"}, {"N": "-2"}, {"L": []}, {"M": {}}]}),
            json!({"M": {"a": {"BOOL": true}, "b": {"SS": ["x"]}}}),
            json!({"SS": ["b", "a", ""]}),
            json!({"NS": ["3", "-1", "0.5"]}),
            json!({"BS": ["Yg==", "YQ==", ""]}),
        ] {
            assert_eq!(decode(wire.clone()).to_wire(), wire);
        }
    }

    #[test]
    fn decoding_reads_the_typed_payload() {
        assert_eq!(
            decode(json!({"B": "AAEC/w=="})),
            AttributeValue::B(vec![0, 1, 2, 255])
        );
        assert_eq!(
            decode(json!({"NS": ["1", "2"]})),
            AttributeValue::Ns(vec![Number::from_i64(1), Number::from_i64(2)])
        );
        assert_eq!(decode(json!({"NULL": true})), AttributeValue::Null);
    }

    #[test]
    fn numbers_go_back_out_normalised() {
        assert_eq!(
            decode(json!({"N": "+1.50e1"})).to_wire(),
            json!({"N": "15"})
        );
        assert_eq!(
            decode(json!({"NS": ["1E2", "-0.10"]})).to_wire(),
            json!({"NS": ["100", "-0.1"]})
        );
    }

    #[test]
    fn an_empty_value_is_refused() {
        let message =
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes";
        assert_eq!(validation(json!({})), message);
        // Unknown members are ignored and null members are absent, so these are empty too.
        assert_eq!(validation(json!({"a": ""})), message);
        assert_eq!(validation(json!({"S": null})), message);
        assert_eq!(validation(Value::Null), message);
        // ...and so are empty values nested anywhere.
        assert_eq!(validation(json!({"M": {"a": {}}})), message);
        assert_eq!(validation(json!({"L": [{}]})), message);
        assert_eq!(validation(json!({"L": [{"a": {}}]})), message);
        assert_eq!(validation(json!({"L": [null]})), message);
    }

    #[test]
    fn null_members_do_not_count_as_types() {
        assert_eq!(
            decode(json!({"S": null, "N": "1"})),
            AttributeValue::N(Number::from_i64(1))
        );
    }

    #[test]
    fn two_types_are_refused_after_each_is_validated() {
        assert_eq!(
            validation(json!({"S": "a", "N": "1"})),
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
        );
        // Members are validated first, in JSON order, as AWS does.
        assert_eq!(
            validation(json!({"S": "a", "N": "b"})),
            "The parameter cannot be converted to a numeric value: b"
        );
        assert_eq!(
            validation(json!({"S": "", "N": ""})),
            "The parameter cannot be converted to a numeric value"
        );
    }

    #[test]
    fn number_rules_apply_to_n_and_ns() {
        assert_eq!(
            validation(json!({"N": "abc"})),
            "The parameter cannot be converted to a numeric value: abc"
        );
        assert_eq!(
            validation(json!({"N": "1e126"})),
            "Number overflow. Attempting to store a number with magnitude larger than supported range"
        );
        assert_eq!(
            validation(json!({"NS": ["1", "b"]})),
            "The parameter cannot be converted to a numeric value: b"
        );
        assert_eq!(
            validation(json!({"NS": ["1", ""]})),
            "The parameter cannot be converted to a numeric value"
        );
        assert_eq!(
            validation(json!({"NS": ["1", null]})),
            "The parameter cannot be converted to a numeric value"
        );
    }

    #[test]
    fn null_must_be_true() {
        assert_eq!(
            validation(json!({"NULL": false})),
            "One or more parameter values were invalid: Null attribute value types must have the value of true"
        );
    }

    #[test]
    fn empty_sets_are_refused_with_aws_grammar() {
        assert_eq!(
            validation(json!({"SS": []})),
            "One or more parameter values were invalid: An string set  may not be empty"
        );
        assert_eq!(
            validation(json!({"NS": []})),
            "One or more parameter values were invalid: An number set  may not be empty"
        );
        assert_eq!(
            validation(json!({"BS": []})),
            "One or more parameter values were invalid: Binary sets should not be empty"
        );
    }

    #[test]
    fn duplicate_set_members_are_refused() {
        assert_eq!(
            validation(json!({"SS": ["a", "a"]})),
            "One or more parameter values were invalid: Input collection [a, a] contains duplicates."
        );
        assert_eq!(
            validation(json!({"BS": ["Yg==", "Yg=="]})),
            "One or more parameter values were invalid: Input collection [Yg==, Yg==]of type BS contains duplicates."
        );
        assert_eq!(
            validation(json!({"NS": ["1", "1"]})),
            "Input collection contains duplicates"
        );
    }

    #[test]
    fn number_set_duplicates_are_numeric() {
        assert_eq!(
            validation(json!({"NS": ["1", "1.0"]})),
            "Input collection contains duplicates"
        );
        assert_eq!(
            validation(json!({"NS": ["100", "1e2"]})),
            "Input collection contains duplicates"
        );
        decode(json!({"SS": ["1", "1.0"]}));
    }

    #[test]
    fn null_set_members_are_refused() {
        assert_eq!(
            validation(json!({"SS": ["a", null]})),
            "One or more parameter values were invalid: An string set may not have a null string as a member"
        );
        assert_eq!(
            validation(json!({"BS": [null]})),
            "One or more parameter values were invalid: Binary sets may not contain null or empty values"
        );
    }

    #[test]
    fn sets_keep_request_order() {
        let AttributeValue::Ss(members) = decode(json!({"SS": ["z", "a", "m"]})) else {
            panic!("not a string set");
        };
        assert_eq!(members, ["z", "a", "m"]);
    }

    #[test]
    fn nested_values_are_validated_too() {
        assert_eq!(
            validation(json!({"L": [{"S": "ok"}, {"SS": []}]})),
            "One or more parameter values were invalid: An string set  may not be empty"
        );
        assert_eq!(
            validation(json!({"M": {"a": {"M": {"b": {"N": "x"}}}}})),
            "The parameter cannot be converted to a numeric value: x"
        );
    }

    #[test]
    fn documents_nest_at_most_32_levels() {
        // The attribute is level 1, so 31 wrapping maps put the leaf at level 32.
        let deepest = decode(nested_maps(31));
        assert_eq!(deepest.to_wire(), nested_maps(31));
        let message = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit";
        assert_eq!(validation(nested_maps(32)), message);
        decode(nested_lists(31));
        assert_eq!(validation(nested_lists(32)), message);
    }

    #[test]
    fn absurd_nesting_fails_without_exhausting_the_stack() {
        // Far deeper than serde_json parses from text (128 levels), so built by hand; the
        // decoder gives up at level 33 instead of following it down.
        let message = validation(nested_lists(1_000));
        assert!(message.starts_with("Nesting Levels have exceeded"));
    }

    #[test]
    fn wrong_json_types_are_serialization_errors() {
        for (wire, message) in [
            (
                json!({"S": 5}),
                "NUMBER_VALUE cannot be converted to String",
            ),
            (
                json!({"S": 2147483648u64}),
                "NUMBER_VALUE cannot be converted to String",
            ),
            (
                json!({"N": 34.56}),
                "DECIMAL_VALUE cannot be converted to String",
            ),
            (
                json!({"S": true}),
                "TRUE_VALUE cannot be converted to String",
            ),
            (
                json!({"S": false}),
                "FALSE_VALUE cannot be converted to String",
            ),
            (
                json!({"S": []}),
                "Unrecognized collection type class java.lang.String",
            ),
            (
                json!({"S": {}}),
                "Start of structure or map found where not expected",
            ),
            (
                json!({"SS": [1]}),
                "NUMBER_VALUE cannot be converted to String",
            ),
            (
                json!({"BOOL": 23}),
                "NUMBER_VALUE cannot be converted to Boolean",
            ),
            (
                json!({"NULL": 34.56}),
                "DECIMAL_VALUE cannot be converted to Boolean",
            ),
            (
                json!({"BOOL": "23"}),
                "Unexpected token received from parser",
            ),
            (
                json!({"BOOL": []}),
                "Unrecognized collection type class java.lang.Boolean",
            ),
            (
                json!({"BOOL": {}}),
                "Start of structure or map found where not expected",
            ),
            (
                json!({"B": true}),
                "only base-64-encoded strings are convertible to bytes",
            ),
            (
                json!({"BS": [23]}),
                "only base-64-encoded strings are convertible to bytes",
            ),
            (
                json!({"B": []}),
                "Unrecognized collection type class java.nio.ByteBuffer",
            ),
            (
                json!({"B": {}}),
                "Start of structure or map found where not expected",
            ),
            (json!({"SS": "a"}), "Unexpected field type"),
            (json!({"L": 23}), "Unexpected field type"),
            (
                json!({"NS": {}}),
                "Start of structure or map found where not expected",
            ),
            (json!({"M": true}), "Unexpected field type"),
            (
                json!({"M": []}),
                "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>",
            ),
            (json!({"L": ["23"]}), "Unexpected value type in payload"),
            (json!({"M": {"a": 5}}), "Unexpected value type in payload"),
            (
                json!({"L": [[]]}),
                "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue",
            ),
            (json!(5), "Unexpected value type in payload"),
        ] {
            assert_eq!(serialization(wire.clone()), message, "for {wire}");
        }
    }

    #[test]
    fn booleans_accept_aws_spellings() {
        assert_eq!(decode(json!({"BOOL": "TRUE"})), AttributeValue::Bool(true));
        assert_eq!(
            decode(json!({"BOOL": "false"})),
            AttributeValue::Bool(false)
        );
        assert_eq!(decode(json!({"NULL": "true"})), AttributeValue::Null);
    }

    #[test]
    fn bad_base64_is_a_serialization_error() {
        assert_eq!(
            serialization(json!({"B": "23456"})),
            "Base64 encoded length is expected a multiple of 4 bytes but found: 5"
        );
        assert_eq!(
            serialization(json!({"B": "=+/="})),
            "Invalid last non-pad Base64 character dectected"
        );
        assert_eq!(
            serialization(json!({"BS": ["+/+="]})),
            "Invalid last non-pad Base64 character dectected"
        );
        assert_eq!(
            serialization(json!({"B": "ab!="})),
            "Invalid Base64 character: '!'"
        );
    }

    #[test]
    fn serialization_errors_anywhere_beat_validation_errors() {
        // Within a value: the NULL:false comes first but the bad S wins.
        assert_eq!(
            serialization(json!({"L": [{"NULL": false}, {"S": 5}]})),
            "NUMBER_VALUE cannot be converted to String"
        );
        // Across an item's attributes likewise.
        let err = item_from_wire(&json!({"a": {"SS": []}, "b": {"B": "x"}})).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Serialization);
    }

    #[test]
    fn items_decode_and_encode_in_name_order() {
        let wire = json!({"b": {"N": "2"}, "a": {"S": "x"}});
        let item = item_from_wire(&wire).unwrap();
        assert_eq!(item.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(
            serde_json::to_string(&item_to_wire(&item)).unwrap(),
            r#"{"a":{"S":"x"},"b":{"N":"2"}}"#
        );
    }

    #[test]
    fn item_shape_errors() {
        let err = item_from_wire(&json!("x")).unwrap_err();
        assert_eq!(
            (err.kind, err.message.as_str()),
            (ErrorKind::Serialization, "Unexpected field type")
        );
        let err = item_from_wire(&json!([])).unwrap_err();
        assert_eq!(
            err.message,
            "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>"
        );
        let err = item_from_wire(&json!({"a": null})).unwrap_err();
        assert!(err.message.starts_with("Supplied AttributeValue is empty"));
        assert_eq!(item_from_wire(&Value::Null).unwrap(), Item::new());
    }

    // ---- Properties ----

    fn number() -> impl Strategy<Value = Number> {
        (any::<i64>(), -130i32..=100).prop_map(|(m, e)| {
            // Keep the leading digit within range: at most 19 digits above 10^e.
            Number::parse(&format!("{m}e{}", e.min(125 - 19))).unwrap()
        })
    }

    fn attribute_value() -> impl Strategy<Value = AttributeValue> {
        let leaf = prop_oneof![
            "\\PC{0,8}".prop_map(AttributeValue::S),
            number().prop_map(AttributeValue::N),
            proptest::collection::vec(any::<u8>(), 0..8).prop_map(AttributeValue::B),
            any::<bool>().prop_map(AttributeValue::Bool),
            Just(AttributeValue::Null),
            proptest::collection::btree_set("\\PC{0,6}", 1..5)
                .prop_map(|set| AttributeValue::Ss(set.into_iter().rev().collect())),
            proptest::collection::btree_set(number(), 1..5)
                .prop_map(|set| AttributeValue::Ns(set.into_iter().collect())),
            proptest::collection::btree_set(proptest::collection::vec(any::<u8>(), 0..6), 1..5)
                .prop_map(|set| AttributeValue::Bs(set.into_iter().collect())),
        ];
        leaf.prop_recursive(4, 32, 5, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(AttributeValue::L),
                proptest::collection::btree_map("\\PC{0,6}", inner, 0..5)
                    .prop_map(AttributeValue::M),
            ]
        })
    }

    /// Arbitrary JSON, biased towards attribute-value-like objects.
    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>().prop_map(|f| json!(f)),
            "\\PC{0,12}".prop_map(Value::String),
            "[A-Za-z0-9+/=]{0,12}".prop_map(Value::String),
            "[-+]?[0-9.]{0,10}([eE][-+]?[0-9]{0,4})?".prop_map(Value::String),
        ];
        let key = prop_oneof![
            Just("S".to_string()),
            Just("N".to_string()),
            Just("B".to_string()),
            Just("BOOL".to_string()),
            Just("NULL".to_string()),
            Just("L".to_string()),
            Just("M".to_string()),
            Just("SS".to_string()),
            Just("NS".to_string()),
            Just("BS".to_string()),
            "\\PC{0,4}",
        ];
        leaf.prop_recursive(6, 64, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec((key.clone(), inner), 0..4)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn values_round_trip_through_the_wire(value in attribute_value()) {
            let wire = value.to_wire();
            let decoded = AttributeValue::from_wire(&wire).unwrap();
            prop_assert_eq!(&decoded, &value);
            // Byte-for-byte stable too: sets keep their order, numbers their normal form.
            prop_assert_eq!(decoded.to_wire(), wire);
        }

        #[test]
        fn items_round_trip_through_the_wire(
            item in proptest::collection::btree_map("\\PC{0,6}", attribute_value(), 0..5)
        ) {
            let decoded = item_from_wire(&item_to_wire(&item)).unwrap();
            prop_assert_eq!(decoded, item);
        }

        #[test]
        fn arbitrary_json_never_panics(v in json_value()) {
            match AttributeValue::from_wire(&v) {
                // Whatever decodes must survive its own round trip.
                Ok(value) => prop_assert_eq!(AttributeValue::from_wire(&value.to_wire()).unwrap(), value),
                Err(err) => prop_assert!(
                    matches!(err.kind, ErrorKind::Validation | ErrorKind::Serialization)
                ),
            }
            let _ = item_from_wire(&v);
        }
    }
}
