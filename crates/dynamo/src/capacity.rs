//! Capacity units: what every request costs.
//!
//! Reads are billed in 4 KB units and writes in 1 KB units, each rounded up and never less
//! than one. An eventually consistent read costs half a unit, a transactional read or
//! write twice. Query and Scan add up the sizes of all items they read and round once;
//! BatchGetItem rounds each item. Put and Update pay for the larger of the old and new
//! item; each index whose entry changes pays for its own write, and moving an item within
//! an index (changing its index key) costs a delete and a put there.
//!
//! [`ConsumedCapacity`] accumulates a request's costs per table and index and renders the
//! `ConsumedCapacity` member as `ReturnConsumedCapacity` asks (TOTAL or INDEXES).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

pub const READ_UNIT_BYTES: u64 = 4 * 1024;
pub const WRITE_UNIT_BYTES: u64 = 1024;

/// How a read is served, which sets its price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadKind {
    Eventual,
    Strong,
    Transactional,
}

fn units(bytes: u64, unit: u64) -> u64 {
    bytes.div_ceil(unit).max(1)
}

/// Read units for `bytes` read in one go.
pub fn read_units(bytes: u64, kind: ReadKind) -> f64 {
    let whole = units(bytes, READ_UNIT_BYTES) as f64;
    match kind {
        ReadKind::Eventual => whole / 2.0,
        ReadKind::Strong => whole,
        ReadKind::Transactional => whole * 2.0,
    }
}

/// Write units for writing an item of `bytes`.
pub fn write_units(bytes: u64, transactional: bool) -> f64 {
    let whole = units(bytes, WRITE_UNIT_BYTES) as f64;
    if transactional { whole * 2.0 } else { whole }
}

/// The `ReturnConsumedCapacity` setting of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReturnConsumedCapacity {
    #[default]
    None,
    Total,
    Indexes,
}

impl ReturnConsumedCapacity {
    pub const NAMES: [&'static str; 3] = ["INDEXES", "TOTAL", "NONE"];

    pub fn parse(name: Option<&str>) -> ReturnConsumedCapacity {
        match name {
            Some("TOTAL") => ReturnConsumedCapacity::Total,
            Some("INDEXES") => ReturnConsumedCapacity::Indexes,
            _ => ReturnConsumedCapacity::None,
        }
    }
}

/// What one request consumed on one table and its indexes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConsumedCapacity {
    pub table_name: String,
    pub table_read: f64,
    pub table_write: f64,
    pub global_indexes: BTreeMap<String, (f64, f64)>,
    pub local_indexes: BTreeMap<String, (f64, f64)>,
}

impl ConsumedCapacity {
    pub fn new(table_name: &str) -> Self {
        ConsumedCapacity {
            table_name: table_name.to_string(),
            ..Self::default()
        }
    }

    pub fn read(&mut self, units: f64) {
        self.table_read += units;
    }

    pub fn write(&mut self, units: f64) {
        self.table_write += units;
    }

    pub fn index_read(&mut self, index: &str, local: bool, units: f64) {
        self.index_entry(index, local).0 += units;
    }

    pub fn index_write(&mut self, index: &str, local: bool, units: f64) {
        self.index_entry(index, local).1 += units;
    }

    fn index_entry(&mut self, index: &str, local: bool) -> &mut (f64, f64) {
        let map = if local {
            &mut self.local_indexes
        } else {
            &mut self.global_indexes
        };
        map.entry(index.to_string()).or_default()
    }

    /// Read units on the table and all its indexes.
    pub fn total_read(&self) -> f64 {
        self.table_read
            + self.global_indexes.values().map(|(r, _)| r).sum::<f64>()
            + self.local_indexes.values().map(|(r, _)| r).sum::<f64>()
    }

    /// Write units on the table and all its indexes.
    pub fn total_write(&self) -> f64 {
        self.table_write
            + self.global_indexes.values().map(|(_, w)| w).sum::<f64>()
            + self.local_indexes.values().map(|(_, w)| w).sum::<f64>()
    }

    pub fn total(&self) -> f64 {
        self.total_read() + self.total_write()
    }

    /// Units on the table itself, without its indexes: what `ConsumedCapacity.Table`
    /// reports, and what the table's partitions are charged.
    pub fn table_units(&self) -> f64 {
        self.table_read + self.table_write
    }

    /// The `ConsumedCapacity` member, or `None` when the request did not ask for it.
    pub fn to_wire(&self, mode: ReturnConsumedCapacity) -> Option<Value> {
        if mode == ReturnConsumedCapacity::None {
            return None;
        }
        let mut out = Map::new();
        out.insert("TableName".into(), json!(self.table_name));
        out.insert("CapacityUnits".into(), json!(self.total()));
        match mode {
            ReturnConsumedCapacity::None => return None,
            ReturnConsumedCapacity::Total => {}
            ReturnConsumedCapacity::Indexes => {
                out.insert("Table".into(), json!({"CapacityUnits": self.table_units()}));
                for (member, map) in [
                    ("GlobalSecondaryIndexes", &self.global_indexes),
                    ("LocalSecondaryIndexes", &self.local_indexes),
                ] {
                    if !map.is_empty() {
                        let entries: Map<String, Value> = map
                            .iter()
                            .map(|(name, (r, w))| (name.clone(), json!({"CapacityUnits": r + w})))
                            .collect();
                        out.insert(member.into(), Value::Object(entries));
                    }
                }
            }
        }
        Some(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_units_round_up_per_4kb_and_halve_for_eventual() {
        assert_eq!(read_units(1, ReadKind::Strong), 1.0);
        assert_eq!(
            read_units(0, ReadKind::Strong),
            1.0,
            "a missing item still costs"
        );
        assert_eq!(read_units(4096, ReadKind::Strong), 1.0);
        assert_eq!(read_units(4097, ReadKind::Strong), 2.0);
        assert_eq!(read_units(4097, ReadKind::Eventual), 1.0);
        assert_eq!(read_units(100, ReadKind::Eventual), 0.5);
        assert_eq!(read_units(8192, ReadKind::Transactional), 4.0);
    }

    #[test]
    fn write_units_round_up_per_kb_and_double_for_transactions() {
        assert_eq!(write_units(1, false), 1.0);
        assert_eq!(write_units(1024, false), 1.0);
        assert_eq!(write_units(1025, false), 2.0);
        assert_eq!(write_units(1025, true), 4.0);
    }

    #[test]
    fn wire_shapes() {
        let mut c = ConsumedCapacity::new("t");
        c.write(1.0);
        c.index_write("g", false, 2.0);
        assert_eq!(c.to_wire(ReturnConsumedCapacity::None), None);
        assert_eq!(
            c.to_wire(ReturnConsumedCapacity::Total),
            Some(json!({"TableName": "t", "CapacityUnits": 3.0}))
        );
        assert_eq!(
            c.to_wire(ReturnConsumedCapacity::Indexes),
            Some(json!({
                "TableName": "t", "CapacityUnits": 3.0, "Table": {"CapacityUnits": 1.0},
                "GlobalSecondaryIndexes": {"g": {"CapacityUnits": 2.0}}
            }))
        );
    }
}
