//! The Operations API (`/api/v3/operations/*`): server-to-server, OAuth 2
//! client credentials, scoped. Every GET needs `ops:read`; each write names
//! its scope in the table below.

use axum::http::Method;
use axum::Router;

use crate::app::AppState;
use crate::domain::scope::Scope::{
    OpsActivitiesWrite as Activities, OpsConfigWrite as Config, OpsFlightsWrite as Flights,
    OpsModerationWrite as Moderation,
};
use crate::storage::activities::{
    ActivityEvent, Challenge, CommunityGoal, FocusAirport, Roster, Tour,
};
use crate::storage::airports::Airport;
use crate::storage::badges::Badge;
use crate::storage::bookings::Booking;
use crate::storage::fleet::{Aircraft, Subfleet};
use crate::storage::hubs::Hub;
use crate::storage::pilots::Pilot;
use crate::storage::pireps::Pirep;
use crate::storage::ranks::Rank;
use crate::storage::registrations::{Registration, Transfer};
use crate::storage::schedules::Schedule;

pub mod activities;
pub mod config;
pub mod crud;
pub mod flights;
pub mod moderation;
pub mod network;
pub mod routes;

use crud::{create, delete, get, list, update};
pub use routes::RouteRule;
use routes::ScopedRouter;

pub const BASE: &str = "/api/v3/operations";

/// The router and its rules (method, path, scope) for tests and docs.
pub fn build(state: &AppState) -> (Router<AppState>, Vec<RouteRule>) {
    use Method as M;
    let r = ScopedRouter::new(state)
        // Configuration.
        .read("/fleet", list::<Subfleet>)
        .read("/fleet/{id}", get::<Subfleet>)
        .write(M::POST, "/fleet", Config, create::<Subfleet>)
        .write(M::PATCH, "/fleet/{id}", Config, update::<Subfleet>)
        .write(M::DELETE, "/fleet/{id}", Config, delete::<Subfleet>)
        .read("/aircraft", list::<Aircraft>)
        .read("/aircraft/{id}", get::<Aircraft>)
        .write(M::POST, "/aircraft", Config, create::<Aircraft>)
        .write(M::PATCH, "/aircraft/{id}", Config, update::<Aircraft>)
        .write(M::DELETE, "/aircraft/{id}", Config, delete::<Aircraft>)
        .read("/airports", list::<Airport>)
        .read("/airports/{id}", get::<Airport>)
        .write(M::POST, "/airports", Config, create::<Airport>)
        .write(M::PATCH, "/airports/{id}", Config, update::<Airport>)
        .write(M::DELETE, "/airports/{id}", Config, delete::<Airport>)
        .read("/hubs", list::<Hub>)
        .read("/hubs/{id}", get::<Hub>)
        .write(M::POST, "/hubs", Config, create::<Hub>)
        .write(M::PATCH, "/hubs/{id}", Config, update::<Hub>)
        .write(M::DELETE, "/hubs/{id}", Config, delete::<Hub>)
        .write(M::POST, "/hubs/{id}/pilots/{pilot_id}", Config, network::add_hub_pilot)
        .write(M::DELETE, "/hubs/{id}/pilots/{pilot_id}", Config, network::remove_hub_pilot)
        .read("/ranks", list::<Rank>)
        .read("/ranks/{id}", get::<Rank>)
        .write(M::POST, "/ranks", Config, create::<Rank>)
        .write(M::PATCH, "/ranks/{id}", Config, update::<Rank>)
        .write(M::DELETE, "/ranks/{id}", Config, delete::<Rank>)
        .write(M::POST, "/ranks/reorder", Config, network::reorder_ranks)
        .write(M::POST, "/ranks/{id}/pilots/{pilot_id}", Config, network::grant_honorary_rank)
        .read("/badges", list::<Badge>)
        .read("/badges/{id}", get::<Badge>)
        .write(M::POST, "/badges", Config, create::<Badge>)
        .write(M::PATCH, "/badges/{id}", Config, update::<Badge>)
        .write(M::DELETE, "/badges/{id}", Config, delete::<Badge>)
        .read("/routes", list::<Schedule>)
        .read("/routes/{id}", get::<Schedule>)
        .write(M::POST, "/routes", Config, network::create_route)
        .write(M::PATCH, "/routes/{id}", Config, update::<Schedule>)
        .write(M::DELETE, "/routes/{id}", Config, delete::<Schedule>)
        // Flights.
        .read("/bookings", list::<Booking>)
        .read("/bookings/{id}", get::<Booking>)
        .write(M::POST, "/bookings", Flights, create::<Booking>)
        .write(M::PATCH, "/bookings/{id}", Flights, update::<Booking>)
        .write(M::DELETE, "/bookings/{id}", Flights, delete::<Booking>)
        .read("/pireps", list::<Pirep>)
        .read("/pireps/{id}", get::<Pirep>)
        .read("/pireps/{id}/comments", flights::list_comments)
        .write(M::POST, "/pireps/{id}/comments", Flights, flights::add_comment)
        .read("/pilots", list::<Pilot>)
        .read("/pilots/{id}", get::<Pilot>)
        .write(M::PATCH, "/pilots/{id}", Flights, update::<Pilot>)
        .write(M::POST, "/pilots/{id}/points", Flights, flights::award_points)
        .read("/pilots/{id}/notes", flights::list_notes)
        .write(M::POST, "/pilots/{id}/notes", Flights, flights::add_note)
        // Moderation.
        .write(M::POST, "/pireps/{id}/accept", Moderation, moderation::accept)
        .write(M::POST, "/pireps/{id}/reject", Moderation, moderation::reject)
        .write(M::POST, "/pireps/{id}/invalidate", Moderation, moderation::invalidate)
        .write(M::POST, "/pilots/{id}/ban", Moderation, moderation::ban)
        .write(M::POST, "/pilots/{id}/unban", Moderation, moderation::unban)
        .write(M::DELETE, "/pilots/{id}", Moderation, delete::<Pilot>)
        .read("/registrations", list::<Registration>)
        .read("/registrations/{id}", get::<Registration>)
        .write(M::POST, "/registrations/{id}/approve", Moderation, moderation::approve_registration)
        .write(M::POST, "/registrations/{id}/reject", Moderation, moderation::reject_registration)
        .read("/transfers", list::<Transfer>)
        .read("/transfers/{id}", get::<Transfer>)
        .write(M::POST, "/transfers/{id}/approve", Moderation, moderation::approve_transfer)
        .write(M::POST, "/transfers/{id}/reject", Moderation, moderation::reject_transfer)
        // Activities.
        .read("/events", list::<ActivityEvent>)
        .read("/events/{id}", get::<ActivityEvent>)
        .write(M::POST, "/events", Activities, create::<ActivityEvent>)
        .write(M::PATCH, "/events/{id}", Activities, update::<ActivityEvent>)
        .write(M::DELETE, "/events/{id}", Activities, delete::<ActivityEvent>)
        .read("/tours", list::<Tour>)
        .read("/tours/{id}", activities::get_tour)
        .write(M::POST, "/tours", Activities, activities::create_tour)
        .write(M::PATCH, "/tours/{id}", Activities, update::<Tour>)
        .write(M::DELETE, "/tours/{id}", Activities, delete::<Tour>)
        .read("/rosters", list::<Roster>)
        .read("/rosters/{id}", get::<Roster>)
        .write(M::POST, "/rosters", Activities, create::<Roster>)
        .write(M::PATCH, "/rosters/{id}", Activities, update::<Roster>)
        .write(M::DELETE, "/rosters/{id}", Activities, delete::<Roster>)
        .read("/focus-airports", list::<FocusAirport>)
        .read("/focus-airports/{id}", get::<FocusAirport>)
        .write(M::POST, "/focus-airports", Activities, create::<FocusAirport>)
        .write(M::PATCH, "/focus-airports/{id}", Activities, update::<FocusAirport>)
        .write(M::DELETE, "/focus-airports/{id}", Activities, delete::<FocusAirport>)
        .read("/community-goals", list::<CommunityGoal>)
        .read("/community-goals/{id}", get::<CommunityGoal>)
        .write(M::POST, "/community-goals", Activities, create::<CommunityGoal>)
        .write(M::PATCH, "/community-goals/{id}", Activities, update::<CommunityGoal>)
        .write(M::DELETE, "/community-goals/{id}", Activities, delete::<CommunityGoal>)
        .read("/challenges", list::<Challenge>)
        .read("/challenges/{id}", get::<Challenge>)
        .write(M::POST, "/challenges", Activities, create::<Challenge>)
        .write(M::PATCH, "/challenges/{id}", Activities, update::<Challenge>)
        .write(M::DELETE, "/challenges/{id}", Activities, delete::<Challenge>);
    let (router, rules) = r.into_parts();
    (Router::new().nest(BASE, router), rules)
}
