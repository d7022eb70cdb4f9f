//! Scoped routers are built from rules: each route names the scope it needs
//! and what it takes and answers. A guard checks the bearer token (an
//! Operations or a Pilot token: the `Caller`) and the scope before the
//! handler runs; the same rules drive the tests and the OpenAPI documents,
//! so none of them can drift from the router.

use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{on, MethodFilter};
use axum::Router;
use utoipa::openapi::{RefOr, Schema};
use utoipa::ToSchema;

use crate::auth::{Caller, OpsCaller};
use crate::domain::scope::Scope;
use crate::http::ApiError;
use crate::state::AppState;
use crate::storage::resource::FilterKind;

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
    /// Sort keys besides `id`: (name, SQL).
    pub sorts: &'static [(&'static str, &'static str)],
    /// Other query parameters a route reads: (name, what it does).
    pub params: &'static [(&'static str, &'static str)],
}

/// Starts the documentation of a custom route.
pub fn doc(summary: &str) -> RouteDoc {
    RouteDoc {
        summary: summary.into(),
        body: None,
        answer: Answer::Nothing,
        filters: &[],
        sorts: &[],
        params: &[],
    }
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

    /// A list of `R`: its filters and sort keys documented with it.
    pub fn list_of<R: ToSchema + crate::storage::resource::Resource>(self) -> Self {
        RouteDoc { filters: R::FILTERS, sorts: R::SORTS, ..self.many::<R>() }
    }

    pub fn params(mut self, params: &'static [(&'static str, &'static str)]) -> Self {
        self.params = params;
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

pub struct ScopedRouter<C: Caller = OpsCaller> {
    state: AppState,
    router: Router<AppState>,
    pub rules: Vec<RouteRule>,
    caller: std::marker::PhantomData<C>,
}

impl<C: Caller> ScopedRouter<C> {
    pub fn new(state: &AppState) -> Self {
        ScopedRouter {
            state: state.clone(),
            router: Router::new(),
            rules: vec![],
            caller: Default::default(),
        }
    }

    /// A route with its own handler.
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

    pub(crate) fn add<H, T>(
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
        assert!(C::allows(&method, scope), "{method} {path} cannot need {scope}");
        let filter = MethodFilter::try_from(method.clone()).expect("a standard method");
        let guard = middleware::from_fn_with_state((self.state.clone(), scope), guard::<C>);
        self.router = self.router.route(path, on(filter, handler).layer(guard));
        self.rules.push(RouteRule { method, path, scope, doc });
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<RouteRule>) {
        (self.router, self.rules)
    }
}

/// What every bearer-authenticated request goes through once its credential
/// is known, on every surface (these scoped routers and the ACARS API): the
/// request log learns whose it is, then the credential's rate limit
/// decides. `Err` holds the refusal's decision, for the surface's 429.
pub async fn admit(
    state: &AppState,
    org: crate::domain::OrgId,
    credential: crate::domain::usage::Credential,
) -> Result<crate::domain::rate_limit::Decision, crate::domain::rate_limit::Decision> {
    super::request_log::note_caller(org, credential);
    let decision = state.rate_limits.check(credential).await;
    if decision.allowed {
        Ok(decision)
    } else {
        Err(decision)
    }
}

/// 401 without a valid token, 403 without the scope, else the handler:
/// authenticate (or find the caller in this node's cache, at most
/// `cache::FRESH_FOR` old), admit (log and rate limit), scope.
async fn guard<C: Caller>(
    State((state, scope)): State<(AppState, Scope)>,
    mut request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let key = crate::auth::cache::key_of(request.headers());
    let caller = match C::cache(&state).get(&key) {
        Some(caller) => caller,
        None => {
            let caller = C::authenticate(&state, request.headers()).await?;
            C::cache(&state).put(key, caller.clone());
            caller
        }
    };
    let (org, credential) = caller.credential();
    let limit = admit(&state, org, credential)
        .await
        .map_err(|refused| super::rate_limit::refused(&refused))?;
    let mut response = match caller.require(scope) {
        Ok(()) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(error) => axum::response::IntoResponse::into_response(error),
    };
    super::rate_limit::annotate(&mut response, &limit);
    Ok(response)
}
