//! The Dynaplay playground.
//!
//! A Yew app over one [`dynaplay_world::World`]. All state lives in one reducer
//! ([`state::Playground`]): the world, the view being shown, the time controls and the
//! theme. Components render from it and send it [`state::Action`]s; nothing else mutates
//! anything. Every browser API the app touches (animation frames, keyboard, storage, the
//! URL, the system colour scheme) is reached through [`browser`], so the rest reads like a
//! pure function of state.

pub mod app;
pub mod browser;
pub mod help;
pub mod nav;
pub mod state;
pub mod theme;
pub mod time_controls;
pub mod view;
pub mod views;

/// Mounts the playground on the page's `<body>`.
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}
