//! CSV: one row per account, for spreadsheets and scripts.

use super::Report;
use super::escape::csv_cell as defuse;
use std::io::Write;

/// Column names, in order.
pub const HEADER: [&str; 13] = [
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
];

/// Renders one row per account.
pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    for a in &report.accounts {
        let codes: Vec<&str> = a.reasons.iter().map(|r| r.code.code()).collect();
        let texts: Vec<&str> = a.reasons.iter().map(|r| r.text.as_str()).collect();
        let value = serde_json::to_value(a.value)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        w.write_record([
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
        ])?;
    }
    w.flush()
}
