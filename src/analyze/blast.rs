//! Blast radius of --compromised accounts.
