//! Weak passwords (zxcvbn with the account's own words).
