//! The query/scan form as data, and the `Query` or `Scan` request it stands for.
//!
//! A key condition is written with placeholders — `#pk = :pk AND #sk BETWEEN :lo AND :hi`
//! — rather than with the attribute names and values inline. That is how real code has to
//! write it (a name may be a reserved word such as `year`; a value is typed DynamoDB JSON,
//! not text), so the form builds it the same way and shows the result.
//!
//! Only the partition key is required for a Query: it must be matched with `=`. The sort
//! key condition is one of the seven DynamoDB allows on a sort key. The optional filter is
//! applied after items are read, so it changes `Count` but not `ScannedCount` or the
//! capacity consumed — which the results show side by side.

use serde_json::{Map, Value, json};

use crate::dynamo_json::{KeyPart, TableInfo, typed_value};

/// The sort-key comparisons a key condition allows.
pub const SORT_CONDITIONS: [&str; 7] = ["=", "<", "<=", ">", ">=", "BETWEEN", "begins_with"];

/// The filter comparisons the form offers.
pub const FILTER_CONDITIONS: [&str; 10] = [
    "=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "begins_with",
    "contains",
    "attribute_exists",
    "attribute_not_exists",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryForm {
    /// `Query` or `Scan`.
    pub operation: String,
    /// An index name, or empty for the table itself.
    pub index: String,
    pub partition: String,
    /// One of [`SORT_CONDITIONS`], or empty for no sort-key condition.
    pub sort_condition: String,
    pub sort_value: String,
    /// The upper bound of `BETWEEN`.
    pub sort_value2: String,
    /// An attribute name, or empty for no filter.
    pub filter_attribute: String,
    pub filter_condition: String,
    /// `S`, `N` or `BOOL`.
    pub filter_type: String,
    pub filter_value: String,
    pub forward: bool,
    pub limit: String,
    pub consistent: bool,
}

impl Default for QueryForm {
    fn default() -> Self {
        QueryForm {
            operation: "Query".into(),
            index: String::new(),
            partition: String::new(),
            sort_condition: String::new(),
            sort_value: String::new(),
            sort_value2: String::new(),
            filter_attribute: String::new(),
            filter_condition: "=".into(),
            filter_type: "S".into(),
            filter_value: String::new(),
            forward: true,
            limit: String::new(),
            consistent: false,
        }
    }
}

/// Placeholder names and values, collected as the expressions are written.
#[derive(Default)]
struct Placeholders {
    names: Map<String, Value>,
    values: Map<String, Value>,
}

impl Placeholders {
    fn name(&mut self, placeholder: &str, attribute: &str) -> String {
        self.names.insert(placeholder.into(), json!(attribute));
        placeholder.into()
    }

    fn value(&mut self, placeholder: &str, value: Value) -> String {
        self.values.insert(placeholder.into(), value);
        placeholder.into()
    }
}

impl QueryForm {
    pub fn is_query(&self) -> bool {
        self.operation == "Query"
    }

    /// The partition and sort key of what is being read: the index's, or the table's.
    pub fn keys<'a>(&self, table: &'a TableInfo) -> (&'a KeyPart, Option<&'a KeyPart>) {
        match table.index(&self.index) {
            Some(index) => (&index.hash, index.range.as_ref()),
            None => (&table.hash, table.range.as_ref()),
        }
    }

    /// The request, or why it cannot be written.
    pub fn to_request(&self, table: &TableInfo) -> Result<Value, String> {
        let mut body = Map::new();
        let mut ph = Placeholders::default();
        body.insert("TableName".into(), json!(table.name));
        if !self.index.is_empty() {
            body.insert("IndexName".into(), json!(self.index));
        }
        if self.is_query() {
            body.insert(
                "KeyConditionExpression".into(),
                json!(self.key_condition(table, &mut ph)?),
            );
        }
        if let Some(filter) = self.filter(&mut ph)? {
            body.insert("FilterExpression".into(), json!(filter));
        }
        if !ph.names.is_empty() {
            body.insert("ExpressionAttributeNames".into(), Value::Object(ph.names));
        }
        if !ph.values.is_empty() {
            body.insert("ExpressionAttributeValues".into(), Value::Object(ph.values));
        }
        if self.is_query() {
            body.insert("ScanIndexForward".into(), json!(self.forward));
        }
        let limit = self.limit.trim();
        if !limit.is_empty() {
            let limit: i64 = limit
                .parse()
                .map_err(|_| format!("Limit must be a whole number, not \"{limit}\"."))?;
            body.insert("Limit".into(), json!(limit));
        }
        if self.consistent {
            body.insert("ConsistentRead".into(), json!(true));
        }
        body.insert("ReturnConsumedCapacity".into(), json!("TOTAL"));
        Ok(Value::Object(body))
    }

    fn key_condition(&self, table: &TableInfo, ph: &mut Placeholders) -> Result<String, String> {
        let (hash, range) = self.keys(table);
        let pk = ph.name("#pk", &hash.name);
        let pv = ph.value(":pk", typed_value(&hash.scalar, &self.partition)?);
        let mut condition = format!("{pk} = {pv}");
        if self.sort_condition.is_empty() {
            return Ok(condition);
        }
        let Some(range) = range else {
            return Err("This table or index has no sort key to put a condition on.".into());
        };
        let sk = ph.name("#sk", &range.name);
        let sort = match self.sort_condition.as_str() {
            "BETWEEN" => {
                let lo = ph.value(":sk1", typed_value(&range.scalar, &self.sort_value)?);
                let hi = ph.value(":sk2", typed_value(&range.scalar, &self.sort_value2)?);
                format!("{sk} BETWEEN {lo} AND {hi}")
            }
            "begins_with" => {
                let prefix = ph.value(":sk", typed_value(&range.scalar, &self.sort_value)?);
                format!("begins_with({sk}, {prefix})")
            }
            op if SORT_CONDITIONS.contains(&op) => {
                let value = ph.value(":sk", typed_value(&range.scalar, &self.sort_value)?);
                format!("{sk} {op} {value}")
            }
            other => return Err(format!("Unknown sort key condition {other}.")),
        };
        condition.push_str(" AND ");
        condition.push_str(&sort);
        Ok(condition)
    }

    fn filter(&self, ph: &mut Placeholders) -> Result<Option<String>, String> {
        let attribute = self.filter_attribute.trim();
        if attribute.is_empty() {
            return Ok(None);
        }
        let name = ph.name("#f", attribute);
        let expression = match self.filter_condition.as_str() {
            op @ ("attribute_exists" | "attribute_not_exists") => format!("{op}({name})"),
            op @ ("begins_with" | "contains") => {
                let value = ph.value(":f", typed_value(&self.filter_type, &self.filter_value)?);
                format!("{op}({name}, {value})")
            }
            op if FILTER_CONDITIONS.contains(&op) => {
                let value = ph.value(":f", typed_value(&self.filter_type, &self.filter_value)?);
                format!("{name} {op} {value}")
            }
            other => return Err(format!("Unknown filter condition {other}.")),
        };
        Ok(Some(expression))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamo_json::IndexInfo;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn table() -> TableInfo {
        TableInfo {
            name: "Songs".into(),
            status: "ACTIVE".into(),
            hash: KeyPart {
                name: "artist".into(),
                scalar: "S".into(),
            },
            range: Some(KeyPart {
                name: "year".into(),
                scalar: "N".into(),
            }),
            billing: "PROVISIONED".into(),
            throughput: Some((5, 5)),
            item_count: None,
            size_bytes: None,
            indexes: vec![IndexInfo {
                name: "byGenre".into(),
                global: true,
                hash: KeyPart {
                    name: "genre".into(),
                    scalar: "S".into(),
                },
                range: None,
                projection: "ALL".into(),
                non_key_attributes: vec![],
                throughput: None,
                item_count: None,
            }],
        }
    }

    fn form() -> QueryForm {
        QueryForm {
            partition: "Ada".into(),
            ..QueryForm::default()
        }
    }

    #[wasm_bindgen_test]
    fn between_builds_placeholders_for_names_and_typed_values() {
        let query = QueryForm {
            sort_condition: "BETWEEN".into(),
            sort_value: "1990".into(),
            sort_value2: "1999".into(),
            forward: false,
            limit: "5".into(),
            consistent: true,
            ..form()
        };
        assert_eq!(
            query.to_request(&table()).unwrap(),
            json!({
                "TableName": "Songs",
                "KeyConditionExpression": "#pk = :pk AND #sk BETWEEN :sk1 AND :sk2",
                "ExpressionAttributeNames": {"#pk": "artist", "#sk": "year"},
                "ExpressionAttributeValues": {
                    ":pk": {"S": "Ada"}, ":sk1": {"N": "1990"}, ":sk2": {"N": "1999"}
                },
                "ScanIndexForward": false,
                "Limit": 5,
                "ConsistentRead": true,
                "ReturnConsumedCapacity": "TOTAL"
            })
        );
    }

    #[wasm_bindgen_test]
    fn every_sort_condition_has_its_syntax() {
        let expected = [
            ("=", "#pk = :pk AND #sk = :sk"),
            ("<", "#pk = :pk AND #sk < :sk"),
            ("<=", "#pk = :pk AND #sk <= :sk"),
            (">", "#pk = :pk AND #sk > :sk"),
            (">=", "#pk = :pk AND #sk >= :sk"),
            ("begins_with", "#pk = :pk AND begins_with(#sk, :sk)"),
            ("", "#pk = :pk"),
        ];
        for (op, condition) in expected {
            let query = QueryForm {
                sort_condition: op.into(),
                sort_value: "1".into(),
                ..form()
            };
            let request = query.to_request(&table()).unwrap();
            assert_eq!(request["KeyConditionExpression"], condition, "{op}");
        }
    }

    #[wasm_bindgen_test]
    fn an_index_query_uses_the_index_keys() {
        let query = QueryForm {
            index: "byGenre".into(),
            partition: "jazz".into(),
            ..form()
        };
        let request = query.to_request(&table()).unwrap();
        assert_eq!(request["IndexName"], "byGenre");
        assert_eq!(request["ExpressionAttributeNames"], json!({"#pk": "genre"}));
        let sorted = QueryForm {
            sort_condition: "=".into(),
            ..query
        };
        assert!(
            sorted
                .to_request(&table())
                .unwrap_err()
                .contains("no sort key")
        );
    }

    #[wasm_bindgen_test]
    fn filters_and_scans() {
        let scan = QueryForm {
            operation: "Scan".into(),
            filter_attribute: "plays".into(),
            filter_condition: ">=".into(),
            filter_type: "N".into(),
            filter_value: "10".into(),
            ..form()
        };
        assert_eq!(
            scan.to_request(&table()).unwrap(),
            json!({
                "TableName": "Songs",
                "FilterExpression": "#f >= :f",
                "ExpressionAttributeNames": {"#f": "plays"},
                "ExpressionAttributeValues": {":f": {"N": "10"}},
                "ReturnConsumedCapacity": "TOTAL"
            })
        );
        let exists = QueryForm {
            filter_condition: "attribute_exists".into(),
            ..scan.clone()
        };
        let request = exists.to_request(&table()).unwrap();
        assert_eq!(request["FilterExpression"], "attribute_exists(#f)");
        assert!(
            request.get("ExpressionAttributeValues").is_none(),
            "no unused values"
        );
        let contains = QueryForm {
            filter_condition: "contains".into(),
            filter_type: "S".into(),
            filter_value: "x".into(),
            ..scan
        };
        assert_eq!(
            contains.to_request(&table()).unwrap()["FilterExpression"],
            "contains(#f, :f)"
        );
    }

    #[wasm_bindgen_test]
    fn what_cannot_be_written_is_refused() {
        let limit = QueryForm {
            limit: "ten".into(),
            ..form()
        };
        assert_eq!(
            limit.to_request(&table()).unwrap_err(),
            "Limit must be a whole number, not \"ten\"."
        );
        let boolean = QueryForm {
            filter_attribute: "x".into(),
            filter_type: "BOOL".into(),
            filter_value: "maybe".into(),
            ..form()
        };
        assert!(boolean.to_request(&table()).is_err());
    }
}
