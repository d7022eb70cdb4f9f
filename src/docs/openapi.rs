//! OpenAPI documents built from a scoped router's rules (Operations, Pilot,
//! Public).

use std::collections::BTreeMap;

use utoipa::openapi::path::{OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, SchemaType, Type};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, AuthorizationCode, ClientCredentials, Flow, Http, HttpAuthScheme, OAuth2,
    Scopes, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathItem,
    PathsBuilder, RefOr, ResponseBuilder, Schema, ServerBuilder,
};
use utoipa::ToSchema;

use crate::domain::scope::{Scope, OPERATIONS, PILOT, PUBLIC};
use crate::operations::routes::{schema_of, Answer};
use crate::operations::RouteRule;
use crate::storage::resource::FilterKind;

/// An RFC 9457 problem, as every error answers.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct Problem {
    r#type: String,
    title: String,
    status: u16,
    detail: String,
    request_id: String,
}

/// The list envelope's `meta`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct ListMeta {
    next_cursor: Option<String>,
    next_cursor_url: Option<String>,
    prev_cursor_url: Option<String>,
}

/// Which API a document describes.
pub struct Surface {
    pub title: &'static str,
    pub description: &'static str,
    pub base: &'static str,
    pub auth: SurfaceAuth,
    pub scopes: &'static [Scope],
}

/// How a surface's callers prove who they are.
pub enum SurfaceAuth {
    /// OAuth 2 access tokens from this flow, scoped per route.
    OAuth2(fn(issuer: &str, scopes: Scopes) -> Flow),
    /// An org API key as a bearer token plus the org's id in `X-Org-Id`;
    /// the key's scopes are checked per route.
    OrgKey,
}

pub const OPERATIONS_API: Surface = Surface {
    title: "Airside Operations API",
    description: "Server-to-server access to an organisation's operations: OAuth 2 client \
        credentials, scoped. Lists are cursor-paginated; errors are RFC 9457 problem+json.",
    base: crate::operations::BASE,
    auth: SurfaceAuth::OAuth2(|issuer, scopes| {
        Flow::ClientCredentials(ClientCredentials::new(format!("{issuer}/oauth/token"), scopes))
    }),
    scopes: &OPERATIONS,
};

pub const PILOT_API: Surface = Surface {
    title: "Airside Pilot API",
    description: "What a third-party app may read and do for the pilot who consented: OAuth 2 \
        authorization code with PKCE (S256). Lists are cursor-paginated; errors are RFC 9457 \
        problem+json.",
    base: crate::pilot::api::BASE,
    auth: SurfaceAuth::OAuth2(|issuer, scopes| {
        Flow::AuthorizationCode(AuthorizationCode::with_refresh_url(
            format!("{issuer}/oauth/authorize"),
            format!("{issuer}/oauth/token"),
            scopes,
            format!("{issuer}/oauth/token"),
        ))
    }),
    scopes: &PILOT,
};

pub const PUBLIC_API: Surface = Surface {
    title: "Airside Public API",
    description: "Read-only access to an organisation's public data with an org API key \
        (`Authorization: Bearer gaf_pk_…`) and the organisation's id (`X-Org-Id`). Each route \
        needs its `public.*:read` scope on the key. Lists are cursor-paginated; errors are \
        RFC 9457 problem+json.",
    base: crate::public::BASE,
    auth: SurfaceAuth::OrgKey,
    scopes: &PUBLIC,
};

fn json(schema: RefOr<Schema>) -> utoipa::openapi::Content {
    ContentBuilder::new().schema(Some(schema)).build()
}

fn problem_response(description: &str) -> utoipa::openapi::Response {
    let reference = RefOr::Ref(utoipa::openapi::Ref::from_schema_name(Problem::name()));
    ResponseBuilder::new()
        .description(description)
        .content("application/problem+json", json(reference))
        .build()
}

pub fn document(surface: &Surface, rules: &[RouteRule], issuer: &str) -> OpenApi {
    let mut schemas: Vec<(String, RefOr<Schema>)> = vec![];
    schema_of::<Problem>(&mut schemas);
    let meta = schema_of::<ListMeta>(&mut schemas);
    let mut paths: BTreeMap<String, Vec<(axum::http::Method, utoipa::openapi::path::Operation)>> =
        BTreeMap::new();

    for rule in rules {
        let tag = rule.path.trim_start_matches('/').split('/').next().unwrap_or("").to_string();
        let mut operation = OperationBuilder::new()
            .summary(Some(rule.doc.summary.clone()))
            .operation_id(Some(format!(
                "{}{}",
                rule.method.as_str().to_lowercase(),
                rule.path.replace(['/', '{', '}', '-'], "_")
            )))
            .tag(tag)
            .security(match surface.auth {
                SurfaceAuth::OAuth2(_) => SecurityRequirement::new("oauth2", [rule.scope.as_str()]),
                SurfaceAuth::OrgKey => SecurityRequirement::new("orgKey", [rule.scope.as_str()])
                    .add("orgId", Vec::<String>::new()),
            });
        for segment in rule.path.split('/').filter(|s| s.starts_with('{')) {
            let name = segment.trim_matches(|c| c == '{' || c == '}');
            operation = operation.parameter(
                ParameterBuilder::new()
                    .name(name)
                    .parameter_in(ParameterIn::Path)
                    .required(utoipa::openapi::Required::True)
                    .schema(Some(
                        ObjectBuilder::new().schema_type(SchemaType::new(Type::Integer)).format(
                            Some(utoipa::openapi::SchemaFormat::KnownFormat(
                                utoipa::openapi::KnownFormat::Int64,
                            )),
                        ),
                    )),
            );
        }
        if let Answer::Many(_) = rule.doc.answer {
            let query = |name: &str, kind: Type, description: &str| {
                ParameterBuilder::new()
                    .name(name)
                    .parameter_in(ParameterIn::Query)
                    .description(Some(description))
                    .schema(Some(ObjectBuilder::new().schema_type(SchemaType::new(kind))))
                    .build()
            };
            let mut limit = query(
                "limit",
                Type::Integer,
                "Rows per page, 1 to 300 (default 50); `page[size]` too",
            );
            limit.schema = Some(RefOr::T(Schema::Object(
                ObjectBuilder::new()
                    .schema_type(SchemaType::new(Type::Integer))
                    .minimum(Some(1))
                    .maximum(Some(crate::storage::page::MAX_LIMIT))
                    .build(),
            )));
            let mut sort = query(
                "sort",
                Type::String,
                "A key to sort by (`id`, oldest first, by default); `-` before it reverses",
            );
            let keys = std::iter::once("id").chain(rule.doc.sorts.iter().map(|(name, _)| *name));
            let keys: Vec<String> = keys.flat_map(|k| [k.to_string(), format!("-{k}")]).collect();
            sort.schema = Some(RefOr::T(Schema::Object(
                ObjectBuilder::new()
                    .schema_type(SchemaType::new(Type::String))
                    .enum_values(Some(keys))
                    .build(),
            )));
            operation = operation.parameter(limit).parameter(sort).parameter(query(
                "cursor",
                Type::String,
                "A cursor from meta of the previous answer (`page[cursor]` too)",
            ));
            for (name, _, kind) in rule.doc.filters {
                let kind = if *kind == FilterKind::Int { Type::Integer } else { Type::String };
                let about =
                    "Only rows with this value (`filter[name]` too); unknown parameters are 400";
                operation = operation.parameter(query(name, kind, about));
            }
        }
        for (name, about) in rule.doc.params {
            operation = operation.parameter(
                ParameterBuilder::new()
                    .name(*name)
                    .parameter_in(ParameterIn::Query)
                    .description(Some(*about))
                    .schema(Some(ObjectBuilder::new().schema_type(SchemaType::new(Type::String))))
                    .build(),
            );
        }
        if let Some(body) = rule.doc.body {
            let schema = body(&mut schemas);
            operation = operation.request_body(Some(
                RequestBodyBuilder::new()
                    .content("application/json", json(schema))
                    .required(Some(utoipa::openapi::Required::True))
                    .build(),
            ));
        }
        let success = match rule.doc.answer {
            Answer::One(status, schema) => {
                let data =
                    ObjectBuilder::new().property("data", schema(&mut schemas)).required("data");
                (
                    status.to_string(),
                    ResponseBuilder::new()
                        .description("Done")
                        .content("application/json", json(RefOr::T(Schema::Object(data.build()))))
                        .build(),
                )
            }
            Answer::Many(schema) => {
                let data = ObjectBuilder::new()
                    .property("data", ArrayBuilder::new().items(schema(&mut schemas)))
                    .property("meta", meta.clone())
                    .required("data")
                    .required("meta");
                (
                    "200".into(),
                    ResponseBuilder::new()
                        .description("A page")
                        .content("application/json", json(RefOr::T(Schema::Object(data.build()))))
                        .build(),
                )
            }
            Answer::Nothing => {
                ("204".into(), ResponseBuilder::new().description("Done, nothing to say").build())
            }
        };
        operation = operation
            .response(success.0, success.1)
            .response("400", problem_response("Bad query string, path or body"))
            .response("401", problem_response("No valid access token"))
            .response(
                "403",
                problem_response("The token lacks the scope (error `insufficient_scope`)"),
            )
            .response("404", problem_response("No such resource in your organisation"))
            .response("409", problem_response("Conflicts with the current state"))
            .response("422", problem_response("Invalid fields, each named"))
            .response("429", problem_response("Over the credential's rate limit (Retry-After)"))
            .response("503", problem_response("The database is not answering (Retry-After)"));
        if rule.doc.body.is_some() {
            operation = operation
                .response("413", problem_response("The body is over 1 MiB"))
                .response("415", problem_response("The body is not application/json"));
        }
        paths
            .entry(format!("{}{}", surface.base, rule.path))
            .or_default()
            .push((rule.method.clone(), operation.build()));
    }

    let mut builder = PathsBuilder::new();
    for (path, operations) in paths {
        let mut item = PathItem::default();
        for (method, operation) in operations {
            match method.as_str() {
                "GET" => item.get = Some(operation),
                "POST" => item.post = Some(operation),
                "PATCH" => item.patch = Some(operation),
                "DELETE" => item.delete = Some(operation),
                "PUT" => item.put = Some(operation),
                other => unreachable!("no Operations route uses {other}"),
            }
        }
        builder = builder.path(path, item);
    }

    let mut components = ComponentsBuilder::new();
    components = match surface.auth {
        SurfaceAuth::OAuth2(flow) => {
            let scopes = Scopes::from_iter(
                surface
                    .scopes
                    .iter()
                    .map(|s| (s.as_str().to_string(), s.description().to_string())),
            );
            let oauth = OAuth2::new([flow(issuer, scopes)]);
            components.security_scheme("oauth2", SecurityScheme::OAuth2(oauth))
        }
        SurfaceAuth::OrgKey => {
            let mut key = Http::new(HttpAuthScheme::Bearer);
            key.description = Some("An org API key (`gaf_pk_…`) holding the route's scope".into());
            let org = ApiKey::Header(ApiKeyValue::with_description(
                crate::auth::public::ORG_HEADER,
                "The organisation's id (UUID)",
            ));
            components
                .security_scheme("orgKey", SecurityScheme::Http(key))
                .security_scheme("orgId", SecurityScheme::ApiKey(org))
        }
    };
    for (name, schema) in schemas {
        components = components.schema(name, schema);
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title(surface.title)
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(surface.description)),
        )
        .servers(Some([ServerBuilder::new().url(issuer).build()]))
        .paths(builder.build())
        .components(Some(components.build()))
        .build()
}
