//! The Operations API (`/api/v3/operations/*`): server-to-server, OAuth 2
//! client credentials, scoped. Every GET needs `ops:read`; each write names
//! its scope in the table below.

use axum::http::Method;
use axum::Router;

use crate::domain::scope::Scope::{
    OpsActivitiesWrite as Activities, OpsConfigWrite as Config, OpsFlightsWrite as Flights,
    OpsModerationWrite as Moderation, OpsRead as Read, OpsSchoolWrite as School,
};
use crate::state::AppState;
use crate::storage::activities::{
    ActivityEvent, Challenge, CommunityGoal, FocusAirport, Roster, Tour,
};
use crate::storage::airports::Airport;
use crate::storage::badges::Badge;
use crate::storage::bookings::Booking;
use crate::storage::fleet::{Aircraft, Subfleet};
use crate::storage::hubs::Hub;
use crate::storage::live::LiveFlight;
use crate::storage::notams::Notam;
use crate::storage::pilots::Pilot;
use crate::storage::pireps::Pirep;
use crate::storage::ranks::Rank;
use crate::storage::registrations::{Registration, Transfer};
use crate::storage::routings::Routing;
use crate::storage::schedules::Schedule;
use crate::storage::school::{ComplianceRecord, MaintenanceItem, PlanningRow, Signoff, WorkOrder};

pub mod activities;
pub mod config;
pub mod crud;
pub mod fleet;
pub mod flights;
pub mod live;
pub mod moderation;
pub mod network;
pub mod routes;
pub mod school;

use routes::{doc, ScopedRouter};
pub use routes::{Answer, RouteRule};

pub const BASE: &str = "/api/v3/operations";

/// The router and its rules (method, path, scope) for tests and docs.
pub fn build(state: &AppState) -> (Router<AppState>, Vec<RouteRule>) {
    use Method as M;
    let r = ScopedRouter::new(state)
        // Configuration.
        .list::<Subfleet>("/fleet")
        .get::<Subfleet>("/fleet/{id}")
        .create::<Subfleet>("/fleet", Config)
        .update::<Subfleet>("/fleet/{id}", Config)
        .delete::<Subfleet>("/fleet/{id}", Config)
        .action(
            M::GET,
            "/fleet/{id}/aircraft",
            Read,
            fleet::list,
            doc("List the aircraft of a fleet").list_of::<Aircraft>(),
        )
        .action(
            M::POST,
            "/fleet/{id}/aircraft",
            Config,
            fleet::create,
            doc("Add an aircraft to a fleet").body::<config::AircraftInput>().one::<Aircraft>(201),
        )
        .action(
            M::GET,
            "/fleet/{id}/aircraft/{aircraft_id}",
            Read,
            fleet::get,
            doc("Get an aircraft of a fleet").one::<Aircraft>(200),
        )
        .action(
            M::PATCH,
            "/fleet/{id}/aircraft/{aircraft_id}",
            Config,
            fleet::update,
            doc("Change an aircraft of a fleet")
                .body::<config::AircraftChanges>()
                .one::<Aircraft>(200),
        )
        .action(
            M::DELETE,
            "/fleet/{id}/aircraft/{aircraft_id}",
            Config,
            fleet::delete,
            doc("Delete an aircraft of a fleet (409 while anything refers to it)"),
        )
        .list::<Aircraft>("/aircraft")
        .get::<Aircraft>("/aircraft/{id}")
        .create::<Aircraft>("/aircraft", Config)
        .update::<Aircraft>("/aircraft/{id}", Config)
        .delete::<Aircraft>("/aircraft/{id}", Config)
        .list::<Airport>("/airports")
        .get::<Airport>("/airports/{id}")
        .create::<Airport>("/airports", Config)
        .update::<Airport>("/airports/{id}", Config)
        .delete::<Airport>("/airports/{id}", Config)
        .list::<Routing>("/routings")
        .get::<Routing>("/routings/{id}")
        .create::<Routing>("/routings", Config)
        .update::<Routing>("/routings/{id}", Config)
        .delete::<Routing>("/routings/{id}", Config)
        .list::<Notam>("/notams")
        .get::<Notam>("/notams/{id}")
        .create::<Notam>("/notams", Config)
        .update::<Notam>("/notams/{id}", Config)
        .delete::<Notam>("/notams/{id}", Config)
        .list::<Hub>("/hubs")
        .get::<Hub>("/hubs/{id}")
        .create::<Hub>("/hubs", Config)
        .update::<Hub>("/hubs/{id}", Config)
        .delete::<Hub>("/hubs/{id}", Config)
        .action(
            M::POST,
            "/hubs/{id}/pilots/{pilot_id}",
            Config,
            network::add_hub_pilot,
            doc("Put a pilot in a hub").one::<Pilot>(200),
        )
        .action(
            M::DELETE,
            "/hubs/{id}/pilots/{pilot_id}",
            Config,
            network::remove_hub_pilot,
            doc("Take a pilot out of a hub").one::<Pilot>(200),
        )
        .list::<Rank>("/ranks")
        .get::<Rank>("/ranks/{id}")
        .create::<Rank>("/ranks", Config)
        .update::<Rank>("/ranks/{id}", Config)
        .delete::<Rank>("/ranks/{id}", Config)
        .action(
            M::POST,
            "/ranks/reorder",
            Config,
            network::reorder_ranks,
            doc("Reorder all ranks, lowest first").body::<network::Reorder>().many::<Rank>(),
        )
        .action(
            M::POST,
            "/ranks/{id}/pilots/{pilot_id}",
            Config,
            network::grant_honorary_rank,
            doc("Give a pilot an honorary rank").one::<Pilot>(200),
        )
        .list::<Badge>("/badges")
        .get::<Badge>("/badges/{id}")
        .create::<Badge>("/badges", Config)
        .update::<Badge>("/badges/{id}", Config)
        .delete::<Badge>("/badges/{id}", Config)
        .list::<Schedule>("/routes")
        .get::<Schedule>("/routes/{id}")
        .action(
            M::POST,
            "/routes",
            Config,
            network::create_route,
            doc("Create a route with the subfleets that fly it")
                .body::<config::RouteInput>()
                .one::<Schedule>(201),
        )
        .update::<Schedule>("/routes/{id}", Config)
        .delete::<Schedule>("/routes/{id}", Config)
        // Flights.
        .list::<Booking>("/bookings")
        .get::<Booking>("/bookings/{id}")
        .create::<Booking>("/bookings", Flights)
        .update::<Booking>("/bookings/{id}", Flights)
        .delete::<Booking>("/bookings/{id}", Flights)
        .list::<Pirep>("/pireps")
        .get::<Pirep>("/pireps/{id}")
        .action(
            M::GET,
            "/live-flights",
            Read,
            live::live_flights,
            doc("Flights in progress with their last position").list_of::<LiveFlight>(),
        )
        .action(
            M::GET,
            "/flight-map",
            Read,
            live::flight_map,
            doc("Flights in progress as a map draws them (camelCase, as vAMSYS)")
                .many::<live::MapItem>()
                .params(&[("include_posreps", "true: each flight's track so far")]),
        )
        .action(
            M::GET,
            "/statistics/airline",
            Read,
            live::airline_statistics,
            doc("What the airline flew between two days (accepted flights)")
                .one::<live::AirlineStatistics>(200)
                .params(&[
                    ("from", "First day, YYYY-MM-DD (or an RFC 3339 time)"),
                    ("to", "Last day, YYYY-MM-DD, included"),
                ]),
        )
        .action(
            M::GET,
            "/statistics/general",
            Read,
            live::general_statistics,
            doc("What the airline has now: pilots, PIREPs, routes, fleet")
                .one::<live::GeneralStatistics>(200),
        )
        .action(
            M::GET,
            "/pireps/{id}/comments",
            Read,
            flights::list_comments,
            doc("List the comments on a PIREP").many::<flights::Comment>(),
        )
        .action(
            M::POST,
            "/pireps/{id}/comments",
            Flights,
            flights::add_comment,
            doc("Comment on a PIREP").body::<flights::TextBody>().one::<flights::Comment>(201),
        )
        .list::<Pilot>("/pilots")
        .get::<Pilot>("/pilots/{id}")
        .update::<Pilot>("/pilots/{id}", Flights)
        .action(
            M::POST,
            "/pilots/{id}/points",
            Flights,
            flights::award_points,
            doc("Award or take points, with a reason")
                .body::<flights::Points>()
                .one::<flights::PointsAwarded>(201),
        )
        .action(
            M::GET,
            "/pilots/{id}/notes",
            Read,
            flights::list_notes,
            doc("List staff notes on a pilot").many::<flights::Note>(),
        )
        .action(
            M::POST,
            "/pilots/{id}/notes",
            Flights,
            flights::add_note,
            doc("Add a staff note on a pilot")
                .body::<flights::TextBody>()
                .one::<flights::Note>(201),
        )
        // Moderation.
        .action(
            M::POST,
            "/pireps/{id}/accept",
            Moderation,
            moderation::accept,
            doc("Accept a PIREP (emits flight.approved)")
                .body::<moderation::Decision>()
                .one::<Pirep>(200),
        )
        .action(
            M::POST,
            "/pireps/{id}/reject",
            Moderation,
            moderation::reject,
            doc("Reject a PIREP with a reason (emits flight.rejected)")
                .body::<moderation::Decision>()
                .one::<Pirep>(200),
        )
        .action(
            M::POST,
            "/pireps/{id}/invalidate",
            Moderation,
            moderation::invalidate,
            doc("Invalidate a PIREP (its hours are taken back)")
                .body::<moderation::Decision>()
                .one::<Pirep>(200),
        )
        .action(
            M::POST,
            "/pilots/{id}/ban",
            Moderation,
            moderation::ban,
            doc("Ban a pilot").one::<Pilot>(200),
        )
        .action(
            M::POST,
            "/pilots/{id}/unban",
            Moderation,
            moderation::unban,
            doc("Lift a ban").one::<Pilot>(200),
        )
        .delete::<Pilot>("/pilots/{id}", Moderation)
        .list::<Registration>("/registrations")
        .get::<Registration>("/registrations/{id}")
        .action(
            M::POST,
            "/registrations/{id}/approve",
            Moderation,
            moderation::approve_registration,
            doc("Approve a registration: the pilot is created").one::<Registration>(200),
        )
        .action(
            M::POST,
            "/registrations/{id}/reject",
            Moderation,
            moderation::reject_request::<Registration>,
            doc("Reject a registration").one::<Registration>(200),
        )
        .list::<Transfer>("/transfers")
        .get::<Transfer>("/transfers/{id}")
        .action(
            M::POST,
            "/transfers/{id}/approve",
            Moderation,
            moderation::approve_transfer,
            doc("Approve a hub transfer").one::<Transfer>(200),
        )
        .action(
            M::POST,
            "/transfers/{id}/reject",
            Moderation,
            moderation::reject_request::<Transfer>,
            doc("Reject a hub transfer").one::<Transfer>(200),
        )
        // Activities.
        .list::<ActivityEvent>("/events")
        .get::<ActivityEvent>("/events/{id}")
        .create::<ActivityEvent>("/events", Activities)
        .update::<ActivityEvent>("/events/{id}", Activities)
        .delete::<ActivityEvent>("/events/{id}", Activities)
        .list::<Tour>("/tours")
        .action(
            M::GET,
            "/tours/{id}",
            Read,
            activities::get_tour,
            doc("Get a tour with its legs").one::<activities::TourView>(200),
        )
        .action(
            M::POST,
            "/tours",
            Activities,
            activities::create_tour,
            doc("Create a tour with its legs")
                .body::<activities::TourInput>()
                .one::<activities::TourView>(201),
        )
        .update::<Tour>("/tours/{id}", Activities)
        .delete::<Tour>("/tours/{id}", Activities)
        .list::<Roster>("/rosters")
        .get::<Roster>("/rosters/{id}")
        .create::<Roster>("/rosters", Activities)
        .update::<Roster>("/rosters/{id}", Activities)
        .delete::<Roster>("/rosters/{id}", Activities)
        .list::<FocusAirport>("/focus-airports")
        .get::<FocusAirport>("/focus-airports/{id}")
        .create::<FocusAirport>("/focus-airports", Activities)
        .update::<FocusAirport>("/focus-airports/{id}", Activities)
        .delete::<FocusAirport>("/focus-airports/{id}", Activities)
        .list::<CommunityGoal>("/community-goals")
        .get::<CommunityGoal>("/community-goals/{id}")
        .create::<CommunityGoal>("/community-goals", Activities)
        .update::<CommunityGoal>("/community-goals/{id}", Activities)
        .delete::<CommunityGoal>("/community-goals/{id}", Activities)
        .list::<Challenge>("/challenges")
        .get::<Challenge>("/challenges/{id}")
        .create::<Challenge>("/challenges", Activities)
        .update::<Challenge>("/challenges/{id}", Activities)
        .delete::<Challenge>("/challenges/{id}", Activities)
        // Flight school.
        .list::<ComplianceRecord>("/compliance")
        .get::<ComplianceRecord>("/compliance/{id}")
        .create::<ComplianceRecord>("/compliance", School)
        .update::<ComplianceRecord>("/compliance/{id}", School)
        .list::<Signoff>("/training/signoffs")
        .create::<Signoff>("/training/signoffs", School)
        .list::<MaintenanceItem>("/maintenance/items")
        .get::<MaintenanceItem>("/maintenance/items/{id}")
        .create::<MaintenanceItem>("/maintenance/items", School)
        .update::<MaintenanceItem>("/maintenance/items/{id}", School)
        .delete::<MaintenanceItem>("/maintenance/items/{id}", School)
        .list::<WorkOrder>("/maintenance/work-orders")
        .get::<WorkOrder>("/maintenance/work-orders/{id}")
        .create::<WorkOrder>("/maintenance/work-orders", School)
        .update::<WorkOrder>("/maintenance/work-orders/{id}", School)
        .list::<PlanningRow>("/planning/sessions")
        .get::<PlanningRow>("/planning/sessions/{id}")
        .create::<PlanningRow>("/planning/sessions", School)
        .update::<PlanningRow>("/planning/sessions/{id}", School)
        .delete::<PlanningRow>("/planning/sessions/{id}", School);
    let (router, rules) = r.into_parts();
    (Router::new().nest(BASE, router), rules)
}
