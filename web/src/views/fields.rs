//! Labelled form fields, and the little reducer that holds a form's half-typed values.
//!
//! What a learner has typed but not yet sent is the one piece of state that lives in a
//! component rather than the app's reducer: it means nothing to the rest of the page. It
//! is still changed only through edits applied in order ([`FormState`]), so two quick
//! keystrokes can never overwrite each other with a stale copy of the form.
//!
//! Every field is wrapped in its `<label>`, which gives it an accessible name that screen
//! readers announce and tests can find by role.

use std::rc::Rc;

use yew::prelude::*;

use crate::browser;

/// A form's values, edited only by [`FormEdit`]s.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FormState<T>(pub T);

/// One change to a form's values.
pub struct FormEdit<T>(Rc<dyn Fn(&mut T)>);

impl<T: Clone + 'static> Reducible for FormState<T> {
    type Action = FormEdit<T>;

    fn reduce(self: Rc<Self>, edit: FormEdit<T>) -> Rc<Self> {
        let mut next = self.0.clone();
        (edit.0)(&mut next);
        Rc::new(FormState(next))
    }
}

pub type FormHandle<T> = UseReducerHandle<FormState<T>>;

/// A callback that stores a field's new text with `apply`.
pub fn on_text<T: Clone + 'static>(
    form: &FormHandle<T>,
    apply: fn(&mut T, String),
) -> Callback<String> {
    let dispatcher = form.dispatcher();
    Callback::from(move |text: String| {
        dispatcher.dispatch(FormEdit(Rc::new(move |values: &mut T| {
            apply(values, text.clone())
        })))
    })
}

/// A callback that stores a checkbox's new state with `apply`.
pub fn on_check<T: Clone + 'static>(
    form: &FormHandle<T>,
    apply: fn(&mut T, bool),
) -> Callback<bool> {
    let dispatcher = form.dispatcher();
    Callback::from(move |checked: bool| {
        dispatcher.dispatch(FormEdit(Rc::new(move |values: &mut T| {
            apply(values, checked)
        })))
    })
}

/// Replaces the whole form, e.g. to load an item into the editor.
pub fn replace<T: Clone + 'static>(form: &FormHandle<T>, value: T) {
    form.dispatch(FormEdit(Rc::new(move |values: &mut T| {
        *values = value.clone()
    })));
}

/// A labelled one-line text field.
pub fn text_field(label: &str, value: &str, testid: &str, on_change: Callback<String>) -> Html {
    input_field(label, value, testid, on_change, false, "")
}

/// A text field showing `placeholder` while empty.
pub fn text_field_hint(
    label: &str,
    value: &str,
    testid: &str,
    placeholder: &str,
    on_change: Callback<String>,
) -> Html {
    input_field(label, value, testid, on_change, false, placeholder)
}

/// A labelled field for a whole number.
pub fn number_field(label: &str, value: &str, testid: &str, on_change: Callback<String>) -> Html {
    input_field(label, value, testid, on_change, true, "")
}

// Fields are plain functions rather than components: a form has dozens of them, and each
// component use would expand into its own props-building code in the download.
fn input_field(
    label: &str,
    value: &str,
    testid: &str,
    on_change: Callback<String>,
    numeric: bool,
    placeholder: &str,
) -> Html {
    let oninput = Callback::from(move |event: InputEvent| {
        if let Some(text) = browser::event_value(&event) {
            on_change.emit(text);
        }
    });
    html! {
        <label class="field">
            <span class="field-label">{label.to_string()}</span>
            <input
                type={if numeric { "number" } else { "text" }}
                min={numeric.then_some("0")}
                value={value.to_string()}
                placeholder={(!placeholder.is_empty()).then(|| placeholder.to_string())}
                data-testid={testid.to_string()}
                spellcheck="false"
                autocomplete="off"
                {oninput}
            />
        </label>
    }
}

/// A labelled drop-down of `(value, text)` options.
pub fn select_field(
    label: &str,
    value: &str,
    testid: &str,
    options: &[(String, String)],
    on_change: Callback<String>,
) -> Html {
    let onchange = Callback::from(move |event: Event| {
        if let Some(value) = browser::event_value(&event) {
            on_change.emit(value);
        }
    });
    html! {
        <label class="field">
            <span class="field-label">{label.to_string()}</span>
            <select data-testid={testid.to_string()} {onchange}>
                { for options.iter().map(|(option, text)| html! {
                    <option key={option.clone()} value={option.clone()} selected={option == value}>
                        {text.clone()}
                    </option>
                }) }
            </select>
        </label>
    }
}

/// `(value, text)` options where the text is the value.
pub fn plain_options(values: &[&str]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|v| (v.to_string(), v.to_string()))
        .collect()
}

/// A labelled checkbox.
pub fn check_field(label: &str, checked: bool, testid: &str, on_change: Callback<bool>) -> Html {
    let onchange = Callback::from(move |event: Event| {
        if let Some(checked) = browser::event_checked(&event) {
            on_change.emit(checked);
        }
    });
    html! {
        <label class="field check">
            <input type="checkbox" {checked} data-testid={testid.to_string()} {onchange} />
            <span class="field-label">{label.to_string()}</span>
        </label>
    }
}

/// A labelled monospace editor for JSON.
pub fn json_field(
    label: &str,
    value: &str,
    testid: &str,
    rows: u32,
    on_change: Callback<String>,
) -> Html {
    let oninput = Callback::from(move |event: InputEvent| {
        if let Some(text) = browser::event_value(&event) {
            on_change.emit(text);
        }
    });
    html! {
        <label class="field json-field">
            <span class="field-label">{label.to_string()}</span>
            <textarea
                value={value.to_string()}
                rows={rows.to_string()}
                data-testid={testid.to_string()}
                spellcheck="false"
                autocomplete="off"
                {oninput}
            />
        </label>
    }
}
