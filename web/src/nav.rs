//! Navigation between the views: plain links into the URL fragment, so they work without
//! JavaScript routing tricks, open in new tabs, and read correctly to screen readers.

use yew::prelude::*;

use crate::view::View;

#[derive(Properties, PartialEq)]
pub struct NavProps {
    pub current: View,
}

#[function_component(Nav)]
pub fn nav(props: &NavProps) -> Html {
    html! {
        <nav class="app-nav" aria-label="Views">
            <ul>
                { for View::ALL.into_iter().map(|view| {
                    let current = (view == props.current).then_some("page");
                    html! {
                        <li key={view.slug()}>
                            <a
                                href={view.href()}
                                aria-current={current}
                                data-testid={format!("nav-{}", view.slug())}
                            >{view.title()}</a>
                        </li>
                    }
                }) }
            </ul>
        </nav>
    }
}
