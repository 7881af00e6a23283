//! The two canvases: the cluster map and the Gantt chart.
//!
//! Each is a component only because it needs a handle on its `<canvas>`: it redraws in an
//! effect whenever the cluster's revision or the theme changes — never otherwise — by
//! rasterising the picture (see [`super::raster`]) and handing the pixels to the browser in
//! one call. What the picture shows is also written on the element, as an accessible
//! label and as `data-` counts, so a screen reader and a test can read what a sighted
//! learner sees.

use dynaplay_emr::cluster::AttemptState;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use super::palette::palette;
use super::state::{SimHandle, shown_job};
use super::{cluster_map, gantt};
use crate::browser;
use crate::theme::Theme;

#[derive(Properties, PartialEq)]
pub struct PictureProps {
    pub sim: SimHandle,
    /// What the picture depends on besides the theme: it redraws when this changes (and
    /// only then — an idle cluster's clock moving changes nothing on it).
    pub stamp: (u64, u64),
    pub theme: Theme,
}

#[function_component(ClusterPicture)]
pub fn cluster_picture(props: &PictureProps) -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        let sim = props.sim.clone();
        use_effect_with((props.stamp, props.theme), move |(_, theme)| {
            if let (Some(element), Ok(s)) = (canvas.cast::<HtmlCanvasElement>(), sim.0.try_borrow())
            {
                let (width, scale) = browser::canvas_width(&element);
                if let Some(picture) =
                    s.read(|cluster| cluster_map::draw(cluster, &palette(*theme), width, scale))
                {
                    browser::paint_raster(&element, &picture, scale);
                }
            }
        });
    }
    let Ok(s) = props.sim.0.try_borrow() else {
        return Html::default();
    };
    s.read(|cluster| cluster_canvas(cluster, canvas))
        .unwrap_or_default()
}

fn cluster_canvas(cluster: &dynaplay_emr::Cluster, canvas: NodeRef) -> Html {
    let nodes = cluster.nodes();
    let up = nodes.iter().filter(|n| n.is_up()).count();
    let blocks: usize = cluster
        .hdfs()
        .datanodes()
        .map(|(_, d)| d.blocks.len())
        .sum();
    let label = format!(
        "{} nodes ({up} up): 1 primary, {} core, {} task; {blocks} HDFS block replicas",
        nodes.len(),
        cluster.group_size(dynaplay_emr::NodeRole::Core),
        cluster.group_size(dynaplay_emr::NodeRole::Task),
    );
    html! {
        <canvas ref={canvas} class="emr-canvas" data-testid="emr-cluster-map" role="img"
            aria-label={label} data-nodes={nodes.len().to_string()} data-up={up.to_string()}
            data-blocks={blocks.to_string()} />
    }
}

#[function_component(GanttPicture)]
pub fn gantt_picture(props: &PictureProps) -> Html {
    let canvas = use_node_ref();
    // What the pointer is on: a passing detail of the picture, not state of the page.
    let readout = use_state(|| None::<String>);
    let on_move = {
        let (canvas, sim, readout) = (canvas.clone(), props.sim.clone(), readout.clone());
        Callback::from(move |event: MouseEvent| {
            let (Some(element), Ok(s)) = (canvas.cast::<HtmlCanvasElement>(), sim.0.try_borrow())
            else {
                return;
            };
            let scale = f64::from(element.width()) / f64::from(element.client_width().max(1));
            let point = (
                f64::from(event.offset_x()) * scale,
                f64::from(event.offset_y()) * scale,
            );
            let size = (element.width(), element.height(), scale);
            let found = s
                .read(|cluster| {
                    let job = shown_job(cluster)?;
                    gantt::attempt_at(cluster, job, &s.layout, size, point)
                        .and_then(|i| gantt::describe(cluster, job, i))
                })
                .flatten();
            if *readout != found {
                readout.set(found);
            }
        })
    };
    let on_leave = {
        let readout = readout.clone();
        Callback::from(move |_| readout.set(None))
    };
    {
        let canvas = canvas.clone();
        let sim = props.sim.clone();
        use_effect_with((props.stamp, props.theme), move |(_, theme)| {
            let (Some(element), Ok(s)) = (canvas.cast::<HtmlCanvasElement>(), sim.0.try_borrow())
            else {
                return;
            };
            let (width, scale) = browser::canvas_width(&element);
            let picture = s.read(|cluster| {
                let job = shown_job(cluster)?;
                let bands = gantt::bands(cluster, &s.layout);
                let lanes = bands.last().map_or(1, |b| b.first_lane + b.lanes);
                let height = (css_height(lanes) * scale).round() as u32;
                Some(gantt::draw(
                    cluster,
                    job,
                    &s.layout,
                    &palette(*theme),
                    (width, height, scale),
                ))
            });
            if let Some(Some(picture)) = picture {
                browser::paint_raster(&element, &picture, scale);
            }
        });
    }
    let Ok(s) = props.sim.0.try_borrow() else {
        return Html::default();
    };
    s.read(|cluster| gantt_canvas(cluster, canvas, on_move, on_leave, &readout))
        .unwrap_or_default()
}

fn gantt_canvas(
    cluster: &dynaplay_emr::Cluster,
    canvas: NodeRef,
    on_move: Callback<MouseEvent>,
    on_leave: Callback<MouseEvent>,
    readout: &Option<String>,
) -> Html {
    let Some(job) = shown_job(cluster) else {
        return Html::default();
    };
    let count = |f: &dyn Fn(&dynaplay_emr::cluster::Attempt) -> bool| {
        job.attempts.iter().filter(|a| f(a)).count()
    };
    let killed = count(&|a| matches!(a.state, AttemptState::Killed(_)));
    let failed = count(&|a| matches!(a.state, AttemptState::Failed(_)));
    let speculative = count(&|a| a.speculative);
    let running = count(&|a| a.is_running());
    let reruns = count(&|a| a.number > 0 && !a.speculative);
    let label = format!(
        "Gantt chart of {} task attempts of {}: {running} running, {failed} failed, {killed} killed, \
         {speculative} speculative, {reruns} re-runs",
        job.attempts.len(),
        job.id
    );
    html! {
        <>
            <canvas ref={canvas} class="emr-canvas emr-gantt" data-testid="emr-gantt" role="img"
                aria-label={label}
                data-attempts={job.attempts.len().to_string()}
                data-running={running.to_string()}
                data-failed={failed.to_string()}
                data-killed={killed.to_string()}
                data-speculative={speculative.to_string()}
                data-reruns={reruns.to_string()}
                onmousemove={on_move} onmouseleave={on_leave} />
            <p class="emr-readout" data-testid="emr-gantt-readout" aria-live="polite">
                {readout.clone().unwrap_or_else(|| "Point at a bar to see its attempt.".to_string())}
            </p>
        </>
    }
}

/// The Gantt's height in CSS pixels for `lanes` lanes: roomy for a small cluster, capped
/// for a big one (whose lanes then share pixel rows).
pub fn css_height(lanes: u32) -> f64 {
    (f64::from(lanes) * 16.0 + 28.0).clamp(140.0, 420.0)
}
