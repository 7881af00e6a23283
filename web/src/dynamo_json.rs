//! Reading DynamoDB's JSON for display: attribute values as typed cells, and a table's
//! description as the few facts the forms need.
//!
//! The views never look inside the engine's own types to show data. They render what the
//! API returns — items in DynamoDB JSON (`{"N": "1.5"}`), a `DescribeTable` response — so
//! what a learner sees is exactly what an SDK would receive, types included. A cell always
//! names its type (`N 1.5`, `S Ada`) because DynamoDB's types are the first thing people
//! get wrong: the string `"1"` and the number `1` are different keys.
//!
//! Anything here may be handed malformed JSON (the console lets people write anything), so
//! every reader is total: an unexpected shape renders as what it is rather than failing.

use serde_json::{Map, Value, json};

/// Longest string shown in a cell before it is cut with an ellipsis.
const CELL_CHARS: usize = 40;
/// Longest string shown for a value nested inside a map, list or set.
const NESTED_CHARS: usize = 16;
/// Elements of a map, list or set shown before "+N more".
const SHOWN_ELEMENTS: usize = 3;

/// An attribute value as a grid cell: its DynamoDB type and a short rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub kind: String,
    pub text: String,
}

impl Cell {
    /// The cell as one line, type first: `N 1.5`.
    pub fn line(&self) -> String {
        if self.text.is_empty() {
            self.kind.clone()
        } else {
            format!("{} {}", self.kind, self.text)
        }
    }
}

/// Renders one attribute value (`{"S": "Ada"}`) as a cell.
pub fn cell(value: &Value) -> Cell {
    match single_member(value) {
        Some((kind, inner)) => Cell {
            kind: kind.to_string(),
            text: summarise(kind, inner, true),
        },
        None => Cell {
            kind: "?".into(),
            text: truncate(&value.to_string(), CELL_CHARS),
        },
    }
}

/// The `(type, value)` of an attribute value, which is an object with exactly one member.
fn single_member(value: &Value) -> Option<(&str, &Value)> {
    let map = value.as_object()?;
    let mut members = map.iter();
    let (kind, inner) = members.next()?;
    members.next().is_none().then_some((kind.as_str(), inner))
}

fn summarise(kind: &str, inner: &Value, top: bool) -> String {
    let limit = if top { CELL_CHARS } else { NESTED_CHARS };
    match (kind, inner) {
        ("S" | "N" | "B", Value::String(s)) => truncate(s, limit),
        ("BOOL", Value::Bool(b)) => b.to_string(),
        ("NULL", _) => String::new(),
        ("SS" | "NS" | "BS", Value::Array(elements)) => {
            let shown = elements.iter().map(|e| match e {
                Value::String(s) => truncate(s, NESTED_CHARS),
                other => truncate(&other.to_string(), NESTED_CHARS),
            });
            abbreviate_list("{", shown, elements.len(), "}")
        }
        ("L", Value::Array(elements)) if top => {
            let shown = elements.iter().map(nested);
            abbreviate_list("[", shown, elements.len(), "]")
        }
        ("L", Value::Array(elements)) => format!("[{}]", elements.len()),
        ("M", Value::Object(members)) if top => {
            let shown = members.iter().map(|(name, value)| {
                format!("{}: {}", truncate(name, NESTED_CHARS), nested(value))
            });
            abbreviate_list("{", shown, members.len(), "}")
        }
        ("M", Value::Object(members)) => format!("{{{}}}", members.len()),
        (_, other) => truncate(&other.to_string(), limit),
    }
}

/// A value inside a map or list: type and a shorter rendering, containers as counts.
fn nested(value: &Value) -> String {
    match single_member(value) {
        Some((kind, inner)) => {
            let text = summarise(kind, inner, false);
            if text.is_empty() {
                kind.to_string()
            } else {
                format!("{kind} {text}")
            }
        }
        None => truncate(&value.to_string(), NESTED_CHARS),
    }
}

fn abbreviate_list(
    open: &str,
    shown: impl Iterator<Item = String>,
    total: usize,
    close: &str,
) -> String {
    let mut parts: Vec<String> = shown.take(SHOWN_ELEMENTS).collect();
    if total > SHOWN_ELEMENTS {
        parts.push(format!("+{} more", total - SHOWN_ELEMENTS));
    }
    format!("{open}{}{close}", parts.join(", "))
}

/// Cuts `text` to at most `limit` characters, marking the cut.
pub fn truncate(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let kept: String = text.chars().take(limit.saturating_sub(1)).collect();
    format!("{kept}…")
}

/// A key attribute: its name and scalar type (`S`, `N` or `B`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPart {
    pub name: String,
    pub scalar: String,
}

/// A secondary index as the forms need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexInfo {
    pub name: String,
    pub global: bool,
    pub hash: KeyPart,
    pub range: Option<KeyPart>,
    pub projection: String,
    pub non_key_attributes: Vec<String>,
    /// Read and write capacity units, for a GSI on a provisioned table.
    pub throughput: Option<(u64, u64)>,
    pub item_count: Option<u64>,
}

/// What the views need to know about a table, read from `DescribeTable`'s `Table`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInfo {
    pub name: String,
    pub status: String,
    pub hash: KeyPart,
    pub range: Option<KeyPart>,
    /// `PROVISIONED` or `PAY_PER_REQUEST`.
    pub billing: String,
    /// Read and write capacity units, for a provisioned table.
    pub throughput: Option<(u64, u64)>,
    pub item_count: Option<u64>,
    pub size_bytes: Option<u64>,
    pub indexes: Vec<IndexInfo>,
}

impl TableInfo {
    /// Reads a `TableDescription`. `None` when it lacks a name or a partition key.
    pub fn from_description(description: &Value) -> Option<TableInfo> {
        let types = attribute_types(description);
        let (hash, range) = key_schema(description.get("KeySchema")?, &types)?;
        let billing = description
            .pointer("/BillingModeSummary/BillingMode")
            .and_then(Value::as_str)
            .unwrap_or("PROVISIONED")
            .to_string();
        let throughput = if billing == "PROVISIONED" {
            throughput(description.get("ProvisionedThroughput"))
        } else {
            None
        };
        let mut indexes = Vec::new();
        for (member, global) in [
            ("GlobalSecondaryIndexes", true),
            ("LocalSecondaryIndexes", false),
        ] {
            let listed = description.get(member).and_then(Value::as_array);
            for index in listed.into_iter().flatten() {
                if let Some(info) = index_info(index, global, &types) {
                    indexes.push(info);
                }
            }
        }
        Some(TableInfo {
            name: description.get("TableName")?.as_str()?.to_string(),
            status: text(description.get("TableStatus")),
            hash,
            range,
            billing,
            throughput,
            item_count: description.get("ItemCount").and_then(Value::as_u64),
            size_bytes: description.get("TableSizeBytes").and_then(Value::as_u64),
            indexes,
        })
    }

    pub fn index(&self, name: &str) -> Option<&IndexInfo> {
        self.indexes.iter().find(|i| i.name == name)
    }

    /// The primary key of one of the table's items, for GetItem/DeleteItem: its key
    /// attributes and nothing else. `None` if the item lacks one.
    pub fn key_of(&self, item: &Map<String, Value>) -> Option<Value> {
        let mut key = Map::new();
        for part in std::iter::once(&self.hash).chain(self.range.as_ref()) {
            key.insert(part.name.clone(), item.get(&part.name)?.clone());
        }
        Some(Value::Object(key))
    }

    /// The key attribute names, partition key first.
    pub fn key_names(&self) -> Vec<&str> {
        std::iter::once(&self.hash)
            .chain(self.range.as_ref())
            .map(|k| k.name.as_str())
            .collect()
    }
}

fn text(value: Option<&Value>) -> String {
    value
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn attribute_types(description: &Value) -> Vec<(String, String)> {
    let definitions = description
        .get("AttributeDefinitions")
        .and_then(Value::as_array);
    definitions
        .into_iter()
        .flatten()
        .filter_map(|d| {
            Some((
                d.get("AttributeName")?.as_str()?.to_string(),
                d.get("AttributeType")?.as_str()?.to_string(),
            ))
        })
        .collect()
}

fn key_schema(schema: &Value, types: &[(String, String)]) -> Option<(KeyPart, Option<KeyPart>)> {
    let mut hash = None;
    let mut range = None;
    for element in schema.as_array()? {
        let name = element.get("AttributeName")?.as_str()?.to_string();
        let scalar = types
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| "S".into());
        let part = KeyPart { name, scalar };
        match element.get("KeyType").and_then(Value::as_str) {
            Some("HASH") => hash = Some(part),
            Some("RANGE") => range = Some(part),
            _ => {}
        }
    }
    Some((hash?, range))
}

fn throughput(value: Option<&Value>) -> Option<(u64, u64)> {
    let value = value?;
    Some((
        value.get("ReadCapacityUnits")?.as_u64()?,
        value.get("WriteCapacityUnits")?.as_u64()?,
    ))
}

fn index_info(index: &Value, global: bool, types: &[(String, String)]) -> Option<IndexInfo> {
    let (hash, range) = key_schema(index.get("KeySchema")?, types)?;
    let projection = index.get("Projection");
    let non_key_attributes = projection
        .and_then(|p| p.get("NonKeyAttributes"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    // On-demand tables report a GSI's throughput as 0/0; that is not a provisioned index.
    let throughput = throughput(index.get("ProvisionedThroughput")).filter(|t| *t != (0, 0));
    Some(IndexInfo {
        name: index.get("IndexName")?.as_str()?.to_string(),
        global,
        hash,
        range,
        projection: text(projection.and_then(|p| p.get("ProjectionType"))),
        non_key_attributes,
        throughput,
        item_count: index.get("ItemCount").and_then(Value::as_u64),
    })
}

/// The attribute value `{kind: inner}`, e.g. `{"N": "1"}`.
pub fn attribute(kind: &str, inner: Value) -> Value {
    let mut value = Map::new();
    value.insert(kind.to_string(), inner);
    Value::Object(value)
}

/// An attribute value of scalar type `scalar` (`S`, `N`, `B`, `BOOL`) from what was typed.
/// Text is passed through as typed so that the engine, not the form, judges a bad number;
/// only a boolean must be read here, because `BOOL` is not a string on the wire.
pub fn typed_value(scalar: &str, text: &str) -> Result<Value, String> {
    match scalar {
        "S" | "N" | "B" => Ok(attribute(scalar, json!(text))),
        "BOOL" => match text.trim() {
            "true" => Ok(json!({"BOOL": true})),
            "false" => Ok(json!({"BOOL": false})),
            other => Err(format!("A BOOL value is true or false, not \"{other}\".")),
        },
        other => Err(format!("Unknown attribute type {other}.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn line(value: Value) -> String {
        cell(&value).line()
    }

    #[wasm_bindgen_test]
    fn scalars_show_their_type() {
        assert_eq!(line(json!({"N": "1.5"})), "N 1.5");
        assert_eq!(line(json!({"S": "Ada"})), "S Ada");
        assert_eq!(line(json!({"B": "AAEC"})), "B AAEC");
        assert_eq!(line(json!({"BOOL": false})), "BOOL false");
        assert_eq!(line(json!({"NULL": true})), "NULL");
        assert_eq!(
            cell(&json!({"S": ""})).kind,
            "S",
            "an empty string is still a string"
        );
    }

    #[wasm_bindgen_test]
    fn long_strings_are_cut_on_characters_not_bytes() {
        let long = "é".repeat(100);
        let shown = cell(&json!({ "S": long })).text;
        assert_eq!(shown.chars().count(), CELL_CHARS);
        assert!(shown.ends_with('…'));
    }

    #[wasm_bindgen_test]
    fn containers_are_abbreviated() {
        assert_eq!(line(json!({"SS": ["a", "b"]})), "SS {a, b}");
        assert_eq!(
            line(json!({"NS": ["1", "2", "3", "4", "5"]})),
            "NS {1, 2, 3, +2 more}"
        );
        assert_eq!(
            line(json!({"L": [{"N": "1"}, {"S": "x"}, {"M": {"a": {"N": "1"}}}, {"NULL": true}]})),
            "L [N 1, S x, M {1}, +1 more]"
        );
        assert_eq!(
            line(json!({"M": {"name": {"S": "Ada"}, "tags": {"L": [{"S": "a"}, {"S": "b"}]}}})),
            "M {name: S Ada, tags: L [2]}"
        );
        assert_eq!(line(json!({"L": []})), "L []");
    }

    #[wasm_bindgen_test]
    fn malformed_values_render_as_what_they_are() {
        assert_eq!(line(json!("plain")), "? \"plain\"");
        assert_eq!(line(json!({"S": "a", "N": "1"})).chars().next(), Some('?'));
        assert_eq!(line(json!({"N": 5})), "N 5");
    }

    fn description() -> Value {
        json!({
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "N"},
                {"AttributeName": "gpk", "AttributeType": "S"},
                {"AttributeName": "lsk", "AttributeType": "B"}
            ],
            "TableName": "Orders",
            "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"}
            ],
            "TableStatus": "ACTIVE",
            "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 7},
            "TableSizeBytes": 120,
            "ItemCount": 3,
            "GlobalSecondaryIndexes": [{
                "IndexName": "byG",
                "KeySchema": [{"AttributeName": "gpk", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a", "b"]},
                "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 2}
            }],
            "LocalSecondaryIndexes": [{
                "IndexName": "byL",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "lsk", "KeyType": "RANGE"}
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"}
            }]
        })
    }

    #[wasm_bindgen_test]
    fn descriptions_give_keys_billing_and_indexes() {
        let info = TableInfo::from_description(&description()).unwrap();
        assert_eq!(info.name, "Orders");
        assert_eq!(
            info.hash,
            KeyPart {
                name: "pk".into(),
                scalar: "S".into()
            }
        );
        assert_eq!(
            info.range,
            Some(KeyPart {
                name: "sk".into(),
                scalar: "N".into()
            })
        );
        assert_eq!(info.billing, "PROVISIONED");
        assert_eq!(info.throughput, Some((5, 7)));
        assert_eq!(info.item_count, Some(3));
        let gsi = info.index("byG").unwrap();
        assert!(gsi.global);
        assert_eq!(gsi.range, None);
        assert_eq!(gsi.non_key_attributes, ["a", "b"]);
        assert_eq!(gsi.throughput, Some((1, 2)));
        let lsi = info.index("byL").unwrap();
        assert!(!lsi.global);
        assert_eq!(lsi.range.as_ref().unwrap().scalar, "B");
        assert_eq!(lsi.projection, "KEYS_ONLY");
    }

    #[wasm_bindgen_test]
    fn on_demand_tables_have_no_throughput() {
        let mut d = description();
        d["BillingModeSummary"] = json!({"BillingMode": "PAY_PER_REQUEST"});
        d["ProvisionedThroughput"] = json!({"ReadCapacityUnits": 0, "WriteCapacityUnits": 0});
        let info = TableInfo::from_description(&d).unwrap();
        assert_eq!(info.billing, "PAY_PER_REQUEST");
        assert_eq!(info.throughput, None);
        assert!(TableInfo::from_description(&json!({"TableName": "x"})).is_none());
    }

    #[wasm_bindgen_test]
    fn keys_are_picked_out_of_items() {
        let info = TableInfo::from_description(&description()).unwrap();
        let item = json!({"pk": {"S": "a"}, "sk": {"N": "2"}, "other": {"S": "x"}});
        assert_eq!(
            info.key_of(item.as_object().unwrap()),
            Some(json!({"pk": {"S": "a"}, "sk": {"N": "2"}}))
        );
        let partial = json!({"pk": {"S": "a"}});
        assert_eq!(info.key_of(partial.as_object().unwrap()), None);
    }

    #[wasm_bindgen_test]
    fn typed_values() {
        assert_eq!(typed_value("N", "1.50").unwrap(), json!({"N": "1.50"}));
        assert_eq!(typed_value("BOOL", " true").unwrap(), json!({"BOOL": true}));
        assert!(typed_value("BOOL", "yes").is_err());
        assert!(typed_value("Q", "1").is_err());
    }
}
