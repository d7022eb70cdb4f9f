//! The Operations router is built from rules: each route names the scope it
//! needs, a guard checks the token and the scope before the handler runs,
//! and the rules stay readable, for the tests and the docs.

use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{on, MethodFilter};
use axum::Router;

use crate::app::AppState;
use crate::auth::OpsCaller;
use crate::domain::scope::Scope;
use crate::http::ApiError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteRule {
    pub method: Method,
    /// The path template, relative to `/api/v3/operations`.
    pub path: &'static str,
    pub scope: Scope,
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

    /// A GET route: needs `ops:read`.
    pub fn read<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::GET, path, Scope::OpsRead, handler)
    }

    pub fn write<H, T>(self, method: Method, path: &'static str, scope: Scope, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(method, path, scope, handler)
    }

    fn add<H, T>(mut self, method: Method, path: &'static str, scope: Scope, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).expect("a standard method");
        let guard = middleware::from_fn_with_state((self.state.clone(), scope), guard);
        self.router = self.router.route(path, on(filter, handler).layer(guard));
        self.rules.push(RouteRule { method, path, scope });
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
