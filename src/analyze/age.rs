//! Stale passwords.
//!
//! The time a password was set is [`Entry::password_set_at`] (the explicit change time, else
//! the modification time). With `--since DATE`, a password set before the incident date is
//! [`Staleness::BeforeIncident`]; with `--max-age`, one set before `now - max_age` is
//! [`Staleness::TooOld`] (when both apply, the incident wins). When an age check was asked for
//! and the format has no time at all, the answer is [`Staleness::Unknown`]: never "fresh".

use super::{Settings, Staleness};
use crate::model::Entry;

/// Staleness of one entry's password; `None` when it is fresh or no age check was asked for.
pub fn staleness(entry: &Entry, settings: &Settings) -> Option<Staleness> {
    if settings.since.is_none() && settings.max_age.is_none() {
        return None;
    }
    let Some(set_at) = entry.password_set_at() else {
        return Some(Staleness::Unknown);
    };
    if let Some(since) = settings.since
        && set_at < since
    {
        return Some(Staleness::BeforeIncident(set_at));
    }
    if let Some(max_age) = settings.max_age
        && let Some(limit) = settings.now.checked_sub_signed(max_age)
        && set_at < limit
    {
        return Some(Staleness::TooOld(set_at));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    fn at(y: i32, m: u32, d: u32) -> crate::model::Timestamp {
        Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
    }

    fn settings(since: Option<crate::model::Timestamp>, max_age: Option<Duration>) -> Settings {
        Settings {
            since,
            max_age,
            now: at(2026, 1, 1),
            ..Settings::default()
        }
    }

    #[test]
    fn no_check_asked() {
        assert_eq!(staleness(&Entry::default(), &settings(None, None)), None);
    }

    #[test]
    fn unknown_is_never_fresh() {
        let s = settings(Some(at(2025, 6, 1)), None);
        assert_eq!(staleness(&Entry::default(), &s), Some(Staleness::Unknown));
        let s = settings(None, Some(Duration::days(365)));
        assert_eq!(staleness(&Entry::default(), &s), Some(Staleness::Unknown));
    }

    #[test]
    fn since_and_max_age() {
        let old = Entry {
            modified: Some(at(2025, 1, 1)),
            password_changed: Some(at(2020, 1, 1)),
            ..Default::default()
        };
        let fresh = Entry {
            modified: Some(at(2025, 7, 1)),
            ..Default::default()
        };
        let s = settings(Some(at(2025, 6, 1)), None);
        assert_eq!(
            staleness(&old, &s),
            Some(Staleness::BeforeIncident(at(2020, 1, 1)))
        );
        assert_eq!(staleness(&fresh, &s), None);
        let s = settings(None, Some(Duration::days(365)));
        assert_eq!(staleness(&old, &s), Some(Staleness::TooOld(at(2020, 1, 1))));
        assert_eq!(staleness(&fresh, &s), None);
        // Both: the incident wins.
        let s = settings(Some(at(2025, 6, 1)), Some(Duration::days(365)));
        assert_eq!(
            staleness(&old, &s),
            Some(Staleness::BeforeIncident(at(2020, 1, 1)))
        );
        // Exactly at the incident time is not before it.
        let s = settings(Some(at(2020, 1, 1)), None);
        assert_eq!(staleness(&old, &s), None);
    }
}
