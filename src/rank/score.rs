//! The risk score and the deterministic order of the ranked list (formula in [`super`]).

use super::RankedAccount;
use super::account_value::AccountValue;
use super::reasons::Found;
use crate::model::Entry;

/// `1000 * T + 100 * min(E, 9) + 10 * W + min(C, 9)` for an account whose reasons are
/// `found` (most severe first, non-empty) and whose value is `value`.
pub(super) fn score(found: &[Found], value: AccountValue) -> u32 {
    let Some(top) = found.first() else { return 0 };
    1000 * top.tier
        + 100 * top.extent.min(9) as u32
        + 10 * value.weight()
        + (found.len() - 1).min(9) as u32
}

/// Orders rows by status (rotate, done, stale-only), then score, then account value, then title (case-insensitive, then exact), then
/// entry id, then position. Sort keys are computed once.
pub(super) fn order(rows: Vec<RankedAccount>, entries: &[Entry]) -> Vec<RankedAccount> {
    let mut keyed: Vec<_> = rows
        .into_iter()
        .map(|r| {
            let e = entries.get(r.entry);
            let title = e.map(|e| e.title.as_str()).unwrap_or_default();
            let key = (
                r.status,
                std::cmp::Reverse(r.score),
                r.value,
                title.to_lowercase(),
                title.to_owned(),
                e.map(|e| e.id.clone()).unwrap_or_default(),
                r.entry,
            );
            (key, r)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_formula_bounds() {
        // The largest within-tier part stays below one tier step.
        assert!(100 * 9 + 10 * AccountValue::Email.weight() + 9 < 1000);
    }
}
