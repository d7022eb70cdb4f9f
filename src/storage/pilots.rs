//! Pilots and their ACARS API keys.

use super::Table;
use serde::Serialize;
use sqlx::AnyConnection;

use super::resource::{keyed, FilterKind, Resource, Value};
use super::{Db, Sql};
use crate::domain::pilot::{pilot_ident, PilotState};
use crate::domain::{AirlineId, AirportId, HubId, OrgId, PilotId, RankId, Timestamp};
use crate::security::{self, Secret};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Pilot {
    pub id: PilotId,
    /// The callsign, `AIR0001`: airline ICAO and number (vAMSYS's name).
    #[serde(rename = "username")]
    pub ident: String,
    pub airline_id: AirlineId,
    pub number: i64,
    /// First and last name, as vAMSYS lists pilots.
    pub name: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// The pilot's Discord user id (a snowflake, as text), for bots.
    pub discord_id: Option<String>,
    #[serde(skip)]
    pub password_hash: String,
    #[sqlx(try_from = "String")]
    pub state: PilotState,
    pub rank_id: Option<RankId>,
    pub hub_id: Option<HubId>,
    pub airport_id: Option<AirportId>,
    pub flight_minutes: i64,
    pub flights: i64,
    pub points: i64,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
    #[sqlx(try_from = "String")]
    pub updated_at: Timestamp,
}
keyed!(Pilot);

impl Resource for Pilot {
    const TABLE: Table = Table::Pilots;
    // Qualified: the ACARS key lookup selects these beside other tables.
    const COLUMNS: &'static str = "pilots.id, pilots.ident, pilots.airline_id, pilots.number, \
         pilots.first_name || ' ' || pilots.last_name AS name, pilots.first_name, \
         pilots.last_name, pilots.email, pilots.discord_id, pilots.password_hash, pilots.state, \
         pilots.rank_id, pilots.hub_id, pilots.airport_id, pilots.flight_minutes, \
         pilots.flights, pilots.points, pilots.created_at, pilots.updated_at";
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] = &[
        ("state", "pilots.state", FilterKind::Text),
        ("hub_id", "pilots.hub_id", FilterKind::Int),
        ("rank_id", "pilots.rank_id", FilterKind::Int),
        ("discord_id", "pilots.discord_id", FilterKind::Text),
        ("username", "pilots.ident", FilterKind::Text),
    ];
    const SORTS: &'static [(&'static str, &'static str)] = &[
        ("username", "pilots.ident"),
        ("name", "pilots.first_name || ' ' || pilots.last_name"),
        ("created_at", "pilots.created_at"),
        ("flights", "pilots.flights"),
        ("points", "pilots.points"),
    ];
}

pub struct NewPilot<'a> {
    pub airline: AirlineId,
    pub airline_icao: &'a str,
    pub number: i64,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub state: PilotState,
    pub rank: Option<RankId>,
    pub hub: Option<HubId>,
    pub airport: Option<AirportId>,
}

pub async fn create(
    conn: &mut AnyConnection,
    org: OrgId,
    new: &NewPilot<'_>,
) -> Result<PilotId, sqlx::Error> {
    let now = Timestamp::now().to_db();
    sqlx::query_scalar(
        "INSERT INTO pilots (org_id, airline_id, number, ident, first_name, last_name, email, \
         password_hash, state, rank_id, hub_id, airport_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
    )
    .bind(org.0)
    .bind(new.airline.0)
    .bind(new.number)
    .bind(pilot_ident(new.airline_icao, new.number))
    .bind(new.first_name)
    .bind(new.last_name)
    .bind(new.email.trim().to_lowercase())
    .bind(new.password_hash)
    .bind(new.state.as_str())
    .bind(new.rank.map(|r| r.0))
    .bind(new.hub.map(|h| h.0))
    .bind(new.airport.map(|a| a.0))
    .bind(now)
    .fetch_one(conn)
    .await
    .map(PilotId)
}

/// The column and value a sign-in name matches: an email, or a pilot id
/// (`AIR0001`).
fn login_match(login: &str) -> (&'static str, String) {
    let login = login.trim();
    if login.contains('@') {
        ("email", login.to_lowercase())
    } else {
        ("ident", login.to_ascii_uppercase())
    }
}

/// A pilot of `org` by email or by pilot id, as pilots sign in.
pub async fn by_login(db: &Db, org: OrgId, login: &str) -> Result<Option<Pilot>, sqlx::Error> {
    let (column, value) = login_match(login);
    sqlx::query_as(&format!(
        "SELECT {} FROM pilots WHERE org_id = $1 AND {column} = $2",
        Pilot::COLUMNS
    ))
    .bind(org.0)
    .bind(value)
    .fetch_optional(db.reader())
    .await
}

/// The number a tracker username means: its digits, as the Stratos module
/// strips `QFA0001` to pilot 1. None when there are none, or only zeros.
fn login_number(login: &str) -> Option<i64> {
    let digits: String = login.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_start_matches('0');
    (!digits.is_empty() && digits.len() <= 15).then(|| digits.parse().ok()).flatten()
}

/// The pilots a tracker sign-in name may mean, in `org` or (a tracker URL
/// that names no org) in any: an email; otherwise a pilot id (`AIR0001`) or
/// the number its digits give. A few at most: an email may be registered
/// with several airlines, a number is one per airline.
pub async fn by_tracker_login(
    db: &Db,
    org: Option<OrgId>,
    login: &str,
) -> Result<Vec<(i64, Pilot)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        org_id: i64,
        #[sqlx(flatten)]
        pilot: Pilot,
    }
    let (column, value) = login_match(login);
    let number = if column == "email" { None } else { login_number(login) };
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT org_id, {} FROM pilots WHERE ({column} = $1 OR number = $2) \
         AND ($3 IS NULL OR org_id = $3) ORDER BY id LIMIT 10",
        Pilot::COLUMNS
    ))
    .bind(value.clone())
    .bind(number.unwrap_or(-1))
    .bind(org.map(|o| o.0))
    .fetch_all(db.reader())
    .await?;
    // A pilot id said in full beats pilots of other airlines with its number.
    let exact = rows.iter().any(|r| r.pilot.ident == value || r.pilot.email == value);
    Ok(rows
        .into_iter()
        .filter(|r| !exact || r.pilot.ident == value || r.pilot.email == value)
        .map(|r| (r.org_id, r.pilot))
        .collect())
}

/// Whether a tracker sign-in name names this pilot (as `by_tracker_login`
/// reads it).
pub fn is_named_by(pilot: &Pilot, login: &str) -> bool {
    match login_match(login) {
        ("email", email) => pilot.email == email,
        (_, ident) => pilot.ident == ident || login_number(login) == Some(pilot.number),
    }
}

/// Mints a new ACARS API key for a pilot. The key is returned once; only its
/// SHA-256 is stored.
pub async fn create_api_key(
    conn: &mut AnyConnection,
    org: OrgId,
    pilot: PilotId,
    label: &str,
) -> Result<Secret, sqlx::Error> {
    let key = security::new_token("apk_");
    sqlx::query(
        "INSERT INTO pilot_api_keys (org_id, pilot_id, key_hash, label, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(org.0)
    .bind(pilot.0)
    .bind(security::sha256_hex(key.expose()))
    .bind(label)
    .bind(Timestamp::now().to_db())
    .execute(conn)
    .await?;
    Ok(key)
}

/// Revokes a pilot's keys of one label but the newest `kept`.
pub async fn revoke_older_keys(
    conn: &mut AnyConnection,
    pilot: PilotId,
    label: &str,
    kept: i64,
    now: Timestamp,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE pilot_api_keys SET revoked_at = $1 WHERE pilot_id = $2 AND label = $3 \
         AND revoked_at IS NULL AND id NOT IN (SELECT id FROM pilot_api_keys \
         WHERE pilot_id = $2 AND label = $3 AND revoked_at IS NULL ORDER BY id DESC LIMIT $4)",
    )
    .bind(now.to_db())
    .bind(pilot.0)
    .bind(label)
    .bind(kept)
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces every key of a pilot with a new one (the pilot page's
/// "regenerate", or staff issuing one): old keys stop working at once.
pub async fn regenerate_api_key(
    conn: &mut AnyConnection,
    org: OrgId,
    pilot: PilotId,
    label: &str,
) -> Result<Secret, sqlx::Error> {
    sqlx::query(
        "UPDATE pilot_api_keys SET revoked_at = $1 \
         WHERE org_id = $2 AND pilot_id = $3 AND revoked_at IS NULL",
    )
    .bind(Timestamp::now().to_db())
    .bind(org.0)
    .bind(pilot.0)
    .execute(&mut *conn)
    .await?;
    create_api_key(conn, org, pilot, label).await
}

/// A key as the pilot page lists it (never its value).
#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct ApiKeyInfo {
    pub label: String,
    pub created_at: String,
}

pub async fn api_keys(db: &Db, org: OrgId, pilot: PilotId) -> Result<Vec<ApiKeyInfo>, sqlx::Error> {
    sqlx::query_as(
        "SELECT label, created_at FROM pilot_api_keys \
         WHERE org_id = $1 AND pilot_id = $2 AND revoked_at IS NULL ORDER BY id",
    )
    .bind(org.0)
    .bind(pilot.0)
    .fetch_all(db.reader())
    .await
}

/// A pilot's API key as found: whose, and which key.
pub struct KeyHolder {
    pub org: OrgId,
    /// The org's slug, which an org's tracker URL names.
    pub org_slug: String,
    pub pilot: Pilot,
    pub key_id: i64,
}

/// The pilot an API key belongs to, whatever their state (callers decide who
/// may sign in). Revoked keys and empty keys match nothing.
pub async fn by_api_key(db: &Db, key: &str) -> Result<Option<KeyHolder>, sqlx::Error> {
    if key.is_empty() {
        return Ok(None);
    }
    #[derive(sqlx::FromRow)]
    struct Row {
        key_id: i64,
        org_id: i64,
        org_slug: String,
        #[sqlx(flatten)]
        pilot: Pilot,
    }
    // One query: every ACARS call makes it (the slug too, which an org's
    // tracker URL is checked against).
    let mut sql = Sql::new(format!(
        "SELECT k.id AS key_id, pilots.org_id, o.slug AS org_slug, {} FROM pilot_api_keys k \
         JOIN pilots ON pilots.id = k.pilot_id AND pilots.org_id = k.org_id \
         JOIN orgs o ON o.id = k.org_id \
         WHERE k.key_hash = $1 AND k.revoked_at IS NULL",
        Pilot::COLUMNS
    ));
    sql.value(security::sha256_hex(key));
    let row: Option<Row> = db.read_bounded(sql).await?.pop();
    Ok(row.map(|r| KeyHolder {
        org: OrgId(r.org_id),
        org_slug: r.org_slug,
        pilot: r.pilot,
        key_id: r.key_id,
    }))
}

/// The next free pilot number of an airline.
pub async fn next_number(conn: &mut AnyConnection, airline: AirlineId) -> Result<i64, sqlx::Error> {
    let max: Option<i64> =
        sqlx::query_scalar("SELECT MAX(number) FROM pilots WHERE airline_id = $1")
            .bind(airline.0)
            .fetch_one(conn)
            .await?;
    Ok(max.unwrap_or(0) + 1)
}

/// A pilot column staff set directly (a hub, an honorary rank).
#[derive(Debug, Clone, Copy)]
pub enum PilotLink {
    Hub,
    HonoraryRank,
    /// Where the pilot is now.
    Airport,
}

/// Sets (or clears) a pilot's hub, honorary rank or current airport.
pub async fn set_link(
    conn: &mut AnyConnection,
    org: OrgId,
    pilot: i64,
    link: PilotLink,
    value: Option<i64>,
) -> Result<(), sqlx::Error> {
    let column = match link {
        PilotLink::Hub => "hub_id",
        PilotLink::HonoraryRank => "honorary_rank_id",
        PilotLink::Airport => "airport_id",
    };
    let row = [(column, Value::opt_int(value)), ("updated_at", Value::now())];
    super::resource::update(conn, org, Table::Pilots, pilot, &row).await?;
    Ok(())
}

/// Sets a pilot's state; false when the org has no such pilot.
pub async fn set_state(
    conn: &mut AnyConnection,
    org: OrgId,
    pilot: i64,
    state: PilotState,
) -> Result<bool, sqlx::Error> {
    let row = [("state", Value::text(state.as_str())), ("updated_at", Value::now())];
    super::resource::update(conn, org, Table::Pilots, pilot, &row).await
}

/// Adds points to a pilot's total (an award).
pub async fn add_points(
    conn: &mut AnyConnection,
    org: OrgId,
    pilot: i64,
    points: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE pilots SET points = points + $1, updated_at = $2 WHERE org_id = $3 AND id = $4",
    )
    .bind(points)
    .bind(Timestamp::now().to_db())
    .bind(org.0)
    .bind(pilot)
    .execute(conn)
    .await?;
    Ok(())
}

/// A pilot's badges with when each was awarded: (badge id, name, awarded at).
pub async fn badges(
    db: &Db,
    org: OrgId,
    pilot: PilotId,
) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT b.id, b.name, pb.awarded_at FROM pilot_badges pb JOIN badges b ON b.id = pb.badge_id \
         WHERE pb.org_id = $1 AND pb.pilot_id = $2 ORDER BY pb.awarded_at",
    )
    .bind(org.0)
    .bind(pilot.0)
    .fetch_all(db.reader())
    .await
}

/// A pilot's totals and rank as of their history (the demo seed writes them
/// from the PIREPs it makes).
pub async fn set_totals(
    conn: &mut AnyConnection,
    org: OrgId,
    pilot: PilotId,
    (minutes, flights, points): (i64, i64, i64),
    rank: RankId,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE pilots SET flight_minutes = $1, flights = $2, points = $3, rank_id = $4 \
         WHERE org_id = $5 AND id = $6",
    )
    .bind(minutes)
    .bind(flights)
    .bind(points)
    .bind(rank.0)
    .bind(org.0)
    .bind(pilot.0)
    .execute(conn)
    .await?;
    Ok(())
}
