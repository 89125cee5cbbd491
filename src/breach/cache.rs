//! On-disk cache of range responses, for cron.
