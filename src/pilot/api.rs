//! The Pilot API (`/api/v3/pilot/*`): what a third-party app may read and do
//! for the pilot who consented, and nothing of anyone else.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::Router;
use serde::{Deserialize, Serialize};

use crate::auth::PilotCaller;
use crate::domain::scope::Scope::{
    ActivitiesRead, ActivitiesWrite, FlightsRead, FlightsWrite, IdentityBasic, IdentityDiscord,
    IdentityNetworks, PilotRead, PilotWrite,
};
use crate::domain::PilotId;
use crate::http::extract::{Data, Json, Path, Query};
use crate::http::pagination::{List, Paging};
use crate::http::scoped::{doc, RouteRule, ScopedRouter};
use crate::http::ApiError;
use crate::state::AppState;
use crate::storage::activities::{ActivityEvent, Challenge, Roster, Tour, TourLeg};
use crate::storage::bookings::{self, Booking};
use crate::storage::notams::Notam;
use crate::storage::page::PageRequest;
use crate::storage::pilots::Pilot;
use crate::storage::pireps::Pirep;
use crate::storage::resource::{self, Filter, Resource};
use crate::storage::{airlines, orgs, ranks};

pub const BASE: &str = "/api/v3/pilot";

pub fn build(state: &AppState) -> (Router<AppState>, Vec<RouteRule>) {
    use Method as M;
    let (router, rules) = ScopedRouter::<PilotCaller>::new(state)
        .action(
            M::GET,
            "/user",
            IdentityBasic,
            user,
            doc(
                "Who the pilot is (Discord with identity:discord, networks with identity:networks)",
            )
            .one::<User>(200),
        )
        .action(
            M::GET,
            "/profile",
            PilotRead,
            profile,
            doc("The pilot's profile, rank, hours, points and badges").one::<Profile>(200),
        )
        .action(
            M::PATCH,
            "/location",
            PilotWrite,
            set_location,
            doc("Set or clear (null) the pilot's current airport")
                .body::<Location>()
                .one::<Profile>(200),
        )
        .action(
            M::GET,
            "/pireps",
            FlightsRead,
            list_own::<Pirep>,
            doc("The pilot's PIREPs").list_of::<Pirep>(),
        )
        .action(
            M::POST,
            "/pireps",
            FlightsWrite,
            file_pirep,
            doc("File a PIREP by hand for one of the pilot's bookings")
                .body::<ManualPirep>()
                .one::<Pirep>(201),
        )
        .action(
            M::GET,
            "/pireps/{id}",
            FlightsRead,
            get_own::<Pirep>,
            doc("One of the pilot's PIREPs").one::<Pirep>(200),
        )
        .action(
            M::GET,
            "/bookings",
            FlightsRead,
            list_own::<Booking>,
            doc("The pilot's bookings (`filter[status]=current`)").list_of::<Booking>(),
        )
        .action(
            M::GET,
            "/bookings/{id}",
            FlightsRead,
            get_own::<Booking>,
            doc("One of the pilot's bookings").one::<Booking>(200),
        )
        .action(
            M::POST,
            "/bookings",
            FlightsWrite,
            book,
            doc("Book a flight").body::<NewBooking>().one::<Booking>(201),
        )
        .action(
            M::DELETE,
            "/bookings/{id}",
            FlightsWrite,
            cancel_booking,
            doc("Cancel one of the pilot's bookings"),
        )
        .action(
            M::GET,
            "/events",
            ActivitiesRead,
            list_org::<ActivityEvent>,
            doc("Events").list_of::<ActivityEvent>(),
        )
        .action(
            M::GET,
            "/tours",
            ActivitiesRead,
            tours,
            doc("Tours with the pilot's progress").many::<TourProgress>(),
        )
        .action(
            M::GET,
            "/rosters",
            ActivitiesRead,
            list_org::<Roster>,
            doc("Rosters").list_of::<Roster>(),
        )
        .action(
            M::GET,
            "/challenges",
            ActivitiesRead,
            list_org::<Challenge>,
            doc("Challenges").list_of::<Challenge>(),
        )
        .action(
            M::GET,
            "/notams",
            ActivitiesRead,
            list_org::<Notam>,
            doc("The airline's NOTAMs, newest first").list_of::<Notam>(),
        )
        .action(
            M::POST,
            "/notams/{id}/read",
            ActivitiesWrite,
            read_notam,
            doc("Mark a NOTAM read by the pilot (again: no change)").one::<Notam>(200),
        )
        .into_parts();
    (Router::new().nest(BASE, router), rules)
}

async fn own_pilot(state: &AppState, caller: &PilotCaller) -> Result<Pilot, ApiError> {
    resource::get::<Pilot>(&state.db, caller.org, caller.pilot.0)
        .await?
        .ok_or_else(|| ApiError::unauthorized("the pilot is gone"))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrgView {
    id: uuid::Uuid,
    name: String,
    slug: String,
}

/// The pilot's account, as vAMSYS's `GET /user`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct User {
    id: PilotId,
    first_name: String,
    last_name: String,
    email: String,
    /// With `identity:discord`: the linked Discord user id (or null).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Option<String>>)]
    discord_id: Option<Option<String>>,
    /// With `identity:networks`: flight-network ids by network. Airside
    /// stores none yet, so this is empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    networks: Option<HashMap<String, String>>,
    pilot: UserPilot,
    org: OrgView,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserPilot {
    id: PilotId,
    /// The callsign (`AIR0001`).
    username: String,
    airline_id: crate::domain::AirlineId,
    airline: String,
    /// On leave: may not fly until back.
    frozen: bool,
    banned: bool,
}

async fn user(State(state): State<AppState>, caller: PilotCaller) -> Result<Data<User>, ApiError> {
    use crate::domain::pilot::PilotState;
    let pilot = own_pilot(&state, &caller).await?;
    let org =
        orgs::by_id(&state.db, caller.org).await?.ok_or_else(|| ApiError::internal("org gone"))?;
    let airline =
        resource::get::<airlines::Airline>(&state.db, caller.org, pilot.airline_id.0).await?;
    Ok(Data {
        data: User {
            id: pilot.id,
            first_name: pilot.first_name,
            last_name: pilot.last_name,
            email: pilot.email,
            discord_id: caller.scopes.contains(IdentityDiscord).then_some(pilot.discord_id),
            networks: caller.scopes.contains(IdentityNetworks).then(HashMap::new),
            pilot: UserPilot {
                id: pilot.id,
                username: pilot.ident,
                airline_id: pilot.airline_id,
                airline: airline.map(|a| a.name).unwrap_or_default(),
                frozen: pilot.state == PilotState::OnLeave,
                banned: pilot.state == PilotState::Banned,
            },
            org: OrgView { id: org.uuid, name: org.name, slug: org.slug },
        },
    })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BadgeAward {
    id: i64,
    name: String,
    awarded_at: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Profile {
    /// The callsign (`AIR0001`).
    username: String,
    first_name: String,
    last_name: String,
    state: crate::domain::pilot::PilotState,
    rank: Option<String>,
    /// Where the pilot is now.
    airport_id: Option<crate::domain::AirportId>,
    hours: f64,
    flights: i64,
    points: i64,
    badges: Vec<BadgeAward>,
}

/// `PATCH /location`: the pilot's current airport, or null to clear it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Location {
    airport_id: Option<i64>,
}

async fn set_location(
    State(state): State<AppState>,
    caller: PilotCaller,
    Json(input): Json<Location>,
) -> Result<Data<Profile>, ApiError> {
    use crate::storage::{pilots::PilotLink, Table};
    let mut tx = state.db.begin().await?;
    if let Some(id) = input.airport_id {
        if !resource::exists(&mut tx, caller.org, Table::Airports, id).await? {
            return Err(ApiError::invalid_field(
                "airport_id",
                format!("there is no airport with id {id}"),
            ));
        }
    }
    crate::storage::pilots::set_link(
        &mut tx,
        caller.org,
        caller.pilot.0,
        PilotLink::Airport,
        input.airport_id,
    )
    .await?;
    tx.commit().await?;
    profile(State(state), caller).await
}

async fn read_notam(
    State(state): State<AppState>,
    caller: PilotCaller,
    Path(id): Path<i64>,
) -> Result<Data<Notam>, ApiError> {
    let mut tx = state.db.begin().await?;
    if !crate::storage::notams::mark_read(&mut tx, caller.org, id, caller.pilot).await? {
        return Err(ApiError::not_found(format!("no NOTAM with id {id}")));
    }
    tx.commit().await?;
    let notam = resource::get::<Notam>(&state.db, caller.org, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no NOTAM with id {id}")))?;
    Ok(Data { data: notam })
}

async fn profile(
    State(state): State<AppState>,
    caller: PilotCaller,
) -> Result<Data<Profile>, ApiError> {
    let pilot = own_pilot(&state, &caller).await?;
    let rank = match pilot.rank_id {
        Some(rank) => {
            resource::get::<ranks::Rank>(&state.db, caller.org, rank.0).await?.map(|r| r.name)
        }
        None => None,
    };
    let badges: Vec<BadgeAward> =
        crate::storage::pilots::badges(&state.db, caller.org, caller.pilot)
            .await?
            .into_iter()
            .map(|(id, name, awarded_at)| BadgeAward { id, name, awarded_at })
            .collect();
    Ok(Data {
        data: Profile {
            username: pilot.ident,
            first_name: pilot.first_name,
            last_name: pilot.last_name,
            state: pilot.state,
            rank,
            airport_id: pilot.airport_id,
            hours: (pilot.flight_minutes as f64 / 6.0).round() / 10.0,
            flights: pilot.flights,
            points: pilot.points,
            badges,
        },
    })
}

/// The pilot's own rows of a table with a `pilot_id`.
async fn list_own<R: Resource + Serialize>(
    State(state): State<AppState>,
    caller: PilotCaller,
    paging: Paging,
    Query(query): Query<HashMap<String, String>>,
) -> Result<List<R>, ApiError> {
    let mut filters = crate::http::params::list_filters::<R>(&query)?;
    filters.push(Filter::Own("pilot_id", caller.pilot.0));
    let page = resource::list::<R>(&state.db, caller.org, &filters, &paging.sorted::<R>()?).await?;
    Ok(paging.list(page))
}

/// One of the pilot's own rows; anyone else's is not found.
async fn get_own<R: Resource + Serialize>(
    State(state): State<AppState>,
    caller: PilotCaller,
    Path(id): Path<i64>,
) -> Result<Data<R>, ApiError> {
    let mine = [Filter::Own("pilot_id", caller.pilot.0), Filter::Own("id", id)];
    let page = resource::list::<R>(&state.db, caller.org, &mine, &PageRequest::first(1)).await?;
    page.items
        .into_iter()
        .next()
        .map(|data| Data { data })
        .ok_or_else(|| ApiError::not_found(format!("you have no {} with id {id}", R::TABLE)))
}

async fn list_org<R: Resource + Serialize>(
    State(state): State<AppState>,
    caller: PilotCaller,
    paging: Paging,
    Query(query): Query<HashMap<String, String>>,
) -> Result<List<R>, ApiError> {
    let filters = crate::http::params::list_filters::<R>(&query)?;
    let page = resource::list::<R>(&state.db, caller.org, &filters, &paging.sorted::<R>()?).await?;
    Ok(paging.list(page))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBooking {
    /// The route (schedule) to book.
    route_id: i64,
    aircraft_id: Option<i64>,
}

async fn book(
    State(state): State<AppState>,
    caller: PilotCaller,
    Json(input): Json<NewBooking>,
) -> Result<(StatusCode, Data<Booking>), ApiError> {
    use crate::flights::lifecycle::{self, BookError};
    let (schedule, aircraft) = (input.route_id, input.aircraft_id);
    let id = match lifecycle::book(&state.db, caller.org, caller.pilot, schedule, aircraft).await {
        Ok(id) => id,
        Err(BookError::Unknown(field, why)) => return Err(ApiError::invalid_field(field, why)),
        Err(BookError::Database(e)) => return Err(e.into()),
    };
    let booking = resource::get::<Booking>(&state.db, caller.org, id.0)
        .await?
        .ok_or_else(|| ApiError::internal("booking vanished"))?;
    Ok((StatusCode::CREATED, Data { data: booking }))
}

async fn cancel_booking(
    State(state): State<AppState>,
    caller: PilotCaller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let mut conn = state.db.writer().acquire().await?;
    if !bookings::cancel(&mut conn, caller.org, caller.pilot, id).await? {
        return Err(ApiError::not_found(format!("you have no booking with id {id}")));
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LegProgress {
    #[serde(flatten)]
    leg: TourLeg,
    /// Flown: an accepted PIREP from departure to arrival since the tour began.
    completed: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TourProgress {
    #[serde(flatten)]
    tour: Tour,
    legs: Vec<LegProgress>,
    completed_legs: usize,
}

async fn tours(
    State(state): State<AppState>,
    caller: PilotCaller,
    paging: Paging,
    Query(query): Query<HashMap<String, String>>,
) -> Result<List<TourProgress>, ApiError> {
    let filters = crate::http::params::list_filters::<Tour>(&query)?;
    let page =
        resource::list::<Tour>(&state.db, caller.org, &filters, &paging.sorted::<Tour>()?).await?;
    let mut out = Vec::with_capacity(page.items.len());
    for tour in &page.items {
        let legs =
            resource::all::<TourLeg>(&state.db, caller.org, &[Filter::Int("tour_id", tour.id)])
                .await?;
        let mut progress = Vec::with_capacity(legs.len());
        for leg in legs {
            let (dep, arr) = (leg.departure_airport_id, leg.arrival_airport_id);
            let flown = crate::storage::pireps::flown_between(
                &state.db,
                caller.org,
                caller.pilot,
                dep,
                arr,
                tour.created_at,
            )
            .await?;
            progress.push(LegProgress { leg, completed: flown });
        }
        let completed_legs = progress.iter().filter(|l| l.completed).count();
        out.push(TourProgress { tour: tour.clone(), legs: progress, completed_legs });
    }
    let ids = page.map(|_| ());
    Ok(List { data: out, meta: paging.list(ids).meta })
}

/// A flight reported by hand (no tracker): what was flown for a booking.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualPirep {
    booking_id: i64,
    /// Block time in minutes (0 to 2,880).
    flight_minutes: i64,
    /// Required when the booking has no aircraft pinned.
    aircraft_id: Option<i64>,
    /// Feet per minute, negative on touchdown (within ±20,000).
    landing_rate: Option<f64>,
    fuel_used: Option<f64>,
    /// At most 4,000 characters.
    route: Option<String>,
    /// A flight level, 0-600.
    flight_level: Option<i64>,
}

/// Files the booking's flight as `submitted` (source `manual`), by the
/// same rules as a tracker's filing (`flights::filing`).
async fn file_pirep(
    State(state): State<AppState>,
    caller: PilotCaller,
    Json(input): Json<ManualPirep>,
) -> Result<(StatusCode, Data<Pirep>), ApiError> {
    use crate::flights::filing::{self, FilingError, ManualFiling};
    let filing = ManualFiling {
        booking: input.booking_id,
        aircraft: input.aircraft_id,
        facts: crate::domain::pirep::FlightFacts {
            flight_minutes: input.flight_minutes,
            landing_rate: input.landing_rate,
            fuel_used: input.fuel_used,
            flight_level: input.flight_level,
            route: input.route.as_deref(),
        },
    };
    let id = match filing::file_by_hand(&state.db, caller.org, caller.pilot, &filing).await {
        Ok(id) => id,
        Err(FilingError::Invalid(fact)) => {
            return Err(ApiError::invalid_field(fact.field, fact.message))
        }
        Err(FilingError::Aircraft(why)) => return Err(ApiError::invalid_field("aircraft_id", why)),
        Err(FilingError::NotFound | FilingError::NotInProgress(_)) => {
            return Err(ApiError::not_found(format!(
                "you have no booking with id {}",
                input.booking_id
            )))
        }
        Err(FilingError::Database(e)) => return Err(e.into()),
    };
    let pirep = resource::get::<Pirep>(&state.db, caller.org, id.0)
        .await?
        .ok_or_else(|| ApiError::internal("PIREP vanished"))?;
    Ok((StatusCode::CREATED, Data { data: pirep }))
}
