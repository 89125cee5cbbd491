//! The Pwned Passwords range API, by k-anonymity.
