//! Breach counts per entry, one lookup per unique password.
