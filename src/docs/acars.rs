//! The ACARS API's OpenAPI document, from the routes `acars::build` made.

use std::collections::BTreeMap;

use utoipa::openapi::path::{OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, SchemaType, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathItem,
    PathsBuilder, RefOr, ResponseBuilder, Schema, ServerBuilder,
};

use crate::acars::{AcarsRoute, ErrorBody};
use crate::http::scoped::schema_of;

const DESCRIPTION: &str = "The Stratos Core API contract (module 0.3.6) and its Logbook add-on, \
    so the Stratos desktop client flies against Airside: sign in, read bookings, start, report \
    positions, complete or cancel, read the logbook. Authenticate with \
    `Authorization: Bearer <pilot API key>` (or a Pilot API access token holding \
    `flights:write`). Every route is also served under an org's own tracker URL, \
    `/o/<org slug>/api/stratos/…`, where sign-in names are looked up in that org and only its \
    credentials pass. Errors keep the module's bodies: `{\"error\"}`, `{\"message\"}`, or \
    phpVMS's problem; the request id is in the `x-request-id` header. Where Airside is stricter \
    than the module, docs/stratos.md says so.";

pub fn document(routes: &[AcarsRoute], issuer: &str) -> OpenApi {
    let mut schemas: Vec<(String, RefOr<Schema>)> = vec![];
    let error = schema_of::<ErrorBody>(&mut schemas);
    let mut paths: BTreeMap<String, PathItem> = BTreeMap::new();
    for route in routes {
        let doc = &route.doc;
        let tag = route.path.trim_start_matches(crate::acars::BASE).split('/').nth(1);
        let mut operation = OperationBuilder::new()
            .summary(Some(doc.summary))
            .operation_id(Some(format!(
                "{}{}",
                route.method.as_str().to_lowercase(),
                route.path.replace(['/', '{', '}', '-'], "_")
            )))
            .tag(tag.filter(|t| !t.is_empty()).unwrap_or("handshake"));
        if doc.authenticated {
            operation = operation.security(SecurityRequirement::new("pilotKey", [""; 0]));
        }
        let parameter = |name: &str, place: ParameterIn, kind: Type, about: &str| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(place)
                .description(Some(about))
                .schema(Some(ObjectBuilder::new().schema_type(SchemaType::new(kind))))
                .build()
        };
        for (name, kind, about) in
            [("bid", Type::Integer, "The booking id"), ("id", Type::String, "The tracking id")]
        {
            if route.path.contains(&format!("{{{name}}}")) {
                let mut param = parameter(name, ParameterIn::Path, kind, about);
                param.required = utoipa::openapi::Required::True;
                operation = operation.parameter(param);
            }
        }
        for (name, about) in doc.query {
            operation =
                operation.parameter(parameter(name, ParameterIn::Query, Type::String, about));
        }
        if let Some(body) = doc.body {
            let content = ContentBuilder::new().schema(Some(body(&mut schemas))).build();
            operation = operation.request_body(Some(
                RequestBodyBuilder::new().content("application/json", content).build(),
            ));
        }
        let answer = (doc.answer)(&mut schemas);
        let answer = match doc.list {
            true => RefOr::T(Schema::Array(ArrayBuilder::new().items(answer).build())),
            false => answer,
        };
        let ok = ContentBuilder::new().schema(Some(answer)).build();
        let ok = match doc.empty {
            // An empty body (or a batch's count): no schema to hold it to.
            true => ResponseBuilder::new().description("Done: an empty body, or a batch's count"),
            false => ResponseBuilder::new().description("Done").content("application/json", ok),
        };
        operation = operation.response("200", ok);
        let failures: &[(&str, &str)] = if doc.authenticated {
            &[
                ("400", "No flight named; a filed flight cannot be cancelled; a bad logbook query"),
                ("401", "No valid key, or the pilot may not fly (`success: false`)"),
                ("403", "Another pilot's booking"),
                ("404", "No such booking or flight of yours; an org slug no org has"),
                ("409", "Not possible in the flight's state (with `state` and `pirep_id`)"),
                ("413", "A body over 1 MiB"),
                ("422", "An invalid or missing field, named"),
                ("429", "Too many requests (with Retry-After)"),
                ("503", "The database is not answering"),
            ]
        } else {
            &[
                ("401", "Wrong credentials (`success: false`)"),
                ("404", "An org slug no org has"),
                ("413", "A body over 1 MiB"),
                ("429", "Too many failed sign-ins (with Retry-After)"),
                ("503", "The database is not answering"),
            ]
        };
        for (status, about) in failures {
            let body = ContentBuilder::new().schema(Some(error.clone())).build();
            operation = operation.response(
                *status,
                ResponseBuilder::new().description(*about).content("application/json", body),
            );
        }
        let item = paths.entry(route.path.clone()).or_default();
        match route.method.as_str() {
            "GET" => item.get = Some(operation.build()),
            _ => item.post = Some(operation.build()),
        }
    }
    let mut builder = PathsBuilder::new();
    for (path, item) in paths {
        builder = builder.path(path, item);
    }
    let mut key = Http::new(HttpAuthScheme::Bearer);
    key.description = Some("The pilot's ACARS API key (or a Pilot API token)".into());
    let mut components =
        ComponentsBuilder::new().security_scheme("pilotKey", SecurityScheme::Http(key));
    for (name, schema) in schemas {
        components = components.schema(name, schema);
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Airside ACARS API (Stratos)")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(DESCRIPTION)),
        )
        .servers(Some([ServerBuilder::new().url(issuer).build()]))
        .paths(builder.build())
        .components(Some(components.build()))
        .build()
}
