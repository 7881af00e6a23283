//! Errors of DAX's control plane (CreateCluster, DescribeClusters, ...).
//!
//! DAX's management API is a service of its own with its own exception names — mostly
//! "faults": `ClusterNotFoundFault`, `NodeQuotaForClusterExceededFault`,
//! `InvalidParameterValueException` — so they are not [`crate::ErrorKind`]s. A
//! [`DaxError`] is the exception's name and its message; messages follow AWS where they
//! are known (moto's DAX backend, which copies AWS, for the cluster-name rules and
//! `ClusterNotFoundFault`) and are Dynaplay's own plain sentences elsewhere. Data-plane
//! requests through DAX fail with ordinary DynamoDB errors instead.

use std::fmt;

use serde::Serialize;
use serde_json::{Value, json};

/// A failed DAX control-plane request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DaxError {
    /// The exception's name, e.g. `ClusterNotFoundFault`.
    pub code: &'static str,
    pub message: String,
}

impl DaxError {
    pub fn new(code: &'static str, message: impl Into<String>) -> DaxError {
        DaxError {
            code,
            message: message.into(),
        }
    }

    /// The JSON body AWS's JSON protocol sends for it.
    pub fn to_wire(&self) -> Value {
        json!({"__type": self.code, "message": self.message})
    }

    /// A required member is missing, in the request validator's words.
    pub fn missing(member: &str) -> DaxError {
        DaxError::new(
            "ValidationException",
            format!(
                "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
            ),
        )
    }

    pub fn invalid_parameter(message: impl Into<String>) -> DaxError {
        DaxError::new("InvalidParameterValueException", message)
    }

    /// DescribeClusters names the cluster; DeleteCluster and the others do not.
    pub fn cluster_not_found(name: Option<&str>) -> DaxError {
        let message = match name {
            Some(name) => format!("Cluster {name} not found."),
            None => "Cluster not found.".to_string(),
        };
        DaxError::new("ClusterNotFoundFault", message)
    }

    pub fn invalid_cluster_state(name: &str) -> DaxError {
        DaxError::new(
            "InvalidClusterStateFault",
            format!("Cluster {name} is not in the available state."),
        )
    }

    pub fn parameter_group_not_found(name: &str) -> DaxError {
        DaxError::new(
            "ParameterGroupNotFoundFault",
            format!("Parameter group {name} not found."),
        )
    }

    pub fn node_not_found(id: &str) -> DaxError {
        DaxError::new("NodeNotFoundFault", format!("Node {id} not found."))
    }
}

impl fmt::Display for DaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for DaxError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_form_names_the_fault() {
        assert_eq!(
            DaxError::cluster_not_found(Some("c")).to_wire(),
            json!({"__type": "ClusterNotFoundFault", "message": "Cluster c not found."})
        );
        assert_eq!(
            DaxError::missing("clusterName").to_string(),
            "ValidationException: 1 validation error detected: Value null at 'clusterName' failed to satisfy constraint: Member must not be null"
        );
    }
}
