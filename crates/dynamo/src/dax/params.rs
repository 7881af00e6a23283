//! Parameter groups: where a DAX cluster's two TTLs live.
//!
//! DAX reads its cache settings from a named parameter group attached to the cluster, and
//! a parameter group holds exactly two parameters: `record-ttl-millis`, the item cache's
//! TTL, and `query-ttl-millis`, the query cache's. Both default to 300,000 ms (five
//! minutes), and changes apply immediately (`ChangeType: IMMEDIATE`) to every cluster
//! using the group — including to entries already cached, whose expiry is computed from
//! the TTL at the moment they are looked up.
//!
//! Zero means something different for each cache, and the difference is AWS's:
//! an item cache TTL of 0 means items never expire by time and are refreshed only by LRU
//! eviction or a write through DAX; a query cache TTL of 0 means query and scan results
//! are not cached at all. The built-in group `default.dax1.0` cannot be modified or
//! deleted.

use dynaplay_sim::SimDuration;
use serde::Serialize;
use serde_json::{Value, json};

/// The parameter group every cluster uses unless told otherwise.
pub const DEFAULT_PARAMETER_GROUP: &str = "default.dax1.0";

/// Both TTLs' default: five minutes.
pub const DEFAULT_TTL_MILLIS: u64 = 300_000;

pub const RECORD_TTL: &str = "record-ttl-millis";
pub const QUERY_TTL: &str = "query-ttl-millis";

/// A named set of the two cache TTLs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParameterGroup {
    pub name: String,
    pub description: String,
    /// The item cache TTL; 0 means items never expire by time.
    pub record_ttl_millis: u64,
    /// The query cache TTL; 0 means results are not cached.
    pub query_ttl_millis: u64,
}

impl ParameterGroup {
    pub fn new(name: impl Into<String>, description: impl Into<String>) -> ParameterGroup {
        ParameterGroup {
            name: name.into(),
            description: description.into(),
            record_ttl_millis: DEFAULT_TTL_MILLIS,
            query_ttl_millis: DEFAULT_TTL_MILLIS,
        }
    }

    /// The built-in default group.
    pub fn default_group() -> ParameterGroup {
        ParameterGroup::new(
            DEFAULT_PARAMETER_GROUP,
            "Default parameter group for dax1.0",
        )
    }

    pub fn is_default(&self) -> bool {
        self.name == DEFAULT_PARAMETER_GROUP
    }

    /// How long an item cache entry lives: `None` when it never expires by time.
    pub fn item_expiry(&self) -> Option<SimDuration> {
        (self.record_ttl_millis > 0).then(|| SimDuration::from_millis(self.record_ttl_millis))
    }

    /// How long a query cache entry lives: `None` when results are not cached at all.
    pub fn query_ttl(&self) -> Option<SimDuration> {
        (self.query_ttl_millis > 0).then(|| SimDuration::from_millis(self.query_ttl_millis))
    }

    /// The group as `DescribeParameterGroups` lists it.
    pub fn to_wire(&self) -> Value {
        json!({"ParameterGroupName": self.name, "Description": self.description})
    }

    /// The group's parameters as `DescribeParameters` lists them.
    pub fn parameters_wire(&self) -> Value {
        json!([
            parameter(
                QUERY_TTL,
                self.query_ttl_millis,
                "Duration in milliseconds for queries to remain cached"
            ),
            parameter(
                RECORD_TTL,
                self.record_ttl_millis,
                "Duration in milliseconds for records to remain valid in cache (Default: 0 = infinite)"
            ),
        ])
    }
}

fn parameter(name: &str, value: u64, description: &str) -> Value {
    json!({
        "ParameterName": name,
        "ParameterType": "DEFAULT",
        "ParameterValue": value.to_string(),
        "NodeTypeSpecificValues": [],
        "Description": description,
        "Source": "user",
        "DataType": "integer",
        "AllowedValues": "0-",
        "IsModifiable": "TRUE",
        "ChangeType": "IMMEDIATE"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_means_never_for_items_and_not_at_all_for_queries() {
        let mut group = ParameterGroup::new("g", "");
        assert_eq!(group.item_expiry(), Some(SimDuration::from_secs(300)));
        assert_eq!(group.query_ttl(), Some(SimDuration::from_secs(300)));
        group.record_ttl_millis = 0;
        group.query_ttl_millis = 0;
        assert_eq!(group.item_expiry(), None);
        assert_eq!(group.query_ttl(), None);
    }

    #[test]
    fn parameters_are_listed_as_describe_parameters_shows_them() {
        let mut group = ParameterGroup::default_group();
        group.record_ttl_millis = 1_500;
        let listed = group.parameters_wire();
        assert_eq!(listed[0]["ParameterName"], "query-ttl-millis");
        assert_eq!(listed[0]["ParameterValue"], "300000");
        assert_eq!(listed[1]["ParameterName"], "record-ttl-millis");
        assert_eq!(listed[1]["ParameterValue"], "1500");
        assert!(group.is_default());
    }
}
