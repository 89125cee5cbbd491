//! Breach counts per entry, one lookup per distinct password.
//!
//! The SHA-1 of each distinct current password is computed once and the source is asked once
//! for all of them; a password shared by N accounts is checked once and its verdict copied to
//! all N. A source that answers with the wrong number of verdicts leaves every password
//! [`Verdict::Unchecked`]: never clean by default.

use super::reuse::PasswordIndex;
use crate::breach::{BreachSource, Progress, Sha1Hash, Verdict};
use crate::model::Entry;

/// Verdict per entry (`None` for entries without a password).
pub fn check(
    entries: &[Entry],
    index: &PasswordIndex<'_>,
    source: &dyn BreachSource,
    progress: &dyn Progress,
) -> Vec<Option<Verdict>> {
    let hashes: Vec<Sha1Hash> = index
        .representatives()
        .map(|rep| {
            entries
                .get(rep)
                .map_or(Sha1Hash([0; 20]), |e| Sha1Hash::of(&e.password))
        })
        .collect();
    let mut verdicts = if hashes.is_empty() {
        Vec::new()
    } else {
        source.lookup(&hashes, progress)
    };
    if verdicts.len() != hashes.len() {
        let reason = format!(
            "the breach source answered {} verdicts for {} passwords",
            verdicts.len(),
            hashes.len()
        );
        verdicts = vec![Verdict::Unchecked(reason); hashes.len()];
    }
    index
        .entry_pw
        .iter()
        .map(|id| id.and_then(|id| verdicts.get(id).cloned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::breach::NoProgress;
    use std::sync::Mutex;

    /// Seen once per call position; records the batch sizes it was asked.
    struct Fake {
        calls: Mutex<Vec<usize>>,
        bad_len: bool,
    }

    impl BreachSource for Fake {
        fn lookup(&self, hashes: &[Sha1Hash], _p: &dyn Progress) -> Vec<Verdict> {
            self.calls.lock().unwrap().push(hashes.len());
            if self.bad_len {
                return vec![Verdict::NotSeen];
            }
            let pw = Sha1Hash::of(&"password".into());
            hashes
                .iter()
                .map(|h| {
                    if *h == pw {
                        Verdict::Seen(42)
                    } else {
                        Verdict::NotSeen
                    }
                })
                .collect()
        }
    }

    fn e(pw: &str) -> Entry {
        Entry {
            password: pw.into(),
            ..Default::default()
        }
    }

    #[test]
    fn one_lookup_per_distinct_password() {
        let entries = vec![
            e("password"),
            e("other"),
            e("password"),
            e(""),
            e("password"),
        ];
        let idx = PasswordIndex::new(&entries);
        let fake = Fake {
            calls: Mutex::new(Vec::new()),
            bad_len: false,
        };
        let v = check(&entries, &idx, &fake, &NoProgress);
        assert_eq!(*fake.calls.lock().unwrap(), vec![2]);
        assert_eq!(
            v,
            vec![
                Some(Verdict::Seen(42)),
                Some(Verdict::NotSeen),
                Some(Verdict::Seen(42)),
                None,
                Some(Verdict::Seen(42))
            ]
        );
    }

    #[test]
    fn wrong_answer_length_is_unchecked() {
        let entries = vec![e("a1"), e("b2")];
        let idx = PasswordIndex::new(&entries);
        let fake = Fake {
            calls: Mutex::new(Vec::new()),
            bad_len: true,
        };
        let v = check(&entries, &idx, &fake, &NoProgress);
        assert!(v.iter().all(|v| matches!(v, Some(Verdict::Unchecked(_)))));
    }
}
