//! The path a request took: client → DAX node → cache, or on to DynamoDB.
//!
//! The route is the whole story of a request through DAX. A hit stops at the node's cache;
//! a miss goes on to DynamoDB and comes back to be cached; a strongly consistent read or a
//! transaction skips the caches entirely; a write goes to DynamoDB first and is then
//! written into the item cache. The picture draws the cluster's nodes between the client
//! and DynamoDB and lights up the route of one request — the latest, or one the learner
//! picks from the list beside it — from DAX's own record of it.

use dynaplay_world::dynamo::dax::snapshot::ClusterSnapshot;
use dynaplay_world::dynamo::dax::{CacheKind, DaxRequest, Route};
use yew::prelude::*;

use super::format::short;
use super::state::DaxAction;
use crate::state::format_sim_time;

/// Requests listed, newest first.
const LISTED: usize = 12;

/// A short name for a route, for data attributes and badges.
pub fn route_name(route: Route) -> &'static str {
    match route {
        Route::CacheHit => "hit",
        Route::CacheMiss => "miss",
        Route::PassThrough(_) => "pass-through",
        Route::WriteThrough => "write-through",
        Route::Rejected => "rejected",
        Route::Unavailable => "unavailable",
    }
}

pub fn path_panel(
    cluster: &ClusterSnapshot,
    selected: Option<u64>,
    on: &Callback<DaxAction>,
) -> Html {
    let requests = &cluster.recent_requests;
    let shown = selected
        .and_then(|id| requests.iter().find(|r| r.id == id))
        .or_else(|| requests.last());
    html! {
        <section class="panel dax-paths" aria-labelledby="paths-title">
            <h2 id="paths-title">{"Request paths"}</h2>
            if let Some(request) = shown {
                {diagram(cluster, request)}
            } else {
                <p class="empty-note" data-testid="no-requests">
                    {"No requests through this cluster yet. Send one with the form or run an experiment."}
                </p>
            }
            if !requests.is_empty() {
                <ol class="recent-requests" aria-label="Recent requests, newest first">
                    { for requests.iter().rev().take(LISTED).map(|r| {
                        let id = r.id;
                        let onclick = on.reform(move |_| DaxAction::SelectRequest(id));
                        let current = shown.is_some_and(|s| s.id == r.id);
                        html! {
                            <li key={r.id}>
                                <button class={classes!("recent", route_name(r.route), r.stale.then_some("stale"))}
                                    data-testid="recent-request" data-route={route_name(r.route)}
                                    data-stale={r.stale.to_string()} aria-pressed={current.to_string()} {onclick}>
                                    <span class="recent-id">{format!("#{}", r.id)}</span>
                                    <span class="recent-op">{r.operation.clone()}</span>
                                    <span class="recent-what">{r.to_string()}</span>
                                    <span class="recent-latency">{short(r.latency)}</span>
                                </button>
                            </li>
                        }
                    }) }
                </ol>
            }
        </section>
    }
}

// Layout, in SVG user units.
const WIDTH: f64 = 640.0;
const ROW: f64 = 34.0;
const NODE_H: f64 = 26.0;
const CLIENT_X: (f64, f64) = (8.0, 104.0);
const NODE_X: (f64, f64) = (160.0, 284.0);
const CACHE_X: (f64, f64) = (350.0, 462.0);
const DB_X: (f64, f64) = (530.0, 632.0);
const BOX_H: f64 = 34.0;

fn f(v: f64) -> String {
    format!("{v:.1}")
}

fn boxed(
    x: (f64, f64),
    cy: f64,
    h: f64,
    class: Classes,
    label: String,
    sub: Option<String>,
) -> Html {
    let (label_y, sub_y) = if sub.is_some() {
        (cy - 2.0, cy + 11.0)
    } else {
        (cy + 4.0, cy)
    };
    html! {
        <g class={class}>
            <rect x={f(x.0)} y={f(cy - h / 2.0)} width={f(x.1 - x.0)} height={f(h)} rx="6" />
            <text x={f((x.0 + x.1) / 2.0)} y={f(label_y)} text-anchor="middle">{label}</text>
            if let Some(sub) = sub {
                <text class="sub" x={f((x.0 + x.1) / 2.0)} y={f(sub_y)} text-anchor="middle">{sub}</text>
            }
        </g>
    }
}

fn arrow(d: String, class: &'static str, label: Option<(f64, f64, String)>) -> Html {
    html! {
        <g class={classes!("route", class)}>
            <path d={d} marker-end="url(#dax-arrow)" />
            if let Some((x, y, text)) = label {
                <text x={f(x)} y={f(y)} text-anchor="middle">{text}</text>
            }
        </g>
    }
}

fn diagram(cluster: &ClusterSnapshot, request: &DaxRequest) -> Html {
    let n = cluster.nodes.len().max(1) as f64;
    let height = (n * ROW + 24.0).max(150.0);
    let mid = height / 2.0;
    let top = (height - n * ROW) / 2.0 + ROW / 2.0;
    let node_y = |i: usize| top + i as f64 * ROW;
    let item_y = mid - 32.0;
    let query_y = mid + 32.0;
    let touched = request.touches.first().map(|t| t.cache);
    let cache_y = |kind: CacheKind| match kind {
        CacheKind::Item => item_y,
        CacheKind::Query => query_y,
    };
    let handled = request
        .node
        .as_deref()
        .and_then(|id| cluster.nodes.iter().position(|n| n.id == id));
    let ny = handled.map(node_y);

    let mut routes: Vec<Html> = Vec::new();
    if let Some(ny) = ny {
        let class = if request.route == Route::Rejected {
            "bad"
        } else {
            "on"
        };
        routes.push(arrow(
            format!(
                "M{} {} L{} {}",
                f(CLIENT_X.1),
                f(mid),
                f(NODE_X.0 - 2.0),
                f(ny)
            ),
            class,
            None,
        ));
        let hit_label = |kind: CacheKind| {
            let word = if request.route == Route::CacheHit {
                "hit"
            } else {
                "miss"
            };
            let age = request
                .touches
                .first()
                .and_then(|t| t.age)
                .map(|a| format!(" · age {}", short(a)))
                .unwrap_or_default();
            (
                (NODE_X.1 + CACHE_X.0) / 2.0,
                (ny + cache_y(kind)) / 2.0 - 6.0,
                format!("{word}{age}"),
            )
        };
        match (request.route, touched) {
            (Route::CacheHit, Some(kind)) => routes.push(arrow(
                format!(
                    "M{} {} L{} {}",
                    f(NODE_X.1),
                    f(ny),
                    f(CACHE_X.0 - 2.0),
                    f(cache_y(kind))
                ),
                "hit",
                Some(hit_label(kind)),
            )),
            (Route::CacheMiss, Some(kind)) => {
                routes.push(arrow(
                    format!(
                        "M{} {} L{} {}",
                        f(NODE_X.1),
                        f(ny),
                        f(CACHE_X.0 - 2.0),
                        f(cache_y(kind))
                    ),
                    "miss",
                    Some(hit_label(kind)),
                ));
                routes.push(arrow(
                    format!(
                        "M{} {} L{} {}",
                        f(CACHE_X.1),
                        f(cache_y(kind)),
                        f(DB_X.0 - 2.0),
                        f(mid)
                    ),
                    "miss",
                    Some((
                        (CACHE_X.1 + DB_X.0) / 2.0,
                        (cache_y(kind) + mid) / 2.0 - 8.0,
                        "read".into(),
                    )),
                ));
            }
            (Route::PassThrough(_), _) => routes.push(arrow(
                format!(
                    "M{} {} C{} {} {} {} {} {}",
                    f(NODE_X.1),
                    f(ny),
                    f(CACHE_X.0),
                    f(6.0),
                    f(CACHE_X.1),
                    f(6.0),
                    f(DB_X.0 - 2.0),
                    f(mid)
                ),
                "pass",
                Some((
                    (CACHE_X.0 + CACHE_X.1) / 2.0,
                    14.0,
                    "pass-through, not cached".into(),
                )),
            )),
            (Route::WriteThrough, _) => {
                routes.push(arrow(
                    format!(
                        "M{} {} C{} {} {} {} {} {}",
                        f(NODE_X.1),
                        f(ny),
                        f(CACHE_X.0),
                        f(height - 6.0),
                        f(CACHE_X.1),
                        f(height - 6.0),
                        f(DB_X.0 - 2.0),
                        f(mid)
                    ),
                    "write",
                    Some((
                        (CACHE_X.0 + CACHE_X.1) / 2.0,
                        height - 4.0,
                        "write to DynamoDB first".into(),
                    )),
                ));
                if request.touches.iter().any(|t| t.cache == CacheKind::Item) {
                    routes.push(arrow(
                        format!(
                            "M{} {} L{} {}",
                            f(DB_X.0),
                            f(mid - 8.0),
                            f(CACHE_X.1 + 2.0),
                            f(item_y)
                        ),
                        "write",
                        Some((
                            (CACHE_X.1 + DB_X.0) / 2.0,
                            (item_y + mid) / 2.0 - 10.0,
                            "then cache".into(),
                        )),
                    ));
                }
            }
            _ => {}
        }
    }
    let db_used = request.dynamodb;
    let cache_class = |kind: CacheKind| {
        let used = touched == Some(kind) && request.route != Route::WriteThrough
            || request.route == Route::WriteThrough && kind == CacheKind::Item && touched.is_some();
        classes!("box", "cache", used.then_some("used"))
    };
    let caption = format!(
        "#{} {} at {} — {} — {}",
        request.id,
        request.operation,
        format_sim_time(request.at),
        request,
        short(request.latency)
    );
    html! {
        <figure class="path-figure" data-testid="request-path" data-route={route_name(request.route)}
            data-stale={request.stale.to_string()} data-request={request.id.to_string()}>
            <svg class="path-diagram" viewBox={format!("0 0 {WIDTH} {}", f(height))} role="img"
                aria-label={format!("Path of request {}: {}", request.id, request)}>
                <defs>
                    <marker id="dax-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7"
                        markerHeight="7" orient="auto-start-reverse">
                        <path d="M0 0 L10 5 L0 10 z" />
                    </marker>
                </defs>
                {boxed(CLIENT_X, mid, BOX_H, classes!("box", "client", "used"), "client".into(),
                    Some(request.operation.clone()))}
                { for cluster.nodes.iter().enumerate().map(|(i, node)| {
                    let used = handled == Some(i);
                    let role = if node.role == dynaplay_world::dynamo::dax::NodeRole::Primary { " (primary)" } else { "" };
                    html! {
                        <g key={node.id.clone()}>
                            {boxed(NODE_X, node_y(i), NODE_H,
                                classes!("box", "node", node.status, used.then_some("used")),
                                format!("{}{role}", node.id), None)}
                        </g>
                    }
                }) }
                {boxed(CACHE_X, item_y, BOX_H, cache_class(CacheKind::Item), "item cache".into(), None)}
                {boxed(CACHE_X, query_y, BOX_H, cache_class(CacheKind::Query), "query cache".into(), None)}
                {boxed(DB_X, mid, BOX_H + 8.0, classes!("box", "dynamodb", db_used.then_some("used")),
                    "DynamoDB".into(), Some(if db_used { "called" } else { "not called" }.to_string()))}
                { for routes }
            </svg>
            <figcaption data-testid="request-path-caption">
                {caption}
                if request.stale {
                    {" "}<span class="stale-flag">{"STALE"}</span>
                }
            </figcaption>
        </figure>
    }
}
