//! The keyboard-shortcut help, opened with `?`.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ShortcutHelpProps {
    pub on_close: Callback<MouseEvent>,
}

const SHORTCUTS: [(&str, &str); 4] = [
    ("Space", "Play or pause simulated time"),
    (".", "Advance one step"),
    ("?", "Show or hide this help"),
    ("Esc", "Close this help"),
];

#[function_component(ShortcutHelp)]
pub fn shortcut_help(props: &ShortcutHelpProps) -> Html {
    html! {
        <div class="dialog-backdrop">
            <div
                class="dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby="help-title"
                data-testid="help-dialog"
            >
                <h2 id="help-title">{"Keyboard shortcuts"}</h2>
                <dl class="shortcuts">
                    { for SHORTCUTS.iter().map(|(key, what)| html! {
                        <div key={*key}><dt><kbd>{*key}</kbd></dt><dd>{*what}</dd></div>
                    }) }
                </dl>
                <button data-testid="help-close" onclick={props.on_close.clone()}>{"Close"}</button>
            </div>
        </div>
    }
}
