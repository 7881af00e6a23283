//! The timeline: each client's recent requests in its own lane, in the order the service
//! took them.
//!
//! Requests are placed left to right by their order, not their instant: a learner who
//! presses "write" and then "read" while time is paused sends both at the same simulated
//! instant, and the point is precisely that the read came after the write and still did
//! not see it. Instants are in every mark's description and in the details. A write is a
//! square, an eventually consistent read a circle, a strongly consistent read a diamond;
//! a stale read is red and a dashed arc links it to the newest write it missed, while that
//! write is still on screen.

use std::rc::Rc;

use yew::prelude::*;

use dynaplay_world::dynamo::physical::events::MissedWrite;

use super::state::{ConsistencyAction, ConsistencyState, OpKind, TimelineOp};
use crate::state::{Action, Playground};
use crate::views::partitions::format::at;

/// Requests on screen.
pub const SHOWN: usize = 36;
const WIDTH: f64 = 1000.0;
const LABELS: f64 = 140.0;
const LANE: f64 = 48.0;
const TOP: f64 = 34.0;
const BOTTOM: f64 = 30.0;

fn kind_words(op: &TimelineOp) -> &'static str {
    match op.kind {
        OpKind::Write => "write",
        OpKind::EventualRead => "eventually consistent read",
        OpKind::StrongRead => "strongly consistent read",
    }
}

/// A sentence describing `op`, for its accessible name and tooltip.
pub fn describe(op: &TimelineOp, missed: &[MissedWrite]) -> String {
    let mut text = format!(
        "#{} {} {} ({}) at {}",
        op.request,
        op.client,
        op.operation,
        kind_words(op),
        at(op.at)
    );
    if let Some(value) = &op.value {
        text.push_str(&format!(", {value}"));
    }
    if op.stale {
        let missed: Vec<String> = missed.iter().map(|m| format!("#{}", m.request)).collect();
        text.push_str(&format!(", stale: missed {}", missed.join(", ")));
    }
    if let Some(error) = &op.error {
        text.push_str(&format!(", failed: {error}"));
    }
    text
}

fn shape(op: &TimelineOp) -> Html {
    if op.error.is_some() {
        return html! {
            <>
                <line x1="-6" y1="-6" x2="6" y2="6" />
                <line x1="-6" y1="6" x2="6" y2="-6" />
            </>
        };
    }
    match op.kind {
        OpKind::Write => html! { <rect x="-7" y="-7" width="14" height="14" rx="2" /> },
        OpKind::EventualRead => html! { <circle r="7" /> },
        OpKind::StrongRead => {
            html! { <rect x="-6" y="-6" width="12" height="12" transform="rotate(45)" /> }
        }
    }
}

fn op_mark(
    op: &TimelineOp,
    missed: &[MissedWrite],
    (x, y): (f64, f64),
    selected: bool,
    dispatcher: &UseReducerDispatcher<Playground>,
) -> Html {
    let request = op.request;
    let select = {
        let dispatcher = dispatcher.clone();
        move || {
            dispatcher.dispatch(Action::Consistency(ConsistencyAction::Select(Some(
                request,
            ))))
        }
    };
    let onclick = {
        let select = select.clone();
        Callback::from(move |_: MouseEvent| select())
    };
    let onkeydown = Callback::from(move |event: KeyboardEvent| {
        if event.key() == "Enter" {
            select()
        }
    });
    let kind = match op.kind {
        OpKind::Write => "write",
        OpKind::EventualRead => "eventual",
        OpKind::StrongRead => "strong",
    };
    let description = describe(op, missed);
    let missed: Vec<String> = missed.iter().map(|m| m.request.to_string()).collect();
    html! {
        <g
            key={request}
            class={classes!("op", kind, op.stale.then_some("stale"), op.error.is_some().then_some("failed"), selected.then_some("selected"))}
            transform={format!("translate({x:.1} {y:.1})")}
            role="button"
            tabindex="0"
            aria-label={description.clone()}
            aria-pressed={selected.to_string()}
            data-testid="op"
            data-request={request.to_string()}
            data-client={op.client.clone()}
            data-kind={kind}
            data-stale={op.stale.to_string()}
            data-missed={missed.join(" ")}
            {onclick}
            {onkeydown}
        >
            <title>{description}</title>
            // The whole mark is a target, the flag above a stale read included.
            <rect class="op-hit" x="-13" y="-25" width="26" height="38" />
            if selected { <circle class="op-halo" r="12" /> }
            {shape(op)}
            if op.stale { <text class="op-flag" y="-12" text-anchor="middle">{"!"}</text> }
        </g>
    }
}

/// The timeline of the lanes shown.
pub fn timeline(state: &ConsistencyState, dispatcher: &UseReducerDispatcher<Playground>) -> Html {
    let ops: Vec<Rc<TimelineOp>> = state.recent(SHOWN);
    let lanes: Vec<&str> = state
        .shown_lanes()
        .filter(|lane| ops.iter().any(|op| op.client == lane.client))
        .map(|lane| lane.client.as_str())
        .collect();
    if ops.is_empty() {
        return html! {
            <p class="hint timeline-empty" data-testid="timeline" data-ops="0">
                {"No requests yet. Use the clients above, the traffic generator (Partitions view), \
                  the console or the Tables view: every request appears here."}
            </p>
        };
    }
    let height = TOP + LANE * lanes.len() as f64 + BOTTOM;
    let step = ((WIDTH - LABELS - 40.0) / (ops.len().saturating_sub(1).max(1)) as f64).min(44.0);
    let lane_y = |client: &str| {
        let index = lanes.iter().position(|l| *l == client).unwrap_or(0);
        TOP + LANE * (index as f64 + 0.5)
    };
    let place =
        |index: usize, op: &TimelineOp| (LABELS + 20.0 + step * index as f64, lane_y(&op.client));
    let links: Vec<Html> = ops
        .iter()
        .enumerate()
        .filter(|(_, op)| op.stale)
        .flat_map(|(i, read)| {
            let (x1, y1) = place(i, read);
            // One arc per key, to the newest write the read missed: the value it should
            // have returned. The details list every write it missed.
            let missed = state.missed_writes(read);
            let newest: Vec<&MissedWrite> = missed
                .iter()
                .filter(|m| {
                    !missed
                        .iter()
                        .any(|later| later.key == m.key && later.request > m.request)
                })
                .collect();
            newest
                .into_iter()
                .filter_map(|missed| {
                    let j = ops.iter().position(|op| op.request == missed.request)?;
                    let write = ops.get(j)?;
                    let (x2, y2) = place(j, write);
                    let lift = y1.min(y2) - 26.0;
                    Some(html! {
                        <path key={format!("{}-{}", read.request, missed.request)}
                            class="miss-link" data-testid="miss-link"
                            d={format!("M {x1:.1} {y1:.1} Q {:.1} {lift:.1} {x2:.1} {y2:.1}", (x1 + x2) / 2.0)} />
                    })
                })
                .collect::<Vec<Html>>()
        })
        .collect();
    let first = ops.first().map(|op| at(op.at)).unwrap_or_default();
    let last = ops.last().map(|op| at(op.at)).unwrap_or_default();
    html! {
        <svg class="timeline" data-testid="timeline" data-ops={ops.len().to_string()}
            viewBox={format!("0 0 {WIDTH} {height}")} role="group"
            aria-label={format!("The last {} requests, by client", ops.len())}>
            <text class="axis-note" x={LABELS.to_string()} y="16">{"earlier"}</text>
            <text class="axis-note" x={(WIDTH - 10.0).to_string()} y="16" text-anchor="end">{"later →"}</text>
            { for lanes.iter().enumerate().map(|(i, client)| {
                let y = TOP + LANE * (i as f64 + 0.5);
                html! {
                    <g key={*client} class="lane">
                        <line x1={LABELS.to_string()} x2={(WIDTH - 10.0).to_string()} y1={y.to_string()} y2={y.to_string()} />
                        <text x="8" y={(y + 5.0).to_string()}>{*client}</text>
                    </g>
                }
            }) }
            {links}
            { for ops.iter().enumerate().map(|(i, op)| {
                let missed = if op.stale { state.missed_writes(op) } else { Vec::new() };
                op_mark(op, &missed, place(i, op), state.selected == Some(op.request), dispatcher)
            }) }
            <text class="axis-note" x={(LABELS + 20.0).to_string()} y={(height - 8.0).to_string()}>{first}</text>
            <text class="axis-note" x={(WIDTH - 10.0).to_string()} y={(height - 8.0).to_string()} text-anchor="end">{last}</text>
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynaplay_world::SimTime;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn a_stale_read_says_which_write_it_missed() {
        let op = TimelineOp {
            request: 12,
            at: SimTime::from_millis(1_500),
            client: "eventual-reader".into(),
            operation: "GetItem".into(),
            table: Some("T".into()),
            kind: OpKind::EventualRead,
            stale: true,
            missed: vec![MissedWrite {
                partition: 0,
                lsn: 4,
                request: 11,
                key: "k".into(),
            }],
            served_by: None,
            lsn: None,
            key: Some("k".into()),
            value: Some("read v = 1".into()),
            error: None,
            latency_us: 0,
        };
        assert_eq!(
            describe(&op, &op.missed),
            "#12 eventual-reader GetItem (eventually consistent read) at 1.500 s, read v = 1, stale: missed #11"
        );
    }
}
