//! Credentials are extractors: a handler's signature says who may call it.
//! No handler reads a cookie or an `Authorization` header itself.

pub mod bearer;
pub mod operations;
pub mod staff;

pub use operations::OpsCaller;
pub use staff::Staff;
