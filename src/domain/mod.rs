//! The domain: Airside's types and rules, with no HTTP and no SQL in them.

pub mod client;
pub mod flight;
pub mod geo;
pub mod ids;
pub mod maintenance;
pub mod oauth;
pub mod org;
pub mod pilot;
pub mod pirep;
pub mod rate_limit;
pub mod scope;
pub mod staff;
pub mod time;
pub mod usage;
pub mod webhook;

pub use ids::*;
pub use time::Timestamp;

/// A text value that is not one of a closed set (a plan, a state, a scope…).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown value `{0}`")]
pub struct UnknownValue(pub String);
