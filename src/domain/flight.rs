//! A flight under way: the phases an ACARS client reports, mapped to flight
//! statuses as the Stratos module's `phaseToStatus` maps them, and the
//! distance of a flown track.

use super::geo;

/// The flight status a reported phase means. Phases are matched without
/// regard to case, spaces or dashes; an unknown phase is `enroute`, as the
/// module treats it.
pub fn status_for_phase(phase: &str) -> &'static str {
    let phase: String = phase
        .trim()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c.to_ascii_lowercase() })
        .collect();
    match phase.as_str() {
        "initiated" | "preflight" | "pre_flight" => "initiated",
        "boarding" => "boarding",
        "push_back" | "pushback" => "pushback",
        "taxi" | "taxi_out" => "taxi",
        "take_off" | "takeoff" => "takeoff",
        "climb_out" | "initial_climb" => "initial_climb",
        "climb" | "cruise" | "enroute" | "en_route" => "enroute",
        "descent" | "approach" => "approach",
        "final" | "on_final" => "on_final",
        "landing" => "landing",
        "landed" | "taxi_in" => "landed",
        "go_around" => "approach",
        "on_block" | "onblock" | "parked" => "on_block",
        "arrived" => "arrived",
        "diverted" => "diverted",
        "paused" => "paused",
        _ => "enroute",
    }
}

/// A paused flight may stay silent longer before the stale sweep cancels it.
pub const PAUSED: &str = "paused";

/// The great-circle length of a track in nautical miles.
pub fn track_distance_nm(points: &[(f64, f64)]) -> f64 {
    points.windows(2).map(|w| geo::distance_nm(w[0].0, w[0].1, w[1].0, w[1].1)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_map_like_the_module_and_unknown_is_enroute() {
        let cases = [
            ("boarding", "boarding"),
            ("Push Back", "pushback"),
            ("TAXI", "taxi"),
            ("take_off", "takeoff"),
            ("climb_out", "initial_climb"),
            ("cruise", "enroute"),
            ("descent", "approach"),
            ("final", "on_final"),
            ("landed", "landed"),
            ("go_around", "approach"),
            ("taxi_in", "landed"),
            ("on_block", "on_block"),
            ("arrived", "arrived"),
            ("diverted", "diverted"),
            ("paused", "paused"),
            ("somewhere over the rainbow", "enroute"),
            ("", "enroute"),
        ];
        for (phase, status) in cases {
            assert_eq!(status_for_phase(phase), status, "{phase}");
        }
    }

    #[test]
    fn a_track_is_the_sum_of_its_legs() {
        let track = [(51.0, 0.0), (52.0, 0.0), (53.0, 0.0)];
        let d = track_distance_nm(&track);
        assert!((d - 120.0).abs() < 0.5, "{d}");
        assert_eq!(track_distance_nm(&track[..1]), 0.0);
    }
}
