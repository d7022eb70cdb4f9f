//! A flight under way: the phases an ACARS client reports, mapped to flight
//! statuses as the Stratos module's `phaseToStatus` maps them, and the
//! distance of a flown track.

use super::geo;

/// The flight status a reported phase means, as the module's
/// `FlightsController::phaseToStatus` maps Stratos phases (its phpVMS
/// status in the comment). Phases are matched without regard to case,
/// spaces or dashes; Airside's own status names mean themselves; anything
/// else is `enroute`, as in the module. `paused` is Airside's: a paused
/// flight may stay silent longer before the stale sweep cancels it.
pub fn status_for_phase(phase: &str) -> &'static str {
    let phase: String = phase
        .trim()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c.to_ascii_lowercase() })
        .collect();
    match phase.as_str() {
        "initiated" | "preflight" | "pre_flight" => "initiated",
        "boarding" => "boarding",               // BST
        "push_back" | "pushback" => "pushback", // PBT
        "taxi" | "rejected_take_off" | "taxi_to_gate" | "taxi_in" => "taxi", // TXI
        "take_off" | "takeoff" => "takeoff",    // TOF
        "climb_out" | "initial_climb" => "initial_climb", // ICL
        "climb" | "cruise" | "enroute" => "enroute", // ENR
        "descent" | "approach" | "go_around" => "approach", // TEN, APR
        "final" | "landing" => "landing",       // LDG
        "landed" => "landed",                   // LAN
        "on_block" | "block_on" | "at_gate" | "deboarding" => "on_block", // ONB
        "arrived" | "submitted" => "arrived",   // ARR
        "diverted" => "diverted",               // DV
        "paused" => "paused",
        _ => "enroute",
    }
}

/// phpVMS's three-letter `PirepStatus` code of an Airside flight status.
pub fn phpvms_status(status: &str) -> &'static str {
    match status {
        "initiated" => "INI",
        "boarding" => "BST",
        "pushback" => "PBT",
        "taxi" => "TXI",
        "takeoff" => "TOF",
        "initial_climb" => "ICL",
        "enroute" => "ENR",
        "approach" => "TEN",
        "landing" => "LDG",
        "landed" => "LAN",
        "on_block" => "ONB",
        "arrived" => "ARR",
        "diverted" => "DV",
        "paused" => "PSD",
        "cancelled" => "DX",
        _ => "ENR",
    }
}

/// The Airside status a phpVMS `PirepStatus` code (or a phase word) means.
pub fn status_of_phpvms(code: &str) -> &'static str {
    match code.trim().to_ascii_uppercase().as_str() {
        "INI" | "SCH" => "initiated",
        "BST" | "RDT" => "boarding",
        "PBT" | "OFB" | "DIR" | "DIC" | "GRT" => "pushback",
        "TXI" => "taxi",
        "TOF" => "takeoff",
        "ICL" | "TKO" => "initial_climb",
        "ENR" | "EMG" => "enroute",
        "TEN" | "APR" => "approach",
        "FIN" | "LDG" => "landing",
        "LAN" => "landed",
        "ONB" => "on_block",
        "ARR" => "arrived",
        "DV" => "diverted",
        "PSD" => "paused",
        _ => status_for_phase(code),
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
    fn phpvms_codes_round_trip() {
        for status in [
            "initiated",
            "boarding",
            "pushback",
            "taxi",
            "takeoff",
            "initial_climb",
            "enroute",
            "approach",
            "landing",
            "landed",
            "on_block",
            "arrived",
            "diverted",
            "paused",
        ] {
            assert_eq!(status_of_phpvms(phpvms_status(status)), status);
        }
        assert_eq!(status_of_phpvms("tko"), "initial_climb");
        assert_eq!(status_of_phpvms("cruise"), "enroute");
    }

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
            ("final", "landing"),
            ("landed", "landed"),
            ("go_around", "approach"),
            ("taxi_in", "taxi"),
            ("taxi_to_gate", "taxi"),
            ("rejected_take_off", "taxi"),
            ("on_block", "on_block"),
            ("deboarding", "on_block"),
            ("at_gate", "on_block"),
            ("block_on", "on_block"),
            ("submitted", "arrived"),
            ("climb", "enroute"),
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
