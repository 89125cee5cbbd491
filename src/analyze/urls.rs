//! Insecure (http://) login URLs.
