//! What one node's caches hold: every entry with its age and the TTL it has left.
//!
//! Each node has its own pair of caches — the reason two clients can briefly see two
//! answers — so the panel lists one node at a time (the primary unless the learner picks
//! another card). Entries are listed most recently used first, the opposite end from the
//! one LRU eviction takes, and each carries a bar of its remaining TTL that drains as the
//! shared clock runs. A negative entry — DAX remembering that an item does not exist, or
//! that a query found nothing — is marked as such, because it is a cached answer like any
//! other.

use dynaplay_world::SimDuration;
use dynaplay_world::dynamo::dax::snapshot::{CacheSnapshot, ClusterSnapshot, EntrySnapshot};
use serde_json::Value;
use yew::prelude::*;

use super::cluster::shown_node;
use super::experiments::item_summary;
use super::format::{bytes, short};
use super::state::DaxAction;
use crate::dynamo_json::{cell, truncate};

/// Entries listed per cache before "+N more".
const SHOWN_ENTRIES: usize = 20;

pub fn cache_panel(
    cluster: &ClusterSnapshot,
    selected: Option<&str>,
    on: &Callback<DaxAction>,
) -> Html {
    let shown = shown_node(cluster, selected);
    let Some(node) = cluster.nodes.iter().find(|n| Some(n.id.as_str()) == shown) else {
        return Html::default();
    };
    let item_ttl = (cluster.record_ttl_millis > 0)
        .then(|| SimDuration::from_millis(cluster.record_ttl_millis));
    let query_ttl =
        (cluster.query_ttl_millis > 0).then(|| SimDuration::from_millis(cluster.query_ttl_millis));
    html! {
        <section class="panel dax-caches" aria-labelledby="caches-title" data-testid="dax-caches"
            data-node={node.id.clone()}>
            <div class="panel-head">
                <h2 id="caches-title">{format!("Caches of {}", node.id)}</h2>
                <div class="node-tabs" role="group" aria-label="Node">
                    { for cluster.nodes.iter().map(|n| {
                        let id = n.id.clone();
                        let onclick = on.reform(move |_| DaxAction::SelectNode(id.clone()));
                        html! {
                            <button key={n.id.clone()} class="tab" {onclick}
                                aria-pressed={(n.id == node.id).to_string()}
                                data-testid={format!("cache-tab-{}", n.id)}>{n.id.clone()}</button>
                        }
                    }) }
                </div>
            </div>
            if node.status != "available" {
                <p class="hint">{format!("{} is {}: its caches are empty until it is back.", node.id, node.status)}</p>
            }
            {cache_table("Item cache", "item", &node.item_cache, item_ttl,
                "GetItem and BatchGetItem, by table and key. Writes through DAX replace entries here.")}
            {cache_table("Query cache", "query", &node.query_cache, query_ttl,
                "Query and Scan results, by the whole request. Writes never invalidate them.")}
        </section>
    }
}

fn cache_table(
    title: &str,
    kind: &'static str,
    cache: &CacheSnapshot,
    ttl: Option<SimDuration>,
    about: &str,
) -> Html {
    let more = cache.entry_count.saturating_sub(SHOWN_ENTRIES);
    let used = format!(
        "{} entr{} · {} of {} · hit ratio {}",
        cache.entry_count,
        if cache.entry_count == 1 { "y" } else { "ies" },
        bytes(cache.used_bytes),
        bytes(cache.budget_bytes),
        cache
            .hit_ratio
            .map_or("–".to_string(), |r| format!("{:.1}%", r * 100.0))
    );
    html! {
        <div class="cache-block" data-testid={format!("{kind}-cache")}>
            <h3>{title.to_string()}<span class="cache-use">{used}</span></h3>
            <p class="hint">{about.to_string()}</p>
            if cache.entries.is_empty() {
                <p class="empty-note">{"Empty."}</p>
            } else {
                <div class="grid-scroll">
                    <table class="items cache-entries">
                        <thead>
                            <tr>
                                <th scope="col">{if kind == "item" { "Key" } else { "Request" }}</th>
                                <th scope="col">{"Cached answer"}</th>
                                <th scope="col">{"Age"}</th>
                                <th scope="col">{"TTL left"}</th>
                                <th scope="col">{"Hits"}</th>
                            </tr>
                        </thead>
                        <tbody>
                            { for cache.entries.iter().take(SHOWN_ENTRIES).map(|e| entry_row(kind, e, ttl)) }
                        </tbody>
                    </table>
                </div>
                if more > 0 {
                    <p class="hint">{format!("+{more} more, less recently used.")}</p>
                }
            }
        </div>
    }
}

fn entry_row(kind: &'static str, entry: &EntrySnapshot, ttl: Option<SimDuration>) -> Html {
    let key = if kind == "item" {
        key_words(&entry.key)
    } else {
        request_words(entry.operation.as_deref(), &entry.key)
    };
    let answer = if kind == "item" {
        if entry.negative {
            "no such item".to_string()
        } else {
            item_summary(&entry.value)
        }
    } else {
        let items = entry.value.as_array().map_or(&[][..], Vec::as_slice);
        let shown: Vec<String> = items.iter().take(3).map(item_summary).collect();
        let mut text = format!(
            "{} item{}",
            items.len(),
            if items.len() == 1 { "" } else { "s" }
        );
        if !shown.is_empty() {
            text.push_str(": ");
            text.push_str(&shown.join("; "));
        }
        if items.len() > shown.len() {
            text.push_str("; …");
        }
        text
    };
    let (bar, left) = match (entry.ttl_remaining, ttl) {
        (Some(remaining), Some(ttl)) if ttl.as_micros() > 0 => (
            (remaining.as_micros() as f64 / ttl.as_micros() as f64).clamp(0.0, 1.0),
            short(remaining),
        ),
        (Some(remaining), _) => (1.0, short(remaining)),
        (None, _) => (1.0, "never expires".to_string()),
    };
    let low = bar < 0.25;
    html! {
        <tr key={format!("{}|{}", entry.table, entry.key)} data-testid="cache-entry" data-cache={kind}
            data-negative={entry.negative.to_string()}>
            <td class="cell-text" title={entry.key.clone()}>
                <span class="entry-table">{entry.table.clone()}</span>{" "}{key}
            </td>
            <td class="cell-text" data-testid="entry-answer">
                if entry.negative {
                    <span class="negative-tag">{"negative"}</span>{" "}
                }
                {truncate(&answer, 48)}
            </td>
            <td class="num" data-testid="entry-age">{short(entry.age)}</td>
            <td class="ttl-cell" data-testid="entry-ttl">
                <span class="ttl-bar" role="meter" aria-label="TTL left" aria-valuemin="0" aria-valuemax="100"
                    aria-valuenow={format!("{:.0}", bar * 100.0)}>
                    <span class={classes!("ttl-fill", low.then_some("low"))} style={format!("width: {:.1}%", bar * 100.0)} />
                </span>
                <span class="ttl-text">{left}</span>
            </td>
            <td class="num">{entry.hits}</td>
        </tr>
    }
}

/// An item key (`{"pk":{"S":"run-1"},"sk":{"S":"a"}}`) as `pk run-1 · sk a`.
pub fn key_words(key: &str) -> String {
    match serde_json::from_str::<Value>(key) {
        Ok(Value::Object(members)) => members
            .iter()
            .map(|(name, value)| format!("{name} {}", cell(value).text))
            .collect::<Vec<_>>()
            .join(" · "),
        _ => truncate(key, 60),
    }
}

/// A cached query's request in short: `Query pk = :pk (:pk run-1)`.
pub fn request_words(operation: Option<&str>, request: &str) -> String {
    let operation = operation.unwrap_or("Query");
    let Ok(parsed) = serde_json::from_str::<Value>(request) else {
        return format!("{operation} {}", truncate(request, 60));
    };
    let condition = parsed
        .get("KeyConditionExpression")
        .or_else(|| parsed.get("FilterExpression"))
        .and_then(Value::as_str);
    let values: Vec<String> = parsed
        .get("ExpressionAttributeValues")
        .and_then(Value::as_object)
        .map(|values| {
            values
                .iter()
                .map(|(name, value)| format!("{name} {}", cell(value).text))
                .collect()
        })
        .unwrap_or_default();
    match condition {
        Some(condition) if values.is_empty() => format!("{operation} {condition}"),
        Some(condition) => format!("{operation} {condition} ({})", values.join(", ")),
        None => operation.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn keys_and_requests_in_short() {
        assert_eq!(
            key_words(r#"{"pk":{"S":"run-1"},"sk":{"S":"apple"}}"#),
            "pk run-1 · sk apple"
        );
        assert_eq!(key_words("not json"), "not json");
        let request = r#"{"ExpressionAttributeValues":{":pk":{"S":"run-2"}},"KeyConditionExpression":"pk = :pk","TableName":"DaxLab"}"#;
        assert_eq!(
            request_words(Some("Query"), request),
            "Query pk = :pk (:pk run-2)"
        );
        assert_eq!(
            request_words(Some("Scan"), r#"{"TableName":"DaxLab"}"#),
            "Scan"
        );
    }
}
