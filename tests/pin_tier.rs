//! A card PIN keeps its own low tier whatever the breach check says (issue 12): every short
//! PIN is in the corpus and a card PIN is not replayed on a website, so a breached 4-digit
//! PIN ranks below a pair of near-variant passwords, and says why.
//!
//! Through the binary, against a loopback range server.

use serde_json::Value;

#[path = "support/binary.rs"]
mod binary;
#[path = "support/exports.rs"]
mod exports;
#[path = "support/hibp_server.rs"]
mod hibp_server;

#[test]
fn breached_card_pin_ranks_below_a_variant_pair() {
    let home = tempfile::tempdir().expect("tempdir");
    let server = hibp_server::HibpServer::with_passwords(&[("1234", 9_000_000)]);
    let json = r#"{"encrypted":false,"items":[
        {"id":"card","type":1,"name":"Bank card PIN","login":{"password":"1234"}},
        {"id":"v1","type":1,"name":"Tulip shop","login":{"username":"b","uris":[{"uri":"https://tulip.example"}],"password":"Tulip#2001-garden"}},
        {"id":"v2","type":1,"name":"Flower shop","login":{"username":"b","uris":[{"uri":"https://flower.example"}],"password":"Tulip#2002-garden"}}]}"#;
    let vault = home.path().join("pin.json");
    std::fs::write(&vault, json).expect("write");
    for extra in [&[][..], &["--skip", "weak"][..]] {
        let (code, out, err) = binary::run(
            binary::credaudit(home.path())
                .arg("audit")
                .arg(&vault)
                .args(["--hibp-url", &server.url(), "--no-cache", "-o", "json"])
                .args(extra),
        );
        assert_eq!(code, 1, "{err}");
        let report: Value = serde_json::from_str(&out).expect("JSON");
        let ids = exports::account_ids(&report);
        assert_eq!(ids.last(), Some(&"card"), "{extra:?}: {ids:?}");
        assert!(ids.contains(&"v1") && ids.contains(&"v2"), "{ids:?}");
        let card = &report["accounts"][ids.len() - 1];
        assert!(
            card["score"].as_u64().unwrap_or(9999) < 2000,
            "tier 1: {card}"
        );
        let breached = card["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .find(|r| r["code"] == "breached")
            .expect("still reported as breached");
        let text = breached["text"].as_str().unwrap_or_default();
        assert!(
            text.contains("every short PIN is in the corpus")
                && text.contains("a card PIN is not replayed on websites"),
            "{text}"
        );
        let action = card["action"].as_str().unwrap_or_default();
        assert!(!action.contains("attackers replay"), "{action}");
        let variant = report["accounts"]
            .as_array()
            .expect("accounts")
            .iter()
            .find(|a| a["id"] == "v1")
            .expect("variant");
        assert!(variant["score"].as_u64().unwrap_or(0) >= 4000, "{variant}");
    }
}
