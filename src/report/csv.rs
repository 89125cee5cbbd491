//! CSV: one row per account, for spreadsheets and scripts. New columns are appended at the
//! end, so scripts that read columns by position keep working.

use super::escape::csv_cell as defuse;
use super::{Account, Report};
use std::io::Write;

/// Column names, in order.
pub const HEADER: [&str; 24] = [
    "rank",
    "source",
    "id",
    "group",
    "title",
    "username",
    "url",
    "value",
    "score",
    "breach_count",
    "reason_codes",
    "reasons",
    "action",
    // The rotation plan (issue 12).
    "change_password",
    "change_password_source",
    "two_factor",
    "two_factor_methods",
    "two_factor_setup",
    "passkey",
    "passkey_setup",
    "groups",
    "status",
    "sources",
    "sign_in",
];

/// Renders one row per account.
pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    for a in &report.accounts {
        let codes: Vec<&str> = a.reasons.iter().map(|r| r.code.code()).collect();
        let texts: Vec<&str> = a.reasons.iter().map(|r| r.text.as_str()).collect();
        let value = name_of(&a.value);
        let mut record = vec![
            a.rank.to_string(),
            defuse(&a.source),
            defuse(&a.id),
            defuse(&a.group),
            defuse(&a.title),
            defuse(&a.username),
            defuse(a.url.as_deref().unwrap_or("")),
            value,
            a.score.to_string(),
            // The bucket, unless --exact-counts asked for the count.
            a.breach_count
                .map(|n| n.to_string())
                .or_else(|| a.breach_bucket.clone())
                .unwrap_or_default(),
            codes.join(";"),
            defuse(&texts.join("; ")),
            defuse(&a.action),
        ];
        record.extend(plan_cells(a));
        w.write_record(&record)?;
    }
    w.flush()
}

/// The rotation-plan columns of one account, in [`HEADER`] order.
fn plan_cells(a: &Account) -> [String; 11] {
    let two_factor = a.two_factor.as_ref();
    let passkey = a.passkey.as_ref();
    let passkey_kinds: Vec<&str> = passkey
        .map(|p| {
            [("passwordless", p.passwordless), ("mfa", p.mfa)]
                .into_iter()
                .filter(|(_, support)| support.is_some())
                .map(|(kind, _)| kind)
                .collect()
        })
        .unwrap_or_default();
    let groups: Vec<String> = a
        .groups
        .iter()
        .map(|&g| super::sections::group_number(g).to_string())
        .collect();
    [
        defuse(a.change_password.as_ref().map_or("", |l| l.url.as_str())),
        a.change_password
            .as_ref()
            .map(|l| name_of(&l.source))
            .unwrap_or_default(),
        two_factor
            .map(|t| if t.enabled { "enabled" } else { "available" })
            .unwrap_or_default()
            .to_owned(),
        two_factor
            .map(|t| t.methods.iter().map(name_of).collect::<Vec<_>>().join(";"))
            .unwrap_or_default(),
        defuse(two_factor.and_then(|t| t.setup.as_deref()).unwrap_or("")),
        passkey_kinds.join(";"),
        defuse(passkey.and_then(|p| p.setup.as_deref()).unwrap_or("")),
        groups.join(";"),
        name_of(&a.status),
        defuse(&a.sources.join(";")),
        defuse(a.sign_in.as_deref().unwrap_or("")),
    ]
}

/// The name serde gives a unit enum variant (`shopping`, `well-known`, `stale-only`).
fn name_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
