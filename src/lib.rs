//! credaudit: a credential hygiene auditor.
//!
//! Data flows one way: [`vault`] readers -> [`model`] entries -> [`analyze`]rs (reuse,
//! variants, strength, breach, age) -> [`rank`]ing -> [`report`] renderers. Library code never
//! prints; only the binary writes to stdout and stderr. [`audit::run`] is the whole audit after
//! reading, policy included; [`finding`] is the one table of finding kinds.
//!
//! # Errors: every cause is printed once
//!
//! An error either names its cause in its own message and has no `source()` (the typed errors
//! here: `baseline {path}: {cause}`), or exposes the cause as `source()` and leaves it out of its
//! message (`cannot read HIBP corpus {path}`, anyhow `.context(..)` in the binary), never both.
//! The binary prints the chain once, on one line, with `{:#}` (`message: cause: cause`).

#![deny(unsafe_code)]
#![warn(missing_docs)]

#[macro_use]
mod named;

pub mod analyze;
pub mod audit;
pub mod baseline;
pub mod breach;
pub mod config;
pub mod data;
pub mod finding;
pub mod fsutil;
pub mod ignore;
pub mod model;
pub mod plan;
pub mod rank;
pub mod report;
pub mod sanitize;
pub mod secret;
pub mod site;
pub mod vault;
