//! Byte-exact values in every reader (issue 11): a password, username and URL with leading,
//! trailing and inner spaces, tabs and newlines read back exactly as written, in every CSV
//! and JSON export, the KeePass XML export and KDBX (protected values; unprotected values
//! go through the same XML reader, `src/vault/keepass/xml.rs` unit tests).

#[path = "support/keepass_writer.rs"]
mod keepass_writer;

use credaudit::model::Format;
use credaudit::secret::Secret;
use credaudit::vault::{ReadOptions, read_bytes};
use std::io::Write;

const PASSWORD: &str = " pa ss\tw\nrd ";
const USERNAME: &str = "  al ice\t";
const URL: &str = " https://site.example/login ";

/// A CSV cell, quoted.
fn q(value: &str) -> String {
    format!("\"{}\"", value.replace('"', "\"\""))
}

/// A JSON string.
fn j(value: &str) -> String {
    serde_json::to_string(value).expect("json string")
}

fn csv(header: &str, cells: &[&str]) -> Vec<u8> {
    let row: Vec<String> = cells.iter().map(|c| q(c)).collect();
    format!("{header}\n{}\n", row.join(",")).into_bytes()
}

fn onepux() -> Vec<u8> {
    let data = format!(
        r#"{{"accounts":[{{"attrs":{{}},"vaults":[{{"attrs":{{"name":"Private"}},"items":[{{"uuid":"op1","state":"active","categoryUuid":"001","overview":{{"title":"T","url":{URL}}},"details":{{"loginFields":[{{"designation":"username","value":{USERNAME}}},{{"designation":"password","value":{PASSWORD}}}]}}}}]}}]}}]}}"#,
        URL = j(URL),
        USERNAME = j(USERNAME),
        PASSWORD = j(PASSWORD)
    );
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, body) in [
        ("export.attributes", &br#"{"version":3}"#[..]),
        ("export.data", data.as_bytes()),
    ] {
        w.start_file(name, opts).expect("zip member");
        w.write_all(body).expect("zip write");
    }
    w.finish().expect("zip").into_inner()
}

fn cases() -> Vec<(Format, Vec<u8>)> {
    let (p, u, w) = (PASSWORD, USERNAME, URL);
    let mut db_item = keepass_writer::Item::new(1, "T", u, p);
    db_item.url = w.to_owned();
    let mut root = keepass_writer::Group::new(100, "Root");
    root.items = vec![db_item];
    let db = keepass_writer::Db {
        root,
        recycle_bin: None,
    };
    let key = keepass_writer::Key {
        password: Some(keepass_writer::WRITER_PASSWORD),
        key_file: None,
    };
    vec![
        (
            Format::KeepassxcCsv,
            csv(
                r#""Group","Title","Username","Password","URL","Notes""#,
                &["Root", "T", u, p, w, ""],
            ),
        ),
        (
            Format::Keepass1Csv,
            csv(
                r#""Account","Login Name","Password","Web Site","Comments""#,
                &["T", u, p, w, ""],
            ),
        ),
        (
            Format::BitwardenCsv,
            csv(
                "folder,favorite,type,name,notes,fields,login_uri,login_username,login_password,login_totp",
                &["", "", "login", "T", "", "", w, u, p, ""],
            ),
        ),
        (
            Format::OnepasswordCsv,
            csv("Title,Url,Username,Password,OTPAuth,Archived", &["T", w, u, p, "", "false"]),
        ),
        (
            Format::LastpassCsv,
            csv("url,username,password,totp,extra,name,grouping,fav", &[w, u, p, "", "", "T", "", "0"]),
        ),
        (Format::ChromeCsv, csv("name,url,username,password,note", &["T", w, u, p, ""])),
        (
            Format::FirefoxCsv,
            csv(
                "url,username,password,httpRealm,formActionOrigin,guid,timeCreated,timeLastUsed,timePasswordChanged",
                &[w, u, p, "", "", "{g}", "1", "1", "1"],
            ),
        ),
        (
            Format::AppleCsv,
            csv("Title,URL,Username,Password,Notes,OTPAuth", &["T", w, u, p, "", ""]),
        ),
        (
            Format::DashlaneCsv,
            csv(
                "username,username2,username3,title,password,note,url,category,otpSecret",
                &[u, "", "", "T", p, "", w, "", ""],
            ),
        ),
        (
            Format::ProtonCsv,
            csv(
                "type,name,url,email,username,password,note,totp,createTime,modifyTime,vault",
                &["login", "T", w, "", u, p, "", "", "1", "2", "V"],
            ),
        ),
        (
            Format::NordpassCsv,
            csv(
                "name,url,additional_urls,username,password,note,cardholdername,folder,type",
                &["T", w, "", u, p, "", "", "", "password"],
            ),
        ),
        (
            Format::BitwardenJson,
            format!(
                r#"{{"encrypted":false,"folders":[],"items":[{{"id":"a","type":1,"name":"T","login":{{"username":{},"password":{},"uris":[{{"uri":{}}}]}}}}]}}"#,
                j(u),
                j(p),
                j(w)
            )
            .into_bytes(),
        ),
        (
            Format::ProtonJson,
            format!(
                r#"{{"version":"1.21.2","userId":"u","encrypted":false,"vaults":{{"v":{{"name":"V","items":[{{"itemId":"i","state":1,"data":{{"type":"login","metadata":{{"name":"T"}},"content":{{"itemUsername":{},"password":{},"urls":[{}]}}}}}}]}}}}}}"#,
                j(u),
                j(p),
                j(w)
            )
            .into_bytes(),
        ),
        (
            Format::EnpassJson,
            format!(
                r#"{{"folders":[],"items":[{{"uuid":"x","title":"T","category":"login","template_type":"login.default","fields":[{{"type":"username","value":{}}},{{"type":"password","value":{}}},{{"type":"url","value":{}}}]}}]}}"#,
                j(u),
                j(p),
                j(w)
            )
            .into_bytes(),
        ),
        (Format::Onepassword1pux, onepux()),
        (
            Format::KeepassXml,
            keepass_writer::export_xml(&db).into_bytes(),
        ),
        (Format::Kdbx, keepass_writer::kdbx3(&db, key, 1_000, "exact3")),
        (
            Format::Kdbx,
            keepass_writer::kdbx4(&db, key, keepass_writer::Kdf4::Aes { rounds: 1_000 }, 0, "exact4"),
        ),
    ]
}

#[test]
fn every_reader_keeps_passwords_usernames_and_urls_byte_exact() {
    let mut failures = Vec::new();
    for (format, bytes) in cases() {
        let mut password = |_: &str| {
            Ok(Some(Secret::new(
                keepass_writer::WRITER_PASSWORD.to_owned(),
            )))
        };
        let mut options = ReadOptions {
            format: None,
            key_file: None,
            password: &mut password,
            include_recycled: false,
        };
        let vault = match read_bytes("exact", &bytes, 0, &mut options) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{}: {e}", format.name()));
                continue;
            }
        };
        assert_eq!(vault.format, format, "detected");
        let [entry] = vault.entries.as_slice() else {
            failures.push(format!(
                "{}: {} entries",
                format.name(),
                vault.entries.len()
            ));
            continue;
        };
        let got = (
            entry.password.expose(),
            entry.username.as_str(),
            entry.urls.first().map(String::as_str),
        );
        if got != (PASSWORD, USERNAME, Some(URL)) {
            failures.push(format!("{}: {got:?}", format.name()));
        }
    }
    assert!(
        failures.is_empty(),
        "not byte-exact:\n{}",
        failures.join("\n")
    );
}
