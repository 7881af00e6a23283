//! The traffic generator's controls: load for the partitions to carry.
//!
//! A rate in requests per simulated second, the share of reads (and of those, strongly
//! consistent ones), how many distinct partition keys, and how keys are chosen: uniformly,
//! by Zipf's law (a few keys very popular), or one hot key taking a chosen share of all
//! requests — the classic way to throttle one partition while the table as a whole is far
//! under its capacity. The generator is the world's; requests arrive only while simulated
//! time runs.

use dynaplay_world::{KeySkew, TrafficSpec, TrafficStats};
use yew::prelude::*;

use super::format::int;
use super::state::PartitionsAction;
use crate::state::{Action, Playground};
use crate::views::fields::{FormHandle, FormState, number_field, on_text, select_field};

/// What the form holds, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrafficDraft {
    pub rate: String,
    pub read_percent: String,
    pub strong_percent: String,
    pub keys: String,
    pub skew: String,
    pub hot_percent: String,
    pub item_bytes: String,
}

impl Default for TrafficDraft {
    fn default() -> Self {
        TrafficDraft {
            rate: "500".into(),
            read_percent: "80".into(),
            strong_percent: "0".into(),
            keys: "10000".into(),
            skew: "uniform".into(),
            hot_percent: "50".into(),
            item_bytes: "100".into(),
        }
    }
}

fn number(text: &str, what: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or_else(|| format!("{what} must be a number."))
}

fn share(text: &str, what: &str) -> Result<f64, String> {
    let percent = number(text, what)?;
    if (0.0..=100.0).contains(&percent) {
        Ok(percent / 100.0)
    } else {
        Err(format!("{what} must be between 0 and 100."))
    }
}

impl TrafficDraft {
    /// The generator spec for `table`, or what is wrong with the form.
    pub fn spec(&self, table: &str) -> Result<TrafficSpec, String> {
        let rate = number(&self.rate, "The rate")?;
        let keys = self
            .keys
            .trim()
            .parse::<u64>()
            .map_err(|_| "Keys must be a whole number.".to_string())?;
        let item_bytes = self
            .item_bytes
            .trim()
            .parse::<u32>()
            .map_err(|_| "The item size must be a whole number of bytes.".to_string())?;
        let skew = match self.skew.as_str() {
            "zipf" => KeySkew::Zipf,
            "hot" => KeySkew::HotKey {
                share: share(&self.hot_percent, "The hot key's share")?,
            },
            _ => KeySkew::Uniform,
        };
        Ok(TrafficSpec {
            table: table.to_string(),
            rate,
            read_fraction: share(&self.read_percent, "The share of reads")?,
            consistent_fraction: share(&self.strong_percent, "The share of strong reads")?,
            keys,
            skew,
            item_bytes,
        })
    }
}

fn skew_words(skew: KeySkew) -> String {
    match skew {
        KeySkew::Uniform => "uniform keys".into(),
        KeySkew::Zipf => "Zipf-distributed keys".into(),
        KeySkew::HotKey { share } => format!("one hot key taking {:.0}%", share * 100.0),
    }
}

#[derive(Properties, PartialEq)]
pub struct TrafficProps {
    pub dispatcher: UseReducerDispatcher<Playground>,
    /// The table the generator would load.
    pub table: String,
    pub running: Option<(TrafficSpec, TrafficStats)>,
}

#[function_component(TrafficForm)]
pub fn traffic_form(props: &TrafficProps) -> Html {
    let draft: FormHandle<TrafficDraft> = use_reducer(FormState::<TrafficDraft>::default);
    let problem = use_state(|| None::<String>);
    let onsubmit = {
        let dispatcher = props.dispatcher.clone();
        let draft = draft.0.clone();
        let problem = problem.clone();
        let table = props.table.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            match draft.spec(&table) {
                Ok(spec) => {
                    problem.set(None);
                    dispatcher.dispatch(Action::Partitions(PartitionsAction::StartTraffic(spec)));
                }
                Err(message) => problem.set(Some(message)),
            }
        })
    };
    let on_stop = {
        let dispatcher = props.dispatcher.clone();
        Callback::from(move |_| {
            dispatcher.dispatch(Action::Partitions(PartitionsAction::StopTraffic))
        })
    };
    let skews = [
        ("uniform".to_string(), "Uniform".to_string()),
        ("zipf".to_string(), "Zipf".to_string()),
        ("hot".to_string(), "One hot key".to_string()),
    ];
    html! {
        <section class="panel traffic-panel" aria-labelledby="traffic-title">
            <h2 id="traffic-title">{"Traffic generator"}</h2>
            <form data-testid="traffic-form" {onsubmit}>
                <div class="field-row">
                    {number_field("Requests per second", &draft.0.rate, "traffic-rate", on_text(&draft, |d, v| d.rate = v))}
                    {number_field("Reads (%)", &draft.0.read_percent, "traffic-reads", on_text(&draft, |d, v| d.read_percent = v))}
                    {number_field("Strong reads (% of reads)", &draft.0.strong_percent, "traffic-strong", on_text(&draft, |d, v| d.strong_percent = v))}
                </div>
                <div class="field-row">
                    {number_field("Distinct keys", &draft.0.keys, "traffic-keys", on_text(&draft, |d, v| d.keys = v))}
                    {select_field("Key skew", &draft.0.skew, "traffic-skew", &skews, on_text(&draft, |d, v| d.skew = v))}
                    if draft.0.skew == "hot" {
                        {number_field("Hot key's share (%)", &draft.0.hot_percent, "traffic-hot-share", on_text(&draft, |d, v| d.hot_percent = v))}
                    }
                    {number_field("Item size (bytes)", &draft.0.item_bytes, "traffic-item-bytes", on_text(&draft, |d, v| d.item_bytes = v))}
                </div>
                if let Some(message) = &*problem {
                    <p class="form-problem" role="alert" data-testid="traffic-problem">{message.clone()}</p>
                }
                <div class="button-row">
                    <button type="submit" class="primary" data-testid="traffic-start">
                        {if props.running.is_some() { "Restart with these settings" } else { "Start traffic" }}
                    </button>
                    <button type="button" data-testid="traffic-stop" disabled={props.running.is_none()} onclick={on_stop}>{"Stop"}</button>
                </div>
            </form>
            if let Some((spec, stats)) = &props.running {
                <p class="traffic-running" data-testid="traffic-running">
                    {format!("Running on {}: {} requests/s, {:.0}% reads, {}.", spec.table, spec.rate, spec.read_fraction * 100.0, skew_words(spec.skew))}
                </p>
                <dl class="counts" data-testid="traffic-stats" data-issued={stats.issued.to_string()}
                    data-throttled={stats.throttled.to_string()} data-stale={stats.stale.to_string()}>
                    <dt>{"Issued"}</dt><dd>{int(stats.issued)}</dd>
                    <dt>{"OK"}</dt><dd>{int(stats.ok)}</dd>
                    <dt>{"Throttled"}</dt><dd>{int(stats.throttled)}</dd>
                    <dt>{"Stale reads"}</dt><dd>{int(stats.stale)}</dd>
                    <dt>{"Failed"}</dt><dd>{int(stats.failed)}</dd>
                </dl>
            } else {
                <p class="hint">{"Not running. Start it, then press play: requests arrive on simulated time."}</p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn the_form_becomes_a_spec_or_says_what_is_wrong() {
        let draft = TrafficDraft {
            skew: "hot".into(),
            hot_percent: "60".into(),
            ..TrafficDraft::default()
        };
        let spec = draft.spec("Demo").unwrap();
        assert_eq!(spec.table, "Demo");
        assert_eq!(spec.rate, 500.0);
        assert_eq!(spec.read_fraction, 0.8);
        assert_eq!(spec.keys, 10_000);
        assert_eq!(spec.skew, KeySkew::HotKey { share: 0.6 });
        let bad = TrafficDraft {
            read_percent: "120".into(),
            ..TrafficDraft::default()
        };
        assert_eq!(
            bad.spec("t").unwrap_err(),
            "The share of reads must be between 0 and 100."
        );
        let bad = TrafficDraft {
            keys: "many".into(),
            ..TrafficDraft::default()
        };
        assert!(bad.spec("t").is_err());
        let zipf = TrafficDraft {
            skew: "zipf".into(),
            ..TrafficDraft::default()
        };
        assert_eq!(zipf.spec("t").unwrap().skew, KeySkew::Zipf);
    }
}
