//! The Operations API's typed route helpers: a resource's list, get,
//! create, update and delete, each with its scope and documentation.

use axum::http::Method;
use serde::Serialize;
use utoipa::ToSchema;

use super::crud::{self, Writable};
use crate::auth::OpsCaller;
use crate::domain::scope::Scope;
pub use crate::http::scoped::{doc, schema_of, Answer, RouteDoc, RouteRule, ScopedRouter};
use crate::storage::resource::Resource;

impl ScopedRouter<OpsCaller> {
    /// `GET` a page of `R` (needs `ops:read`).
    pub fn list<R: Resource + Serialize + ToSchema + 'static>(self, path: &'static str) -> Self {
        let doc = doc(&format!("List {}", R::TABLE)).list_of::<R>();
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
}
