//! reuse: exact reuse and rotated-away reuse.
