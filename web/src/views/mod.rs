//! The views behind the navigation links.
//!
//! Each view shows one thing the cloud hides. A view whose engine is not built yet says so
//! plainly instead of showing a mock-up: a learner should never mistake a picture for the
//! simulation.

mod console;
mod fields;
mod outcome;
mod pending;
mod tables;

use yew::prelude::*;

use crate::app::PlaygroundHandle;
use crate::view::View;
use console::ConsoleView;
use pending::Pending;
use tables::{TableSummary, TablesView};

#[derive(Properties, PartialEq)]
pub struct ViewBodyProps {
    pub state: PlaygroundHandle,
}

#[function_component(ViewBody)]
pub fn view_body(props: &ViewBodyProps) -> Html {
    let state = &props.state;
    let (shows, missing) = match state.view {
        View::Tables => {
            let summaries = state
                .world
                .try_borrow()
                .map(|world| TableSummary::all(&world))
                .unwrap_or_default();
            return html! {
                <TablesView dispatcher={state.dispatcher()} tables={state.tables.clone()} {summaries} />
            };
        }
        View::Console => {
            return html! {
                <ConsoleView dispatcher={state.dispatcher()} history={state.console.clone()} />
            };
        }
        View::Partitions => (
            "where each item physically lives: the key space cut into partitions, their \
             capacity and throttling, and each partition's three replicas.",
            "the partition and replication model",
        ),
        View::Consistency => (
            "a timeline of reads and writes with every stale eventually consistent read \
             flagged and linked to the write it missed.",
            "the replication model",
        ),
        View::Dax => (
            "a DAX cluster's item and query caches, hits and misses, and the stale answers a \
             write-through cache can give.",
            "the DAX cache model",
        ),
        View::Emr => (
            "an EMR cluster running a MapReduce job across primary, core and task nodes, and \
             what a node failure does to it.",
            "the EMR engine",
        ),
        View::Lessons => (
            "guided lessons that walk through each of the other views.",
            "the lessons",
        ),
    };
    html! { <Pending title={state.view.title()} {shows} {missing} /> }
}
