//! The native side of Dynaplay: the `dynaplay` command line and the DynamoDB-compatible
//! HTTP endpoint it serves.
//!
//! [`protocol`] is the DynamoDB JSON 1.0 wire protocol as pure functions from a request's
//! method, headers and body to a response; [`endpoint`] puts it behind an HTTP server on
//! one shared, real-time [`dynaplay_world::World`].

pub mod endpoint;
pub mod protocol;
