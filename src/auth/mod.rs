//! Credentials are extractors: a handler's signature says who may call it.
//! No handler reads a cookie or an `Authorization` header itself.

pub mod staff;

pub use staff::Staff;
