//! The Operations router is built from rules: each route names the scope it
//! needs and what it takes and answers. A guard checks the token and the
//! scope before the handler runs; the same rules drive the tests and the
//! OpenAPI document, so none of them can drift from the router.

use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{on, MethodFilter};
use axum::Router;
use serde::Serialize;
use utoipa::openapi::{RefOr, Schema};
use utoipa::ToSchema;

use super::crud::{self, Writable};
use crate::app::AppState;
use crate::auth::OpsCaller;
use crate::domain::scope::Scope;
use crate::http::ApiError;
use crate::storage::resource::{FilterKind, Resource};

/// Registers a schema (and those it uses) and answers a reference to it.
pub type SchemaFn = fn(&mut Vec<(String, RefOr<Schema>)>) -> RefOr<Schema>;

pub fn schema_of<T: ToSchema>(all: &mut Vec<(String, RefOr<Schema>)>) -> RefOr<Schema> {
    all.push((T::name().into_owned(), T::schema()));
    T::schemas(all);
    RefOr::Ref(utoipa::openapi::Ref::from_schema_name(T::name()))
}

#[derive(Debug, Clone, Copy)]
pub enum Answer {
    /// `{"data": {...}}` with this status.
    One(u16, SchemaFn),
    /// `{"data": [...], "meta": {...}}`, cursor-paginated.
    Many(SchemaFn),
    /// 204.
    Nothing,
}

/// What the document says of a route.
#[derive(Debug, Clone)]
pub struct RouteDoc {
    pub summary: String,
    pub body: Option<SchemaFn>,
    pub answer: Answer,
    pub filters: &'static [(&'static str, &'static str, FilterKind)],
}

/// Starts the documentation of a custom route.
pub fn doc(summary: &str) -> RouteDoc {
    RouteDoc { summary: summary.into(), body: None, answer: Answer::Nothing, filters: &[] }
}

impl RouteDoc {
    pub fn body<T: ToSchema>(mut self) -> Self {
        self.body = Some(schema_of::<T>);
        self
    }

    pub fn one<T: ToSchema>(mut self, status: u16) -> Self {
        self.answer = Answer::One(status, schema_of::<T>);
        self
    }

    pub fn many<T: ToSchema>(mut self) -> Self {
        self.answer = Answer::Many(schema_of::<T>);
        self
    }
}

#[derive(Debug, Clone)]
pub struct RouteRule {
    pub method: Method,
    /// The path template, relative to `/api/v3/operations`.
    pub path: &'static str,
    pub scope: Scope,
    pub doc: RouteDoc,
}

pub struct ScopedRouter {
    state: AppState,
    router: Router<AppState>,
    pub rules: Vec<RouteRule>,
}

impl ScopedRouter {
    pub fn new(state: &AppState) -> Self {
        ScopedRouter { state: state.clone(), router: Router::new(), rules: vec![] }
    }

    /// `GET` a page of `R` (needs `ops:read`).
    pub fn list<R: Resource + Serialize + ToSchema + 'static>(self, path: &'static str) -> Self {
        let doc =
            RouteDoc { filters: R::FILTERS, ..doc(&format!("List {}", R::TABLE)).many::<R>() };
        self.add(Method::GET, path, Scope::OpsRead, crud::list::<R>, doc)
    }

    /// `GET` one `R` by id (needs `ops:read`).
    pub fn get<R: Resource + Serialize + ToSchema + 'static>(self, path: &'static str) -> Self {
        let doc = doc(&format!("Get one of {}", R::TABLE)).one::<R>(200);
        self.add(Method::GET, path, Scope::OpsRead, crud::get::<R>, doc)
    }

    pub fn create<R>(self, path: &'static str, scope: Scope) -> Self
    where
        R: Writable + ToSchema,
        R::Create: ToSchema,
    {
        let doc = doc(&format!("Create a {}", R::NAME)).body::<R::Create>().one::<R>(201);
        self.add(Method::POST, path, scope, crud::create::<R>, doc)
    }

    pub fn update<R>(self, path: &'static str, scope: Scope) -> Self
    where
        R: Writable + ToSchema,
        R::Update: ToSchema,
    {
        let doc = doc(&format!("Change a {}", R::NAME)).body::<R::Update>().one::<R>(200);
        self.add(Method::PATCH, path, scope, crud::update::<R>, doc)
    }

    pub fn delete<R: Writable>(self, path: &'static str, scope: Scope) -> Self {
        let summary = format!("Delete a {} (409 while anything refers to it)", R::NAME);
        self.add(Method::DELETE, path, scope, crud::delete::<R>, doc(&summary))
    }

    /// A route with its own handler; `GET` routes still need `ops:read`.
    pub fn action<H, T>(
        self,
        method: Method,
        path: &'static str,
        scope: Scope,
        handler: H,
        doc: RouteDoc,
    ) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(method, path, scope, handler, doc)
    }

    fn add<H, T>(
        mut self,
        method: Method,
        path: &'static str,
        scope: Scope,
        handler: H,
        doc: RouteDoc,
    ) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        assert!(method != Method::GET || scope == Scope::OpsRead, "every GET needs ops:read");
        let filter = MethodFilter::try_from(method.clone()).expect("a standard method");
        let guard = middleware::from_fn_with_state((self.state.clone(), scope), guard);
        self.router = self.router.route(path, on(filter, handler).layer(guard));
        self.rules.push(RouteRule { method, path, scope, doc });
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<RouteRule>) {
        (self.router, self.rules)
    }
}

/// 401 without a valid token, 403 without the scope, else the handler.
async fn guard(
    State((state, scope)): State<(AppState, Scope)>,
    mut request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let caller = OpsCaller::authenticate(&state, request.headers()).await?;
    caller.require(scope)?;
    request.extensions_mut().insert(caller);
    Ok(next.run(request).await)
}
