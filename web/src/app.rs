//! The page: header with navigation and time controls, the open view, the shortcut help.
//!
//! `App` owns the reducer and wires the browser's events into it: animation frames while
//! playing, keyboard shortcuts, URL fragment changes and the system theme. It also installs
//! the page's JavaScript API (`window.dynaplay`) over the same world. Everything it renders
//! comes from the reducer's state.

use yew::prelude::*;

use crate::browser::{self, Shortcut};
use crate::help::ShortcutHelp;
use crate::js_api;
use crate::nav::Nav;
use crate::state::{Action, DEFAULT_SEED, Playground};
use crate::theme::Theme;
use crate::time_controls::TimeControls;
use crate::view::View;
use crate::views::ViewBody;

/// The reducer handle every component receives.
pub type PlaygroundHandle = UseReducerHandle<Playground>;

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| {
        Playground::new(
            DEFAULT_SEED,
            View::from_fragment(&browser::fragment()),
            browser::load_theme(),
            browser::system_prefers_dark(),
        )
    });

    // Browser events feed the reducer for as long as the page lives.
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let on_key = dispatcher.clone();
            let keys = browser::watch_shortcuts(move |shortcut| {
                on_key.dispatch(match shortcut {
                    Shortcut::TogglePlay => Action::TogglePlay,
                    Shortcut::Step => Action::Step,
                    Shortcut::Help => Action::ToggleHelp,
                    Shortcut::Escape => Action::CloseHelp,
                })
            });
            let on_hash = dispatcher.clone();
            let hash = browser::watch_fragment(move |fragment| {
                on_hash.dispatch(Action::Navigate(View::from_fragment(&fragment)))
            });
            let on_theme = dispatcher;
            let theme = browser::watch_system_theme(move |dark| {
                on_theme.dispatch(Action::SystemThemeChanged { dark })
            });
            move || drop((keys, hash, theme))
        });
    }

    // `window.dynaplay` runs requests on the same world; its writes refresh the views.
    {
        let world = state.world.clone();
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let api = js_api::install(world, move || dispatcher.dispatch(Action::WorldChanged));
            move || drop(api)
        });
    }

    // Simulated time advances from animation frames only while playing.
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.playing, move |playing| {
            let frames = playing.then(|| {
                browser::frame_loop(move |elapsed_ms| {
                    dispatcher.dispatch(Action::Frame { elapsed_ms })
                })
            });
            move || drop(frames)
        });
    }

    // The theme on screen follows the state; a chosen theme is remembered.
    {
        let effective = state.theme.effective(state.system_dark);
        let preference = state.theme;
        use_effect_with((effective, preference), move |(effective, preference)| {
            browser::apply_theme(*effective);
            browser::save_theme(*preference);
        });
    }

    html! {
        <div class="app" data-testid="app">
            <header class="app-header">
                <a class="brand" href="#/tables" aria-label="Dynaplay home">
                    <span class="brand-mark" aria-hidden="true">{"◆"}</span>
                    {"Dynaplay"}
                </a>
                <Nav current={state.view} />
                <TimeControls state={state.clone()} />
                <ThemeToggle state={state.clone()} />
                <button
                    class="icon-button"
                    data-testid="help-button"
                    aria-label="Keyboard shortcuts"
                    onclick={dispatch_on_click(&state, Action::ToggleHelp)}
                >{"?"}</button>
            </header>
            <main class="view" aria-labelledby="view-title">
                <ViewBody state={state.clone()} />
            </main>
            if state.help_open {
                <ShortcutHelp on_close={dispatch_on_click(&state, Action::CloseHelp)} />
            }
        </div>
    }
}

/// A click handler that sends one action.
pub fn dispatch_on_click(state: &PlaygroundHandle, action: Action) -> Callback<MouseEvent> {
    let dispatcher = state.dispatcher();
    Callback::from(move |_| dispatcher.dispatch(action.clone()))
}

#[derive(Properties, PartialEq)]
struct ThemeToggleProps {
    state: PlaygroundHandle,
}

/// Flips between light and dark; the label says what pressing it will do.
#[function_component(ThemeToggle)]
fn theme_toggle(props: &ThemeToggleProps) -> Html {
    let shown = props.state.theme.effective(props.state.system_dark);
    let (label, icon) = match shown {
        Theme::Light => ("Switch to dark theme", "☾"),
        Theme::Dark => ("Switch to light theme", "☀"),
    };
    html! {
        <button
            class="icon-button"
            data-testid="theme-toggle"
            data-theme-shown={shown.name()}
            aria-label={label}
            title={label}
            onclick={dispatch_on_click(&props.state, Action::ToggleTheme)}
        >{icon}</button>
    }
}
