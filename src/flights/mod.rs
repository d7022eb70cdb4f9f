//! The flight lifecycle, whichever surface drives it (the ACARS trackers,
//! the Pilot and Operations APIs): reports of flights in progress, stored
//! many to a transaction; starting and cancelling tracked flights; filing;
//! staff review.

pub mod filing;
pub mod lifecycle;
pub mod reports;
pub mod review;
