//! One implementation of list, get, create, update and delete for every
//! Operations resource that is a plain row. Each resource says what it
//! accepts (`Writable`); this module does the rest the same way for all.

use crate::storage::Table;
use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::auth::OpsCaller;
use crate::domain::Timestamp;
use crate::http::error::FieldError;
use crate::http::extract::{Data, Json, Path, Query};
use crate::http::pagination::{List, Paging};
use crate::http::ApiError;
use crate::state::AppState;
use crate::storage::resource::{self, Resource, Value};

/// A column to write, and the table it must point into when it is a reference.
#[derive(Debug, Clone)]
pub struct Col {
    pub name: &'static str,
    pub value: Value,
    pub refers_to: Option<Table>,
}

pub fn text(name: &'static str, value: impl Into<String>) -> Col {
    Col { name, value: Value::Text(value.into()), refers_to: None }
}

pub fn opt_text(name: &'static str, value: Option<String>) -> Col {
    Col { name, value: value.map(Value::Text).unwrap_or(Value::NullText), refers_to: None }
}

pub fn opt_int(name: &'static str, value: Option<i64>) -> Col {
    Col { name, value: value.map(Value::Int).unwrap_or(Value::NullInt), refers_to: None }
}

pub fn int(name: &'static str, value: i64) -> Col {
    Col { name, value: Value::Int(value), refers_to: None }
}

pub fn float(name: &'static str, value: f64) -> Col {
    Col { name, value: Value::Float(value), refers_to: None }
}

/// A reference to a row of `table` in the caller's org.
pub fn reference(name: &'static str, table: Table, id: Option<i64>) -> Col {
    Col { name, value: id.map(Value::Int).unwrap_or(Value::NullInt), refers_to: Some(table) }
}

/// A nullable column of a PATCH: absent leaves it, null clears it, a value
/// sets it; `make` writes the column for a value or for none.
pub fn patched<T>(
    cols: &mut Vec<Col>,
    patch: crate::http::patch::Patch<T>,
    make: impl FnOnce(Option<T>) -> Col,
) {
    if let Some(change) = patch.change() {
        cols.push(make(change));
    }
}

pub fn timestamp(name: &'static str, value: Timestamp) -> Col {
    text(name, value.to_db())
}

/// Collects field errors while an input is checked.
#[derive(Debug, Default)]
pub struct Check(Vec<FieldError>);

impl Check {
    pub fn field(&mut self, ok: bool, field: &str, message: &str) -> &mut Self {
        if !ok {
            self.0.push(FieldError { field: field.into(), message: message.into() });
        }
        self
    }

    pub fn done(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid(self.0))
        }
    }
}

/// A resource the Operations API writes as a plain row.
pub trait Writable: Resource + Serialize + 'static {
    /// What a person calls one of these, in messages.
    const NAME: &'static str;
    /// Tables with a column pointing at this resource: (table, column).
    const REFERENCED_BY: &'static [(Table, &'static str)] = &[];
    /// Child rows that belong to this resource and go with it: (table, column).
    const OWNS: &'static [(Table, &'static str)] = &[];
    /// The event a create or change of this resource emits (outbox, same transaction).
    const EMITS: Option<&'static str> = None;
    /// Whether a change emits it too (else only a create does).
    const EMITS_ON_UPDATE: bool = true;
    /// The key of the record in that event's data.
    const EVENT_KEY: &'static str = "record";
    /// Whether rows carry `created_at`.
    const STAMPED: bool = true;
    type Create: DeserializeOwned + Send + 'static;
    type Update: DeserializeOwned + Send + 'static;

    fn create(input: Self::Create) -> Result<Vec<Col>, ApiError>;
    fn update(input: Self::Update) -> Result<Vec<Col>, ApiError>;

    /// Work that belongs in the same transaction as a create or change.
    fn after_write<'a>(
        _tx: &'a mut sqlx::AnyConnection,
        _org: crate::domain::OrgId,
        _id: i64,
    ) -> impl std::future::Future<Output = Result<(), sqlx::Error>> + Send + 'a {
        async { Ok(()) }
    }
}

pub async fn list<R: Resource + Serialize>(
    State(state): State<AppState>,
    caller: OpsCaller,
    paging: Paging,
    Query(query): Query<HashMap<String, String>>,
) -> Result<List<R>, ApiError> {
    let filters = crate::http::params::list_filters::<R>(&query)?;
    let page = resource::list::<R>(&state.db, caller.org, &filters, &paging.sorted::<R>()?).await?;
    Ok(paging.list(page))
}

pub async fn get<R: Resource + Serialize>(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path(id): Path<i64>,
) -> Result<Data<R>, ApiError> {
    fetch::<R>(&state, caller.org, id).await.map(|data| Data { data })
}

pub async fn fetch<R: Resource>(
    state: &AppState,
    org: crate::domain::OrgId,
    id: i64,
) -> Result<R, ApiError> {
    resource::get::<R>(&state.db, org, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no {} with id {id}", R::TABLE)))
}

/// References must point at rows of the caller's own org.
async fn check_references(
    conn: &mut sqlx::AnyConnection,
    org: crate::domain::OrgId,
    columns: &[Col],
) -> Result<(), ApiError> {
    let mut check = Check::default();
    for col in columns {
        if let (Some(table), Value::Int(id)) = (col.refers_to, &col.value) {
            let found = resource::exists(conn, org, table, *id).await?;
            check.field(found, col.name, &format!("there is no {table} row with id {id}"));
        }
    }
    check.done()
}

async fn emit<R: Writable>(
    tx: &mut crate::storage::Tx,
    caller: &OpsCaller,
    id: i64,
    action: &str,
) -> Result<(), ApiError> {
    R::after_write(tx, caller.org, id).await?;
    if action == "created" || R::EMITS_ON_UPDATE {
        emit_record::<R>(tx, caller.org, id, action, &caller.actor()).await?;
    }
    Ok(())
}

/// Writes `R::EMITS` (if any) for the row `id`, with the row as it now is.
pub async fn emit_record<R: Writable>(
    conn: &mut sqlx::AnyConnection,
    org: crate::domain::OrgId,
    id: i64,
    action: &str,
    by: &str,
) -> Result<(), sqlx::Error> {
    let Some(event) = R::EMITS else { return Ok(()) };
    let record = resource::get_in::<R, _>(&mut *conn, org, id).await?;
    let mut data = serde_json::Map::new();
    data.insert("action".into(), action.into());
    data.insert("by".into(), by.into());
    data.insert(R::EVENT_KEY.into(), serde_json::to_value(record).unwrap_or_default());
    crate::storage::outbox::emit(conn, org, event, data.into()).await.map(|_| ())
}

fn pairs(columns: Vec<Col>) -> Vec<(&'static str, Value)> {
    columns.into_iter().map(|c| (c.name, c.value)).collect()
}

pub async fn create<R: Writable>(
    State(state): State<AppState>,
    caller: OpsCaller,
    Json(input): Json<R::Create>,
) -> Result<(StatusCode, Data<R>), ApiError> {
    let data = create_row::<R>(&state, &caller, input).await?;
    Ok((StatusCode::CREATED, Data { data }))
}

/// Checks, writes and emits a new row of `R`; the row as stored.
pub async fn create_row<R: Writable>(
    state: &AppState,
    caller: &OpsCaller,
    input: R::Create,
) -> Result<R, ApiError> {
    let mut columns = R::create(input)?;
    if R::STAMPED {
        columns.push(timestamp("created_at", Timestamp::now()));
    }
    let mut tx = state.db.begin().await?;
    check_references(&mut tx, caller.org, &columns).await?;
    let id = resource::insert(&mut tx, caller.org, R::TABLE, &pairs(columns)).await?;
    emit::<R>(&mut tx, caller, id, "created").await?;
    tx.commit().await?;
    fetch::<R>(state, caller.org, id).await
}

pub async fn update<R: Writable>(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path(id): Path<i64>,
    Json(input): Json<R::Update>,
) -> Result<Data<R>, ApiError> {
    update_row::<R>(&state, &caller, id, input).await.map(|data| Data { data })
}

/// Checks, writes and emits a change of the row `id` of `R`.
pub async fn update_row<R: Writable>(
    state: &AppState,
    caller: &OpsCaller,
    id: i64,
    input: R::Update,
) -> Result<R, ApiError> {
    let columns = R::update(input)?;
    let mut tx = state.db.begin().await?;
    // Another org's id is simply not found, before anything else is said.
    if !resource::exists(&mut tx, caller.org, R::TABLE, id).await? {
        return Err(ApiError::not_found(format!("no {} with id {id}", R::NAME)));
    }
    check_references(&mut tx, caller.org, &columns).await?;
    resource::update(&mut tx, caller.org, R::TABLE, id, &pairs(columns)).await?;
    emit::<R>(&mut tx, caller, id, "updated").await?;
    tx.commit().await?;
    fetch::<R>(state, caller.org, id).await
}

pub async fn delete<R: Writable>(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    delete_row::<R>(&state, &caller, id).await.map(|()| StatusCode::NO_CONTENT)
}

/// Deletes the row `id` of `R` with the rows it owns: a 409 naming what
/// still refers to it, rather than deleting half a graph.
pub async fn delete_row<R: Writable>(
    state: &AppState,
    caller: &OpsCaller,
    id: i64,
) -> Result<(), ApiError> {
    let mut tx = state.db.begin().await?;
    if !resource::exists(&mut tx, caller.org, R::TABLE, id).await? {
        return Err(ApiError::not_found(format!("no {} with id {id}", R::NAME)));
    }
    let mut referrers = serde_json::Map::new();
    for (table, column) in R::REFERENCED_BY {
        let n = resource::count_references(&mut tx, caller.org, *table, column, id).await?;
        if n > 0 {
            referrers.insert(table.to_string(), n.into());
        }
    }
    if !referrers.is_empty() {
        let what: Vec<String> = referrers.iter().map(|(t, n)| format!("{n} {t}")).collect();
        return Err(ApiError::conflict(format!(
            "this {} is still referred to by {}; remove those first",
            R::NAME,
            what.join(", ")
        ))
        .with("referenced_by", serde_json::Value::Object(referrers)));
    }
    for (table, column) in R::OWNS {
        resource::delete_where(&mut tx, caller.org, *table, column, id).await?;
    }
    resource::delete(&mut tx, caller.org, R::TABLE, id).await?;
    tx.commit().await?;
    Ok(())
}
