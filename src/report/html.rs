//! The rotation plan as one self-contained HTML page (`-o html`): the ranked list as a
//! checklist with the links to act on, and pictures (static SVG, `html/charts.rs`).
//!
//! Everything from the vault goes through maud, which escapes text and attribute values; the
//! only markup inserted unescaped is the SVG of [`charts`] (whose vault text is escaped by the
//! `svg` crate) and the page's own stylesheet and script. The page loads nothing: a strict
//! Content-Security-Policy allows only that one stylesheet and that one script, by their
//! SHA-256 hashes. JavaScript only keeps the ticks (local storage) and filters the list; the
//! page reads the same without it.

mod charts;

use super::{Account, AccountStatus, Report, baseline_line, labels, summary_line, unchecked_line};
use crate::data::{LinkSource, TwoFactorMethod};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use std::io::Write;

const STYLE: &str = include_str!("html/plan.css");
const SCRIPT: &str = include_str!("html/plan.js");

/// The page's Content-Security-Policy: nothing may load, only the page's own stylesheet and
/// script run (by hash), no form goes anywhere, no `<base>` can redirect the links.
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; style-src '{}'; script-src '{}'; img-src 'none'; base-uri 'none'; form-action 'none'",
        csp_hash(STYLE),
        csp_hash(SCRIPT)
    )
}

/// `sha256-BASE64` of an inline element's text, as CSP matches it.
fn csp_hash(text: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(text.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// Renders the report as an HTML page.
pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(page(report).into_string().as_bytes())
}

fn page(report: &Report) -> Markup {
    let shown: Vec<&Account> = report
        .accounts
        .iter()
        .filter(|a| a.needs_rotation())
        .collect();
    let tiers = charts::tiers(&shown);
    let clusters = charts::clusters(report);
    let ages = charts::ages(&shown, report.since);
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(content_security_policy());
                meta name="referrer" content="no-referrer";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content={ "credaudit " (report.tool.version) };
                title { "credaudit: rotation plan" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { "Rotation plan" }
                    p.summary { (summary_line(report)) "." }
                    p.muted {
                        "Audited " (report.generated_at.format("%Y-%m-%d %H:%M UTC"))
                        " by credaudit " (report.tool.version)
                        "; breach check: " (report.breach_source)
                        @if let Some(since) = report.since { "; incident date " (since) }
                        "."
                    }
                    @if let Some(b) = &report.baseline {
                        p { "Baseline: " (baseline_line(b)) "." }
                    }
                }
                @if tiers.is_some() || clusters.is_some() || ages.is_some() {
                    section #pictures {
                        h2 { "At a glance" }
                        @if let Some(svg) = &tiers {
                            figure {
                                (PreEscaped(svg))
                                figcaption { "Accounts to rotate per tier: the higher the tier, the sooner." }
                            }
                        }
                        @if let Some(svg) = &clusters {
                            figure {
                                (PreEscaped(svg))
                                figcaption {
                                    "Accounts that share one password, near variants of it, or one sign-in. "
                                    "Red: the compromised account and the groups it is in."
                                    @let hidden = report.groups.len().saturating_sub(charts::MAX_CLUSTERS);
                                    @if hidden > 0 { " " (hidden) " more groups are named in the list." }
                                }
                            }
                        }
                        @if let Some(svg) = &ages {
                            figure {
                                (PreEscaped(svg))
                                figcaption {
                                    @if report.since.is_some() {
                                        "When each listed password was last set. Red: before the incident date, still to change; green: after it."
                                    } @else {
                                        "When each listed password was last set."
                                    }
                                }
                            }
                        }
                    }
                }
                section #plan {
                    h2 { "Accounts to rotate, most urgent first" }
                    @if let Some(line) = unchecked_line(report) { p.muted { (line) "." } }
                    @if shown.is_empty() {
                        p { "No accounts to rotate." }
                    } @else {
                        div #controls .controls hidden {
                            input #filter type="search" placeholder="Filter: account, reason, site" aria-label="Filter the list";
                            label { input #hide-ticked type="checkbox"; " Hide done" }
                            span #progress .muted {}
                        }
                        p.muted.no-print { "Tick an account when it is done: the tick is kept in this browser only." }
                        ol.plan {
                            @for account in &shown { (account_item(account)) }
                        }
                    }
                }
                @if !report.warnings.is_empty() {
                    section #warnings {
                        h2 { "Warnings" }
                        ul { @for w in &report.warnings { li { (visible(w)) } } }
                    }
                }
                footer {
                    p {
                        "Made by credaudit from your vault, on your machine: this page loads nothing and sends nothing. "
                        "It holds no password, hash or exact breach count."
                    }
                    p {
                        "Change-password pages: Apple password-manager-resources (MIT). "
                        "Two-factor support: 2fa.directory (MIT). "
                        "Passkey support: Passkeys Directory by 2factorauth (CC BY 4.0)."
                    }
                }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    }
}

fn account_item(account: &Account) -> Markup {
    let tier = charts::tier_of(account);
    let done = account.status == AccountStatus::Done;
    let status = match account.status {
        AccountStatus::Rotate => "rotate",
        AccountStatus::Done => "done",
        AccountStatus::StaleOnly => "stale-only",
    };
    let host = account
        .url
        .as_deref()
        .and_then(crate::site::host_of)
        .filter(|h| *h != account.display_name());
    let label_id = format!("account-{}", account.rank);
    html! {
        li class={ "account tier-" (tier) " status-" (status) } {
            input.tick type="checkbox" data-key=(account.key) aria-labelledby=(label_id)
                checked[done] disabled[done];
            div {
                div {
                    span.name #(label_id) { bdi { (visible(&account.display_name())) } }
                    " " span.rank { "#" (account.rank) }
                    @for label in labels(account) { span.badge { (label) } }
                    @if done { span.badge { "done: changed after the incident" } }
                    @if account.status == AccountStatus::StaleOnly { span.badge { "stale only" } }
                }
                div.meta {
                    @if !account.username.is_empty() { bdi { (visible(&account.username)) } " · " }
                    @if let Some(host) = &host { bdi { (visible(host)) } " · " }
                    @for (i, source) in account.sources.iter().enumerate() {
                        @if i > 0 { ", " }
                        bdi { (visible(source)) }
                    }
                    @if account.sources.is_empty() { bdi { (visible(&account.source)) } }
                    @if !account.group.is_empty() { " / " bdi { (visible(&account.group)) } }
                    @if let Some(backend) = &account.sign_in { " · signs in with " bdi { (visible(backend)) } }
                }
                ul.reasons {
                    @for reason in &account.reasons {
                        li { span.code { (reason.code.label()) } ": " (visible(&reason.text)) }
                    }
                }
                p.action { "Do: " (visible(&account.action)) }
                (links(account))
            }
        }
    }
}

/// The account's links: where to change the password, set up 2FA, add a passkey. They come
/// from the embedded public site data; any that is not `https://` is shown as text only.
fn links(account: &Account) -> Markup {
    let two_factor = account
        .two_factor
        .as_ref()
        .filter(|t| !t.enabled && !t.methods.is_empty());
    let passkey = account
        .passkey
        .as_ref()
        .filter(|p| p.passwordless.is_some() || p.mfa.is_some());
    if account.change_password.is_none() && two_factor.is_none() && passkey.is_none() {
        return html! {};
    }
    html! {
        p.links {
            @if let Some(link) = &account.change_password {
                span {
                    (link_to(&link.url, "Change the password"))
                    @if link.source == LinkSource::WellKnown {
                        " " span.muted { "(standard address; the site may not serve it)" }
                    }
                }
            }
            @if let Some(tf) = two_factor {
                span {
                    @match &tf.setup {
                        Some(url) => (link_to(url, "Turn on 2FA")),
                        None => "2FA available",
                    }
                    " " span.muted { "(" (TwoFactorMethod::describe(&tf.methods)) ")" }
                }
            }
            @if let Some(pk) = passkey {
                span {
                    @match &pk.setup {
                        Some(url) => (link_to(url, "Add a passkey")),
                        None => "Passkeys available",
                    }
                }
            }
        }
    }
}

/// A link that leaves nothing behind: no referrer, no opener. Only `https://` links are made
/// clickable (the data holds no other kind; a `javascript:` URL must never become a link).
fn link_to(url: &str, text: &str) -> Markup {
    if url.starts_with("https://") {
        html! { a href=(url) rel="noopener noreferrer" referrerpolicy="no-referrer" target="_blank" { (text) } }
    } else {
        html! { (text) " (" (url) ")" }
    }
}

/// Vault text, escaped, with invisible format characters (zero-width spaces and joiners,
/// direction marks and overrides, BOM) shown as a marked code point: `Pay\u{200b}Pal` must
/// not pass for `PayPal`. [`crate::sanitize`] already drops bidi overrides from a report it
/// builds; this holds for any report. `<bdi>` isolates right-to-left text from its neighbours.
fn visible(text: &str) -> Markup {
    let is_invisible = |c: char| {
        matches!(
            c,
            '\u{00ad}'
                | '\u{061c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}'
                | '\u{feff}'
        )
    };
    // Runs of ordinary text (Ok) and single invisible characters (Err), in order.
    let mut pieces: Vec<Result<&str, char>> = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if is_invisible(c) {
            pieces.push(Ok(&text[start..i]));
            pieces.push(Err(c));
            start = i + c.len_utf8();
        }
    }
    pieces.push(Ok(&text[start..]));
    html! {
        @for piece in pieces {
            @match piece {
                Ok(run) => (run),
                Err(c) => mark.invisible title="invisible character" { (format!("U+{:04X}", u32::from(c))) },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_are_shown() {
        let html = visible("Pay\u{200b}Pal\u{feff}").into_string();
        assert_eq!(
            html,
            "Pay<mark class=\"invisible\" title=\"invisible character\">U+200B</mark>Pal<mark class=\"invisible\" title=\"invisible character\">U+FEFF</mark>"
        );
        assert_eq!(visible("<b>").into_string(), "&lt;b&gt;");
    }

    #[test]
    fn phone_only_2fa_is_said_so() {
        assert_eq!(
            TwoFactorMethod::describe(&[TwoFactorMethod::Sms]),
            "SMS only"
        );
        assert_eq!(
            TwoFactorMethod::describe(&[TwoFactorMethod::Totp, TwoFactorMethod::Sms]),
            "authenticator app, SMS"
        );
    }

    #[test]
    fn only_https_links_are_clickable() {
        assert!(
            link_to("javascript:alert(1)", "x")
                .into_string()
                .starts_with("x (javascript")
        );
        assert!(
            link_to("https://example.com/", "x")
                .into_string()
                .starts_with("<a href=\"https://example.com/\"")
        );
    }
}
