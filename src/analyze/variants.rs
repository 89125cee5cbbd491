//! Near-variant reuse.
