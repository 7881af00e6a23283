//! The DAX view: a DynamoDB Accelerator cluster at work, and the stale answers a
//! write-through cache can give.
//!
//! DAX is invisible to the application that uses it — it speaks DynamoDB's API — so the
//! view shows what it hides: the cluster's nodes; the contents of each node's item and
//! query caches, every entry with its age and its TTL draining as simulated time passes;
//! hit and miss counters; the path each request took (client → node → cache, or on to
//! DynamoDB); and a latency histogram of the same read-heavy workload sent straight to
//! DynamoDB and through DAX. Six guided experiments each make one of DAX's rules happen
//! with one click, and a request form and cluster controls let a learner go further.
//!
//! Everything on screen is read from the world's DAX snapshot, taken afresh on each render
//! (so at every tick of the shared clock); everything the learner does is a
//! [`state::DaxAction`] sent to the playground's reducer. Small pieces are plain functions
//! and HTML/SVG: the view draws tens of marks, not thousands.

mod caches;
mod cluster;
mod experiment_panel;
mod experiments;
mod format;
mod lab;
mod latency_chart;
mod paths;
mod send_form;
pub mod state;

use std::rc::Rc;

use dynaplay_world::DaxSnapshot;
use dynaplay_world::dynamo::dax::snapshot::ClusterSnapshot;
use yew::prelude::*;

use crate::app::PlaygroundHandle;
use crate::state::{Action, Playground};
use state::{DaxAction, DaxState};

/// The DAX view of the playground's current state.
pub fn dax_view(state: &PlaygroundHandle) -> Html {
    let (snapshot, lab_ready) = match state.world.try_borrow_mut() {
        Ok(mut world) => (
            Some(Rc::new(world.dax_snapshot())),
            world.dynamo().table(lab::LAB_TABLE).is_some(),
        ),
        Err(_) => (None, false),
    };
    html! {
        <DaxView
            dispatcher={state.dispatcher()}
            dax={state.dax.clone()}
            {snapshot}
            playing={state.playing}
            {lab_ready}
        />
    }
}

#[derive(Properties, PartialEq)]
pub struct DaxViewProps {
    pub dispatcher: UseReducerDispatcher<Playground>,
    pub dax: Rc<DaxState>,
    pub snapshot: Option<Rc<DaxSnapshot>>,
    pub playing: bool,
    /// Whether the lab table exists.
    pub lab_ready: bool,
}

#[function_component(DaxView)]
fn dax_view_component(props: &DaxViewProps) -> Html {
    let on: Callback<DaxAction> = {
        let dispatcher = props.dispatcher.clone();
        Callback::from(move |action| dispatcher.dispatch(Action::Dax(action)))
    };
    let dax = &props.dax;
    let clusters: &[ClusterSnapshot] = props.snapshot.as_deref().map_or(&[], |s| &s.clusters);
    let cluster = dax
        .cluster
        .as_deref()
        .and_then(|name| clusters.iter().find(|c| c.name == name))
        .or_else(|| clusters.first());
    let names: Vec<String> = clusters.iter().map(|c| c.name.clone()).collect();
    let at = props.snapshot.as_ref().map(|s| s.at).unwrap_or_default();

    html! {
        <section class="dax-view" data-testid="dax-view">
            <h1 id="view-title" data-testid="view-title">{"DAX"}</h1>
            <p class="lede">
                {"DynamoDB Accelerator: a write-through cache cluster in front of DynamoDB. \
                  Hits are answered from memory in microseconds — and can be surprisingly old."}
            </p>
            {experiment_panel::experiments(dax.experiment.as_ref(), at, props.playing, &on)}
            <div class="dax-layout">
                <div class="dax-main">
                    {cluster::cluster_tabs(clusters, cluster.map(|c| c.name.as_str()), &on)}
                    if let Some(cluster) = cluster {
                        {cluster::cluster_panel(cluster, dax.node.as_deref(), &on)}
                        {paths::path_panel(cluster, dax.request, &on)}
                        {caches::cache_panel(cluster, dax.node.as_deref(), &on)}
                    } else {
                        <section class="panel">
                            <p class="empty-note" data-testid="no-cluster">
                                {"No DAX cluster yet. Run an experiment — it sets up a lab cluster — \
                                  or create one with the form."}
                            </p>
                        </section>
                    }
                </div>
                <div class="dax-side">
                    <send_form::SendForm
                        on={on.clone()}
                        cluster={cluster.map(|c| c.name.clone())}
                        sent={dax.sent.clone()}
                        lab_ready={props.lab_ready}
                    />
                    {cluster::control_result(dax.control.as_ref())}
                    if let Some(cluster) = cluster {
                        <cluster::ClusterSettings
                            key={format!("{}/{}/{}/{}", cluster.name, cluster.nodes.len(),
                                cluster.record_ttl_millis, cluster.query_ttl_millis)}
                            on={on.clone()}
                            name={cluster.name.clone()}
                            nodes={cluster.nodes.len()}
                            record_ttl_millis={cluster.record_ttl_millis}
                            query_ttl_millis={cluster.query_ttl_millis}
                        />
                    }
                    <cluster::CreateCluster on={on.clone()} taken={names} />
                </div>
            </div>
            <section class="panel" aria-labelledby="latency-title">
                <h2 id="latency-title">{"Latency: through DAX and straight to DynamoDB"}</h2>
                if let Some(chart) = &dax.speedup {
                    {latency_chart::chart(chart)}
                } else {
                    <p class="empty-note" data-testid="latency-empty">
                        {"Run the read-heavy experiment to see the same workload's read latencies \
                          straight to DynamoDB and through DAX, side by side."}
                    </p>
                }
            </section>
        </section>
    }
}
