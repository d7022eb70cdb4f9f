//! Airside: the API layer of an airline's or flight school's operations.
//!
//! Layers, from the bottom: `domain` (types and rules, no I/O), `storage`
//! (SQLite and PostgreSQL through one code path), the use cases (`flights`),
//! `state` and `http` (what every surface shares), then one module per
//! surface. `app` assembles them into the router; `cli` is the command line.

pub mod acars;
pub mod admin;
pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod console;
pub mod credentials;
pub mod demo;
pub mod docs;
pub mod domain;
pub mod flights;
pub mod html;
pub mod http;
pub mod membership;
pub mod metrics;
pub mod oauth;
pub mod operations;
pub mod pilot;
pub mod public;
pub mod security;
pub mod state;
pub mod storage;
pub mod webhooks;
