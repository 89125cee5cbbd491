//! credaudit: a credential hygiene auditor.
//!
//! Data flows one way: [`vault`] readers -> [`model`] entries -> [`analyze`]rs (reuse,
//! variants, strength, breach, age) -> [`rank`]ing -> [`report`] renderers. Library code never
//! prints; only the binary writes to stdout and stderr.

#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod analyze;
pub mod baseline;
pub mod breach;
pub mod config;
pub mod fsutil;
pub mod ignore;
pub mod model;
pub mod rank;
pub mod report;
pub mod sanitize;
pub mod secret;
pub mod site;
pub mod vault;
