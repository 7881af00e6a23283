//! The views behind the navigation links.
//!
//! Each view shows one thing the cloud hides. A view whose engine is not built yet says so
//! plainly instead of showing a mock-up: a learner should never mistake a picture for the
//! simulation.

pub mod consistency;
mod console;
pub mod dax;
pub mod emr;
mod fields;
mod outcome;
pub mod partitions;
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
        View::Partitions => {
            return html! { <partitions::PartitionsView state={state.clone()} /> };
        }
        View::Consistency => {
            return html! { <consistency::ConsistencyView state={state.clone()} /> };
        }
        View::Dax => return dax::dax_view(state),
        View::Emr => {
            let tables: Vec<String> = state
                .world
                .try_borrow()
                .map(|world| world.dynamo().table_names().map(str::to_string).collect())
                .unwrap_or_default();
            return html! {
                <emr::EmrView dispatcher={state.dispatcher()} emr={state.emr.clone()}
                    theme={state.theme.effective(state.system_dark)} playing={state.playing}
                    now={state.now()} {tables} />
            };
        }
        View::Lessons => (
            "guided lessons that walk through each of the other views.",
            "the lessons",
        ),
    };
    html! { <Pending title={state.view.title()} {shows} {missing} /> }
}
