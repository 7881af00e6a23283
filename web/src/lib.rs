//! The Dynaplay playground.
//!
//! A Yew app over one [`dynaplay_world::World`]. All state lives in one reducer
//! ([`state::Playground`]): the world, the view being shown, the time controls and the
//! theme. Components render from it and send it [`state::Action`]s; nothing else mutates
//! anything. Every browser API the app touches (animation frames, keyboard, storage, the
//! URL, the system colour scheme) is reached through [`browser`], so the rest reads like a
//! pure function of state.
//!
//! Every DynamoDB request — from the Tables view's forms, the JSON console or the page's
//! JavaScript API ([`js_api`]) — goes through one door, [`requests`], to the world's
//! engine, so all three behave exactly like the native HTTP endpoint.

pub mod app;
pub mod browser;
pub mod console_history;
pub mod dynamo_json;
pub mod help;
pub mod js_api;
pub mod nav;
pub mod requests;
pub mod state;
pub mod table_browser;
pub mod theme;
pub mod time_controls;
pub mod view;
pub mod views;

/// Mounts the playground on the page's `<body>`.
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}
