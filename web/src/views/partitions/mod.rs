//! The Partitions view: where every item physically lives, and what that costs.
//!
//! DynamoDB hashes each item's partition key into a 128-bit key space cut into contiguous
//! ranges; each range is a partition with its own share of the table's throughput and its
//! own three replicas in three Availability Zones. The view draws exactly that from the
//! world's snapshot: the key space on a canvas with every item as a mark at its hash
//! ([`keyspace`]), each partition's gauges — size, read and write units against what it
//! may use, burst saved, throttles ([`gauges`]) — and beside them each partition's
//! replicas, leader marked, with how far each has applied the log ([`replicas`]). The
//! learner can inject faults, run a traffic generator ([`traffic`]), switch on the
//! behaviours clients feel ([`realism`]) and watch what the model does about it
//! ([`feed`]).
//!
//! The world is read on each revision — a snapshot of one table is small — but while time
//! runs the panels take a fresh reading at most every [`REFRESH_MS`] of real time: numbers
//! that change sixty times a second cannot be read anyway, and each change costs the
//! browser a layout and a paint. The two halves of the view — the key space and gauges,
//! then the replicas, traffic and feed — take theirs in turn, half a period apart, so the
//! browser's work is spread over frames instead of piling into one. When the learner
//! acts, or time stops, every reading is fresh at once. The item marks are fetched again only when the items or the partition
//! boundaries change, and drawn on an off-screen layer, so a table of 10,000 items costs
//! one image copy per redraw, and the canvas is redrawn only when what it shows changed.

mod demo;
mod details;
mod feed;
pub mod format;
mod gauges;
pub mod keyspace;
pub mod realism;
mod replicas;
pub mod state;
mod traffic;

use std::cell::RefCell;
use std::rc::Rc;

use dynaplay_world::dynamo::physical::hash_range::fraction;
use dynaplay_world::dynamo::physical::snapshot::TableSnapshot;
use dynaplay_world::{Realism, SimTime, TrafficSpec, TrafficStats, World};
use yew::prelude::*;

use crate::app::PlaygroundHandle;
use crate::state::{Action, Playground};
use crate::theme::Theme;
use crate::views::fields::select_field;
use feed::{FeedCache, FeedEntry, FeedPanel};
use format::int;
use keyspace::{Band, KeySpace, Marks, MarksRef, SplitMark};
use replicas::FaultView;
use state::{Notice, PartitionsAction, PartitionsState, Selected};
use traffic::TrafficForm;

/// Renders between refetches of the marks while only the item count moves (new keys
/// arriving under generated writes).
const MARK_REFRESH_RENDERS: u32 = 4;
/// Real milliseconds between fresh readings while simulated time runs.
pub const REFRESH_MS: f64 = 200.0;

/// What one render reads from the world.
pub struct Reading {
    tables: Vec<String>,
    table: Option<TableSnapshot>,
    faults: Vec<FaultView>,
    realism: Realism,
    traffic: Option<(TrafficSpec, TrafficStats)>,
    feed: Vec<FeedEntry>,
    now: SimTime,
}

fn read(world: &World, chosen: &PartitionsState, feed: &mut FeedCache) -> Reading {
    let tables: Vec<String> = world.dynamo().table_names().map(str::to_string).collect();
    let name = chosen.table_among(&tables).map(str::to_string);
    let table = name
        .as_deref()
        .and_then(|n| world.dynamo_service().table_snapshot(n));
    Reading {
        faults: world
            .dynamo_service()
            .active_faults()
            .iter()
            .map(|f| FaultView {
                target: f.target.to_string(),
                kind: f.kind,
                since: f.since,
            })
            .collect(),
        realism: world.realism(),
        traffic: world.traffic().map(|(spec, stats)| (spec.clone(), stats)),
        feed: name
            .as_deref()
            .map(|n| feed.recent(world, n))
            .unwrap_or_default(),
        now: world.now(),
        tables,
        table,
    }
}

/// Shared data that compares by identity, so a component given the same reading again
/// skips its render.
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Rc::clone(&self.0))
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The readings on screen: the front half's (key space, gauges) and the back half's
/// (replicas, traffic, feed).
#[derive(Clone, PartialEq)]
pub struct Readings {
    pub front: Shared<Reading>,
    pub back: Shared<Reading>,
}

/// The last readings, when (real time) the last was taken, and what they were taken for.
#[derive(Default)]
struct Taken {
    at_ms: f64,
    /// The view's state and the data revision they were read for.
    key: Option<(Rc<PartitionsState>, u64)>,
    readings: Option<Readings>,
    /// Whether the back half takes the next reading while time runs.
    back_next: bool,
    feed: FeedCache,
}

/// The readings to show. While time runs and nothing else changed, one half takes a
/// fresh reading every half [`REFRESH_MS`], in turn; otherwise both are fresh.
fn readings(taken: &RefCell<Taken>, state: &PlaygroundHandle) -> Option<Readings> {
    let now_ms = crate::browser::now_ms();
    let mut taken = taken.borrow_mut();
    let same = taken.key.as_ref().is_some_and(|(chosen, data)| {
        Rc::ptr_eq(chosen, &state.partitions) && *data == state.data_revision
    });
    let young = (taken.at_ms..taken.at_ms + REFRESH_MS / 2.0).contains(&now_ms);
    let running = state.playing && same;
    if let Some(readings) = taken.readings.as_ref().filter(|_| running && young) {
        return Some(readings.clone());
    }
    let world = state.world.try_borrow().ok()?;
    let fresh = Shared(Rc::new(read(&world, &state.partitions, &mut taken.feed)));
    let readings = match taken.readings.clone().filter(|_| running) {
        Some(last) if taken.back_next => Readings {
            front: last.front,
            back: fresh,
        },
        Some(last) => Readings {
            front: fresh,
            back: last.back,
        },
        None => Readings {
            front: fresh.clone(),
            back: fresh,
        },
    };
    taken.back_next = !taken.back_next;
    taken.at_ms = now_ms;
    taken.key = Some((state.partitions.clone(), state.data_revision));
    taken.readings = Some(readings.clone());
    Some(readings)
}

/// The partitions as the canvas draws them.
pub fn bands(table: &TableSnapshot, now: SimTime) -> Vec<Band> {
    table
        .partitions
        .iter()
        .map(|p| Band {
            id: p.id,
            start: p.start_fraction,
            end: p.end_fraction,
            hot: p.hot,
            split: p.split.as_ref().map(|s| {
                let span = s.finishes.as_micros().saturating_sub(s.started.as_micros()) as f64;
                let done = now.as_micros().saturating_sub(s.started.as_micros()) as f64;
                SplitMark {
                    at: fraction(s.at),
                    progress: if span > 0.0 {
                        (done / span).clamp(0.0, 1.0)
                    } else {
                        1.0
                    },
                    reason: gauges::reason_word(s.reason),
                }
            }),
        })
        .collect()
}

/// The marks last fetched, and what they were fetched for.
#[derive(Default)]
struct MarkCache {
    /// Table, partition ids and data revision: any change refetches at once.
    key: Option<(String, Vec<u32>, u64)>,
    count: u64,
    renders: u32,
    marks: MarksRef,
}

/// The marks for `table`, refetched when its partitions or the data changed, and while
/// only its item count changes at most every [`MARK_REFRESH_RENDERS`] renders.
fn marks_for(
    cache: &RefCell<MarkCache>,
    world: &RefCell<World>,
    table: &TableSnapshot,
    data_revision: u64,
) -> MarksRef {
    let mut cache = cache.borrow_mut();
    let key = (
        table.name.clone(),
        table.partitions.iter().map(|p| p.id).collect::<Vec<u32>>(),
        data_revision,
    );
    cache.renders = cache.renders.saturating_add(1);
    let stale = cache.key.as_ref() != Some(&key)
        || (cache.count != table.item_count && cache.renders >= MARK_REFRESH_RENDERS);
    if stale {
        let items = world
            .try_borrow()
            .map(|w| w.item_marks(&table.name))
            .unwrap_or_default();
        cache.count = table.item_count;
        cache.marks = MarksRef(Rc::new(Marks::new(items)));
        cache.key = Some(key);
        cache.renders = 0;
    }
    cache.marks.clone()
}

fn notice_view(notice: Option<&Notice>, dispatcher: &UseReducerDispatcher<Playground>) -> Html {
    let Some(notice) = notice else {
        return Html::default();
    };
    let dismiss = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |_| {
            dispatcher.dispatch(Action::Partitions(PartitionsAction::DismissNotice))
        })
    };
    html! {
        <div class={classes!("notice", if notice.ok { "ok" } else { "failed" })}
            role={if notice.ok { "status" } else { "alert" }} data-testid="partitions-notice">
            <span>{notice.text.clone()}</span>
            <button class="small" onclick={dismiss} aria-label="Dismiss">{"×"}</button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct PartitionsViewProps {
    pub state: PlaygroundHandle,
}

#[function_component(PartitionsView)]
pub fn partitions_view(props: &PartitionsViewProps) -> Html {
    let state = &props.state;
    let dispatcher = state.dispatcher();
    let taken = use_mut_ref(Taken::default);
    let Some(readings) = readings(&taken, state) else {
        return Html::default();
    };
    let chosen = &state.partitions;
    let create_demo = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |_| {
            dispatcher.dispatch(Action::Partitions(PartitionsAction::CreateDemoTable))
        })
    };
    let on_table = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |name: String| {
            dispatcher.dispatch(Action::Partitions(PartitionsAction::SelectTable(name)))
        })
    };
    let reading = &readings.front;
    let options: Vec<(String, String)> = reading
        .0
        .tables
        .iter()
        .map(|t| (t.clone(), t.clone()))
        .collect();
    let shown = reading
        .0
        .table
        .as_ref()
        .map(|t| t.name.clone())
        .unwrap_or_default();

    html! {
        <section class="partitions-view" data-testid="partitions-view">
            <div class="view-head">
                <h1 id="view-title" data-testid="view-title">{"Partitions"}</h1>
                if !options.is_empty() {
                    {select_field("Table", &shown, "partitions-table", &options, on_table)}
                }
                <button class="primary" data-testid="create-demo-table" onclick={create_demo}>
                    {"Create a demo table with 10,000 items"}
                </button>
            </div>
            <p class="lede">
                {"Each item lives in the partition whose hash range holds the hash of its partition key. \
                  Each partition has its own share of the table's throughput and three replicas in three \
                  Availability Zones."}
            </p>
            {realism::realism_switches(reading.0.realism, &dispatcher)}
            {notice_view(chosen.notice.as_ref(), &dispatcher)}
            if reading.0.table.is_some() {
                <TableBody
                    readings={readings.clone()}
                    world={Shared(state.world.clone())}
                    chosen={chosen.clone()}
                    data_revision={state.data_revision}
                    dark={state.theme.effective(state.system_dark) == Theme::Dark}
                    dispatcher={dispatcher.clone()}
                />
            } else {
                <section class="panel" data-testid="partitions-empty">
                    <p>{"There are no tables yet. Create the demo table above, or make one in the "}
                        <a href="#/tables">{"Tables view"}</a>{" or with the page's JavaScript API."}</p>
                </section>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TableBodyProps {
    readings: Readings,
    world: Shared<RefCell<World>>,
    chosen: Rc<PartitionsState>,
    data_revision: u64,
    dark: bool,
    dispatcher: UseReducerDispatcher<Playground>,
}

/// Everything about the table on screen. A component of its own so that a render with
/// the same reading (time running between refreshes) costs nothing.
#[function_component(TableBody)]
fn table_body(props: &TableBodyProps) -> Html {
    let cache = use_mut_ref(MarkCache::default);
    let reading = &props.readings.front.0;
    let back = &props.readings.back.0;
    let Some(table) = &reading.table else {
        return Html::default();
    };
    let dispatcher = &props.dispatcher;
    let marks = marks_for(&cache, &props.world.0, table, props.data_revision);
    let selected = props.chosen.selected.as_ref();
    let on_partition = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |id: u32| {
            dispatcher.dispatch(Action::Partitions(PartitionsAction::Select(Some(
                Selected::Partition(id),
            ))))
        })
    };
    let selected_partition = match selected {
        Some(Selected::Partition(id)) => Some(*id),
        _ => None,
    };
    html! {
        <>
            <section class="panel keyspace-panel" aria-labelledby="keyspace-title">
                <KeySpaceFigure
                    table={table.name.clone()}
                    items={table.item_count}
                    partitions={table.partitions.len()}
                    on_demand={table.billing == "PAY_PER_REQUEST"}
                    bands={bands(table, reading.now)}
                    {marks}
                    selected={selected.cloned()}
                    dark={props.dark}
                    dispatcher={dispatcher.clone()}
                />
                {details::details(table, selected, dispatcher)}
            </section>
            <div class="partitions-layout">
                {gauges::partition_gauges(table, selected_partition, &on_partition)}
                {replicas::replicas_panel(back.table.as_ref().unwrap_or(table), &back.faults, selected, dispatcher)}
            </div>
            <div class="partitions-layout">
                <TrafficForm dispatcher={dispatcher.clone()} table={table.name.clone()} running={back.traffic.clone()} />
                <FeedPanel entries={back.feed.clone()} />
            </div>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct KeySpaceFigureProps {
    table: String,
    items: u64,
    partitions: usize,
    on_demand: bool,
    bands: Vec<Band>,
    marks: MarksRef,
    selected: Option<Selected>,
    dark: bool,
    dispatcher: UseReducerDispatcher<Playground>,
}

/// The key-space panel's heading and canvas: re-rendered only when what they show
/// changed (items, partitions, heat, a split's progress, the selection, the theme).
#[function_component(KeySpaceFigure)]
fn key_space_figure(props: &KeySpaceFigureProps) -> Html {
    let on_pick = {
        let dispatcher = props.dispatcher.clone();
        Callback::from(move |picked: Option<Selected>| {
            dispatcher.dispatch(Action::Partitions(PartitionsAction::Select(picked)))
        })
    };
    let label = format!(
        "Key space of {}: {} items on {} partitions",
        props.table,
        int(props.items),
        props.partitions
    );
    html! {
        <>
            <div class="panel-head">
                <h2 id="keyspace-title">{format!("Key space of {}", props.table)}</h2>
                <span class="hint" data-testid="keyspace-summary" data-items={props.items.to_string()}
                    data-partitions={props.partitions.to_string()}>
                    {format!("{} items on {} partitions · {}", int(props.items), props.partitions,
                        if props.on_demand { "on-demand" } else { "provisioned" })}
                </span>
            </div>
            <KeySpace bands={props.bands.clone()} marks={props.marks.clone()} selected={props.selected.clone()}
                dark={props.dark} {on_pick} {label} />
        </>
    }
}
