//! Keys: how an item is addressed.
//!
//! A table's primary key is a partition key and, optionally, a sort key, each a scalar of
//! type S, N or B. [`KeyValue`] is such a scalar with DynamoDB's order (strings by UTF-8
//! bytes, numbers numerically, binaries by unsigned bytes), which is the order items of one
//! partition key are kept and returned in. [`PrimaryKey`] is the pair that names one item.
//!
//! Extracting a key from an item or from a request's `Key` is where DynamoDB's most common
//! validation errors come from, so their messages are produced here, once.

use std::fmt;

use crate::error::{DynamoError, Result};
use crate::value::{AttributeValue, Item, Number};

/// The three types a key attribute may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ScalarType {
    S,
    N,
    B,
}

impl ScalarType {
    pub fn name(self) -> &'static str {
        match self {
            ScalarType::S => "S",
            ScalarType::N => "N",
            ScalarType::B => "B",
        }
    }

    pub fn parse(name: &str) -> Option<ScalarType> {
        match name {
            "S" => Some(ScalarType::S),
            "N" => Some(ScalarType::N),
            "B" => Some(ScalarType::B),
            _ => None,
        }
    }
}

impl fmt::Display for ScalarType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A scalar key value, ordered as DynamoDB orders keys.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyValue {
    S(String),
    N(Number),
    B(Vec<u8>),
}

impl KeyValue {
    pub fn scalar_type(&self) -> ScalarType {
        match self {
            KeyValue::S(_) => ScalarType::S,
            KeyValue::N(_) => ScalarType::N,
            KeyValue::B(_) => ScalarType::B,
        }
    }

    /// The key as an attribute value again.
    pub fn to_value(&self) -> AttributeValue {
        match self {
            KeyValue::S(s) => AttributeValue::S(s.clone()),
            KeyValue::N(n) => AttributeValue::N(n.clone()),
            KeyValue::B(b) => AttributeValue::B(b.clone()),
        }
    }

    /// The scalar inside `value`, if it is one of the key types.
    pub fn from_value(value: &AttributeValue) -> Option<KeyValue> {
        match value {
            AttributeValue::S(s) => Some(KeyValue::S(s.clone())),
            AttributeValue::N(n) => Some(KeyValue::N(n.clone())),
            AttributeValue::B(b) => Some(KeyValue::B(b.clone())),
            _ => None,
        }
    }

    /// Whether the value is an empty string or binary, which no key may be.
    pub fn is_empty(&self) -> bool {
        match self {
            KeyValue::S(s) => s.is_empty(),
            KeyValue::B(b) => b.is_empty(),
            KeyValue::N(_) => false,
        }
    }

    /// Size in bytes as DynamoDB counts it for the key-length limits.
    pub fn size(&self) -> usize {
        match self {
            KeyValue::S(s) => s.len(),
            KeyValue::B(b) => b.len(),
            KeyValue::N(n) => n.size(),
        }
    }

    /// Canonical bytes for hashing: a type tag, then the value's canonical form. Numbers
    /// use their normalised text, so `1.0` and `1` land in the same place.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let (tag, body): (u8, Vec<u8>) = match self {
            KeyValue::S(s) => (b'S', s.as_bytes().to_vec()),
            KeyValue::N(n) => (b'N', n.to_string().into_bytes()),
            KeyValue::B(b) => (b'B', b.clone()),
        };
        let mut bytes = Vec::with_capacity(body.len() + 1);
        bytes.push(tag);
        bytes.extend_from_slice(&body);
        bytes
    }
}

/// One attribute of a key schema: its name and type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyAttribute {
    pub name: String,
    pub scalar_type: ScalarType,
}

/// A partition key and optional sort key: the key schema of a table or an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySchema {
    pub hash: KeyAttribute,
    pub range: Option<KeyAttribute>,
}

/// The values that name one item of a table (or one entry of an index).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PrimaryKey {
    pub hash: KeyValue,
    pub range: Option<KeyValue>,
}

/// Largest partition key, in bytes.
pub const MAX_HASH_KEY_BYTES: usize = 2048;
/// Largest sort key, in bytes.
pub const MAX_RANGE_KEY_BYTES: usize = 1024;

impl KeySchema {
    /// Attribute names of the schema, partition key first.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.hash.name.as_str()).chain(self.range.iter().map(|r| r.name.as_str()))
    }

    pub fn is_key_attribute(&self, name: &str) -> bool {
        self.names().any(|n| n == name)
    }

    /// The primary key of an item being written (PutItem, BatchWriteItem's PutRequest,
    /// a transaction's Put), with the messages DynamoDB gives for a missing, mistyped,
    /// empty or oversized key attribute.
    pub fn key_of_new_item(&self, item: &Item) -> Result<PrimaryKey> {
        let hash = item_key_part(item, &self.hash, MAX_HASH_KEY_BYTES, "Hash")?;
        let range = match &self.range {
            Some(attr) => Some(item_key_part(item, attr, MAX_RANGE_KEY_BYTES, "Range")?),
            None => None,
        };
        Ok(PrimaryKey { hash, range })
    }

    /// The primary key named by a request's `Key` map (GetItem, UpdateItem, DeleteItem,
    /// batch and transaction keys). Anything but exactly the schema's attributes with
    /// the schema's types is "The provided key element does not match the schema".
    pub fn key_from_request(&self, key: &Item) -> Result<PrimaryKey> {
        let expected = 1 + usize::from(self.range.is_some());
        if key.len() != expected {
            return Err(schema_mismatch());
        }
        let hash = request_key_part(key, &self.hash, MAX_HASH_KEY_BYTES, "Hash")?;
        let range = match &self.range {
            Some(attr) => Some(request_key_part(key, attr, MAX_RANGE_KEY_BYTES, "Range")?),
            None => None,
        };
        Ok(PrimaryKey { hash, range })
    }

    /// The key attributes of `key` as an item (for responses such as LastEvaluatedKey).
    pub fn key_item(&self, key: &PrimaryKey) -> Item {
        let mut item = Item::new();
        item.insert(self.hash.name.clone(), key.hash.to_value());
        if let (Some(attr), Some(value)) = (&self.range, &key.range) {
            item.insert(attr.name.clone(), value.to_value());
        }
        item
    }

    /// The key of a stored item (whose key attributes are known to be valid), or `None`
    /// when the item lacks them — as an item does for an index it is not in (sparse).
    pub fn key_of_stored(&self, item: &Item) -> Option<PrimaryKey> {
        let hash = typed_scalar(item.get(&self.hash.name)?, self.hash.scalar_type)?;
        let range = match &self.range {
            Some(attr) => Some(typed_scalar(item.get(&attr.name)?, attr.scalar_type)?),
            None => None,
        };
        Some(PrimaryKey { hash, range })
    }
}

fn typed_scalar(value: &AttributeValue, scalar_type: ScalarType) -> Option<KeyValue> {
    KeyValue::from_value(value).filter(|k| k.scalar_type() == scalar_type)
}

/// `ValidationException: The provided key element does not match the schema`.
pub fn schema_mismatch() -> DynamoError {
    DynamoError::validation("The provided key element does not match the schema")
}

fn item_key_part(
    item: &Item,
    attr: &KeyAttribute,
    max_bytes: usize,
    role: &str,
) -> Result<KeyValue> {
    let Some(value) = item.get(&attr.name) else {
        return Err(DynamoError::validation(format!(
            "One or more parameter values were invalid: Missing the key {} in the item",
            attr.name
        )));
    };
    let Some(key) = typed_scalar(value, attr.scalar_type) else {
        return Err(DynamoError::validation(format!(
            "One or more parameter values were invalid: Type mismatch for key {} expected: {} actual: {}",
            attr.name,
            attr.scalar_type,
            value.type_name()
        )));
    };
    check_key_value(&key, &attr.name, max_bytes, role)?;
    Ok(key)
}

fn request_key_part(
    key: &Item,
    attr: &KeyAttribute,
    max_bytes: usize,
    role: &str,
) -> Result<KeyValue> {
    let value = key.get(&attr.name).ok_or_else(schema_mismatch)?;
    let key_value = typed_scalar(value, attr.scalar_type).ok_or_else(schema_mismatch)?;
    check_key_value(&key_value, &attr.name, max_bytes, role)?;
    Ok(key_value)
}

fn check_key_value(key: &KeyValue, name: &str, max_bytes: usize, role: &str) -> Result<()> {
    if key.is_empty() {
        return Err(DynamoError::validation(format!(
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty {} value. Key: {}",
            match key {
                KeyValue::B(_) => "binary",
                _ => "string",
            },
            name
        )));
    }
    if key.size() > max_bytes {
        // AWS's text, including the missing space in "of2048".
        let message = if role == "Hash" {
            format!(
                "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of{max_bytes} bytes"
            )
        } else {
            format!(
                "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of {max_bytes} bytes"
            )
        };
        return Err(DynamoError::validation(message));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> KeySchema {
        KeySchema {
            hash: KeyAttribute {
                name: "pk".into(),
                scalar_type: ScalarType::S,
            },
            range: Some(KeyAttribute {
                name: "sk".into(),
                scalar_type: ScalarType::N,
            }),
        }
    }

    fn item(pairs: &[(&str, AttributeValue)]) -> Item {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    fn n(text: &str) -> AttributeValue {
        AttributeValue::N(Number::parse(text).unwrap())
    }

    #[test]
    fn new_item_key_messages() {
        let s = schema();
        let missing = s.key_of_new_item(&item(&[("pk", AttributeValue::S("a".into()))]));
        assert_eq!(
            missing.unwrap_err().message,
            "One or more parameter values were invalid: Missing the key sk in the item"
        );
        let mistyped = s
            .key_of_new_item(&item(&[("pk", n("1")), ("sk", n("1"))]))
            .unwrap_err();
        assert_eq!(
            mistyped.message,
            "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"
        );
        let empty = s
            .key_of_new_item(&item(&[
                ("pk", AttributeValue::S(String::new())),
                ("sk", n("1")),
            ]))
            .unwrap_err();
        assert_eq!(
            empty.message,
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk"
        );
    }

    #[test]
    fn request_keys_must_match_the_schema_exactly() {
        let s = schema();
        let extra = item(&[
            ("pk", AttributeValue::S("a".into())),
            ("sk", n("1")),
            ("x", n("2")),
        ]);
        assert_eq!(
            s.key_from_request(&extra).unwrap_err().message,
            schema_mismatch().message
        );
        let good = item(&[("pk", AttributeValue::S("a".into())), ("sk", n("1.0"))]);
        let key = s.key_from_request(&good).unwrap();
        assert_eq!(key.range, Some(KeyValue::N(Number::parse("1").unwrap())));
    }

    #[test]
    fn key_order_is_dynamodb_order() {
        let a = KeyValue::N(Number::parse("-5").unwrap());
        let b = KeyValue::N(Number::parse("10").unwrap());
        assert!(a < b);
        assert!(
            KeyValue::S("B".into()) < KeyValue::S("a".into()),
            "UTF-8 byte order"
        );
        assert!(
            KeyValue::B(vec![0x7f]) < KeyValue::B(vec![0x80]),
            "unsigned bytes"
        );
    }
}
