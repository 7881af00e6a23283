//! The simulated-time controls every view shares: play/pause, one step, the speed (on a
//! log scale from a tenth of real time to a thousand times it) and the current time.

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::app::{PlaygroundHandle, dispatch_on_click};
use crate::state::{Action, MAX_SPEED_EXPONENT, MIN_SPEED_EXPONENT, format_sim_time, format_speed};

#[derive(Properties, PartialEq)]
pub struct TimeControlsProps {
    pub state: PlaygroundHandle,
}

#[function_component(TimeControls)]
pub fn time_controls(props: &TimeControlsProps) -> Html {
    let state = &props.state;
    let now = state.now();
    let on_speed = {
        let dispatcher = state.dispatcher();
        Callback::from(move |event: InputEvent| {
            let value = event
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                .and_then(|input| input.value().parse::<f64>().ok());
            if let Some(exponent) = value {
                dispatcher.dispatch(Action::SetSpeedExponent(exponent));
            }
        })
    };
    let (play_label, play_icon) = if state.playing {
        ("Pause", "❚❚")
    } else {
        ("Play", "▶")
    };
    html! {
        <div class="time-controls" role="group" aria-label="Simulated time">
            <button
                class="icon-button"
                data-testid="play-toggle"
                aria-label={play_label}
                aria-pressed={state.playing.to_string()}
                onclick={dispatch_on_click(state, Action::TogglePlay)}
            >{play_icon}</button>
            <button
                class="icon-button"
                data-testid="step"
                aria-label="Step"
                title="Step (.)"
                onclick={dispatch_on_click(state, Action::Step)}
            >{"⏭"}</button>
            <label class="speed">
                <span class="visually-hidden">{"Speed"}</span>
                <input
                    type="range"
                    data-testid="speed"
                    min={MIN_SPEED_EXPONENT.to_string()}
                    max={MAX_SPEED_EXPONENT.to_string()}
                    step="0.1"
                    value={state.speed_exponent.to_string()}
                    aria-valuetext={format_speed(state.speed())}
                    oninput={on_speed}
                />
                <output data-testid="speed-label">{format_speed(state.speed())}</output>
            </label>
            <time
                class="sim-time"
                data-testid="sim-time"
                data-micros={now.as_micros().to_string()}
                aria-live="off"
            >{format_sim_time(now)}</time>
        </div>
    }
}
