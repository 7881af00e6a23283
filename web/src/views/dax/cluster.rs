//! A cluster at a glance, and the controls that change it.
//!
//! The panel shows what DAX's console would — status, node type, the two TTLs — and what
//! it would not: every node's caches as counts and hit ratios, the cache updates still on
//! their way between nodes, and the cluster's hit and miss counters as they rise. Nodes
//! can be failed or rebooted from their cards (DAX replaces a failed node empty, so its
//! hits start over). The forms make clusters, change their size and TTLs, and delete
//! them; each goes through the world's DAX control plane and its answer, or its error in
//! DAX's words, is shown.

use dynaplay_world::dynamo::dax::control::is_valid_cluster_name;
use dynaplay_world::dynamo::dax::node_type::{DEFAULT_NODE_TYPE, NODE_TYPES};
use dynaplay_world::dynamo::dax::snapshot::{ClusterSnapshot, NodeSnapshot};
use dynaplay_world::dynamo::dax::{NodeRole, lru::CacheStats};
use yew::prelude::*;

use super::format::short;
use super::state::{ControlResult, DaxAction, NewCluster, ttl_words};
use crate::views::fields::{
    FormHandle, FormState, number_field, on_text, select_field, text_field,
};

/// At most one primary and ten read replicas.
const MAX_NODES: usize = 11;

/// One tab per cluster.
pub fn cluster_tabs(
    clusters: &[ClusterSnapshot],
    selected: Option<&str>,
    on: &Callback<DaxAction>,
) -> Html {
    if clusters.len() < 2 {
        return Html::default();
    }
    html! {
        <div class="cluster-tabs" role="group" aria-label="Clusters">
            { for clusters.iter().map(|c| {
                let name = c.name.clone();
                let onclick = on.reform(move |_| DaxAction::SelectCluster(name.clone()));
                html! {
                    <button key={c.name.clone()} class="tab" {onclick}
                        aria-pressed={(selected == Some(c.name.as_str())).to_string()}
                        data-testid={format!("cluster-tab-{}", c.name)}>{c.name.clone()}</button>
                }
            }) }
        </div>
    }
}

fn ratio(value: Option<f64>) -> String {
    value.map_or("–".to_string(), |r| format!("{:.1}%", r * 100.0))
}

/// The cluster's facts, counters and nodes.
pub fn cluster_panel(
    cluster: &ClusterSnapshot,
    selected_node: Option<&str>,
    on: &Callback<DaxAction>,
) -> Html {
    let mut both = cluster.item_cache;
    both.add(&cluster.query_cache);
    let shown_node = shown_node(cluster, selected_node);
    let latency = cluster
        .read_latency
        .map_or("no reads yet".to_string(), |p| {
            format!(
                "p50 {} · p99 {} · mean {}",
                short(p.p50),
                short(p.p99),
                short(p.mean)
            )
        });
    html! {
        <section class="panel dax-cluster" aria-labelledby="cluster-title" data-testid="dax-cluster"
            data-cluster={cluster.name.clone()}>
            <div class="panel-head">
                <h2 id="cluster-title">{format!("Cluster {}", cluster.name)}</h2>
                <span class="badge" data-testid="cluster-status">{cluster.status}</span>
                <span class="badge">{cluster.node_type}</span>
            </div>
            <p class="hint">
                {format!("Item cache TTL {} · query cache TTL {} · ",
                    ttl_words(cluster.record_ttl_millis, true), ttl_words(cluster.query_ttl_millis, false))}
                <span data-testid="pending-replications">
                    {match cluster.pending_replications {
                        0 => "no cache updates in flight between nodes".to_string(),
                        1 => "1 cache update in flight between nodes".to_string(),
                        n => format!("{n} cache updates in flight between nodes"),
                    }}
                </span>
            </p>
            <dl class="dax-counters">
                {counter("Hits", both.hits.to_string(), "dax-hits", "hits")}
                {counter("Misses", both.misses.to_string(), "dax-misses", "misses")}
                {counter("Hit ratio", ratio(cluster.hit_ratio), "dax-hit-ratio", "ratio")}
                {counter("Item cache", stats_words(&cluster.item_cache), "dax-item-stats", "")}
                {counter("Query cache", stats_words(&cluster.query_cache), "dax-query-stats", "")}
                {counter("Reads through DAX", latency, "dax-read-latency", "")}
            </dl>
            <div class="hit-bar" aria-hidden="true">
                <span class="hit-part" style={format!("width: {:.1}%", cluster.hit_ratio.unwrap_or(0.0) * 100.0)} />
            </div>
            <ul class="dax-nodes" aria-label="Nodes">
                { for cluster.nodes.iter().map(|node| node_card(cluster, node, shown_node == Some(node.id.as_str()), on)) }
            </ul>
        </section>
    }
}

/// The node whose caches are listed: the chosen one, else the primary.
pub fn shown_node<'a>(cluster: &'a ClusterSnapshot, selected: Option<&str>) -> Option<&'a str> {
    selected
        .and_then(|id| cluster.nodes.iter().find(|n| n.id == id))
        .or_else(|| cluster.nodes.iter().find(|n| n.role == NodeRole::Primary))
        .or_else(|| cluster.nodes.first())
        .map(|n| n.id.as_str())
}

fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn stats_words(stats: &CacheStats) -> String {
    format!(
        "{} hits · {} misses · {} evicted · {} expired",
        stats.hits, stats.misses, stats.evictions, stats.expirations
    )
}

fn counter(label: &str, value: String, testid: &str, class: &str) -> Html {
    html! {
        <div class={classes!("dax-counter", (!class.is_empty()).then(|| class.to_string()))}>
            <dt>{label.to_string()}</dt>
            <dd data-testid={testid.to_string()}>{value}</dd>
        </div>
    }
}

fn node_card(
    cluster: &ClusterSnapshot,
    node: &NodeSnapshot,
    shown: bool,
    on: &Callback<DaxAction>,
) -> Html {
    let role = match node.role {
        NodeRole::Primary => "primary",
        NodeRole::ReadReplica => "read replica",
    };
    let select = {
        let id = node.id.clone();
        on.reform(move |_| DaxAction::SelectNode(id.clone()))
    };
    let fail = {
        let (cluster, node) = (cluster.name.clone(), node.id.clone());
        on.reform(move |_| DaxAction::FailNode {
            cluster: cluster.clone(),
            node: node.clone(),
        })
    };
    let reboot = {
        let (cluster, node) = (cluster.name.clone(), node.id.clone());
        on.reform(move |_| DaxAction::RebootNode {
            cluster: cluster.clone(),
            node: node.clone(),
        })
    };
    let available = node.status == "available";
    let mut lookups = node.item_cache.stats;
    lookups.add(&node.query_cache.stats);
    html! {
        <li key={node.id.clone()} class={classes!("dax-node", node.status, shown.then_some("shown"))}
            data-testid={format!("node-{}", node.id)} data-status={node.status} data-role={role}>
            <button class="node-select" onclick={select} aria-pressed={shown.to_string()}
                aria-label={format!("Show the caches of {}", node.id)}>
                <span class="node-id">{node.id.clone()}</span>
                <span class={classes!("node-role", (node.role == NodeRole::Primary).then_some("primary"))}>{role}</span>
                <span class="node-zone">{node.availability_zone.clone()}</span>
                <span class="node-status">
                    {node.status}
                    {node.back_in.map(|d| format!(" · back in {}", short(d))).unwrap_or_default()}
                </span>
                <span class="node-figures">
                    {format!("{} · {} · {} · hit ratio {}",
                        count(node.requests, "request"), count(node.item_cache.entry_count as u64, "item"),
                        count(node.query_cache.entry_count as u64, "result"), ratio(lookups.hit_ratio()))}
                    if node.throttled > 0 {
                        {format!(" · {} throttled", node.throttled)}
                    }
                </span>
            </button>
            <span class="node-actions">
                <button onclick={fail} disabled={!available} data-testid={format!("fail-{}", node.id)}
                    aria-label={format!("Fail node {}", node.id)}>{"Fail"}</button>
                <button onclick={reboot} disabled={!available}
                    aria-label={format!("Reboot node {}", node.id)}>{"Reboot"}</button>
            </span>
        </li>
    }
}

/// The answer to the last cluster change.
pub fn control_result(result: Option<&ControlResult>) -> Html {
    match result.map(|r| &r.result) {
        None => Html::default(),
        Some(Ok(text)) => html! {
            <p class="success" role="status" data-testid="dax-control-result">{text.clone()}</p>
        },
        Some(Err(error)) => html! {
            <div class="error" role="alert" data-testid="dax-control-error">
                <strong class="error-name" data-testid="error-name">{error.code}</strong>
                <span class="error-message">{error.message.clone()}</span>
            </div>
        },
    }
}

/// The half-typed values of the settings form.
#[derive(Debug, Clone, PartialEq, Default)]
struct Settings {
    nodes: String,
    record_ttl: String,
    query_ttl: String,
}

#[derive(Properties, PartialEq)]
pub struct ClusterSettingsProps {
    pub on: Callback<DaxAction>,
    pub name: String,
    pub nodes: usize,
    pub record_ttl_millis: u64,
    pub query_ttl_millis: u64,
}

/// TTLs, node count and deletion of the cluster on screen. Keyed by the cluster's
/// settings, so it starts from the current values whenever they change.
#[function_component(ClusterSettings)]
pub fn cluster_settings(props: &ClusterSettingsProps) -> Html {
    let initial = Settings {
        nodes: props.nodes.to_string(),
        record_ttl: props.record_ttl_millis.to_string(),
        query_ttl: props.query_ttl_millis.to_string(),
    };
    let form: FormHandle<Settings> = use_reducer(move || FormState(initial));
    let values = &form.0;
    let ttls = values
        .record_ttl
        .trim()
        .parse::<u64>()
        .ok()
        .zip(values.query_ttl.trim().parse::<u64>().ok());
    let nodes = values
        .nodes
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_NODES).contains(n));
    let on_ttls = {
        let (on, name) = (props.on.clone(), props.name.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if let Some((record_ttl_millis, query_ttl_millis)) = ttls {
                on.emit(DaxAction::SetTtls {
                    cluster: name.clone(),
                    record_ttl_millis,
                    query_ttl_millis,
                });
            }
        })
    };
    let on_nodes = {
        let (on, name) = (props.on.clone(), props.name.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if let Some(nodes) = nodes {
                on.emit(DaxAction::Resize {
                    cluster: name.clone(),
                    nodes,
                });
            }
        })
    };
    let on_delete = {
        let name = props.name.clone();
        props
            .on
            .reform(move |_| DaxAction::DeleteCluster(name.clone()))
    };
    html! {
        <section class="panel" aria-labelledby="settings-title">
            <h2 id="settings-title">{format!("Settings of {}", props.name)}</h2>
            <form onsubmit={on_ttls} data-testid="ttl-form">
                <div class="field-row">
                    {number_field("Item cache TTL (ms)", &values.record_ttl, "ttl-record",
                        on_text(&form, |f, v| f.record_ttl = v))}
                    {number_field("Query cache TTL (ms)", &values.query_ttl, "ttl-query",
                        on_text(&form, |f, v| f.query_ttl = v))}
                </div>
                <p class="hint">{"0 means items never expire, and query results are not cached at all."}</p>
                <button type="submit" disabled={ttls.is_none()} data-testid="ttl-apply">{"Apply TTLs"}</button>
            </form>
            <form onsubmit={on_nodes} class="inline-form" data-testid="nodes-form">
                {number_field("Nodes (1 to 11)", &values.nodes, "cluster-nodes",
                    on_text(&form, |f, v| f.nodes = v))}
                <button type="submit" disabled={nodes.is_none()} data-testid="nodes-apply">{"Change node count"}</button>
            </form>
            <button class="danger" onclick={on_delete} data-testid="delete-cluster">
                {format!("Delete {}", props.name)}
            </button>
        </section>
    }
}

/// The half-typed values of the create form.
#[derive(Debug, Clone, PartialEq)]
struct Creating {
    name: String,
    nodes: String,
    node_type: String,
    record_ttl: String,
    query_ttl: String,
}

impl Default for Creating {
    fn default() -> Self {
        Creating {
            name: "my-cluster".into(),
            nodes: "3".into(),
            node_type: DEFAULT_NODE_TYPE.into(),
            record_ttl: "300000".into(),
            query_ttl: "300000".into(),
        }
    }
}

impl Creating {
    /// The cluster to create, or what is wrong with the form.
    fn cluster(&self, taken: &[String]) -> Result<NewCluster, String> {
        let name = self.name.trim();
        if !is_valid_cluster_name(name) {
            return Err(
                "A cluster name starts with a letter, has at most 20 letters, digits \
                        and single hyphens, and does not end with a hyphen."
                    .into(),
            );
        }
        if taken.iter().any(|t| t == name) {
            return Err(format!("There is already a cluster named {name}."));
        }
        let nodes = self
            .nodes
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_NODES).contains(n))
            .ok_or("A cluster has 1 to 11 nodes: a primary and up to 10 read replicas.")?;
        let ttl = |text: &str| text.trim().parse::<u64>().ok();
        let (Some(record_ttl_millis), Some(query_ttl_millis)) =
            (ttl(&self.record_ttl), ttl(&self.query_ttl))
        else {
            return Err("TTLs are whole numbers of milliseconds, 0 or more.".into());
        };
        Ok(NewCluster {
            name: name.to_string(),
            nodes,
            node_type: self.node_type.clone(),
            record_ttl_millis,
            query_ttl_millis,
        })
    }
}

#[derive(Properties, PartialEq)]
pub struct CreateClusterProps {
    pub on: Callback<DaxAction>,
    /// Names already in use.
    pub taken: Vec<String>,
}

#[function_component(CreateCluster)]
pub fn create_cluster(props: &CreateClusterProps) -> Html {
    let form: FormHandle<Creating> = use_reducer(FormState::<Creating>::default);
    let values = &form.0;
    let cluster = values.cluster(&props.taken);
    let types: Vec<(String, String)> = NODE_TYPES
        .iter()
        .map(|t| {
            let memory = t.memory_bytes >> 30;
            (
                t.name.to_string(),
                format!("{} ({} vCPU, {memory} GiB)", t.name, t.vcpus),
            )
        })
        .collect();
    let onsubmit = {
        let on = props.on.clone();
        let cluster = cluster.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if let Ok(cluster) = &cluster {
                on.emit(DaxAction::CreateCluster(cluster.clone()));
            }
        })
    };
    html! {
        <section class="panel" aria-labelledby="create-cluster-title">
            <h2 id="create-cluster-title">{"Create a cluster"}</h2>
            <form {onsubmit} data-testid="create-cluster-form">
                {text_field("Cluster name", &values.name, "cluster-name", on_text(&form, |f, v| f.name = v))}
                <div class="field-row">
                    {number_field("Nodes", &values.nodes, "create-nodes", on_text(&form, |f, v| f.nodes = v))}
                    {select_field("Node type", &values.node_type, "create-node-type", &types,
                        on_text(&form, |f, v| f.node_type = v))}
                </div>
                <div class="field-row">
                    {number_field("Item cache TTL (ms)", &values.record_ttl, "create-ttl-record",
                        on_text(&form, |f, v| f.record_ttl = v))}
                    {number_field("Query cache TTL (ms)", &values.query_ttl, "create-ttl-query",
                        on_text(&form, |f, v| f.query_ttl = v))}
                </div>
                if let Err(problem) = &cluster {
                    <p class="form-problem" role="status" data-testid="create-cluster-problem">{problem.clone()}</p>
                }
                <p class="hint">{"The nodes start at once here; AWS takes several minutes."}</p>
                <button type="submit" class="primary" disabled={cluster.is_err()}
                    data-testid="create-cluster-submit">{"Create cluster"}</button>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn the_create_form_says_what_is_wrong() {
        let taken = vec!["lab".to_string()];
        let ok = Creating::default().cluster(&taken).unwrap();
        assert_eq!((ok.name.as_str(), ok.nodes), ("my-cluster", 3));
        let named = |name: &str| Creating {
            name: name.into(),
            ..Creating::default()
        };
        assert!(
            named("lab")
                .cluster(&taken)
                .unwrap_err()
                .contains("already")
        );
        assert!(named("9lives").cluster(&taken).is_err());
        let too_many = Creating {
            nodes: "12".into(),
            ..Creating::default()
        };
        assert!(too_many.cluster(&taken).unwrap_err().contains("1 to 11"));
        let bad_ttl = Creating {
            query_ttl: "-1".into(),
            ..Creating::default()
        };
        assert!(
            bad_ttl
                .cluster(&taken)
                .unwrap_err()
                .contains("milliseconds")
        );
    }
}
