//! Great-circle maths for distances between airports and along a flown track.

const EARTH_RADIUS_NM: f64 = 3440.065;

/// Great-circle distance in nautical miles (haversine).
pub fn distance_nm(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_NM * a.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn london_heathrow_to_new_york_jfk() {
        // EGLL 51.4706,-0.461941 to KJFK 40.6398,-73.7789 is about 2,991 nm.
        let d = distance_nm(51.4706, -0.461941, 40.6398, -73.7789);
        assert!((d - 2991.0).abs() < 5.0, "{d}");
    }

    #[test]
    fn same_point_is_zero() {
        assert_eq!(distance_nm(10.0, 20.0, 10.0, 20.0), 0.0);
    }
}
