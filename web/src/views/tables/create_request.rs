//! The create-table form as data, and the `CreateTable` request it stands for.
//!
//! The form is deliberately thin: it turns what was typed into the request a learner would
//! otherwise write by hand and shows that request, so the form teaches the API instead of
//! hiding it. It does not second-guess the engine — an empty name or a key declared twice
//! goes to DynamoDB as typed and comes back as DynamoDB's own error. The only things it
//! refuses itself are those that cannot be written as the request at all: a capacity that
//! is not a whole number cannot be put in a JSON number field.
//!
//! `AttributeDefinitions` is derived, not typed: it must list exactly the attributes used
//! in the table's and its indexes' key schemas, which is the rule people most often trip
//! on when writing the request by hand.

use serde_json::{Map, Value, json};

/// A key attribute as typed: name and scalar type (`S`, `N`, `B`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyField {
    pub name: String,
    pub scalar: String,
}

impl KeyField {
    pub fn new(name: &str, scalar: &str) -> KeyField {
        KeyField {
            name: name.into(),
            scalar: scalar.into(),
        }
    }
}

impl Default for KeyField {
    fn default() -> Self {
        KeyField::new("", "S")
    }
}

/// A secondary index as typed. For a local index the partition key is the table's and
/// `hash` is ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexForm {
    pub enabled: bool,
    pub name: String,
    pub hash: KeyField,
    pub has_range: bool,
    pub range: KeyField,
    /// `ALL`, `KEYS_ONLY` or `INCLUDE`.
    pub projection: String,
    /// Comma-separated, for `INCLUDE`.
    pub non_key_attributes: String,
    pub read: String,
    pub write: String,
}

impl Default for IndexForm {
    fn default() -> Self {
        IndexForm {
            enabled: false,
            name: String::new(),
            hash: KeyField::default(),
            has_range: false,
            range: KeyField::default(),
            projection: "ALL".into(),
            non_key_attributes: String::new(),
            read: "5".into(),
            write: "5".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTableForm {
    pub name: String,
    pub hash: KeyField,
    pub has_range: bool,
    pub range: KeyField,
    /// `PROVISIONED` or `PAY_PER_REQUEST`.
    pub billing: String,
    pub read: String,
    pub write: String,
    pub gsi: IndexForm,
    pub lsi: IndexForm,
}

impl Default for CreateTableForm {
    fn default() -> Self {
        CreateTableForm {
            name: String::new(),
            hash: KeyField::new("pk", "S"),
            has_range: false,
            range: KeyField::new("sk", "S"),
            billing: "PROVISIONED".into(),
            read: "5".into(),
            write: "5".into(),
            gsi: IndexForm::default(),
            lsi: IndexForm {
                has_range: true,
                ..IndexForm::default()
            },
        }
    }
}

impl CreateTableForm {
    fn provisioned(&self) -> bool {
        self.billing == "PROVISIONED"
    }

    /// The `CreateTable` request, or why it cannot be written.
    pub fn to_request(&self) -> Result<Value, String> {
        let mut definitions = AttributeDefinitions::default();
        let mut body = Map::new();
        body.insert("TableName".into(), json!(self.name));
        let range = self.has_range.then_some(&self.range);
        body.insert(
            "KeySchema".into(),
            key_schema(&self.hash, range, &mut definitions),
        );
        body.insert("BillingMode".into(), json!(self.billing));
        if self.provisioned() {
            body.insert(
                "ProvisionedThroughput".into(),
                throughput("Table", &self.read, &self.write)?,
            );
        }
        if self.gsi.enabled {
            let range = self.gsi.has_range.then_some(&self.gsi.range);
            let mut index = index(&self.gsi, &self.gsi.hash, range, &mut definitions);
            if self.provisioned() {
                let units = throughput("Global index", &self.gsi.read, &self.gsi.write)?;
                index.insert("ProvisionedThroughput".into(), units);
            }
            body.insert("GlobalSecondaryIndexes".into(), json!([index]));
        }
        if self.lsi.enabled {
            // An LSI shares the table's partition key and always has a sort key.
            let index = index(
                &self.lsi,
                &self.hash,
                Some(&self.lsi.range),
                &mut definitions,
            );
            body.insert("LocalSecondaryIndexes".into(), json!([index]));
        }
        let mut ordered = Map::new();
        // AWS's documentation lists AttributeDefinitions first; keep that reading order.
        ordered.insert("AttributeDefinitions".into(), definitions.into_json());
        ordered.extend(body);
        Ok(Value::Object(ordered))
    }
}

/// Attribute definitions in first-use order. An attribute used twice with the same type is
/// defined once; used with two types it is defined twice, and the engine says why that is
/// wrong.
#[derive(Default)]
struct AttributeDefinitions(Vec<KeyField>);

impl AttributeDefinitions {
    fn add(&mut self, field: &KeyField) {
        if !self.0.contains(field) {
            self.0.push(field.clone());
        }
    }

    fn into_json(self) -> Value {
        self.0
            .into_iter()
            .map(|f| json!({"AttributeName": f.name, "AttributeType": f.scalar}))
            .collect()
    }
}

fn key_schema(hash: &KeyField, range: Option<&KeyField>, defs: &mut AttributeDefinitions) -> Value {
    defs.add(hash);
    let mut schema = vec![json!({"AttributeName": hash.name, "KeyType": "HASH"})];
    if let Some(range) = range {
        defs.add(range);
        schema.push(json!({"AttributeName": range.name, "KeyType": "RANGE"}));
    }
    Value::Array(schema)
}

fn index(
    form: &IndexForm,
    hash: &KeyField,
    range: Option<&KeyField>,
    defs: &mut AttributeDefinitions,
) -> Map<String, Value> {
    let mut projection = Map::new();
    projection.insert("ProjectionType".into(), json!(form.projection));
    if form.projection == "INCLUDE" {
        let names: Vec<&str> = form
            .non_key_attributes
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect();
        projection.insert("NonKeyAttributes".into(), json!(names));
    }
    let mut index = Map::new();
    index.insert("IndexName".into(), json!(form.name));
    index.insert("KeySchema".into(), key_schema(hash, range, defs));
    index.insert("Projection".into(), Value::Object(projection));
    index
}

fn throughput(whose: &str, read: &str, write: &str) -> Result<Value, String> {
    let units = |what: &str, text: &str| {
        text.trim().parse::<i64>().map_err(|_| {
            format!("{whose} {what} capacity units must be a whole number, not \"{text}\".")
        })
    };
    Ok(json!({
        "ReadCapacityUnits": units("read", read)?,
        "WriteCapacityUnits": units("write", write)?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn a_simple_provisioned_table() {
        let form = CreateTableForm {
            name: "Music".into(),
            ..CreateTableForm::default()
        };
        assert_eq!(
            form.to_request().unwrap(),
            json!({
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "TableName": "Music",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "BillingMode": "PROVISIONED",
                "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
            })
        );
    }

    #[wasm_bindgen_test]
    fn indexes_share_attribute_definitions_and_follow_billing() {
        let form = CreateTableForm {
            name: "Orders".into(),
            hash: KeyField::new("customer", "S"),
            has_range: true,
            range: KeyField::new("placed", "N"),
            billing: "PAY_PER_REQUEST".into(),
            gsi: IndexForm {
                enabled: true,
                name: "byStatus".into(),
                hash: KeyField::new("status", "S"),
                has_range: true,
                range: KeyField::new("placed", "N"),
                projection: "INCLUDE".into(),
                non_key_attributes: " total, ,items ".into(),
                ..IndexForm::default()
            },
            lsi: IndexForm {
                enabled: true,
                name: "byTotal".into(),
                range: KeyField::new("total", "N"),
                projection: "KEYS_ONLY".into(),
                ..IndexForm::default()
            },
            ..CreateTableForm::default()
        };
        let request = form.to_request().unwrap();
        assert_eq!(
            request["AttributeDefinitions"],
            json!([
                {"AttributeName": "customer", "AttributeType": "S"},
                {"AttributeName": "placed", "AttributeType": "N"},
                {"AttributeName": "status", "AttributeType": "S"},
                {"AttributeName": "total", "AttributeType": "N"}
            ])
        );
        assert!(
            request.get("ProvisionedThroughput").is_none(),
            "on-demand has no throughput"
        );
        assert_eq!(
            request["GlobalSecondaryIndexes"],
            json!([{
                "IndexName": "byStatus",
                "KeySchema": [
                    {"AttributeName": "status", "KeyType": "HASH"},
                    {"AttributeName": "placed", "KeyType": "RANGE"}
                ],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total", "items"]}
            }])
        );
        assert_eq!(
            request["LocalSecondaryIndexes"],
            json!([{
                "IndexName": "byTotal",
                "KeySchema": [
                    {"AttributeName": "customer", "KeyType": "HASH"},
                    {"AttributeName": "total", "KeyType": "RANGE"}
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"}
            }])
        );
    }

    #[wasm_bindgen_test]
    fn a_provisioned_gsi_gets_its_own_throughput() {
        let mut form = CreateTableForm {
            name: "t".into(),
            ..CreateTableForm::default()
        };
        form.gsi = IndexForm {
            enabled: true,
            name: "g".into(),
            hash: KeyField::new("g", "N"),
            read: "3".into(),
            write: "4".into(),
            ..IndexForm::default()
        };
        let request = form.to_request().unwrap();
        assert_eq!(
            request["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"],
            json!({"ReadCapacityUnits": 3, "WriteCapacityUnits": 4})
        );
    }

    #[wasm_bindgen_test]
    fn the_same_name_with_two_types_is_left_for_the_engine_to_refuse() {
        let form = CreateTableForm {
            has_range: true,
            range: KeyField::new("pk", "N"),
            ..CreateTableForm::default()
        };
        let request = form.to_request().unwrap();
        assert_eq!(request["AttributeDefinitions"].as_array().unwrap().len(), 2);
    }

    #[wasm_bindgen_test]
    fn capacities_must_be_whole_numbers() {
        let form = CreateTableForm {
            read: "lots".into(),
            ..CreateTableForm::default()
        };
        let problem = form.to_request().unwrap_err();
        assert_eq!(
            problem,
            "Table read capacity units must be a whole number, not \"lots\"."
        );
        let on_demand = CreateTableForm {
            billing: "PAY_PER_REQUEST".into(),
            ..form
        };
        assert!(
            on_demand.to_request().is_ok(),
            "ignored when not provisioned"
        );
    }
}
