//! Whether clients feel the physical model: the world's realism switches.
//!
//! The model always runs — partitions meter capacity, followers lag, leaders fail over —
//! and the views always show it. These switches decide whether requests *feel* it, as
//! `dynaplay serve --stale-reads --throttle --latency` does: eventually consistent reads
//! served by any replica (so they may be stale), requests beyond a partition's capacity
//! throttled, responses carrying their sampled latency. They belong to the world, so they
//! hold for every view, the console and the page's JavaScript API alike.

use dynaplay_world::Realism;
use yew::prelude::*;

use super::state::PartitionsAction;
use crate::state::{Action, Playground};
use crate::views::fields::check_field;

pub fn realism_switches(realism: Realism, dispatcher: &UseReducerDispatcher<Playground>) -> Html {
    let switch = |label: &str, on: bool, testid: &str, apply: fn(&mut Realism, bool)| {
        let dispatcher = dispatcher.clone();
        let on_change = Callback::from(move |checked: bool| {
            let mut next = realism;
            apply(&mut next, checked);
            dispatcher.dispatch(Action::Partitions(PartitionsAction::SetRealism(next)));
        });
        check_field(label, on, testid, on_change)
    };
    html! {
        <div class="realism" role="group" aria-label="What clients feel" data-testid="realism">
            <span class="realism-title">{"Clients feel:"}</span>
            {switch("Stale reads", realism.stale_reads, "realism-stale", |r, on| r.stale_reads = on)}
            {switch("Throttling", realism.throttle, "realism-throttle", |r, on| r.throttle = on)}
            {switch("Latency", realism.latency, "realism-latency", |r, on| r.latency = on)}
        </div>
    }
}
