//! The report: plain data whose serde form is the JSON schema, and its renderers.
