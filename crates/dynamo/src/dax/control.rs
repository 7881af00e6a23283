//! DAX's management API in AWS's JSON shapes, for the UI and the page's JavaScript API.
//!
//! [`DaxService::control`] takes an operation name and a request body as the DAX API
//! defines them and returns the response body or a [`DaxError`]:
//!
//! | operation | request members used | response |
//! |---|---|---|
//! | `CreateCluster` | ClusterName, NodeType, ReplicationFactor, IamRoleArn, Description, ParameterGroupName, AvailabilityZones, DynaplaySettings | `{"Cluster": ...}` |
//! | `DescribeClusters` | ClusterNames, MaxResults, NextToken | `{"Clusters": [...], "NextToken"?}` |
//! | `DeleteCluster` | ClusterName | `{"Cluster": ...}` |
//! | `UpdateCluster` | ClusterName, Description, ParameterGroupName | `{"Cluster": ...}` |
//! | `IncreaseReplicationFactor` | ClusterName, NewReplicationFactor, AvailabilityZones | `{"Cluster": ...}` |
//! | `DecreaseReplicationFactor` | ClusterName, NewReplicationFactor, NodeIdsToRemove | `{"Cluster": ...}` |
//! | `RebootNode` | ClusterName, NodeId | `{"Cluster": ...}` |
//! | `CreateParameterGroup` | ParameterGroupName, Description | `{"ParameterGroup": ...}` |
//! | `UpdateParameterGroup` | ParameterGroupName, ParameterNameValues | `{"ParameterGroup": ...}` |
//! | `DescribeParameterGroups` | ParameterGroupNames | `{"ParameterGroups": [...]}` |
//! | `DescribeParameters` | ParameterGroupName | `{"Parameters": [...]}` |
//! | `DeleteParameterGroup` | ParameterGroupName | `{"DeletionMessage": ...}` |
//!
//! `DynaplaySettings` is the one member AWS does not have: `{"CacheMemoryBytes": n,
//! "NodeRequestsPerSecond": n}` shrinks a node's cache memory or request rate so that LRU
//! eviction and throttling can be seen with a handful of requests. Nodes launch for a
//! minute of simulated time after CreateCluster and IncreaseReplicationFactor (AWS takes
//! several); DeleteCluster takes half a minute. Times in responses are seconds since the
//! Unix epoch, with the simulation starting at 2024-01-01T00:00:00Z as DynamoDB's does.

use serde_json::{Map, Value, json};

use crate::dax::cluster::{ClusterSpec, ClusterStatus, DAX_PORT, DaxCluster, NODE_LAUNCH_TIME};
use crate::dax::error::DaxError;
use crate::dax::params::{ParameterGroup, QUERY_TTL, RECORD_TTL};
use crate::dax::service::{
    DaxService, check_cluster_name, check_replication_factor, default_group_is_read_only,
};
use dynaplay_sim::SimTime;

/// 2024-01-01T00:00:00Z, the simulated world's time zero.
const EPOCH_SECONDS: f64 = 1_704_067_200.0;

/// The control operations [`DaxService::control`] implements.
pub const CONTROL_OPERATIONS: &[&str] = &[
    "CreateCluster",
    "DescribeClusters",
    "DeleteCluster",
    "UpdateCluster",
    "IncreaseReplicationFactor",
    "DecreaseReplicationFactor",
    "RebootNode",
    "CreateParameterGroup",
    "UpdateParameterGroup",
    "DescribeParameterGroups",
    "DescribeParameters",
    "DeleteParameterGroup",
];

fn seconds(at: SimTime) -> f64 {
    EPOCH_SECONDS + at.as_secs_f64()
}

fn string<'a>(request: &'a Value, member: &str) -> Option<&'a str> {
    request.get(member).and_then(Value::as_str)
}

fn required<'a>(request: &'a Value, member: &str, path: &str) -> Result<&'a str, DaxError> {
    string(request, member).ok_or_else(|| DaxError::missing(path))
}

fn strings(request: &Value, member: &str) -> Vec<String> {
    request
        .get(member)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn count(request: &Value, member: &str, path: &str) -> Result<usize, DaxError> {
    let value = request.get(member).ok_or_else(|| DaxError::missing(path))?;
    value
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| DaxError::invalid_parameter(format!("{member} must be a whole number.")))
}

/// A cluster as `DescribeClusters` shows it.
pub fn describe_cluster(cluster: &DaxCluster) -> Value {
    let address =
        |host: &str| json!({"Address": host, "Port": DAX_PORT, "URL": format!("dax://{host}")});
    let nodes: Vec<Value> = cluster
        .nodes()
        .iter()
        .map(|node| {
            let host = format!(
                "{}.{}.nodes.dax-clusters.{}.amazonaws.com",
                node.id, cluster.endpoint_id, cluster.region
            );
            json!({
                "NodeId": node.id,
                "Endpoint": {"Address": host, "Port": DAX_PORT},
                "NodeCreateTime": seconds(node.created_at),
                "AvailabilityZone": node.availability_zone,
                "NodeStatus": node.status.name(),
                "ParameterGroupStatus": "in-sync"
            })
        })
        .collect();
    let active = cluster.nodes().iter().filter(|n| n.is_available()).count();
    json!({
        "ClusterName": cluster.name,
        "Description": cluster.description,
        "ClusterArn": cluster.arn,
        "TotalNodes": cluster.nodes().len(),
        "ActiveNodes": active,
        "NodeType": cluster.node_type.name,
        "Status": cluster.status.name(),
        "ClusterDiscoveryEndpoint": address(&format!(
            "{}.{}.dax-clusters.{}.amazonaws.com",
            cluster.name, cluster.endpoint_id, cluster.region
        )),
        "Nodes": nodes,
        "PreferredMaintenanceWindow": "thu:23:30-fri:00:30",
        "SubnetGroup": "default",
        "IamRoleArn": cluster.iam_role_arn,
        "ParameterGroup": {
            "ParameterGroupName": cluster.parameter_group,
            "ParameterApplyStatus": "in-sync",
            "NodeIdsToReboot": []
        },
        "SSEDescription": {"Status": "DISABLED"},
        "ClusterEndpointEncryptionType": "NONE"
    })
}

impl DaxService {
    /// Runs a DAX management operation on a request in AWS's JSON shape, at `now`.
    pub fn control(
        &mut self,
        operation: &str,
        request: &Value,
        now: SimTime,
    ) -> Result<Value, DaxError> {
        self.advance_to(now);
        match operation {
            "CreateCluster" => self.create_cluster(request, now),
            "DescribeClusters" => self.describe_clusters(request),
            "DeleteCluster" => {
                let name = required(request, "ClusterName", "clusterName")?;
                let cluster = self.delete_cluster(name, now)?;
                Ok(json!({"Cluster": describe_cluster(cluster)}))
            }
            "UpdateCluster" => self.update_cluster(request),
            "IncreaseReplicationFactor" => self.increase_replication(request, now),
            "DecreaseReplicationFactor" => self.decrease_replication(request),
            "RebootNode" => {
                let name = required(request, "ClusterName", "clusterName")?;
                let node = required(request, "NodeId", "nodeId")?;
                self.reboot_node(name, node, now)?;
                self.cluster_wire(name)
            }
            "CreateParameterGroup" => {
                let name = required(request, "ParameterGroupName", "parameterGroupName")?;
                if self.parameter_groups.contains_key(name) {
                    return Err(DaxError::new(
                        "ParameterGroupAlreadyExistsFault",
                        format!("Parameter group {name} already exists."),
                    ));
                }
                let group =
                    ParameterGroup::new(name, string(request, "Description").unwrap_or_default());
                let wire = group.to_wire();
                self.parameter_groups.insert(name.to_string(), group);
                Ok(json!({"ParameterGroup": wire}))
            }
            "UpdateParameterGroup" => self.update_parameter_group(request),
            "DescribeParameterGroups" => {
                let wanted = strings(request, "ParameterGroupNames");
                let mut groups = Vec::new();
                for name in &wanted {
                    let group = self
                        .parameter_groups
                        .get(name)
                        .ok_or_else(|| DaxError::parameter_group_not_found(name))?;
                    groups.push(group.to_wire());
                }
                if wanted.is_empty() {
                    groups = self
                        .parameter_groups
                        .values()
                        .map(ParameterGroup::to_wire)
                        .collect();
                }
                Ok(json!({"ParameterGroups": groups}))
            }
            "DescribeParameters" => {
                let name = required(request, "ParameterGroupName", "parameterGroupName")?;
                let group = self
                    .parameter_groups
                    .get(name)
                    .ok_or_else(|| DaxError::parameter_group_not_found(name))?;
                Ok(json!({"Parameters": group.parameters_wire()}))
            }
            "DeleteParameterGroup" => {
                let name = required(request, "ParameterGroupName", "parameterGroupName")?;
                let group = self
                    .parameter_groups
                    .get(name)
                    .ok_or_else(|| DaxError::parameter_group_not_found(name))?;
                if group.is_default() {
                    return Err(default_group_is_read_only());
                }
                if self.clusters.values().any(|c| c.parameter_group == name) {
                    return Err(DaxError::new(
                        "InvalidParameterGroupStateFault",
                        format!("Parameter group {name} is in use by a cluster."),
                    ));
                }
                self.parameter_groups.remove(name);
                Ok(json!({"DeletionMessage": format!("Parameter group {name} has been deleted.")}))
            }
            _ => Err(DaxError::new(
                "UnknownOperationException",
                format!("Unknown DAX operation: {operation}"),
            )),
        }
    }

    fn cluster_wire(&self, name: &str) -> Result<Value, DaxError> {
        let cluster = self
            .cluster(name)
            .ok_or_else(|| DaxError::cluster_not_found(None))?;
        Ok(json!({"Cluster": describe_cluster(cluster)}))
    }

    fn create_cluster(&mut self, request: &Value, now: SimTime) -> Result<Value, DaxError> {
        let name = required(request, "ClusterName", "clusterName")?;
        let node_type = required(request, "NodeType", "nodeType")?;
        let factor = count(request, "ReplicationFactor", "replicationFactor")?;
        let role = required(request, "IamRoleArn", "iamRoleArn")?;
        if !role.starts_with("arn:") {
            return Err(DaxError::invalid_parameter(format!(
                "ARNs must start with 'arn:': {role}"
            )));
        }
        let mut spec = ClusterSpec::new(name);
        spec.node_type = node_type.to_string();
        spec.replication_factor = factor;
        spec.iam_role_arn = role.to_string();
        spec.description = string(request, "Description")
            .unwrap_or_default()
            .to_string();
        if let Some(group) = string(request, "ParameterGroupName") {
            spec.parameter_group = group.to_string();
        }
        spec.availability_zones = strings(request, "AvailabilityZones");
        if let Some(settings) = request.get("DynaplaySettings") {
            spec.cache_memory_bytes = settings.get("CacheMemoryBytes").and_then(Value::as_u64);
            spec.node_requests_per_second = settings
                .get("NodeRequestsPerSecond")
                .and_then(Value::as_u64);
        }
        let cluster = self.build(&spec, now, false)?;
        Ok(json!({"Cluster": describe_cluster(cluster)}))
    }

    fn describe_clusters(&self, request: &Value) -> Result<Value, DaxError> {
        let wanted = strings(request, "ClusterNames");
        for name in &wanted {
            if self.cluster(name).is_none() {
                return Err(DaxError::cluster_not_found(Some(name)));
            }
        }
        let start = string(request, "NextToken");
        let limit = request
            .get("MaxResults")
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
            .filter(|&n| n > 0)
            .unwrap_or(usize::MAX);
        let listed: Vec<&DaxCluster> = self
            .clusters()
            .filter(|c| wanted.is_empty() || wanted.contains(&c.name))
            .filter(|c| start.is_none_or(|after| c.name.as_str() > after))
            .collect();
        let mut response = Map::new();
        let page: Vec<Value> = listed
            .iter()
            .take(limit)
            .map(|c| describe_cluster(c))
            .collect();
        if listed.len() > limit
            && let Some(last) = listed.get(limit.saturating_sub(1))
        {
            response.insert("NextToken".into(), json!(last.name));
        }
        response.insert("Clusters".into(), Value::Array(page));
        Ok(Value::Object(response))
    }

    fn update_cluster(&mut self, request: &Value) -> Result<Value, DaxError> {
        let name = required(request, "ClusterName", "clusterName")?;
        if let Some(group) = string(request, "ParameterGroupName")
            && !self.parameter_groups.contains_key(group)
        {
            return Err(DaxError::parameter_group_not_found(group));
        }
        let cluster = self
            .cluster_mut(name)
            .ok_or_else(|| DaxError::cluster_not_found(None))?;
        if let Some(group) = string(request, "ParameterGroupName") {
            cluster.parameter_group = group.to_string();
        }
        if let Some(description) = string(request, "Description") {
            cluster.description = description.to_string();
        }
        Ok(json!({"Cluster": describe_cluster(cluster)}))
    }

    fn increase_replication(&mut self, request: &Value, now: SimTime) -> Result<Value, DaxError> {
        let name = required(request, "ClusterName", "clusterName")?;
        let factor = count(request, "NewReplicationFactor", "newReplicationFactor")?;
        let cluster = self
            .cluster_mut(name)
            .ok_or_else(|| DaxError::cluster_not_found(None))?;
        if cluster.status != ClusterStatus::Available {
            return Err(DaxError::invalid_cluster_state(name));
        }
        let current = cluster.nodes().len();
        if factor <= current {
            return Err(DaxError::invalid_parameter(format!(
                "The new replication factor {factor} must be greater than the current {current}."
            )));
        }
        check_replication_factor(factor)?;
        let zones = strings(request, "AvailabilityZones");
        cluster.add_nodes(factor - current, &zones, now, Some(now + NODE_LAUNCH_TIME));
        cluster.status = ClusterStatus::Modifying;
        Ok(json!({"Cluster": describe_cluster(cluster)}))
    }

    fn decrease_replication(&mut self, request: &Value) -> Result<Value, DaxError> {
        let name = required(request, "ClusterName", "clusterName")?;
        let factor = count(request, "NewReplicationFactor", "newReplicationFactor")?;
        let named = strings(request, "NodeIdsToRemove");
        let cluster = self
            .cluster_mut(name)
            .ok_or_else(|| DaxError::cluster_not_found(None))?;
        if cluster.status != ClusterStatus::Available {
            return Err(DaxError::invalid_cluster_state(name));
        }
        let current = cluster.nodes().len();
        if factor == 0 || factor >= current {
            return Err(DaxError::invalid_parameter(format!(
                "The new replication factor {factor} must be at least 1 and less than the current {current}."
            )));
        }
        if let Some(unknown) = named.iter().find(|id| cluster.node(id).is_none()) {
            return Err(DaxError::node_not_found(unknown));
        }
        if !named.is_empty() && named.len() != current - factor {
            return Err(DaxError::invalid_parameter(format!(
                "NodeIdsToRemove names {} nodes, but going from {current} to {factor} removes {}.",
                named.len(),
                current - factor
            )));
        }
        cluster.remove_nodes(factor, &named);
        Ok(json!({"Cluster": describe_cluster(cluster)}))
    }

    fn update_parameter_group(&mut self, request: &Value) -> Result<Value, DaxError> {
        let name = required(request, "ParameterGroupName", "parameterGroupName")?;
        let changes = request
            .get("ParameterNameValues")
            .and_then(Value::as_array)
            .ok_or_else(|| DaxError::missing("parameterNameValues"))?;
        let group = self
            .parameter_groups
            .get(name)
            .ok_or_else(|| DaxError::parameter_group_not_found(name))?;
        if group.is_default() {
            return Err(default_group_is_read_only());
        }
        let mut updated = group.clone();
        for change in changes {
            let parameter = string(change, "ParameterName").unwrap_or_default();
            let text = string(change, "ParameterValue").unwrap_or_default();
            let value: u64 = text.parse().map_err(|_| {
                DaxError::invalid_parameter(format!(
                    "Invalid value {text:?} for {parameter}: it must be a whole number of milliseconds, 0 or more."
                ))
            })?;
            match parameter {
                RECORD_TTL => updated.record_ttl_millis = value,
                QUERY_TTL => updated.query_ttl_millis = value,
                _ => {
                    return Err(DaxError::invalid_parameter(format!(
                        "Unknown parameter {parameter:?}: only {RECORD_TTL} and {QUERY_TTL} can be set."
                    )));
                }
            }
        }
        let wire = updated.to_wire();
        self.parameter_groups.insert(name.to_string(), updated);
        Ok(json!({"ParameterGroup": wire}))
    }
}

/// Whether a cluster name would be accepted (for forms that check as you type).
pub fn is_valid_cluster_name(name: &str) -> bool {
    check_cluster_name(name).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynaplay_sim::SimDuration;

    fn create(service: &mut DaxService, name: &str, factor: usize) -> Result<Value, DaxError> {
        service.control(
            "CreateCluster",
            &json!({"ClusterName": name, "NodeType": "dax.t3.small", "ReplicationFactor": factor,
                "IamRoleArn": "arn:aws:iam::000000000000:role/DAX"}),
            SimTime::ZERO,
        )
    }

    #[test]
    fn a_created_cluster_launches_then_is_available() {
        let mut service = DaxService::new(1);
        let created = create(&mut service, "demo", 3).unwrap();
        assert_eq!(created["Cluster"]["Status"], "creating");
        assert_eq!(created["Cluster"]["TotalNodes"], 3);
        assert_eq!(created["Cluster"]["ActiveNodes"], 0);
        assert_eq!(created["Cluster"]["Nodes"][1]["NodeId"], "demo-b");
        assert_eq!(
            created["Cluster"]["Nodes"][1]["AvailabilityZone"],
            "us-east-1b"
        );
        let later = SimTime::ZERO + NODE_LAUNCH_TIME;
        let described = service
            .control(
                "DescribeClusters",
                &json!({"ClusterNames": ["demo"]}),
                later,
            )
            .unwrap();
        assert_eq!(described["Clusters"][0]["Status"], "available");
        assert_eq!(described["Clusters"][0]["ActiveNodes"], 3);
    }

    #[test]
    fn create_cluster_checks_its_input() {
        let mut service = DaxService::new(1);
        assert_eq!(
            create(&mut service, "Bad--name", 1).unwrap_err().code,
            "InvalidParameterValueException"
        );
        assert_eq!(
            create(&mut service, "big", 12).unwrap_err().code,
            "NodeQuotaForClusterExceededFault"
        );
        create(&mut service, "demo", 1).unwrap();
        assert_eq!(
            create(&mut service, "demo", 1).unwrap_err().code,
            "ClusterAlreadyExistsFault"
        );
        let missing = service
            .control("CreateCluster", &json!({"ClusterName": "x"}), SimTime::ZERO)
            .unwrap_err();
        assert_eq!(missing, DaxError::missing("nodeType"));
        assert_eq!(
            service
                .control(
                    "DescribeClusters",
                    &json!({"ClusterNames": ["nope"]}),
                    SimTime::ZERO
                )
                .unwrap_err()
                .message,
            "Cluster nope not found."
        );
    }

    #[test]
    fn node_count_changes_and_deletion() {
        let mut service = DaxService::new(1);
        create(&mut service, "demo", 1).unwrap();
        let t = SimTime::ZERO + NODE_LAUNCH_TIME;
        let grown = service
            .control(
                "IncreaseReplicationFactor",
                &json!({"ClusterName": "demo", "NewReplicationFactor": 3}),
                t,
            )
            .unwrap();
        assert_eq!(grown["Cluster"]["Status"], "modifying");
        assert_eq!(grown["Cluster"]["Nodes"][2]["NodeStatus"], "creating");
        let t = t + NODE_LAUNCH_TIME;
        let shrunk = service
            .control(
                "DecreaseReplicationFactor",
                &json!({"ClusterName": "demo", "NewReplicationFactor": 2, "NodeIdsToRemove": ["demo-b"]}),
                t,
            )
            .unwrap();
        let ids: Vec<&str> = shrunk["Cluster"]["Nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["NodeId"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["demo-a", "demo-c"]);
        let deleting = service
            .control("DeleteCluster", &json!({"ClusterName": "demo"}), t)
            .unwrap();
        assert_eq!(deleting["Cluster"]["Status"], "deleting");
        let gone = t + SimDuration::from_secs(31);
        let listed = service
            .control("DescribeClusters", &json!({}), gone)
            .unwrap();
        assert_eq!(listed["Clusters"], json!([]));
    }

    #[test]
    fn parameter_groups_hold_the_ttls() {
        let mut service = DaxService::new(1);
        service
            .control(
                "CreateParameterGroup",
                &json!({"ParameterGroupName": "fast"}),
                SimTime::ZERO,
            )
            .unwrap();
        service
            .control(
                "UpdateParameterGroup",
                &json!({"ParameterGroupName": "fast", "ParameterNameValues": [
                    {"ParameterName": "query-ttl-millis", "ParameterValue": "0"},
                    {"ParameterName": "record-ttl-millis", "ParameterValue": "1000"}]}),
                SimTime::ZERO,
            )
            .unwrap();
        let group = service.parameter_group("fast").unwrap();
        assert_eq!(
            (group.record_ttl_millis, group.query_ttl_millis),
            (1_000, 0)
        );
        let default_change = service.control(
            "UpdateParameterGroup",
            &json!({"ParameterGroupName": "default.dax1.0", "ParameterNameValues": []}),
            SimTime::ZERO,
        );
        assert_eq!(
            default_change.unwrap_err().code,
            "InvalidParameterGroupStateFault"
        );
        let bad = service.control(
            "UpdateParameterGroup",
            &json!({"ParameterGroupName": "fast", "ParameterNameValues": [
                {"ParameterName": "record-ttl-millis", "ParameterValue": "-1"}]}),
            SimTime::ZERO,
        );
        assert_eq!(bad.unwrap_err().code, "InvalidParameterValueException");
        let listed = service
            .control(
                "DescribeParameters",
                &json!({"ParameterGroupName": "fast"}),
                SimTime::ZERO,
            )
            .unwrap();
        assert_eq!(listed["Parameters"][0]["ParameterValue"], "0");
        service
            .control(
                "CreateCluster",
                &json!({"ClusterName": "c", "NodeType": "dax.r5.large", "ReplicationFactor": 1,
                    "IamRoleArn": "arn:aws:iam::0:role/r", "ParameterGroupName": "fast"}),
                SimTime::ZERO,
            )
            .unwrap();
        let in_use = service.control(
            "DeleteParameterGroup",
            &json!({"ParameterGroupName": "fast"}),
            SimTime::ZERO,
        );
        assert_eq!(in_use.unwrap_err().code, "InvalidParameterGroupStateFault");
    }
}
