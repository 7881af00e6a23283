//! Per-partition gauges: how full each partition is and how hard it is working.
//!
//! For every partition: its items and bytes against the 10 GB a partition holds; the read
//! and write units it consumed in the last full second against what it may use (its share
//! of a provisioned table's throughput, or the 3,000 RCU / 1,000 WCU hardware ceiling of
//! an on-demand partition); the burst it has saved (up to 300 s of its share, negative
//! while it is in debt); and how many requests it throttled. A partition using 80% of what
//! it may, or throttling, is *hot* and is marked so here and on the key-space canvas —
//! that is the picture of a hot key: one partition red while its neighbours idle.

use dynaplay_world::dynamo::physical::layout::PARTITION_MAX_BYTES;
use dynaplay_world::dynamo::physical::snapshot::{LaneSnapshot, PartitionSnapshot, TableSnapshot};
use yew::prelude::*;

use super::format::{bytes, fill, int, units};

/// A labelled bar: `value` of `limit`, described by `text`.
fn gauge(label: &str, value: f64, limit: f64, text: String, testid: String, tone: &str) -> Html {
    let width = format!("width: {:.1}%", fill(value, limit) * 100.0);
    html! {
        <div class="gauge-row">
            <span class="gauge-label">{label.to_string()}</span>
            <div
                class={classes!("gauge", tone.to_string())}
                role="meter"
                aria-label={label.to_string()}
                aria-valuemin="0"
                aria-valuemax={format!("{limit:.0}")}
                aria-valuenow={format!("{:.0}", value.clamp(0.0, limit.max(0.0)))}
                aria-valuetext={text.clone()}
                data-testid={testid}
                data-value={format!("{value:.1}")}
            >
                <div class="gauge-fill" style={width} />
            </div>
            <span class="gauge-text">{text}</span>
        </div>
    }
}

/// What a lane may use per second: its provisioned share, else the hardware ceiling.
pub fn lane_limit(lane: &LaneSnapshot) -> f64 {
    lane.share.unwrap_or(lane.ceiling)
}

/// The tone of a throughput gauge: hot from 80% of the limit, over beyond it.
fn tone(consumed: f64, limit: f64) -> &'static str {
    if limit > 0.0 && consumed > limit {
        "over"
    } else if limit > 0.0 && consumed >= 0.8 * limit {
        "hot"
    } else {
        "calm"
    }
}

fn throughput(label: &str, lane: &LaneSnapshot, unit: &str, testid: String) -> Html {
    let limit = lane_limit(lane);
    let consumed = lane.consumed_last_second;
    let text = format!("{} / {} {unit}/s", units(consumed), units(limit));
    gauge(label, consumed, limit, text, testid, tone(consumed, limit))
}

/// The burst saved, in seconds of the partition's share (up to 300): the unit DynamoDB
/// documents it in, and one that changes at most once a simulated second.
fn burst(label: &str, lane: &LaneSnapshot, testid: String) -> Html {
    let (Some(balance), Some(capacity), Some(share)) =
        (lane.burst_balance, lane.burst_capacity, lane.share)
    else {
        return Html::default();
    };
    let tone = if balance < 0.0 { "over" } else { "burst" };
    gauge(
        label,
        balance,
        capacity,
        burst_words(balance, capacity, share),
        testid,
        tone,
    )
}

/// `balance` of `capacity` units as whole seconds of `share`: `95 s of 300 s`.
fn burst_words(balance: f64, capacity: f64, share: f64) -> String {
    // Adding zero turns a rounded -0 into 0, so a bucket just in debt reads "0 s".
    let seconds = |units: f64| {
        if share > 0.0 {
            (units / share).round() + 0.0
        } else {
            0.0
        }
    };
    format!("{:.0} s of {:.0} s", seconds(balance), seconds(capacity))
}

fn card(partition: &PartitionSnapshot, selected: bool, on_select: &Callback<u32>) -> Html {
    let id = partition.id;
    let onclick = {
        let on_select = on_select.clone();
        Callback::from(move |_| on_select.emit(id))
    };
    let throttled = partition.read.throttled + partition.write.throttled;
    let borrowed = partition.read.borrowed + partition.write.borrowed;
    let items = if partition.item_count == 1 {
        "1 item".to_string()
    } else {
        format!("{} items", int(partition.item_count))
    };
    html! {
        <li
            key={id}
            class={classes!("partition-card", partition.hot.then_some("hot"), selected.then_some("selected"))}
            data-testid={format!("partition-card-{id}")}
            data-hot={partition.hot.to_string()}
            data-items={partition.item_count.to_string()}
            data-reads-served={partition.read.served.to_string()}
            data-writes-served={partition.write.served.to_string()}
            data-throttled={throttled.to_string()}
        >
            <div class="card-head">
                <button class="partition-name" aria-pressed={selected.to_string()} {onclick}
                    aria-label={format!("Partition p{id}")}>{format!("p{id}")}</button>
                if partition.hot {
                    <span class="badge hot-badge">{"hot"}</span>
                }
                if let Some(split) = &partition.split {
                    <span class="badge split-badge">{format!("splitting ({})", reason_word(split.reason))}</span>
                }
                <span class="card-meta">{format!("{items} · {}", bytes(partition.size_bytes))}</span>
            </div>
            {gauge("Size", partition.size_bytes as f64, PARTITION_MAX_BYTES as f64,
                format!("{} of 10 GB", bytes(partition.size_bytes)), format!("size-{id}"), "calm")}
            {throughput("Reads", &partition.read, "RCU", format!("reads-{id}"))}
            {throughput("Writes", &partition.write, "WCU", format!("writes-{id}"))}
            {burst("Read burst", &partition.read, format!("read-burst-{id}"))}
            {burst("Write burst", &partition.write, format!("write-burst-{id}"))}
            <p class="card-foot">
                <span class={classes!(if throttled > 0 { "throttled" } else { "" })} data-testid={format!("throttled-{id}")}>
                    {format!("Throttled: {} reads, {} writes", int(partition.read.throttled), int(partition.write.throttled))}
                </span>
                if borrowed > 0.0 {
                    {format!(" · {} units lent by adaptive capacity", units(borrowed))}
                }
            </p>
        </li>
    }
}

pub fn reason_word(
    reason: dynaplay_world::dynamo::physical::partition::SplitReason,
) -> &'static str {
    use dynaplay_world::dynamo::physical::partition::SplitReason;
    match reason {
        SplitReason::Size => "size",
        SplitReason::Throughput => "throughput",
        SplitReason::Heat => "hot key",
    }
}

/// The gauges of every partition of `table`.
pub fn partition_gauges(
    table: &TableSnapshot,
    selected: Option<u32>,
    on_select: &Callback<u32>,
) -> Html {
    let capacity = if table.billing == "PAY_PER_REQUEST" {
        format!(
            "On-demand: the table serves up to {} RCU and {} WCU now; each partition at most 3,000 RCU and 1,000 WCU.",
            units(table.read_capacity),
            units(table.write_capacity)
        )
    } else {
        format!(
            "Provisioned {} RCU and {} WCU, shared evenly by {} partitions.",
            units(table.read_capacity),
            units(table.write_capacity),
            table.partitions.len()
        )
    };
    html! {
        <section class="panel gauges-panel" aria-labelledby="gauges-title">
            <h2 id="gauges-title">{"Capacity per partition"}</h2>
            <p class="hint">{capacity}</p>
            <ul class="partition-cards" data-testid="partition-gauges">
                { for table.partitions.iter().map(|p| card(p, selected == Some(p.id), on_select)) }
            </ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn lane(share: Option<f64>, consumed: f64) -> LaneSnapshot {
        LaneSnapshot {
            consumed_this_second: 0.0,
            consumed_last_second: consumed,
            share,
            burst_balance: share.map(|s| s * 300.0),
            burst_capacity: share.map(|s| s * 300.0),
            ceiling: 3_000.0,
            served: 0,
            throttled: 0,
            borrowed: 0.0,
        }
    }

    #[wasm_bindgen_test]
    fn a_lane_is_measured_against_its_share_or_else_the_ceiling() {
        assert_eq!(lane_limit(&lane(Some(250.0), 0.0)), 250.0);
        assert_eq!(lane_limit(&lane(None, 0.0)), 3_000.0);
        assert_eq!(tone(100.0, 250.0), "calm");
        assert_eq!(tone(200.0, 250.0), "hot");
        assert_eq!(tone(300.0, 250.0), "over");
        assert_eq!(burst_words(1_670.0, 75_000.0, 250.0), "7 s of 300 s");
        assert_eq!(burst_words(-0.5, 75_000.0, 250.0), "0 s of 300 s");
        assert_eq!(burst_words(-1_700.0, 240_000.0, 800.0), "-2 s of 300 s");
    }
}
