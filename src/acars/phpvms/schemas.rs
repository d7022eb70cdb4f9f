//! The component schemas of the phpVMS document: the resources as this
//! surface answers them (phpVMS's `app/Http/Resources`), so Schemathesis
//! checks every answer's keys and value types, not only that it is JSON.

use serde_json::{json, Map, Value};

/// A JSON Schema type that may also be null.
fn nullable(kind: &str) -> Value {
    json!({ "type": [kind, "null"] })
}

fn of(kind: &str) -> Value {
    json!({ "type": kind })
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// An object whose listed keys are all present, each of its type; keys
/// beyond them are allowed (phpVMS resources grow).
fn object(properties: &[(&str, Value)]) -> Value {
    let required: Vec<&str> = properties.iter().map(|(name, _)| *name).collect();
    let properties: Map<String, Value> =
        properties.iter().map(|(name, schema)| (name.to_string(), schema.clone())).collect();
    json!({ "type": "object", "required": required, "properties": properties })
}

fn array(items: Value) -> Value {
    json!({ "type": "array", "items": items })
}

pub fn all() -> Value {
    let (int, num, text, boolean) = (of("integer"), of("number"), of("string"), of("boolean"));
    let text_or_null = nullable("string");
    let number_or_null = nullable("number");
    let int_or_null = nullable("integer");
    let named = object(&[("icao", text.clone()), ("name", text.clone())]);
    let flight = object(&[
        ("id", text.clone()),
        ("ident", text.clone()),
        ("flight_number", text.clone()),
        ("dpt_airport_id", text.clone()),
        ("arr_airport_id", text.clone()),
        ("route", text.clone()),
        ("level", int.clone()),
        ("distance", reference("Distance")),
        ("flight_time", int.clone()),
        ("dpt_time", text_or_null.clone()),
        ("arr_time", text_or_null.clone()),
        ("flight_type", text.clone()),
        ("notes", text.clone()),
    ]);
    let aircraft = object(&[
        ("id", int.clone()),
        ("subfleet_id", int.clone()),
        ("icao", text.clone()),
        ("name", text.clone()),
        ("registration", text.clone()),
        ("ident", text.clone()),
        ("status", json!({ "type": "string", "enum": ["A", "M", "R", "S"] })),
        ("flight_time", int.clone()),
    ]);
    let schemas = [
        (
            "Status",
            object(&[("name", text.clone()), ("version", text.clone()), ("php", text.clone())]),
        ),
        (
            "Problem",
            object(&[
                ("type", text.clone()),
                ("title", text.clone()),
                ("details", text.clone()),
                ("status", int.clone()),
            ]),
        ),
        (
            "Unauthorized",
            object(&[(
                "error",
                object(&[
                    ("code", text.clone()),
                    ("http_code", text.clone()),
                    ("message", text.clone()),
                ]),
            )]),
        ),
        (
            "Page",
            object(&[
                (
                    "links",
                    object(&[
                        ("first", text_or_null.clone()),
                        ("last", text_or_null.clone()),
                        ("prev", text_or_null.clone()),
                        ("next", text_or_null.clone()),
                    ]),
                ),
                (
                    "meta",
                    object(&[
                        ("current_page", int.clone()),
                        ("from", int_or_null.clone()),
                        ("last_page", int.clone()),
                        ("path", text.clone()),
                        ("per_page", int.clone()),
                        ("to", int_or_null.clone()),
                        ("total", int.clone()),
                    ]),
                ),
            ]),
        ),
        (
            "Distance",
            object(&[
                ("m", num.clone()),
                ("km", num.clone()),
                ("mi", num.clone()),
                ("nmi", num.clone()),
            ]),
        ),
        ("Fuel", object(&[("kg", num.clone()), ("lbs", num.clone())])),
        (
            "User",
            object(&[
                ("id", int.clone()),
                ("pilot_id", int.clone()),
                ("ident", text.clone()),
                ("name", text.clone()),
                ("name_private", text.clone()),
                ("email", text.clone()),
                ("avatar", text.clone()),
                ("airline_id", int.clone()),
                ("rank_id", int_or_null.clone()),
                ("curr_airport", text_or_null.clone()),
                ("flights", int.clone()),
                ("flight_time", int.clone()),
                ("state", json!({ "type": "integer", "enum": [0, 1, 3, 4] })),
                ("airline", nullable("object")),
                ("rank", nullable("object")),
            ]),
        ),
        (
            "Pirep",
            object(&[
                ("id", text.clone()),
                ("user_id", int.clone()),
                ("airline_id", int.clone()),
                ("aircraft_id", int_or_null.clone()),
                ("flight_id", text_or_null.clone()),
                ("flight_number", text.clone()),
                ("flight_type", text.clone()),
                ("dpt_airport_id", text.clone()),
                ("arr_airport_id", text.clone()),
                ("level", int.clone()),
                ("flight_time", int.clone()),
                ("landing_rate", num.clone()),
                ("route", text.clone()),
                ("source", json!({ "type": "integer", "enum": [0, 1] })),
                ("source_name", text.clone()),
                ("state", json!({ "type": "integer", "enum": [0, 1, 2, 3, 4, 5, 6, 7] })),
                ("status", json!({ "type": "string", "minLength": 3, "maxLength": 3 })),
                ("ident", text.clone()),
                ("distance", reference("Distance")),
                ("planned_distance", reference("Distance")),
                ("block_fuel", reference("Fuel")),
                ("fuel_used", reference("Fuel")),
                ("submitted_at", text_or_null.clone()),
                ("created_at", text.clone()),
                ("updated_at", text.clone()),
                (
                    "airline",
                    object(&[("id", int.clone()), ("icao", text.clone()), ("name", text.clone())]),
                ),
                ("dpt_airport", named.clone()),
                ("arr_airport", named.clone()),
                ("aircraft", nullable("object")),
                (
                    "fields",
                    json!({ "type": "object", "additionalProperties": { "type": "string" } }),
                ),
            ]),
        ),
        ("Flight", flight.clone()),
        (
            "Bid",
            object(&[
                ("id", int.clone()),
                ("user_id", int.clone()),
                ("flight_id", text.clone()),
                ("aircraft_id", int_or_null.clone()),
                ("flight", flight),
            ]),
        ),
        ("Aircraft", aircraft.clone()),
        (
            "Subfleet",
            object(&[
                ("id", int.clone()),
                ("airline_id", int.clone()),
                ("type", text.clone()),
                ("name", text.clone()),
                ("aircraft", array(aircraft)),
            ]),
        ),
        (
            "Airline",
            object(&[
                ("id", int.clone()),
                ("icao", text.clone()),
                ("iata", text.clone()),
                ("name", text.clone()),
                ("active", boolean.clone()),
            ]),
        ),
        (
            "Airport",
            object(&[
                ("id", text.clone()),
                ("icao", text.clone()),
                ("iata", text_or_null.clone()),
                ("name", text.clone()),
                ("location", text_or_null.clone()),
                ("country", text_or_null.clone()),
                ("hub", boolean.clone()),
                ("lat", num.clone()),
                ("lon", num.clone()),
            ]),
        ),
        (
            "AirportDistance",
            object(&[
                ("fromIcao", text.clone()),
                ("toIcao", text.clone()),
                ("distance", reference("Distance")),
            ]),
        ),
        (
            "Navaid",
            object(&[
                ("id", text.clone()),
                ("name", text.clone()),
                ("type", int.clone()),
                ("lat", num.clone()),
                ("lon", num.clone()),
            ]),
        ),
        (
            "Position",
            object(&[
                ("id", text.clone()),
                ("pirep_id", text.clone()),
                ("type", int.clone()),
                ("status", text.clone()),
                ("lat", num.clone()),
                ("lon", num.clone()),
                ("heading", num.clone()),
                ("altitude", num.clone()),
                ("altitude_agl", num.clone()),
                ("altitude_msl", num.clone()),
                ("vs", number_or_null.clone()),
                ("gs", number_or_null.clone()),
                ("ias", number_or_null.clone()),
                ("sim_time", text.clone()),
                ("created_at", text.clone()),
            ]),
        ),
        ("Fields", json!({ "type": "object", "additionalProperties": { "type": "string" } })),
        (
            "Comment",
            object(&[
                ("id", int.clone()),
                ("comment", text.clone()),
                ("created_at", text.clone()),
                ("user", object(&[("ident", text.clone())])),
            ]),
        ),
        (
            "RoutePoint",
            object(&[
                ("name", text.clone()),
                ("order", int.clone()),
                ("nav_type", int_or_null.clone()),
                ("lat", num.clone()),
                ("lon", num.clone()),
            ]),
        ),
        ("Count", object(&[("message", text.clone()), ("count", int.clone())])),
        ("Message", object(&[("message", text.clone()), ("attrs", of("array"))])),
        (
            "News",
            object(&[
                ("id", int.clone()),
                ("subject", text.clone()),
                ("body", text.clone()),
                ("created_at", text.clone()),
                ("user", object(&[("name", text.clone())])),
            ]),
        ),
        (
            "LiveFlight",
            object(&[
                ("id", text.clone()),
                ("flight_number", text.clone()),
                ("status", text.clone()),
                ("user", object(&[("id", int.clone()), ("name", text.clone())])),
                ("dpt_airport", named.clone()),
                ("arr_airport", named),
                ("aircraft", of("object")),
                ("position", nullable("object")),
            ]),
        ),
        (
            "FeatureCollection",
            object(&[
                ("type", json!({ "const": "FeatureCollection" })),
                (
                    "features",
                    array(object(&[
                        ("type", json!({ "const": "Feature" })),
                        (
                            "geometry",
                            object(&[
                                ("type", json!({ "const": "Point" })),
                                (
                                    "coordinates",
                                    json!({ "type": "array", "items": num, "minItems": 2, "maxItems": 2 }),
                                ),
                            ]),
                        ),
                        ("properties", of("object")),
                    ])),
                ),
            ]),
        ),
        (
            "VmsacarsConfig",
            object(&[
                ("units", of("object")),
                ("fields", of("array")),
                ("rules", of("array")),
                ("update_intervals", object(&[("ground", int.clone()), ("aloft", int.clone())])),
                ("live_time", int.clone()),
            ]),
        ),
        // Request bodies: what each accepts (numbers may come as numeric
        // text, as Laravel takes them).
        (
            "Prefile",
            json!({
                "type": "object",
                "required": ["airline_id", "aircraft_id", "flight_number", "dpt_airport_id", "arr_airport_id", "source_name"],
                "properties": {
                    "airline_id": { "type": ["integer", "string"] },
                    "aircraft_id": { "type": ["integer", "string"] },
                    "flight_id": { "type": ["integer", "string"] },
                    "flight_number": { "type": "string", "maxLength": 10 },
                    "dpt_airport_id": { "type": "string" },
                    "arr_airport_id": { "type": "string" },
                    "route": { "type": "string" },
                    "level": { "type": ["number", "string"] },
                    "source_name": { "type": "string" },
                    "fields": { "type": "object", "additionalProperties": { "type": "string" } },
                },
            }),
        ),
        (
            "PirepUpdate",
            json!({
                "type": "object",
                "properties": {
                    "status": { "type": "string" },
                    "flight_time": { "type": ["integer", "string"] },
                    "distance": { "type": ["number", "string"] },
                    "fuel_used": { "type": ["number", "string"] },
                    "landing_rate": { "type": ["number", "string"] },
                    "route": { "type": "string" },
                    "level": { "type": ["number", "string"] },
                    "fields": { "type": "object", "additionalProperties": { "type": "string" } },
                },
            }),
        ),
        (
            "File",
            json!({
                "type": "object",
                "required": ["distance", "flight_time"],
                "properties": {
                    "distance": { "type": ["number", "string"] },
                    "flight_time": { "type": ["integer", "string"] },
                    "fuel_used": { "type": ["number", "string"] },
                    "landing_rate": { "type": ["number", "string"] },
                    "level": { "type": ["number", "string"] },
                    "route": { "type": "string" },
                    "source_name": { "type": "string" },
                },
            }),
        ),
        (
            "Positions",
            json!({
                "type": "object",
                "required": ["positions"],
                "properties": { "positions": { "type": "array", "maxItems": 500, "items": {
                    "type": "object",
                    "required": ["lat", "lon"],
                    "properties": {
                        "id": { "type": "string" },
                        "lat": { "type": "number", "minimum": -90, "maximum": 90 },
                        "lon": { "type": "number", "minimum": -180, "maximum": 180 },
                        "heading": { "type": "number" },
                        "altitude": { "type": "number" },
                        "altitude_agl": { "type": "number" },
                        "altitude_msl": { "type": "number" },
                        "vs": { "type": "number" },
                        "gs": { "type": "number" },
                        "ias": { "type": "number" },
                        "status": { "type": "string" },
                        "log": { "type": "string" },
                        "sim_time": { "type": "string" },
                    },
                } } },
            }),
        ),
        ("Logs", lines("logs", "log")),
        ("Events", lines("events", "event")),
        (
            "FieldsBody",
            json!({
                "type": "object",
                "required": ["fields"],
                "properties": { "fields": { "type": "object", "additionalProperties": { "type": "string" } } },
            }),
        ),
        (
            "Route",
            json!({
                "type": "object",
                "required": ["route"],
                "properties": { "route": { "type": "array", "items": {
                    "type": "object",
                    "required": ["name", "order", "lat", "lon"],
                    "properties": {
                        "name": { "type": "string", "minLength": 1, "maxLength": 100 },
                        "order": { "type": "integer" },
                        "nav_type": { "type": "integer" },
                        "lat": { "type": "number", "minimum": -90, "maximum": 90 },
                        "lon": { "type": "number", "minimum": -180, "maximum": 180 },
                    },
                } } },
            }),
        ),
        (
            "CommentBody",
            json!({
                "type": "object",
                "required": ["comment"],
                "properties": { "comment": { "type": "string", "minLength": 1, "maxLength": 2000 } },
            }),
        ),
        (
            "BidAdd",
            json!({
                "type": "object",
                "required": ["flight_id"],
                "properties": {
                    "flight_id": { "type": ["integer", "string"] },
                    "aircraft_id": { "type": ["integer", "string"] },
                },
            }),
        ),
        (
            "BidRemove",
            json!({
                "type": "object",
                "properties": {
                    "flight_id": { "type": ["integer", "string"] },
                    "bid_id": { "type": ["integer", "string"] },
                },
            }),
        ),
    ];
    Value::Object(schemas.into_iter().map(|(name, schema)| (name.to_string(), schema)).collect())
}

/// A batch of log lines: `{<field>: [{<key>: text, created_at?}]}`.
fn lines(field: &str, key: &str) -> Value {
    json!({
        "type": "object",
        "required": [field],
        "properties": { field: { "type": "array", "maxItems": 500, "items": {
            "type": "object",
            "required": [key],
            "properties": { key: { "type": "string", "minLength": 1, "maxLength": 1000 }, "created_at": { "type": "string" } },
        } } },
    })
}
