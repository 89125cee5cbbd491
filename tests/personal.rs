//! Passwords built from personal data (issue 12, the police advice): the vault's identity
//! items and `--personal-words` (or the config key) feed the `personal-data` finding, which
//! names the kind of data and never the data, in every output format.

use credaudit::model::{Format, PersonalKind};
use credaudit::vault::Vault;
use serde_json::Value;
use std::io::Write;
use std::path::Path;

#[path = "support/binary.rs"]
mod binary;
#[path = "support/exports.rs"]
mod exports;

/// Personal values of the fixtures: none may appear in any report.
const VALUES: &[&str] = &[
    "Tomoko",
    "tomoko",
    "Yamada",
    "090-1234-5678",
    "09012345678",
    "100-0001",
    "1000001",
    "4471",
    "1985-04-23",
];

fn bitwarden_vault() -> String {
    r#"{"encrypted":false,"items":[
    {"id":"me","type":4,"name":"Me","identity":{"firstName":"Tomoko","lastName":"Yamada",
        "phone":"090-1234-5678","postalCode":"100-0001","email":"t.yamada@example.com"}},
    {"id":"forum","type":1,"name":"Forum","login":{"username":"c","uris":[{"uri":"https://forum.example"}],"password":"Xq9!tomoko-5678"}},
    {"id":"post","type":1,"name":"Post office","login":{"username":"c","uris":[{"uri":"https://post.example"}],"password":"Zz#1000001kq!Lp"}},
    {"id":"car","type":1,"name":"Garage","login":{"username":"c","uris":[{"uri":"https://garage.example"}],"password":"Ab!4471zzQ-pLm"}},
    {"id":"born","type":1,"name":"Clinic","login":{"username":"c","uris":[{"uri":"https://clinic.example"}],"password":"Kp!0423xyzQ-wV"}},
    {"id":"clean","type":1,"name":"Library","login":{"username":"c","uris":[{"uri":"https://library.example"}],"password":"Vb7#qLp2!wXz-9Rt"}}]}"#
        .to_owned()
}

/// (exit code, stdout, stdout and stderr).
fn run(home: &Path, args: &[&str]) -> (i32, String, String) {
    let (code, out, err) = binary::run(binary::credaudit(home).args(args));
    let all = format!("{out}{err}");
    (code, out, all)
}

fn reasons(report: &Value, id: &str) -> Vec<(String, String)> {
    report["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .find(|a| a["id"] == id)
        .map(|a| {
            a["reasons"]
                .as_array()
                .expect("reasons")
                .iter()
                .map(|r| {
                    (
                        r["code"].as_str().unwrap_or_default().to_owned(),
                        r["text"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn personal_text(report: &Value, id: &str) -> Option<String> {
    reasons(report, id)
        .into_iter()
        .find(|(code, _)| code == "personal-data")
        .map(|(_, text)| text)
}

#[test]
fn identity_items_and_personal_words_through_the_binary() {
    let home = tempfile::tempdir().expect("tempdir");
    let vault = home.path().join("vault.json");
    std::fs::write(&vault, bitwarden_vault()).expect("write");
    let words = home.path().join("words.txt");
    std::fs::write(&words, "# mine\ncar: 4471\nbirthday: 1985-04-23\n").expect("write");
    let vault_arg = vault.to_str().expect("utf-8 path");
    let words_arg = words.to_str().expect("utf-8 path");

    let base = ["audit", vault_arg, "--breach", "off", "--skip", "weak"];
    let (code, out, all) = run(
        home.path(),
        &[&base[..], &["--personal-words", words_arg, "-o", "json"]].concat(),
    );
    assert_eq!(code, 1, "{all}");
    let report: Value = serde_json::from_str(&out).expect("JSON");
    let forum = personal_text(&report, "forum").expect("forum is personal");
    assert!(
        forum.contains("your name") && forum.contains("your phone number"),
        "{forum}"
    );
    assert_eq!(
        personal_text(&report, "post").as_deref(),
        Some("contains your postal code")
    );
    assert_eq!(
        personal_text(&report, "car").as_deref(),
        Some("contains your car number")
    );
    assert_eq!(
        personal_text(&report, "born").as_deref(),
        Some("contains your birth date")
    );
    assert_eq!(personal_text(&report, "clean"), None);
    assert!(
        reasons(&report, "me").is_empty(),
        "an identity is no account"
    );

    // Without the words file only the identity's data counts.
    let (_, out, _) = run(home.path(), &[&base[..], &["-o", "json"]].concat());
    let report: Value = serde_json::from_str(&out).expect("JSON");
    assert!(personal_text(&report, "forum").is_some());
    assert_eq!(personal_text(&report, "car"), None);

    // The config key does what the flag does.
    let config = home.path().join("credaudit.toml");
    let mut f = std::fs::File::create(&config).expect("config");
    writeln!(f, "personal-words = {:?}", words_arg).expect("write");
    let config_arg = config.to_str().expect("utf-8 path");
    let (_, out, _) = run(
        home.path(),
        &[&base[..], &["--config", config_arg, "-o", "json"]].concat(),
    );
    let report: Value = serde_json::from_str(&out).expect("JSON");
    assert!(personal_text(&report, "car").is_some(), "config key");

    // No output format holds the data.
    for format in ["table", "json", "csv", "markdown"] {
        let (_, _, out) = run(
            home.path(),
            &[&base[..], &["--personal-words", words_arg, "-o", format]].concat(),
        );
        assert!(
            out.contains("personal") || out.contains("your"),
            "{format}: {out}"
        );
        for value in VALUES {
            assert!(!out.contains(value), "{format} output holds personal data");
        }
    }

    // A missing words file is a one-line error, exit 2.
    let (code, _, out) = run(
        home.path(),
        &[&base[..], &["--personal-words", "/nonexistent/words"]].concat(),
    );
    assert_eq!(code, 2, "{out}");
    assert_eq!(out.trim().lines().count(), 1, "{out}");
}

fn read(bytes: &[u8], format: Format) -> Vault {
    exports::read_export(bytes, format, None)
}

fn kinds(vault: &Vault) -> Vec<PersonalKind> {
    let mut kinds: Vec<PersonalKind> = vault.personal.iter().map(|p| p.kind).collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds
}

/// Identity items of the other formats that have them.
#[test]
fn identity_items_of_every_format() {
    use PersonalKind::*;
    let bitwarden = read(bitwarden_vault().as_bytes(), Format::BitwardenJson);
    assert_eq!(kinds(&bitwarden), [Name, Phone, PostalCode, Email]);
    assert_eq!(bitwarden.entries.len(), 5, "the identity is not an entry");

    let proton = r#"{"version":"1","userId":"u","encrypted":false,"vaults":{"s":{"name":"P","items":[
        {"itemId":"i","state":1,"data":{"type":"identity","metadata":{"name":"Me"},"content":{
            "fullName":"Tomoko Yamada","phoneNumber":"09012345678","birthdate":"1985-04-23",
            "zipOrPostalCode":"1000001","streetAddress":"Sakura 1-2","city":"Chiyoda"}}},
        {"itemId":"l","state":1,"data":{"type":"login","metadata":{"name":"L"},"content":{"password":"x-pw"}}}]}}}"#;
    let proton = read(proton.as_bytes(), Format::ProtonJson);
    assert_eq!(
        kinds(&proton),
        [Name, Phone, PostalCode, BirthDate, Address]
    );

    let onepux_data = r#"{"accounts":[{"vaults":[{"attrs":{"name":"V"},"items":[
        {"uuid":"i","categoryUuid":"004","details":{"sections":[{"fields":[
            {"id":"firstname","title":"first name","value":{"string":"Tomoko"}},
            {"id":"birthdate","title":"birth date","value":{"date":483105600}},
            {"id":"address","title":"address","value":{"address":{"street":"Sakura 1-2","city":"Chiyoda","zip":"1000001","country":"jp"}}},
            {"id":"cellphone","title":"cell","value":{"phone":"09012345678"}}]}]},
         "overview":{"title":"Me"}},
        {"uuid":"l","categoryUuid":"001","details":{"loginFields":[{"value":"x-pw","designation":"password"}]},"overview":{"title":"L"}}]}]}]}"#;
    let zip = exports::onepux_of(onepux_data);
    let onepux = read(&zip, Format::Onepassword1pux);
    assert_eq!(
        kinds(&onepux),
        [Name, Phone, PostalCode, BirthDate, Address]
    );
    assert!(
        onepux
            .personal
            .iter()
            .any(|p| p.kind == BirthDate && p.value.expose() == "1985-04-23"),
        "1PUX birth dates are Unix seconds"
    );

    let nordpass = "name,url,additional_urls,username,password,note,cardholdername,cardnumber,cvc,pin,expirydate,zipcode,folder,shared_folder,full_name,phone_number,email,address1,address2,city,country,state,type,custom_fields\n\
        Me,,,,,,,,,,,1000001,,,Tomoko Yamada,09012345678,t@example.com,Sakura 1-2,,Chiyoda,JP,,identity,\n\
        L,https://l.example,,u,x-pw,,,,,,,,,,,,,,,,,,password,\n";
    let nordpass = read(nordpass.as_bytes(), Format::NordpassCsv);
    assert_eq!(kinds(&nordpass), [Name, Phone, PostalCode, Address, Email]);
    assert_eq!(nordpass.entries.len(), 1);
}
