//! The DAX service of one account and region: its clusters and parameter groups, and the
//! one door every request comes through.
//!
//! [`DaxService::execute`] sends a DynamoDB data-plane request through a named cluster in
//! front of a [`Backend`] and returns a [`DaxOutcome`]: DynamoDB's answer as DAX gives it,
//! plus the record of how it was produced. [`DaxService::control`] (in
//! [`crate::dax::control`]) runs the management API in AWS's JSON shapes. The remaining
//! methods are the same controls for Rust callers — the world, scenarios, tests — and
//! the fault verbs the simulation adds (failing a node).
//!
//! The service owns one seeded random generator and forks each new cluster its own, so
//! routing, latencies and replication lags are the same on every run with the same seed
//! and the same requests, and one cluster's traffic never shifts another's draws.

use std::collections::BTreeMap;

use dynaplay_sim::{SimRng, SimTime};
use serde_json::Value;

use crate::dax::backend::Backend;
use crate::dax::cluster::{
    CLUSTER_DELETION_TIME, ClusterSpec, ClusterStatus, DaxCluster, Env, MAX_NODES,
    NODE_REBOOT_TIME, NODE_REPLACEMENT_TIME,
};
use crate::dax::error::DaxError;
use crate::dax::latency::DaxLatency;
use crate::dax::node::NodeStatus;
use crate::dax::node_type::node_type;
use crate::dax::outcome::{DaxOutcome, DaxRequest, Route};
use crate::dax::params::{DEFAULT_PARAMETER_GROUP, ParameterGroup};
use crate::error::{DynamoError, ErrorKind};

/// The label DAX's generator is forked under from the seed, so that a world seeding its own
/// subsystems from the same number never shares a stream with DAX.
const RNG_STREAM: u64 = 0xDA7_CAC4E;

/// Every DAX cluster and parameter group of one account and region.
#[derive(Debug, Clone)]
pub struct DaxService {
    pub region: String,
    pub account_id: String,
    pub(crate) clusters: BTreeMap<String, DaxCluster>,
    pub(crate) parameter_groups: BTreeMap<String, ParameterGroup>,
    latency: DaxLatency,
    rng: SimRng,
    clusters_created: u64,
}

impl DaxService {
    /// An empty service whose randomness is determined by `seed`.
    pub fn new(seed: u64) -> DaxService {
        let default = ParameterGroup::default_group();
        DaxService {
            region: "us-east-1".to_string(),
            account_id: "000000000000".to_string(),
            clusters: BTreeMap::new(),
            parameter_groups: BTreeMap::from([(default.name.clone(), default)]),
            latency: DaxLatency::default(),
            rng: SimRng::seed_from(seed).fork(RNG_STREAM),
            clusters_created: 0,
        }
    }

    /// Sends a DynamoDB request (`GetItem`, `Query`, `PutItem`, ...) through `cluster` to
    /// `backend`, at `now`.
    pub fn execute<B: Backend + ?Sized>(
        &mut self,
        cluster: &str,
        operation: &str,
        request: &Value,
        backend: &mut B,
        now: SimTime,
    ) -> DaxOutcome {
        // The cluster advances itself; only deletions that are due are applied here.
        self.clusters
            .retain(|_, c| c.deleted_at.is_none_or(|at| at > now));
        let default = ParameterGroup::default_group();
        let Some(found) = self.clusters.get_mut(cluster) else {
            return no_such_cluster(cluster, operation, now);
        };
        let params = self
            .parameter_groups
            .get(&found.parameter_group)
            .unwrap_or(&default);
        let mut env = Env {
            backend,
            now,
            params,
            latency: &self.latency,
        };
        found.execute(operation, request, &mut env)
    }

    /// Moves every cluster to `now`; clusters whose deletion has finished are gone.
    pub fn advance_to(&mut self, now: SimTime) {
        let default = ParameterGroup::default_group();
        for cluster in self.clusters.values_mut() {
            let params = self
                .parameter_groups
                .get(&cluster.parameter_group)
                .unwrap_or(&default);
            cluster.advance_to(now, params, true);
        }
        self.clusters
            .retain(|_, c| c.deleted_at.is_none_or(|at| at > now));
    }

    /// Builds a cluster. With `running` its nodes are available at once (scenarios, the
    /// endpoint's cluster); otherwise they launch as after `CreateCluster`.
    pub(crate) fn build(
        &mut self,
        spec: &ClusterSpec,
        now: SimTime,
        running: bool,
    ) -> Result<&DaxCluster, DaxError> {
        self.advance_to(now);
        check_cluster_name(&spec.name)?;
        if self.clusters.contains_key(&spec.name) {
            return Err(DaxError::new(
                "ClusterAlreadyExistsFault",
                format!("Cluster {} already exists.", spec.name),
            ));
        }
        let node_type = node_type(&spec.node_type).ok_or_else(|| {
            DaxError::invalid_parameter(format!("Invalid node type: {}", spec.node_type))
        })?;
        check_replication_factor(spec.replication_factor)?;
        if !self.parameter_groups.contains_key(&spec.parameter_group) {
            return Err(DaxError::parameter_group_not_found(&spec.parameter_group));
        }
        self.clusters_created += 1;
        let rng = self.rng.fork(self.clusters_created);
        let cluster = DaxCluster::new(
            spec,
            *node_type,
            &self.region,
            &self.account_id,
            rng,
            now,
            running,
        );
        Ok(self.clusters.entry(spec.name.clone()).or_insert(cluster))
    }

    /// Creates a cluster that is running at once.
    pub fn provision(&mut self, spec: &ClusterSpec, now: SimTime) -> Result<&DaxCluster, DaxError> {
        self.build(spec, now, true)
    }

    /// Creates or replaces a parameter group (not the built-in default).
    pub fn put_parameter_group(&mut self, group: ParameterGroup) -> Result<(), DaxError> {
        if group.is_default() {
            return Err(default_group_is_read_only());
        }
        self.parameter_groups.insert(group.name.clone(), group);
        Ok(())
    }

    /// Sets a cluster's two TTLs (milliseconds; see [`ParameterGroup`] for what 0 means).
    /// A cluster on the default group is moved to a group of its own, `<cluster>-ttl`.
    pub fn set_ttls(
        &mut self,
        cluster: &str,
        record_ttl_millis: u64,
        query_ttl_millis: u64,
        now: SimTime,
    ) -> Result<(), DaxError> {
        self.advance_to(now);
        let found = self
            .clusters
            .get_mut(cluster)
            .ok_or_else(|| DaxError::cluster_not_found(None))?;
        if found.parameter_group == DEFAULT_PARAMETER_GROUP {
            found.parameter_group = format!("{cluster}-ttl");
        }
        let name = found.parameter_group.clone();
        let group = self
            .parameter_groups
            .entry(name.clone())
            .or_insert_with(|| ParameterGroup::new(name, format!("TTLs of {cluster}")));
        group.record_ttl_millis = record_ttl_millis;
        group.query_ttl_millis = query_ttl_millis;
        Ok(())
    }

    /// A node fails: its caches are lost, its traffic goes to the other nodes (a replica
    /// takes over if it was the primary) and DAX replaces it after
    /// [`NODE_REPLACEMENT_TIME`].
    pub fn fail_node(&mut self, cluster: &str, node: &str, now: SimTime) -> Result<(), DaxError> {
        self.take_down(
            cluster,
            node,
            NodeStatus::Failed,
            now + NODE_REPLACEMENT_TIME,
            now,
        )
    }

    /// A node reboots: like a failure, but back after [`NODE_REBOOT_TIME`].
    pub fn reboot_node(&mut self, cluster: &str, node: &str, now: SimTime) -> Result<(), DaxError> {
        self.take_down(
            cluster,
            node,
            NodeStatus::Rebooting,
            now + NODE_REBOOT_TIME,
            now,
        )
    }

    fn take_down(
        &mut self,
        cluster: &str,
        node: &str,
        status: NodeStatus,
        ready_at: SimTime,
        now: SimTime,
    ) -> Result<(), DaxError> {
        self.advance_to(now);
        let found = self
            .clusters
            .get_mut(cluster)
            .ok_or_else(|| DaxError::cluster_not_found(None))?;
        if found.take_down(node, status, ready_at) {
            Ok(())
        } else {
            Err(DaxError::node_not_found(node))
        }
    }

    /// Starts deleting a cluster; it is gone after [`CLUSTER_DELETION_TIME`].
    pub fn delete_cluster(&mut self, cluster: &str, now: SimTime) -> Result<&DaxCluster, DaxError> {
        self.advance_to(now);
        let found = self
            .clusters
            .get_mut(cluster)
            .ok_or_else(|| DaxError::cluster_not_found(None))?;
        if found.status != ClusterStatus::Deleting {
            found.status = ClusterStatus::Deleting;
            found.deleted_at = Some(now + CLUSTER_DELETION_TIME);
        }
        Ok(found)
    }

    pub fn cluster(&self, name: &str) -> Option<&DaxCluster> {
        self.clusters.get(name)
    }

    pub(crate) fn cluster_mut(&mut self, name: &str) -> Option<&mut DaxCluster> {
        self.clusters.get_mut(name)
    }

    /// Clusters in name order.
    pub fn clusters(&self) -> impl Iterator<Item = &DaxCluster> {
        self.clusters.values()
    }

    pub fn parameter_group(&self, name: &str) -> Option<&ParameterGroup> {
        self.parameter_groups.get(name)
    }

    /// The parameter group a cluster uses (the default if its group has gone).
    pub fn parameters_of(&self, cluster: &DaxCluster) -> ParameterGroup {
        self.parameter_groups
            .get(&cluster.parameter_group)
            .cloned()
            .unwrap_or_else(ParameterGroup::default_group)
    }

    pub fn parameter_groups(&self) -> impl Iterator<Item = &ParameterGroup> {
        self.parameter_groups.values()
    }

    pub fn latency(&self) -> &DaxLatency {
        &self.latency
    }

    pub fn set_latency(&mut self, latency: DaxLatency) {
        self.latency = latency;
    }
}

pub(crate) fn default_group_is_read_only() -> DaxError {
    DaxError::new(
        "InvalidParameterGroupStateFault",
        format!(
            "The default parameter group {DEFAULT_PARAMETER_GROUP} cannot be modified or deleted."
        ),
    )
}

/// AWS's rules for a cluster name, with its message (as moto reproduces it).
pub(crate) fn check_cluster_name(name: &str) -> Result<(), DaxError> {
    let valid = name.len() <= 20
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.ends_with('-')
        && !name.contains("--");
    if valid {
        Ok(())
    } else {
        Err(DaxError::invalid_parameter(
            "Cluster ID specified is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.",
        ))
    }
}

pub(crate) fn check_replication_factor(factor: usize) -> Result<(), DaxError> {
    if factor == 0 {
        return Err(DaxError::invalid_parameter(
            "Replication factor must be at least 1.",
        ));
    }
    if factor > MAX_NODES {
        return Err(DaxError::new(
            "NodeQuotaForClusterExceededFault",
            format!(
                "A cluster can have at most {MAX_NODES} nodes: one primary and 10 read replicas."
            ),
        ));
    }
    Ok(())
}

fn no_such_cluster(cluster: &str, operation: &str, now: SimTime) -> DaxOutcome {
    let error = DynamoError::new(
        ErrorKind::ServiceUnavailable,
        format!("DAX cluster {cluster} does not exist"),
    );
    DaxOutcome {
        request: DaxRequest {
            id: 0,
            at: now,
            operation: operation.to_string(),
            node: None,
            primary: false,
            route: Route::Unavailable,
            touches: Vec::new(),
            dynamodb: false,
            stale: false,
            latency: dynaplay_sim::SimDuration::ZERO,
            error: Some(error.kind.name().to_string()),
        },
        result: Err(error),
    }
}
