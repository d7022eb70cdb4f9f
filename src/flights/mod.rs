//! The flight lifecycle, whichever surface drives it (the ACARS trackers,
//! the Pilot and Operations APIs): reports of flights in progress, stored
//! many to a transaction.

pub mod filing;
pub mod reports;
