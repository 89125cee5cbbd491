//! Stale passwords.
