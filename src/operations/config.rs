//! `ops:config:write`: fleet, aircraft, airports, hubs, ranks, badges, routes.

use crate::storage::Table;
use serde::Deserialize;

use super::crud::{float, int, opt_int, opt_text, patched, reference, text, Check, Col, Writable};
use crate::http::patch::Patch;
use crate::http::ApiError;
use crate::storage::airports::Airport;
use crate::storage::badges::Badge;
use crate::storage::fleet::{Aircraft, Subfleet};
use crate::storage::hubs::Hub;
use crate::storage::notams::Notam;
use crate::storage::ranks::Rank;
use crate::storage::routings::Routing;
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
    /// The ICAO code; or send vAMSYS's `icao_iata` with it.
    icao: Option<String>,
    icao_iata: Option<String>,
    iata: Option<String>,
    airline_id: Option<i64>,
    name: String,
    city: Option<String>,
    country: Option<String>,
    latitude: f64,
    longitude: f64,
    category: Option<String>,
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
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    category: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    airline_id: Patch<i64>,
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
        // vAMSYS's `icao_iata` names the airport by either code; Airside
        // keys airports by ICAO, so it must be the 4-letter one.
        let icao = a.icao.clone().or_else(|| a.icao_iata.clone()).unwrap_or_default();
        check.field(
            icao_airport(&icao),
            if a.icao.is_none() && a.icao_iata.is_some() { "icao_iata" } else { "icao" },
            "must be a 4-character ICAO code",
        );
        check.field(a.iata.as_deref().is_none_or(|i| i.len() == 3), "iata", "must be 3 characters");
        check.field(named(&a.name), "name", "must not be empty");
        check_position(&mut check, Some(a.latitude), Some(a.longitude));
        check.done()?;
        Ok(vec![
            text("icao", icao.to_ascii_uppercase()),
            reference("airline_id", Table::Airlines, a.airline_id),
            opt_text("iata", a.iata.map(|i| i.to_ascii_uppercase())),
            text("name", a.name),
            opt_text("city", a.city),
            opt_text("country", a.country),
            float("latitude", a.latitude),
            float("longitude", a.longitude),
            opt_text("category", a.category),
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
        patched(&mut cols, a.category, |v| opt_text("category", v));
        patched(&mut cols, a.airline_id, |v| reference("airline_id", Table::Airlines, v));
        Ok(cols)
    }
}

/// A new fleet (an aircraft type with its capacities), in vAMSYS's names.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubfleetInput {
    airline_id: i64,
    /// The ICAO type code, such as A320.
    code: String,
    name: String,
    /// pax, cargo, or another word the airline uses; pax when left out.
    #[serde(rename = "type")]
    fleet_type: Option<String>,
    #[serde(default)]
    max_pax: i64,
    /// Cargo capacity in kg.
    #[serde(default)]
    max_cargo: i64,
    #[serde(default)]
    container_units: i64,
    #[serde(default)]
    hide_in_phoenix: bool,
    min_rank_id: Option<i64>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubfleetChanges {
    code: Option<String>,
    name: Option<String>,
    #[serde(rename = "type")]
    fleet_type: Option<String>,
    max_pax: Option<i64>,
    max_cargo: Option<i64>,
    container_units: Option<i64>,
    hide_in_phoenix: Option<bool>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    min_rank_id: Patch<i64>,
}

fn type_code(code: &str) -> bool {
    named(code) && code.len() <= 4
}

fn fleet_type(word: &str) -> bool {
    !word.is_empty()
        && word.len() <= 20
        && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Writable for Subfleet {
    const NAME: &'static str = "subfleet";
    const REFERENCED_BY: &'static [(Table, &'static str)] =
        &[(Table::Aircraft, "subfleet_id"), (Table::ScheduleSubfleets, "subfleet_id")];
    type Create = SubfleetInput;
    type Update = SubfleetChanges;

    fn create(s: SubfleetInput) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(type_code(&s.code), "code", "must be an ICAO type such as A320");
        check.field(named(&s.name), "name", "must not be empty");
        check.field(
            s.fleet_type.as_deref().is_none_or(fleet_type),
            "type",
            "must be a word such as pax or cargo",
        );
        check.field(s.max_pax >= 0, "max_pax", "must not be negative");
        check.field(s.max_cargo >= 0, "max_cargo", "must not be negative");
        check.field(s.container_units >= 0, "container_units", "must not be negative");
        check.done()?;
        Ok(vec![
            reference("airline_id", Table::Airlines, Some(s.airline_id)),
            text("type_code", s.code.to_ascii_uppercase()),
            text("name", s.name),
            text("fleet_type", s.fleet_type.unwrap_or_else(|| "pax".into())),
            int("passengers", s.max_pax),
            int("cargo_kg", s.max_cargo),
            int("container_units", s.container_units),
            int("hide_in_phoenix", i64::from(s.hide_in_phoenix)),
            reference("min_rank_id", Table::Ranks, s.min_rank_id),
        ])
    }

    fn update(s: SubfleetChanges) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(
            s.code.as_deref().is_none_or(type_code),
            "code",
            "must be an ICAO type such as A320",
        );
        check.field(s.name.as_deref().is_none_or(named), "name", "must not be empty");
        check.field(
            s.fleet_type.as_deref().is_none_or(fleet_type),
            "type",
            "must be a word such as pax or cargo",
        );
        check.field(s.max_pax.is_none_or(|n| n >= 0), "max_pax", "must not be negative");
        check.field(s.max_cargo.is_none_or(|n| n >= 0), "max_cargo", "must not be negative");
        check.field(
            s.container_units.is_none_or(|n| n >= 0),
            "container_units",
            "must not be negative",
        );
        check.done()?;
        let mut cols = vec![];
        optional(&mut cols, s.code, |v| text("type_code", v.to_ascii_uppercase()));
        optional(&mut cols, s.name, |v| text("name", v));
        optional(&mut cols, s.fleet_type, |v| text("fleet_type", v));
        optional(&mut cols, s.max_pax, |v| int("passengers", v));
        optional(&mut cols, s.max_cargo, |v| int("cargo_kg", v));
        optional(&mut cols, s.container_units, |v| int("container_units", v));
        optional(&mut cols, s.hide_in_phoenix, |v| int("hide_in_phoenix", i64::from(v)));
        patched(&mut cols, s.min_rank_id, |v| reference("min_rank_id", Table::Ranks, v));
        Ok(cols)
    }
}

const AIRCRAFT_STATUSES: [&str; 3] = ["active", "maintenance", "retired"];

/// A new aircraft, in vAMSYS's names. Under `/fleet/{id}/aircraft` the
/// fleet comes from the path.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AircraftInput {
    pub fleet_id: Option<i64>,
    registration: String,
    name: String,
    icao: String,
    airport_id: Option<i64>,
    status: Option<String>,
    #[serde(default)]
    airframe_hours: f64,
    selcal: Option<String>,
    fin_number: Option<String>,
    /// The ICAO 24-bit address, as six hex digits.
    hexcode: Option<String>,
    /// Seats and cargo (kg) when this airframe differs from its fleet.
    passengers: Option<i64>,
    cargo: Option<i64>,
    internal_remarks: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AircraftChanges {
    pub fleet_id: Option<i64>,
    registration: Option<String>,
    name: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    airport_id: Patch<i64>,
    status: Option<String>,
    airframe_hours: Option<f64>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    selcal: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    fin_number: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    hexcode: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    passengers: Patch<i64>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    cargo: Patch<i64>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    internal_remarks: Patch<String>,
}

fn selcal(code: &str) -> bool {
    code.len() == 4 && code.chars().all(|c| c.is_ascii_uppercase())
}

fn hexcode(code: &str) -> bool {
    code.len() == 6 && code.chars().all(|c| c.is_ascii_hexdigit())
}

/// The checks both aircraft inputs share.
fn check_airframe(
    check: &mut Check,
    selcal_code: Option<&str>,
    hex: Option<&str>,
    passengers: Option<i64>,
    cargo: Option<i64>,
) {
    check.field(selcal_code.is_none_or(selcal), "selcal", "must be four letters A-Z");
    check.field(hex.is_none_or(hexcode), "hexcode", "must be six hex digits");
    check.field(passengers.is_none_or(|n| n >= 0), "passengers", "must not be negative");
    check.field(cargo.is_none_or(|n| n >= 0), "cargo", "must not be negative");
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
        check.field(a.fleet_id.is_some(), "fleet_id", "is required");
        check_airframe(
            &mut check,
            a.selcal.as_deref(),
            a.hexcode.as_deref(),
            a.passengers,
            a.cargo,
        );
        check.done()?;
        Ok(vec![
            reference("subfleet_id", Table::Subfleets, a.fleet_id),
            opt_text("selcal", a.selcal),
            opt_text("fin_number", a.fin_number),
            opt_text("hexcode", a.hexcode.map(|h| h.to_ascii_uppercase())),
            opt_int("passengers", a.passengers),
            opt_int("cargo", a.cargo),
            opt_text("internal_remarks", a.internal_remarks),
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
        check_airframe(
            &mut check,
            a.selcal.as_deref(),
            a.hexcode.as_deref(),
            a.passengers.value().copied(),
            a.cargo.value().copied(),
        );
        check.done()?;
        let mut cols = vec![];
        optional(&mut cols, a.fleet_id, |v| reference("subfleet_id", Table::Subfleets, Some(v)));
        patched(&mut cols, a.selcal, |v| opt_text("selcal", v));
        patched(&mut cols, a.fin_number, |v| opt_text("fin_number", v));
        patched(&mut cols, a.hexcode, |v| opt_text("hexcode", v.map(|h| h.to_ascii_uppercase())));
        patched(&mut cols, a.passengers, |v| opt_int("passengers", v));
        patched(&mut cols, a.cargo, |v| opt_int("cargo", v));
        patched(&mut cols, a.internal_remarks, |v| opt_text("internal_remarks", v));
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

/// A new route, in vAMSYS's names. `altitude` is in feet.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteInput {
    pub airline_id: i64,
    pub flight_number: String,
    pub callsign: Option<String>,
    pub departure_id: i64,
    pub arrival_id: i64,
    pub routing_id: Option<i64>,
    #[serde(default)]
    pub route: String,
    #[serde(default)]
    pub altitude: i64,
    pub cost_index: Option<String>,
    pub distance_nm: Option<f64>,
    pub departure_time: Option<String>,
    pub arrival_time: Option<String>,
    #[serde(default)]
    pub flight_minutes: i64,
    pub service_days: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    /// `P` passenger or `C` cargo.
    #[serde(rename = "type")]
    pub flight_type: Option<String>,
    #[serde(default)]
    pub remarks: String,
    pub internal_remarks: Option<String>,
    pub tag: Option<String>,
    #[serde(default)]
    pub hidden: bool,
    /// The fleets (subfleets) that may fly it.
    #[serde(default)]
    pub fleet_ids: Vec<i64>,
}

impl RouteInput {
    /// What a route stores beyond `schedules::NewSchedule`'s columns.
    pub fn extra_columns(&self) -> Vec<Col> {
        vec![
            opt_text("callsign", self.callsign.clone()),
            reference("routing_id", Table::Routings, self.routing_id),
            opt_text("cost_index", self.cost_index.clone()),
            opt_text("start_date", self.start_date.clone()),
            opt_text("end_date", self.end_date.clone()),
            opt_text("internal_remarks", self.internal_remarks.clone()),
            opt_text("tag", self.tag.clone()),
            int("hidden", i64::from(self.hidden)),
        ]
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteChanges {
    flight_number: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    callsign: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    routing_id: Patch<i64>,
    route: Option<String>,
    altitude: Option<i64>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    cost_index: Patch<String>,
    distance_nm: Option<f64>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    departure_time: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    arrival_time: Patch<String>,
    flight_minutes: Option<i64>,
    service_days: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    start_date: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    end_date: Patch<String>,
    #[serde(rename = "type")]
    flight_type: Option<String>,
    remarks: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    internal_remarks: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    tag: Patch<String>,
    hidden: Option<bool>,
    active: Option<bool>,
}

fn hhmm(t: &str) -> bool {
    chrono::NaiveTime::parse_from_str(t, "%H:%M").is_ok()
}

fn date(d: &str) -> bool {
    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok()
}

fn days(d: &str) -> bool {
    !d.is_empty() && d.len() <= 7 && d.chars().all(|c| ('1'..='7').contains(&c))
}

/// The checks a route's fields pass, on create and on update alike.
struct RouteFields<'a> {
    flight_number: Option<&'a str>,
    altitude: Option<i64>,
    distance_nm: Option<f64>,
    flight_minutes: Option<i64>,
    departure_time: Option<&'a str>,
    arrival_time: Option<&'a str>,
    service_days: Option<&'a str>,
    start_date: Option<&'a str>,
    end_date: Option<&'a str>,
    flight_type: Option<&'a str>,
}

impl RouteFields<'_> {
    fn check(&self, check: &mut Check) {
        check.field(
            self.flight_number.is_none_or(|n| named(n) && n.len() <= 10),
            "flight_number",
            "must be 1-10 characters",
        );
        check.field(
            self.altitude.is_none_or(|a| (0..=60_000).contains(&a)),
            "altitude",
            "must be between 0 and 60000 feet",
        );
        check.field(
            self.distance_nm.is_none_or(|d| d >= 0.0),
            "distance_nm",
            "must not be negative",
        );
        check.field(
            self.flight_minutes.is_none_or(|m| m >= 0),
            "flight_minutes",
            "must not be negative",
        );
        check.field(self.departure_time.is_none_or(hhmm), "departure_time", "must be HH:MM");
        check.field(self.arrival_time.is_none_or(hhmm), "arrival_time", "must be HH:MM");
        check.field(
            self.service_days.is_none_or(days),
            "service_days",
            "must be digits 1 (Monday) to 7",
        );
        check.field(self.start_date.is_none_or(date), "start_date", "must be YYYY-MM-DD");
        check.field(self.end_date.is_none_or(date), "end_date", "must be YYYY-MM-DD");
        check.field(
            self.flight_type.is_none_or(|t| t == "P" || t == "C"),
            "type",
            "must be P or C",
        );
    }
}

pub fn check_route(r: &RouteInput) -> Result<(), ApiError> {
    let mut check = Check::default();
    RouteFields {
        flight_number: Some(&r.flight_number),
        altitude: Some(r.altitude),
        distance_nm: r.distance_nm,
        flight_minutes: Some(r.flight_minutes),
        departure_time: r.departure_time.as_deref(),
        arrival_time: r.arrival_time.as_deref(),
        service_days: r.service_days.as_deref(),
        start_date: r.start_date.as_deref(),
        end_date: r.end_date.as_deref(),
        flight_type: r.flight_type.as_deref(),
    }
    .check(&mut check);
    check.field(r.departure_id != r.arrival_id, "arrival_id", "must differ from the departure");
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
        RouteFields {
            flight_number: r.flight_number.as_deref(),
            altitude: r.altitude,
            distance_nm: r.distance_nm,
            flight_minutes: r.flight_minutes,
            departure_time: r.departure_time.as_deref(),
            arrival_time: r.arrival_time.as_deref(),
            service_days: r.service_days.as_deref(),
            start_date: r.start_date.as_deref(),
            end_date: r.end_date.as_deref(),
            flight_type: r.flight_type.as_deref(),
        }
        .check(&mut check);
        check.done()?;
        let mut cols = vec![];
        optional(&mut cols, r.flight_number, |v| text("flight_number", v));
        patched(&mut cols, r.callsign, |v| opt_text("callsign", v));
        patched(&mut cols, r.routing_id, |v| reference("routing_id", Table::Routings, v));
        optional(&mut cols, r.route, |v| text("route", v));
        optional(&mut cols, r.altitude, |v| int("flight_level", v / 100));
        patched(&mut cols, r.cost_index, |v| opt_text("cost_index", v));
        optional(&mut cols, r.distance_nm, |v| float("distance_nm", v));
        patched(&mut cols, r.departure_time, |v| opt_text("departure_time", v));
        patched(&mut cols, r.arrival_time, |v| opt_text("arrival_time", v));
        optional(&mut cols, r.flight_minutes, |v| int("flight_minutes", v));
        optional(&mut cols, r.service_days, |v| text("days_of_week", v));
        patched(&mut cols, r.start_date, |v| opt_text("start_date", v));
        patched(&mut cols, r.end_date, |v| opt_text("end_date", v));
        optional(&mut cols, r.flight_type, |v| text("flight_type", v));
        optional(&mut cols, r.remarks, |v| text("notes", v));
        patched(&mut cols, r.internal_remarks, |v| opt_text("internal_remarks", v));
        patched(&mut cols, r.tag, |v| opt_text("tag", v));
        optional(&mut cols, r.hidden, |v| int("hidden", i64::from(v)));
        optional(&mut cols, r.active, |v| int("active", i64::from(v)));
        Ok(cols)
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoutingInput {
    departure_airport_id: i64,
    arrival_airport_id: i64,
    route: String,
    remarks: Option<String>,
    internal_remarks: Option<String>,
    tag: Option<String>,
    days_of_operation: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoutingChanges {
    route: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    remarks: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    internal_remarks: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    tag: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    days_of_operation: Patch<String>,
}

fn route_string(route: &str) -> bool {
    named(route) && route.len() <= 2000
}

impl Writable for Routing {
    const NAME: &'static str = "routing";
    const REFERENCED_BY: &'static [(Table, &'static str)] = &[(Table::Schedules, "routing_id")];
    type Create = RoutingInput;
    type Update = RoutingChanges;

    fn create(r: RoutingInput) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(route_string(&r.route), "route", "must be 1-2000 characters");
        check.field(
            r.departure_airport_id != r.arrival_airport_id,
            "arrival_airport_id",
            "must differ from the departure",
        );
        check.field(
            r.days_of_operation.as_deref().is_none_or(days),
            "days_of_operation",
            "must be digits 1 (Monday) to 7",
        );
        check.done()?;
        Ok(vec![
            reference("departure_airport_id", Table::Airports, Some(r.departure_airport_id)),
            reference("arrival_airport_id", Table::Airports, Some(r.arrival_airport_id)),
            text("route", r.route.trim()),
            opt_text("remarks", r.remarks),
            opt_text("internal_remarks", r.internal_remarks),
            opt_text("tag", r.tag),
            opt_text("days_of_operation", r.days_of_operation),
        ])
    }

    fn update(r: RoutingChanges) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(
            r.route.as_deref().is_none_or(route_string),
            "route",
            "must be 1-2000 characters",
        );
        check.field(
            r.days_of_operation.as_deref().is_none_or(days),
            "days_of_operation",
            "must be digits 1 (Monday) to 7",
        );
        check.done()?;
        let mut cols = vec![];
        optional(&mut cols, r.route, |v| text("route", v.trim()));
        patched(&mut cols, r.remarks, |v| opt_text("remarks", v));
        patched(&mut cols, r.internal_remarks, |v| opt_text("internal_remarks", v));
        patched(&mut cols, r.tag, |v| opt_text("tag", v));
        patched(&mut cols, r.days_of_operation, |v| opt_text("days_of_operation", v));
        Ok(cols)
    }
}

pub const NOTAM_TYPES: [&str; 4] = ["info", "warning", "critical", "operational"];
pub const NOTAM_PRIORITIES: [&str; 3] = ["low", "medium", "high"];

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotamInput {
    title: String,
    content: String,
    /// info, warning, critical or operational; info when left out.
    #[serde(rename = "type")]
    notam_type: Option<String>,
    /// low, medium or high; low when left out.
    priority: Option<String>,
    #[serde(default)]
    must_read: bool,
    tag: Option<String>,
    url: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotamChanges {
    title: Option<String>,
    content: Option<String>,
    #[serde(rename = "type")]
    notam_type: Option<String>,
    priority: Option<String>,
    must_read: Option<bool>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    tag: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    url: Patch<String>,
}

fn check_notam(
    check: &mut Check,
    title: Option<&str>,
    content: Option<&str>,
    kind: Option<&str>,
    priority: Option<&str>,
    url: Option<&str>,
) {
    check.field(title.is_none_or(named), "title", "must be 1-200 characters");
    check.field(
        content.is_none_or(|c| !c.trim().is_empty() && c.len() <= 20_000),
        "content",
        "must be 1-20000 characters",
    );
    check.field(
        kind.is_none_or(|k| NOTAM_TYPES.contains(&k)),
        "type",
        "must be info, warning, critical or operational",
    );
    check.field(
        priority.is_none_or(|p| NOTAM_PRIORITIES.contains(&p)),
        "priority",
        "must be low, medium or high",
    );
    check.field(
        url.is_none_or(|u| {
            url::Url::parse(u).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
        }),
        "url",
        "must be an http(s) URL",
    );
}

impl Writable for Notam {
    const NAME: &'static str = "NOTAM";
    const OWNS: &'static [(Table, &'static str)] = &[(Table::NotamReads, "notam_id")];
    const EMITS: Option<&'static str> = Some("notam.created");
    const EMITS_ON_UPDATE: bool = false;
    const EVENT_KEY: &'static str = "notam";
    type Create = NotamInput;
    type Update = NotamChanges;

    fn create(n: NotamInput) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check_notam(
            &mut check,
            Some(&n.title),
            Some(&n.content),
            n.notam_type.as_deref(),
            n.priority.as_deref(),
            n.url.as_deref(),
        );
        check.done()?;
        Ok(vec![
            text("title", n.title),
            text("content", n.content),
            text("notam_type", n.notam_type.unwrap_or_else(|| "info".into())),
            text("priority", n.priority.unwrap_or_else(|| "low".into())),
            int("must_read", i64::from(n.must_read)),
            opt_text("tag", n.tag),
            opt_text("url", n.url),
        ])
    }

    fn update(n: NotamChanges) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check_notam(
            &mut check,
            n.title.as_deref(),
            n.content.as_deref(),
            n.notam_type.as_deref(),
            n.priority.as_deref(),
            n.url.as_deref(),
        );
        check.done()?;
        let mut cols = vec![];
        optional(&mut cols, n.title, |v| text("title", v));
        optional(&mut cols, n.content, |v| text("content", v));
        optional(&mut cols, n.notam_type, |v| text("notam_type", v));
        optional(&mut cols, n.priority, |v| text("priority", v));
        optional(&mut cols, n.must_read, |v| int("must_read", i64::from(v)));
        patched(&mut cols, n.tag, |v| opt_text("tag", v));
        patched(&mut cols, n.url, |v| opt_text("url", v));
        Ok(cols)
    }
}
