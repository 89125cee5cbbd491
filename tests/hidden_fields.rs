//! Hidden fields are secrets too (issue 12): a protected custom string in a KDBX, a Bitwarden
//! hidden custom field, are audited for exact reuse and the breach check as accounts of their
//! own, labelled by field name, and never printed. Strength, variant and age rules skip them.
//!
//! Through the binary, on vaults generated here.

use serde_json::Value;
use std::path::Path;

#[path = "support/binary.rs"]
mod binary;
#[path = "support/exports.rs"]
mod exports;
#[path = "support/keepass_writer.rs"]
mod keepass_writer;

/// The value a hidden field shares with another account's password.
const SHARED: &str = "Shared-Secret-42!xyz";
/// A weak hidden value shared with nobody: no rule applies to it.
const LONE_WEAK: &str = "1234abc";
const PW_ENV: &str = "CA_HIDDEN_TEST_PW";

fn audit_json(home: &Path, vault: &Path, extra: &[&str]) -> (i32, Value, String) {
    let (code, out, err) = binary::run(
        binary::credaudit(home)
            .env(PW_ENV, "hidden")
            .args(["audit"])
            .arg(vault)
            .args(["--breach", "off", "--since", "2026-01-01"])
            .args(extra),
    );
    let json = if out.trim_start().starts_with('{') {
        serde_json::from_str(&out).expect("JSON report")
    } else {
        Value::Null
    };
    (code, json, out + &err)
}

fn account<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("no account {id}"))
}

fn codes(account: &Value) -> Vec<String> {
    account["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|r| r["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn texts(account: &Value) -> String {
    account["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|r| r["text"].as_str().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// Every output format of the same audit, none holding a hidden value.
fn assert_values_absent(home: &Path, vault: &Path, extra: &[&str]) {
    for format in ["table", "json", "csv", "markdown"] {
        let mut args = vec!["-o", format];
        args.extend_from_slice(extra);
        let (_, _, all) = audit_json(home, vault, &args);
        for value in [SHARED, LONE_WEAK] {
            assert!(!all.contains(value), "{format} output holds a hidden value");
        }
    }
}

/// The checks both vaults share: the field is an account of its own, reused with Shop,
/// labelled by name; the lone weak field is no account; no age or strength rule on fields.
fn check_report(report: &Value, field_id: &str, lone_id: &str, shop_id: &str) {
    let field = account(report, field_id);
    assert_eq!(field["field"], "Recovery code");
    assert_eq!(field["title"], "Mail");
    assert!(
        codes(field).contains(&"reused".to_owned()),
        "{:?}",
        codes(field)
    );
    for code in ["weak", "stale", "variant", "stale-unknown"] {
        assert!(!codes(field).contains(&code.to_owned()), "field has {code}");
    }
    assert!(texts(field).contains("Shop"), "{}", texts(field));
    let shop = account(report, shop_id);
    assert!(codes(shop).contains(&"reused".to_owned()));
    assert!(
        texts(shop).contains("Mail (field Recovery code)"),
        "{}",
        texts(shop)
    );
    let ids = exports::account_ids(report);
    assert!(!ids.contains(&lone_id), "a lone hidden field is no finding");
}

#[test]
fn kdbx_protected_custom_fields() {
    use keepass_writer::{Db, Group, Item};
    let home = tempfile::tempdir().expect("tempdir");
    let mut root = Group::new(100, "Root");
    let mut mail = Item::new(1, "Mail", "alice@example.com", "Mail-only-pw-81!q");
    mail.url = "https://mail.example.com".into();
    mail.protected = vec![
        ("Recovery code".into(), SHARED.into()),
        ("Backup PIN".into(), LONE_WEAK.into()),
        // Not hidden fields: a protected note, an OTP seed, the password itself again.
        ("Notes".into(), SHARED.into()),
        (
            "otp".into(),
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP".into(),
        ),
        ("Copy".into(), "Mail-only-pw-81!q".into()),
    ];
    mail.extra = vec![("Plain field".into(), SHARED.into())];
    let mut shop = Item::new(2, "Shop", "alice", SHARED);
    shop.url = "https://shop.example".into();
    root.items = vec![mail, shop];
    let db = Db {
        root,
        recycle_bin: None,
    };
    let key = keepass_writer::Key {
        password: Some("hidden"),
        key_file: None,
    };
    let bytes = keepass_writer::kdbx4(&db, key, keepass_writer::Kdf4::Aes { rounds: 100 }, 0, "hf");
    let vault = home.path().join("hidden.kdbx");
    std::fs::write(&vault, bytes).expect("write");

    let pw = ["--password-env", PW_ENV];
    let (code, report, _) = audit_json(home.path(), &vault, &[&pw[..], &["-o", "json"]].concat());
    assert_eq!(code, 1);
    let mail_id = "00000000-0000-0000-0000-000000000001";
    check_report(
        &report,
        &format!("{mail_id}/field/Recovery code"),
        &format!("{mail_id}/field/Backup PIN"),
        "00000000-0000-0000-0000-000000000002",
    );
    // The protected note, the OTP seed, the copy of the password and the unprotected custom
    // field are no accounts of their own.
    let ids = exports::account_ids(&report);
    assert!(
        ids.iter()
            .all(|id| !id.contains("/field/") || id.ends_with("/field/Recovery code")),
        "{ids:?}"
    );
    assert_eq!(
        report["sources"][0]["logins"], 4,
        "two logins, two hidden fields"
    );

    let (_, _, table) = audit_json(home.path(), &vault, &[&pw[..], &["-o", "table"]].concat());
    assert!(table.contains("Mail (field Recovery code)"), "{table}");
    assert_values_absent(home.path(), &vault, &pw);

    // The XML export of the same database reads the same hidden fields.
    let xml = home.path().join("hidden.xml");
    std::fs::write(&xml, keepass_writer::export_xml(&db)).expect("write");
    let (_, report, _) = audit_json(home.path(), &xml, &["-o", "json"]);
    check_report(
        &report,
        &format!("{mail_id}/field/Recovery code"),
        &format!("{mail_id}/field/Backup PIN"),
        "00000000-0000-0000-0000-000000000002",
    );
}

#[test]
fn bitwarden_hidden_fields() {
    let home = tempfile::tempdir().expect("tempdir");
    let json = format!(
        r#"{{"encrypted":false,"folders":[],"items":[
        {{"id":"mail","type":1,"name":"Mail","revisionDate":"2020-01-01T00:00:00.000Z",
          "fields":[{{"name":"Recovery code","value":"{SHARED}","type":1}},
                    {{"name":"Backup PIN","value":"{LONE_WEAK}","type":1}},
                    {{"name":"Visible","value":"{SHARED}","type":0}},
                    {{"name":"Remember","value":"true","type":2}}],
          "login":{{"uris":[{{"uri":"https://mail.example.com"}}],"username":"alice@example.com","password":"Mail-only-pw-81!q"}}}},
        {{"id":"shop","type":1,"name":"Shop","revisionDate":"2020-01-01T00:00:00.000Z",
          "login":{{"uris":[{{"uri":"https://shop.example"}}],"username":"alice","password":"{SHARED}"}}}}]}}"#
    );
    let vault = home.path().join("bw.json");
    std::fs::write(&vault, json).expect("write");
    let (code, report, _) = audit_json(home.path(), &vault, &["-o", "json"]);
    assert_eq!(code, 1);
    check_report(
        &report,
        "mail/field/Recovery code",
        "mail/field/Backup PIN",
        "shop",
    );
    assert_eq!(report["sources"][0]["logins"], 4);
    assert_values_absent(home.path(), &vault, &[]);

    // Taking over the Mail site does not reveal what the vault keeps in its hidden field:
    // the field is not compromised, and Shop, which shares the field's value, is not exposed.
    let (_, report, all) = audit_json(
        home.path(),
        &vault,
        &["--compromised", "mail", "-o", "json"],
    );
    assert!(
        codes(account(&report, "mail")).contains(&"compromised".to_owned()),
        "{all}"
    );
    let field = account(&report, "mail/field/Recovery code");
    assert!(!codes(field).contains(&"compromised".to_owned()));
    assert!(!codes(account(&report, "shop")).contains(&"exposed-by-compromise".to_owned()));
}

fn read(bytes: &[u8], format: credaudit::model::Format) -> credaudit::vault::Vault {
    exports::read_export(bytes, format, None)
}

/// (id, field name) of every hidden-field entry, and whether each value is `SHARED`.
fn fields(vault: &credaudit::vault::Vault) -> Vec<(String, String, bool)> {
    vault
        .entries
        .iter()
        .filter_map(|e| {
            let name = e.field.clone()?;
            Some((e.id.0.clone(), name, e.password.expose() == SHARED))
        })
        .collect()
}

/// The JSON readers beyond Bitwarden: 1PUX concealed section fields (not OTP, not the
/// password itself), Proton Pass hidden extra fields, Enpass sensitive fields.
#[test]
fn other_readers_carry_hidden_fields() {
    use credaudit::model::Format;
    let onepux_data = format!(
        r#"{{"accounts":[{{"vaults":[{{"attrs":{{"name":"V"}},"items":[
        {{"uuid":"srv","categoryUuid":"110","details":{{"sections":[{{"fields":[
            {{"id":"username","title":"username","value":{{"string":"root"}}}},
            {{"id":"password","title":"password","value":{{"concealed":"Server-pw-1!x"}}}},
            {{"id":"k1","title":"API key","value":{{"concealed":"{SHARED}"}}}},
            {{"id":"TOTP_1","title":"otp","value":{{"totp":"JBSWY3DPEHPK3PXP"}}}}]}}]}},
         "overview":{{"title":"Server"}}}},
        {{"uuid":"web","categoryUuid":"001","details":{{"loginFields":[
            {{"value":"u","designation":"username"}},{{"value":"Web-pw-2!y","designation":"password"}}],
            "sections":[{{"fields":[{{"id":"q","title":"Security answer","value":{{"concealed":"{SHARED}"}}}},
                                    {{"id":"n","title":"Note","value":{{"string":"{SHARED}"}}}}]}}]}},
         "overview":{{"title":"Web"}}}}]}}]}}]}}"#
    );
    let zip = exports::onepux_of(&onepux_data);
    let vault = read(&zip, Format::Onepassword1pux);
    assert_eq!(
        fields(&vault),
        [
            ("srv/field/API key".to_owned(), "API key".to_owned(), true),
            (
                "web/field/Security answer".to_owned(),
                "Security answer".to_owned(),
                true
            )
        ]
    );

    let proton = format!(
        r#"{{"version":"1","userId":"u","encrypted":false,"vaults":{{"s":{{"name":"P","items":[
        {{"itemId":"l","state":1,"data":{{"type":"login","metadata":{{"name":"L"}},
          "extraFields":[{{"fieldName":"Recovery","type":"hidden","data":{{"content":"{SHARED}"}}}},
                         {{"fieldName":"Plain","type":"text","data":{{"content":"{SHARED}"}}}}],
          "content":{{"password":"L-pw-3!z"}}}}}}]}}}}}}"#
    );
    let vault = read(proton.as_bytes(), Format::ProtonJson);
    assert_eq!(
        fields(&vault),
        [("l/field/Recovery".to_owned(), "Recovery".to_owned(), true)]
    );

    let enpass = format!(
        r#"{{"folders":[],"items":[{{"uuid":"e","title":"E","category":"login","fields":[
        {{"type":"password","label":"Password","value":"E-pw-4!w","deleted":0}},
        {{"type":"text","label":"Mother's maiden name","value":"{SHARED}","sensitive":1,"deleted":0}},
        {{"type":"text","label":"Nickname","value":"{SHARED}","sensitive":0,"deleted":0}},
        {{"type":"totp","label":"OTP","value":"JBSWY3DPEHPK3PXP","sensitive":1,"deleted":0}}]}}]}}"#
    );
    let vault = read(enpass.as_bytes(), Format::EnpassJson);
    assert_eq!(
        fields(&vault),
        [(
            "e/field/Mother's maiden name".to_owned(),
            "Mother's maiden name".to_owned(),
            true
        )]
    );
}
