//! Timing of the HIBP breach-list parse (BENCHMARKS.md, "HIBP breach list"): the library's own
//! `BreachCatalog::parse` over a synthetic 950-breach list shaped like `/api/v3/breaches`.
//! `cargo run --release --example breach_list_parse`

#![allow(clippy::print_stdout)]

use credaudit::breach::catalog::BreachCatalog;

fn main() {
    let mut items = Vec::new();
    let desc = "In October 2013, 153 million accounts were breached with each containing an internal ID, username, email, <em>encrypted</em> password and a password hint in plain text. The password cryptography was poorly done and many were quickly resolved back to plain text. The unencrypted hints also <a href='https://example.com/' target='_blank' rel='noopener'>disclosed much about the passwords</a> adding further to the risk that hundreds of millions of customers already faced. ".repeat(2);
    for i in 0..950 {
        let classes = if i % 3 == 0 {
            r#"["Email addresses","Passwords","Usernames","IP addresses"]"#
        } else {
            r#"["Email addresses","Names","Phone numbers","Dates of birth","Genders"]"#
        };
        items.push(format!(r#"{{"Name":"Breach{i}","Title":"Breach number {i}","Domain":"site{i}.example.com","BreachDate":"20{:02}-{:02}-{:02}","AddedDate":"2024-01-01T00:00:00Z","ModifiedDate":"2024-01-01T00:00:00Z","PwnCount":{},"Description":"{desc}","LogoPath":"https://logos.haveibeenpwned.com/Breach{i}.png","Attribution":null,"DisclosureUrl":null,"DataClasses":{classes},"IsVerified":true,"IsFabricated":{},"IsSensitive":false,"IsRetired":false,"IsSpamList":false,"IsMalware":false,"IsSubscriptionFree":false,"IsStealerLog":false}}"#, 10 + i % 15, 1 + i % 12, 1 + i % 28, 1000 + i * 7919, i % 50 == 0));
    }
    let json = format!("[{}]", items.join(","));
    println!("list: {} breaches, {} bytes", items.len(), json.len());
    let runs = 50;
    let mut best = std::time::Duration::MAX;
    let mut counted = 0;
    for _ in 0..runs {
        let t = std::time::Instant::now();
        let c = BreachCatalog::parse(json.as_bytes()).unwrap();
        best = best.min(t.elapsed());
        counted = c.counted();
    }
    println!(
        "parse + index: best of {runs}: {:.2} ms ({counted} breaches counted)",
        best.as_secs_f64() * 1000.0
    );
}
