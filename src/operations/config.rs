//! `ops:config:write`: fleet, aircraft, airports, hubs, ranks, badges, routes.

use crate::storage::Table;
use serde::Deserialize;

use super::crud::{float, int, opt_text, patched, reference, text, Check, Col, Writable};
use crate::http::patch::Patch;
use crate::http::ApiError;
use crate::storage::airports::Airport;
use crate::storage::badges::Badge;
use crate::storage::fleet::{Aircraft, Subfleet};
use crate::storage::hubs::Hub;
use crate::storage::ranks::Rank;
use crate::storage::schedules::Schedule;

fn icao_airport(code: &str) -> bool {
    code.len() == 4 && code.chars().all(|c| c.is_ascii_alphanumeric())
}

fn named(name: &str) -> bool {
    !name.trim().is_empty() && name.chars().count() <= 200
}

fn optional<T>(cols: &mut Vec<Col>, value: Option<T>, make: impl FnOnce(T) -> Col) {
    if let Some(value) = value {
        cols.push(make(value));
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AirportInput {
    icao: String,
    iata: Option<String>,
    name: String,
    city: Option<String>,
    country: Option<String>,
    latitude: f64,
    longitude: f64,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AirportChanges {
    name: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    iata: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    city: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    country: Patch<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
}

fn check_position(check: &mut Check, lat: Option<f64>, lon: Option<f64>) {
    check.field(
        lat.is_none_or(|v| (-90.0..=90.0).contains(&v)),
        "latitude",
        "must be between -90 and 90",
    );
    check.field(
        lon.is_none_or(|v| (-180.0..=180.0).contains(&v)),
        "longitude",
        "must be between -180 and 180",
    );
}

impl Writable for Airport {
    const NAME: &'static str = "airport";
    const REFERENCED_BY: &'static [(Table, &'static str)] = &[
        (Table::Hubs, "airport_id"),
        (Table::Aircraft, "airport_id"),
        (Table::Schedules, "departure_airport_id"),
        (Table::Schedules, "arrival_airport_id"),
        (Table::Pireps, "departure_airport_id"),
        (Table::Pireps, "arrival_airport_id"),
        (Table::Pilots, "airport_id"),
        (Table::FocusAirports, "airport_id"),
        (Table::ActivityEvents, "airport_id"),
        (Table::TourLegs, "departure_airport_id"),
        (Table::TourLegs, "arrival_airport_id"),
    ];
    type Create = AirportInput;
    type Update = AirportChanges;

    fn create(a: AirportInput) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(icao_airport(&a.icao), "icao", "must be a 4-character ICAO code");
        check.field(a.iata.as_deref().is_none_or(|i| i.len() == 3), "iata", "must be 3 characters");
        check.field(named(&a.name), "name", "must not be empty");
        check_position(&mut check, Some(a.latitude), Some(a.longitude));
        check.done()?;
        Ok(vec![
            text("icao", a.icao.to_ascii_uppercase()),
            opt_text("iata", a.iata.map(|i| i.to_ascii_uppercase())),
            text("name", a.name),
            opt_text("city", a.city),
            opt_text("country", a.country),
            float("latitude", a.latitude),
            float("longitude", a.longitude),
        ])
    }

    fn update(a: AirportChanges) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(a.name.as_deref().is_none_or(named), "name", "must not be empty");
        check.field(a.iata.as_deref().is_none_or(|i| i.len() == 3), "iata", "must be 3 characters");
        check_position(&mut check, a.latitude, a.longitude);
        check.done()?;
        let mut cols = vec![];
        optional(&mut cols, a.name, |v| text("name", v));
        patched(&mut cols, a.iata, |v| opt_text("iata", v.map(|i| i.to_ascii_uppercase())));
        patched(&mut cols, a.city, |v| opt_text("city", v));
        patched(&mut cols, a.country, |v| opt_text("country", v));
        optional(&mut cols, a.latitude, |v| float("latitude", v));
        optional(&mut cols, a.longitude, |v| float("longitude", v));
        Ok(cols)
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubfleetInput {
    airline_id: i64,
    type_code: String,
    name: String,
    #[serde(default)]
    passengers: i64,
    #[serde(default)]
    cargo_kg: i64,
    min_rank_id: Option<i64>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubfleetChanges {
    type_code: Option<String>,
    name: Option<String>,
    passengers: Option<i64>,
    cargo_kg: Option<i64>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    min_rank_id: Patch<i64>,
}

impl Writable for Subfleet {
    const NAME: &'static str = "subfleet";
    const REFERENCED_BY: &'static [(Table, &'static str)] =
        &[(Table::Aircraft, "subfleet_id"), (Table::ScheduleSubfleets, "subfleet_id")];
    type Create = SubfleetInput;
    type Update = SubfleetChanges;

    fn create(s: SubfleetInput) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(
            named(&s.type_code) && s.type_code.len() <= 4,
            "type_code",
            "must be an ICAO type such as A320",
        );
        check.field(named(&s.name), "name", "must not be empty");
        check.field(s.passengers >= 0, "passengers", "must not be negative");
        check.field(s.cargo_kg >= 0, "cargo_kg", "must not be negative");
        check.done()?;
        Ok(vec![
            reference("airline_id", Table::Airlines, Some(s.airline_id)),
            text("type_code", s.type_code.to_ascii_uppercase()),
            text("name", s.name),
            int("passengers", s.passengers),
            int("cargo_kg", s.cargo_kg),
            reference("min_rank_id", Table::Ranks, s.min_rank_id),
        ])
    }

    fn update(s: SubfleetChanges) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(s.name.as_deref().is_none_or(named), "name", "must not be empty");
        check.field(s.passengers.is_none_or(|n| n >= 0), "passengers", "must not be negative");
        check.field(s.cargo_kg.is_none_or(|n| n >= 0), "cargo_kg", "must not be negative");
        check.done()?;
        let mut cols = vec![];
        optional(&mut cols, s.type_code, |v| text("type_code", v.to_ascii_uppercase()));
        optional(&mut cols, s.name, |v| text("name", v));
        optional(&mut cols, s.passengers, |v| int("passengers", v));
        optional(&mut cols, s.cargo_kg, |v| int("cargo_kg", v));
        patched(&mut cols, s.min_rank_id, |v| reference("min_rank_id", Table::Ranks, v));
        Ok(cols)
    }
}

const AIRCRAFT_STATUSES: [&str; 3] = ["active", "maintenance", "retired"];

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AircraftInput {
    subfleet_id: i64,
    registration: String,
    name: String,
    icao: String,
    airport_id: Option<i64>,
    status: Option<String>,
    #[serde(default)]
    airframe_hours: f64,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AircraftChanges {
    subfleet_id: Option<i64>,
    registration: Option<String>,
    name: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    airport_id: Patch<i64>,
    status: Option<String>,
    airframe_hours: Option<f64>,
}

impl Writable for Aircraft {
    const NAME: &'static str = "aircraft";
    const REFERENCED_BY: &'static [(Table, &'static str)] = &[
        (Table::Pireps, "aircraft_id"),
        (Table::Bookings, "aircraft_id"),
        (Table::MaintenanceItems, "aircraft_id"),
        (Table::WorkOrders, "aircraft_id"),
    ];
    type Create = AircraftInput;
    type Update = AircraftChanges;

    fn create(a: AircraftInput) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(
            named(&a.registration) && a.registration.len() <= 10,
            "registration",
            "must be 1-10 characters",
        );
        check.field(named(&a.name), "name", "must not be empty");
        check.field(
            named(&a.icao) && a.icao.len() <= 4,
            "icao",
            "must be an ICAO type such as A320",
        );
        check.field(
            a.status.as_deref().is_none_or(|s| AIRCRAFT_STATUSES.contains(&s)),
            "status",
            "must be active, maintenance or retired",
        );
        check.field(a.airframe_hours >= 0.0, "airframe_hours", "must not be negative");
        check.done()?;
        Ok(vec![
            reference("subfleet_id", Table::Subfleets, Some(a.subfleet_id)),
            text("registration", a.registration.to_ascii_uppercase()),
            text("name", a.name),
            text("icao", a.icao.to_ascii_uppercase()),
            reference("airport_id", Table::Airports, a.airport_id),
            text("status", a.status.unwrap_or_else(|| "active".into())),
            float("airframe_hours", a.airframe_hours),
        ])
    }

    fn update(a: AircraftChanges) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(
            a.registration.as_deref().is_none_or(|r| named(r) && r.len() <= 10),
            "registration",
            "must be 1-10 characters",
        );
        check.field(a.name.as_deref().is_none_or(named), "name", "must not be empty");
        check.field(
            a.status.as_deref().is_none_or(|s| AIRCRAFT_STATUSES.contains(&s)),
            "status",
            "must be active, maintenance or retired",
        );
        check.field(
            a.airframe_hours.is_none_or(|h| h >= 0.0),
            "airframe_hours",
            "must not be negative",
        );
        check.done()?;
        let mut cols = vec![];
        optional(&mut cols, a.subfleet_id, |v| reference("subfleet_id", Table::Subfleets, Some(v)));
        optional(&mut cols, a.registration, |v| text("registration", v.to_ascii_uppercase()));
        optional(&mut cols, a.name, |v| text("name", v));
        patched(&mut cols, a.airport_id, |v| reference("airport_id", Table::Airports, v));
        optional(&mut cols, a.status, |v| text("status", v));
        optional(&mut cols, a.airframe_hours, |v| float("airframe_hours", v));
        Ok(cols)
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HubInput {
    airport_id: i64,
    name: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HubChanges {
    airport_id: Option<i64>,
    name: Option<String>,
}

impl Writable for Hub {
    const NAME: &'static str = "hub";
    const REFERENCED_BY: &'static [(Table, &'static str)] = &[
        (Table::Pilots, "hub_id"),
        (Table::Registrations, "hub_id"),
        (Table::Transfers, "to_hub_id"),
    ];
    type Create = HubInput;
    type Update = HubChanges;

    fn create(h: HubInput) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(named(&h.name), "name", "must not be empty");
        check.done()?;
        Ok(vec![reference("airport_id", Table::Airports, Some(h.airport_id)), text("name", h.name)])
    }

    fn update(h: HubChanges) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(h.name.as_deref().is_none_or(named), "name", "must not be empty");
        check.done()?;
        let mut cols = vec![];
        optional(&mut cols, h.airport_id, |v| reference("airport_id", Table::Airports, Some(v)));
        optional(&mut cols, h.name, |v| text("name", v));
        Ok(cols)
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RankInput {
    name: String,
    #[serde(default)]
    min_hours: f64,
    sort_order: i64,
    image_url: Option<String>,
    #[serde(default)]
    honorary: bool,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RankChanges {
    name: Option<String>,
    min_hours: Option<f64>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    image_url: Patch<String>,
    honorary: Option<bool>,
}

impl Writable for Rank {
    const NAME: &'static str = "rank";
    const REFERENCED_BY: &'static [(Table, &'static str)] = &[
        (Table::Pilots, "rank_id"),
        (Table::Pilots, "honorary_rank_id"),
        (Table::Subfleets, "min_rank_id"),
    ];
    type Create = RankInput;
    type Update = RankChanges;

    fn create(r: RankInput) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(named(&r.name), "name", "must not be empty");
        check.field(r.min_hours >= 0.0, "min_hours", "must not be negative");
        check.done()?;
        Ok(vec![
            text("name", r.name),
            float("min_hours", r.min_hours),
            int("sort_order", r.sort_order),
            opt_text("image_url", r.image_url),
            int("honorary", i64::from(r.honorary)),
        ])
    }

    fn update(r: RankChanges) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(r.name.as_deref().is_none_or(named), "name", "must not be empty");
        check.field(r.min_hours.is_none_or(|h| h >= 0.0), "min_hours", "must not be negative");
        check.done()?;
        let mut cols = vec![];
        optional(&mut cols, r.name, |v| text("name", v));
        optional(&mut cols, r.min_hours, |v| float("min_hours", v));
        patched(&mut cols, r.image_url, |v| opt_text("image_url", v));
        optional(&mut cols, r.honorary, |v| int("honorary", i64::from(v)));
        Ok(cols)
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BadgeInput {
    name: String,
    #[serde(default)]
    description: String,
    image_url: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BadgeChanges {
    name: Option<String>,
    description: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    image_url: Patch<String>,
}

impl Writable for Badge {
    const NAME: &'static str = "badge";
    const REFERENCED_BY: &'static [(Table, &'static str)] = &[(Table::PilotBadges, "badge_id")];
    type Create = BadgeInput;
    type Update = BadgeChanges;

    fn create(b: BadgeInput) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(named(&b.name), "name", "must not be empty");
        check.done()?;
        Ok(vec![
            text("name", b.name),
            text("description", b.description),
            opt_text("image_url", b.image_url),
        ])
    }

    fn update(b: BadgeChanges) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(b.name.as_deref().is_none_or(named), "name", "must not be empty");
        check.done()?;
        let mut cols = vec![];
        optional(&mut cols, b.name, |v| text("name", v));
        optional(&mut cols, b.description, |v| text("description", v));
        patched(&mut cols, b.image_url, |v| opt_text("image_url", v));
        Ok(cols)
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteInput {
    pub airline_id: i64,
    pub flight_number: String,
    pub departure_airport_id: i64,
    pub arrival_airport_id: i64,
    #[serde(default)]
    pub route: String,
    #[serde(default)]
    pub flight_level: i64,
    pub distance_nm: Option<f64>,
    pub departure_time: Option<String>,
    pub arrival_time: Option<String>,
    #[serde(default)]
    pub flight_minutes: i64,
    pub days_of_week: Option<String>,
    pub flight_type: Option<String>,
    #[serde(default)]
    pub notes: String,
    /// The subfleets that may fly it.
    #[serde(default)]
    pub subfleet_ids: Vec<i64>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteChanges {
    flight_number: Option<String>,
    route: Option<String>,
    flight_level: Option<i64>,
    distance_nm: Option<f64>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    departure_time: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    arrival_time: Patch<String>,
    flight_minutes: Option<i64>,
    days_of_week: Option<String>,
    flight_type: Option<String>,
    notes: Option<String>,
    active: Option<bool>,
}

fn hhmm(value: &str) -> bool {
    let Some((h, m)) = value.split_once(':') else { return false };
    h.len() == 2
        && m.len() == 2
        && h.parse::<u8>().is_ok_and(|h| h < 24)
        && m.parse::<u8>().is_ok_and(|m| m < 60)
}

fn days(value: &str) -> bool {
    !value.is_empty() && value.chars().all(|c| ('1'..='7').contains(&c))
}

pub fn check_route(r: &RouteInput) -> Result<(), ApiError> {
    let mut check = Check::default();
    check.field(
        named(&r.flight_number) && r.flight_number.len() <= 10,
        "flight_number",
        "must be 1-10 characters",
    );
    check.field(
        r.departure_airport_id != r.arrival_airport_id,
        "arrival_airport_id",
        "must differ from the departure",
    );
    check.field((0..=600).contains(&r.flight_level), "flight_level", "must be between 0 and 600");
    check.field(r.distance_nm.is_none_or(|d| d >= 0.0), "distance_nm", "must not be negative");
    check.field(r.flight_minutes >= 0, "flight_minutes", "must not be negative");
    check.field(r.departure_time.as_deref().is_none_or(hhmm), "departure_time", "must be HH:MM");
    check.field(r.arrival_time.as_deref().is_none_or(hhmm), "arrival_time", "must be HH:MM");
    check.field(
        r.days_of_week.as_deref().is_none_or(days),
        "days_of_week",
        "must be digits 1 (Monday) to 7",
    );
    check.field(
        r.flight_type.as_deref().is_none_or(|t| t == "P" || t == "C"),
        "flight_type",
        "must be P or C",
    );
    check.done()
}

impl Writable for Schedule {
    const NAME: &'static str = "route";
    const REFERENCED_BY: &'static [(Table, &'static str)] =
        &[(Table::Bookings, "schedule_id"), (Table::Pireps, "schedule_id")];
    const OWNS: &'static [(Table, &'static str)] = &[(Table::ScheduleSubfleets, "schedule_id")];
    type Create = RouteInput;
    type Update = RouteChanges;

    /// Routes are created by `routes::create` (they own their subfleet list).
    fn create(_: RouteInput) -> Result<Vec<Col>, ApiError> {
        Err(ApiError::internal("routes are created by routes::create"))
    }

    fn update(r: RouteChanges) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(
            r.flight_number.as_deref().is_none_or(named),
            "flight_number",
            "must not be empty",
        );
        check.field(
            r.flight_level.is_none_or(|l| (0..=600).contains(&l)),
            "flight_level",
            "must be between 0 and 600",
        );
        check.field(r.distance_nm.is_none_or(|d| d >= 0.0), "distance_nm", "must not be negative");
        check.field(
            r.flight_minutes.is_none_or(|m| m >= 0),
            "flight_minutes",
            "must not be negative",
        );
        check.field(
            r.departure_time.as_deref().is_none_or(hhmm),
            "departure_time",
            "must be HH:MM",
        );
        check.field(r.arrival_time.as_deref().is_none_or(hhmm), "arrival_time", "must be HH:MM");
        check.field(
            r.days_of_week.as_deref().is_none_or(days),
            "days_of_week",
            "must be digits 1 (Monday) to 7",
        );
        check.field(
            r.flight_type.as_deref().is_none_or(|t| t == "P" || t == "C"),
            "flight_type",
            "must be P or C",
        );
        check.done()?;
        let mut cols = vec![];
        optional(&mut cols, r.flight_number, |v| text("flight_number", v));
        optional(&mut cols, r.route, |v| text("route", v));
        optional(&mut cols, r.flight_level, |v| int("flight_level", v));
        optional(&mut cols, r.distance_nm, |v| float("distance_nm", v));
        patched(&mut cols, r.departure_time, |v| opt_text("departure_time", v));
        patched(&mut cols, r.arrival_time, |v| opt_text("arrival_time", v));
        optional(&mut cols, r.flight_minutes, |v| int("flight_minutes", v));
        optional(&mut cols, r.days_of_week, |v| text("days_of_week", v));
        optional(&mut cols, r.flight_type, |v| text("flight_type", v));
        optional(&mut cols, r.notes, |v| text("notes", v));
        optional(&mut cols, r.active, |v| int("active", i64::from(v)));
        Ok(cols)
    }
}
