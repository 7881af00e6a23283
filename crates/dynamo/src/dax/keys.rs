//! What a DAX cache entry is filed under.
//!
//! The two caches find entries in different ways, and that difference is the source of
//! most of DAX's surprises. The **item cache** files an item under its table and primary
//! key, so every GetItem, BatchGetItem and write of that key — whatever projection it asks
//! for — meets the same entry; that is what lets a write through DAX refresh what later
//! reads see. The **query cache** files a whole result set under the request that produced
//! it: the operation and every parameter, so `Limit: 10` and `Limit: 11` are different
//! entries, and no single item write can know which result sets it would have changed.
//!
//! Both keys are canonical text. A primary key is decoded and re-encoded, so `{"N":
//! "1.50"}` and `{"N": "1.5"}` are the same key as they are in DynamoDB; a request is
//! printed with every object's members in name order, so two clients that send the same
//! parameters in a different order share one result set.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::DynamoError;
use crate::value::{Item, item_from_wire, item_to_wire};

/// An item cache key: a table and one item's primary key, as canonical wire JSON.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ItemKey {
    pub table: String,
    /// The key attributes as wire JSON in name order, e.g. `{"id":{"S":"ada"}}`.
    pub key: String,
}

impl ItemKey {
    /// The key a request names (`Key` of GetItem, UpdateItem, DeleteItem...).
    pub fn from_wire(table: &str, key: &Value) -> Result<ItemKey, DynamoError> {
        Ok(ItemKey::of_key(table, &item_from_wire(key)?))
    }

    /// The key made of exactly these attributes.
    pub fn of_key(table: &str, key: &Item) -> ItemKey {
        ItemKey {
            table: table.to_string(),
            key: item_to_wire(key).to_string(),
        }
    }

    /// The key of a whole item, given the names of the table's key attributes; `None` if
    /// the item lacks one of them.
    pub fn of_item(table: &str, item: &Item, key_attributes: &[String]) -> Option<ItemKey> {
        let mut key = Item::new();
        for name in key_attributes {
            key.insert(name.clone(), item.get(name)?.clone());
        }
        Some(ItemKey::of_key(table, &key))
    }

    /// The key as wire JSON again, for building requests.
    pub fn key_wire(&self) -> Value {
        serde_json::from_str(&self.key).unwrap_or(Value::Null)
    }

    /// Bytes the key occupies in a cache entry.
    pub fn size(&self) -> u64 {
        (self.table.len() + self.key.len()) as u64
    }
}

/// A query cache key: the operation and its whole request, canonicalised.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct QueryKey {
    /// `Query` or `Scan`.
    pub operation: String,
    pub table: String,
    /// Every request parameter, as JSON with object members in name order.
    pub request: String,
}

impl QueryKey {
    pub fn of(operation: &str, request: &Value) -> QueryKey {
        QueryKey {
            operation: operation.to_string(),
            table: request
                .get("TableName")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            request: canonical_json(request),
        }
    }

    /// Bytes the key occupies in a cache entry.
    pub fn size(&self) -> u64 {
        (self.operation.len() + self.request.len()) as u64
    }
}

/// JSON text with every object's members sorted by name, at every depth.
pub fn canonical_json(value: &Value) -> String {
    sorted(value).to_string()
}

fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(members) => {
            let mut names: Vec<&String> = members.keys().collect();
            names.sort();
            let mut out = Map::new();
            for name in names {
                if let Some(member) = members.get(name) {
                    out.insert(name.clone(), sorted(member));
                }
            }
            Value::Object(out)
        }
        Value::Array(elements) => Value::Array(elements.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equal_numbers_make_one_item_key() {
        let a = ItemKey::from_wire("t", &json!({"n": {"N": "1.50"}, "pk": {"S": "a"}})).unwrap();
        let b = ItemKey::from_wire("t", &json!({"pk": {"S": "a"}, "n": {"N": "1.5"}})).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.key, r#"{"n":{"N":"1.5"},"pk":{"S":"a"}}"#);
        assert_ne!(
            a,
            ItemKey::from_wire("u", &json!({"n": {"N": "1.5"}, "pk": {"S": "a"}})).unwrap()
        );
    }

    #[test]
    fn an_item_is_filed_under_its_key_attributes_only() {
        let item = item_from_wire(&json!({"pk": {"S": "a"}, "v": {"N": "2"}})).unwrap();
        let key = ItemKey::of_item("t", &item, &["pk".to_string()]).unwrap();
        assert_eq!(
            key,
            ItemKey::from_wire("t", &json!({"pk": {"S": "a"}})).unwrap()
        );
        assert_eq!(key.key_wire(), json!({"pk": {"S": "a"}}));
        assert!(ItemKey::of_item("t", &item, &["sk".to_string()]).is_none());
    }

    #[test]
    fn query_keys_ignore_member_order_but_not_values() {
        let a = QueryKey::of(
            "Query",
            &json!({"TableName": "t", "Limit": 2, "X": {"b": 1, "a": 2}}),
        );
        let b = QueryKey::of(
            "Query",
            &json!({"X": {"a": 2, "b": 1}, "Limit": 2, "TableName": "t"}),
        );
        assert_eq!(a, b);
        assert_eq!(a.table, "t");
        let c = QueryKey::of(
            "Query",
            &json!({"TableName": "t", "Limit": 3, "X": {"b": 1, "a": 2}}),
        );
        assert_ne!(a, c);
        assert_ne!(
            a,
            QueryKey::of(
                "Scan",
                &json!({"TableName": "t", "Limit": 2, "X": {"b": 1, "a": 2}})
            )
        );
    }
}
