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

const DESCRIPTION: &str = "The Stratos Core API contract, so the Stratos desktop client flies \
    against Airside: sign in, read bookings, start, report positions, complete or cancel. \
    Authenticate with `Authorization: Bearer <pilot API key>` (or a Pilot API access token \
    holding `pilot.flights`). Errors are `{\"error\": …, \"request_id\": …}`.";

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
        if route.path.contains("{bid}") {
            let mut bid = parameter("bid", ParameterIn::Path, Type::Integer, "The booking id");
            bid.required = utoipa::openapi::Required::True;
            operation = operation.parameter(bid);
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
        operation = operation.response(
            "200",
            ResponseBuilder::new().description("Done").content("application/json", ok),
        );
        let failures: &[(&str, &str)] = if doc.authenticated {
            &[
                ("400", "No flight named, or a body that is not JSON"),
                ("401", "No valid key, or the pilot may not fly"),
                ("403", "Another pilot's booking"),
                ("404", "No such booking or flight of yours"),
                ("409", "Not possible in the flight's state (with `state` and `pirep_id`)"),
                ("422", "An invalid field, named"),
                ("429", "Too many requests (with Retry-After)"),
                ("503", "The database is not answering"),
            ]
        } else {
            &[
                ("400", "A body that is not JSON"),
                ("401", "Wrong credentials (`success: false`)"),
                ("422", "A missing field, named"),
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
