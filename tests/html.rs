//! The HTML plan (`-o html`) read as a browser reads it: every tag and attribute of the page
//! (tokenized by html5gum), for hostile vault strings, links, the CSP and redaction.

#[path = "support/binary.rs"]
mod binary;
#[path = "support/plan.rs"]
mod plan;

use credaudit::report::redact::{REDACTED, Redaction, redact};
use credaudit::report::{Report, html};
use html5gum::emitters::default::DefaultEmitter;
use html5gum::{Token, Tokenizer};
use plan::*;
use sha1::Digest as _;

fn render(report: &Report) -> String {
    let mut out = Vec::new();
    html::render(report, &mut out).expect("renders");
    String::from_utf8(out).expect("UTF-8")
}

/// A start tag: its name and attributes, decoded.
struct Tag {
    name: String,
    attributes: Vec<(String, String)>,
}

impl Tag {
    fn get(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Every start tag of the page and the text inside each `<script>` / `<style>`, with script
/// and style contents read as raw text, as a browser does.
fn parse(page: &str) -> (Vec<Tag>, Vec<(String, String)>) {
    let mut emitter = DefaultEmitter::default();
    emitter.naively_switch_states(true);
    let mut tags = Vec::new();
    let mut raw_texts = Vec::new();
    let mut open_raw: Option<String> = None;
    for token in Tokenizer::new_with_emitter(page, emitter) {
        let Ok(token) = token;
        let text = |s: &[u8]| String::from_utf8_lossy(s).into_owned();
        match token {
            Token::StartTag(tag) => {
                let name = text(&tag.name);
                if name == "script" || name == "style" {
                    open_raw = Some(name.clone());
                    raw_texts.push((name.clone(), String::new()));
                }
                tags.push(Tag {
                    name,
                    attributes: tag
                        .attributes
                        .iter()
                        .map(|(k, v)| (text(k), text(&v.value)))
                        .collect(),
                });
            }
            Token::String(s) if open_raw.is_some() => {
                raw_texts
                    .last_mut()
                    .expect("open")
                    .1
                    .push_str(&text(&s.value));
            }
            Token::EndTag(_) => open_raw = None,
            Token::Error(e) => panic!("HTML parse error: {e:?}"),
            _ => {}
        }
    }
    (tags, raw_texts)
}

/// Every URL-valued attribute of the page.
fn urls(tags: &[Tag]) -> Vec<(String, String)> {
    const URL_ATTRIBUTES: [&str; 9] = [
        "href",
        "src",
        "srcset",
        "action",
        "formaction",
        "xlink:href",
        "poster",
        "data",
        "background",
    ];
    tags.iter()
        .flat_map(|t| &t.attributes)
        .filter(|(name, _)| URL_ATTRIBUTES.contains(&name.as_str()))
        .cloned()
        .collect()
}

#[test]
fn hostile_titles_stay_text() {
    let page = render(&hostile_report());
    let (tags, raw) = parse(&page);
    // One stylesheet and one script, both the page's own; no other active element.
    let names: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names.iter().filter(|n| **n == "script").count(), 1);
    assert_eq!(names.iter().filter(|n| **n == "style").count(), 1);
    for banned in [
        "img",
        "iframe",
        "object",
        "embed",
        "link",
        "base",
        "form",
        "meta refresh",
        "frame",
        "audio",
        "video",
        "foreignobject",
    ] {
        assert!(!names.contains(&banned), "<{banned}> in the page");
    }
    for tag in &tags {
        for (name, value) in &tag.attributes {
            assert!(
                !name.starts_with("on"),
                "event handler {name}={value:?} on <{}>",
                tag.name
            );
            assert_ne!(name, "style", "inline style on <{}>", tag.name);
        }
    }
    // The hostile strings arrive as text, escaped.
    assert!(page.contains("&lt;script&gt;alert('title')&lt;/script&gt;"));
    assert!(!page.contains("<script>alert"));
    assert!(page.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    for (element, text) in &raw {
        assert!(!text.contains("alert("), "{element} holds vault text");
    }
}

#[test]
fn invisible_and_direction_characters_are_shown_not_obeyed() {
    let page = render(&hostile_report());
    for c in ['\u{202e}', '\u{202c}', '\u{200b}'] {
        assert!(!page.contains(c), "U+{:04X} reached the page", u32::from(c));
    }
    assert!(
        page.contains(
            "Pay<mark class=\"invisible\" title=\"invisible character\">U+200B</mark>Pal"
        )
    );
    assert!(page.contains(">U+202E</mark>moc.knab<mark"));
    // Names are isolated from their neighbours' direction.
    assert!(page.contains("<bdi>Bank "));
}

#[test]
fn only_account_links_leave_the_page() {
    let report = hostile_report();
    let page = render(&report);
    let (tags, _) = parse(&page);
    let allowed: Vec<&str> = report
        .accounts
        .iter()
        .flat_map(|a| {
            let mut links = Vec::new();
            links.extend(a.change_password.as_ref().map(|l| l.url.as_str()));
            links.extend(a.two_factor.as_ref().and_then(|t| t.setup.as_deref()));
            links.extend(a.passkey.as_ref().and_then(|p| p.setup.as_deref()));
            links
        })
        .collect();
    let found = urls(&tags);
    assert!(!found.is_empty());
    for (name, url) in &found {
        assert_eq!(name, "href", "{name}={url}");
        assert!(url.starts_with("https://"), "{url}");
        assert!(
            allowed.contains(&url.as_str()),
            "{url} is not an account link"
        );
    }
    // Every https account link is there; the javascript: one only as text.
    for link in allowed.iter().filter(|l| l.starts_with("https://")) {
        assert!(found.iter().any(|(_, u)| u == link), "{link} missing");
    }
    assert!(page.contains("(javascript:alert(2))"));
    // The vault's own URLs (a session token, a javascript: URL) are not links.
    assert!(!page.contains("tok3n"));
    // Every link opens without a referrer or an opener.
    for tag in tags.iter().filter(|t| t.name == "a") {
        assert_eq!(tag.get("rel"), Some("noopener noreferrer"));
        assert_eq!(tag.get("referrerpolicy"), Some("no-referrer"));
    }
}

#[test]
fn csp_allows_exactly_the_inline_style_and_script() {
    let page = render(&hostile_report());
    let (tags, raw) = parse(&page);
    let csp = tags
        .iter()
        .find(|t| t.name == "meta" && t.get("http-equiv") == Some("Content-Security-Policy"))
        .and_then(|t| t.get("content"))
        .expect("CSP meta tag");
    // Before anything it governs.
    let csp_at = tags
        .iter()
        .position(|t| t.get("http-equiv").is_some())
        .unwrap();
    let style_at = tags.iter().position(|t| t.name == "style").unwrap();
    assert!(csp_at < style_at);
    assert!(csp.starts_with("default-src 'none';"), "{csp}");
    for (element, text) in &raw {
        let hash = {
            use base64::Engine as _;
            let digest = sha2::Sha256::digest(text.as_bytes());
            base64::engine::general_purpose::STANDARD.encode(digest)
        };
        let directive = if element == "script" {
            "script-src"
        } else {
            "style-src"
        };
        assert!(
            csp.contains(&format!("{directive} 'sha256-{hash}'")),
            "{element} hash not in {csp}"
        );
    }
    assert!(!csp.contains("unsafe"));
    assert!(!csp.contains("http"));
}

#[test]
fn no_exact_breach_count_or_password_material() {
    let page = render(&hostile_report());
    let exact = EXACT_COUNT.to_string();
    assert!(!page.contains(&exact));
    assert!(!page.contains("734,219"));
    assert!(page.contains("100,000+"));
}

#[test]
fn the_plan_shows_links_groups_ages_and_status() {
    let page = render(&hostile_report());
    for expected in [
        "Change the password",
        "(standard address; the site may not serve it)",
        "Turn on 2FA",
        "authenticator app, security key, SMS",
        "Add a passkey",
        "signs in with",
        "same password",
        "incident 2026-11-21",
        "done: changed after the incident",
        "Passkeys Directory by 2factorauth (CC BY 4.0)",
        "data-key=\"site:mercari.com|&quot;&gt;&lt;img src=x onerror=alert(1)&gt;|&lt;script&gt;",
    ] {
        assert!(page.contains(expected), "missing {expected:?}");
    }
    // The account already rotated after the incident is ticked and cannot be unticked.
    let (tags, _) = parse(&page);
    let ticks: Vec<&Tag> = tags
        .iter()
        .filter(|t| t.name == "input" && t.get("class") == Some("tick"))
        .collect();
    assert_eq!(ticks.len(), 5);
    assert_eq!(ticks[4].get("data-key"), Some("id:bank"));
    assert!(ticks[4].get("checked").is_some() && ticks[4].get("disabled").is_some());
    assert!(ticks[0].get("checked").is_none());
    // Three pictures, each with a title.
    assert_eq!(tags.iter().filter(|t| t.name == "svg").count(), 3);
}

#[test]
fn redaction_removes_usernames_and_urls_from_every_field() {
    let mut report = hostile_report();
    redact(&mut report, &[Redaction::Usernames, Redaction::Urls]);
    let json = serde_json::to_string(&report).unwrap();
    let page = render(&report);
    for secret in [
        "hana@example.jp",
        "onerror",
        "fril.jp/login",
        "tok3n",
        "mail.google.com",
        "www.paypal.com",
        "mercari.com|",
    ] {
        assert!(!json.contains(secret), "{secret} in the JSON");
        assert!(!page.contains(secret), "{secret} in the page");
    }
    assert!(report.accounts.iter().all(|a| a.url.is_none()));
    assert_eq!(report.accounts[0].username, REDACTED);
    // The bank had no username: nothing to redact, nothing invented.
    assert_eq!(report.accounts[4].username, "");
    // Group members follow their accounts' new keys.
    let keys: Vec<&str> = report.accounts.iter().map(|a| a.key.as_str()).collect();
    for member in &report.groups[0].members {
        assert!(keys.contains(&member.as_str()), "{member}");
    }
    assert_eq!(
        report.accounts[2].key,
        "site:(redacted)|(redacted)|<script>alert('title')</script>"
    );
    // The public links to act on stay.
    assert!(page.contains("https://myaccount.google.com/signinoptions/password"));
}

/// The binary end to end: `-o html` on the demo vault holds none of its passwords, nor their
/// SHA-1, and `--redact` works for every format.
#[test]
fn demo_vault_page_holds_no_secret() {
    let home = tempfile::tempdir().unwrap();
    let demo: serde_json::Value =
        serde_json::from_slice(&std::fs::read("fixtures/demo/vault.json").unwrap()).unwrap();
    let items = demo["items"].as_array().unwrap();
    let passwords: Vec<&str> = items
        .iter()
        .filter_map(|i| i["login"]["password"].as_str())
        .collect();
    let usernames: Vec<&str> = items
        .iter()
        .filter_map(|i| i["login"]["username"].as_str())
        .filter(|u| u.len() >= 3)
        .collect();
    assert!(passwords.len() > 10);
    let plan = home.path().join("plan.html");
    let out = binary::credaudit(home.path())
        .args(binary::DEMO_AFTER_TAKEOVER)
        // No `-o html`: the file name says it.
        .arg("--output-file")
        .arg(&plan)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(&plan).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("Mercari"));
    for password in &passwords {
        let sha1 = hex(&sha1::Sha1::digest(password.as_bytes()));
        assert!(!page.contains(password), "a demo password is in the page");
        assert!(
            !page.to_lowercase().contains(&sha1),
            "a password's SHA-1 is in the page"
        );
    }

    for format in ["html", "json", "csv", "markdown", "table"] {
        let out = binary::credaudit(home.path())
            .args([
                "audit",
                "fixtures/demo/vault.json",
                "--hibp-file",
                "fixtures/demo/pwned-sample.txt",
                "--redact",
                "usernames,urls",
                "-o",
                format,
            ])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.is_empty(), "{format}");
        for username in &usernames {
            assert!(
                !text.contains(username),
                "{format}: a username is in the report"
            );
        }
        assert!(!text.contains("https://jp.mercari.com/login"), "{format}");
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
