//! What every HTTP surface shares: the error type, request ids, extractors
//! that answer bad input with problem+json, and the list envelope.

/// Request bodies above this are refused with 413: nothing Airside takes is larger.
pub const BODY_LIMIT: usize = 1024 * 1024;

pub mod error;
pub mod extract;
pub mod pagination;
pub mod params;
pub mod patch;
pub mod rate_limit;
pub mod request_id;
pub mod request_log;
pub mod scoped;
pub mod security_headers;

pub use error::ApiError;
