//! The honest placeholder for a view whose engine is not there yet.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PendingProps {
    pub title: &'static str,
    /// What the view will show, completing "This view will show ...".
    pub shows: &'static str,
    /// What has to exist first, completing "... is not built yet".
    pub missing: &'static str,
}

#[function_component(Pending)]
pub fn pending(props: &PendingProps) -> Html {
    html! {
        <section class="pending" data-testid="view-pending">
            <h1 id="view-title" data-testid="view-title">{props.title}</h1>
            <p class="pending-note">
                <strong>{"Not available yet: "}</strong>
                {format!("{} is not built yet, so there is nothing to show here.", capitalise(props.missing))}
            </p>
            <p>{format!("When it is, this view will show {}", props.shows)}</p>
        </section>
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
