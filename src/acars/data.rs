//! Reference data the client shows: the fleet, airports, announcements.

use axum::extract::State;
use axum::Json;
use serde::Serialize;

use super::{AcarsError, AcarsPilot};
use crate::state::AppState;
use crate::storage::tracker;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Aircraft {
    id: i64,
    /// The ICAO type designator.
    code: String,
    name: String,
    registration: String,
    maximum_passengers: i64,
    /// Pounds (phpVMS's unit for weights).
    maximum_cargo: i64,
    /// The name of the lowest rank that may fly it; "" when any may.
    minimum_rank: String,
}

const POUNDS_PER_KG: f64 = 2.204_622_621_8;

/// `GET /data/aircraft`: the org's aircraft, by name.
pub async fn aircraft(
    State(state): State<AppState>,
    caller: AcarsPilot,
) -> Result<Json<Vec<Aircraft>>, AcarsError> {
    let fleet = tracker::fleet(&state.db, caller.org).await?;
    Ok(Json(
        fleet
            .into_iter()
            .map(|a| Aircraft {
                id: a.id,
                code: a.icao,
                name: a.name,
                registration: a.registration,
                maximum_passengers: a.passengers,
                maximum_cargo: (a.cargo_kg as f64 * POUNDS_PER_KG).round() as i64,
                minimum_rank: a.minimum_rank.unwrap_or_default(),
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Airport {
    /// The ICAO code: phpVMS keys airports by it, and bookings name
    /// airports by it.
    id: String,
    /// ICAO code.
    code: String,
    name: String,
    latitude: f64,
    longitude: f64,
}

/// `GET /data/airports`.
pub async fn airports(
    State(state): State<AppState>,
    caller: AcarsPilot,
) -> Result<Json<Vec<Airport>>, AcarsError> {
    let airports = tracker::airports(&state.db, caller.org).await?;
    Ok(Json(
        airports
            .into_iter()
            .map(|a| Airport {
                id: a.icao.clone(),
                code: a.icao,
                name: a.name,
                latitude: a.latitude,
                longitude: a.longitude,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Announcement {
    /// The id as text, as the module sends it.
    id: String,
    title: String,
    /// The first 200 characters of the body as plain text.
    subtitle: String,
    body: String,
    link: Option<String>,
    image: Option<String>,
    /// `YYYY-MM-DD`.
    publish_date: String,
}

/// `GET /data/announcements`: the latest 10, newest first.
pub async fn announcements(
    State(state): State<AppState>,
    caller: AcarsPilot,
) -> Result<Json<Vec<Announcement>>, AcarsError> {
    let rows = tracker::announcements(&state.db, caller.org, 10).await?;
    Ok(Json(
        rows.into_iter()
            .map(|a| Announcement {
                id: a.id.to_string(),
                title: a.title,
                subtitle: plain_text(&a.body).chars().take(200).collect(),
                publish_date: a.published_at.chars().take(10).collect(),
                body: a.body,
                link: a.link,
                image: a.image,
            })
            .collect(),
    ))
}

/// HTML as the text a reader sees: tags dropped, entities decoded (what the
/// module's `strip_tags` and `html_entity_decode` do for a teaser).
fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    decode_entities(&text)
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').filter(|&end| end <= 10);
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => number.parse().ok(),
                    };
                    code.and_then(char::from_u32)
                }
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::plain_text;

    #[test]
    fn a_teaser_is_the_text_without_tags_or_entities() {
        assert_eq!(
            plain_text("<p>Hello &amp; <b>welcome</b>&#33; &#x41; &bogus; &</p>"),
            "Hello & welcome! A &bogus; &"
        );
    }
}
