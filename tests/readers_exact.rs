//! Byte-exact values in every reader (issue 11): a password, username and URL with leading,
//! trailing and inner spaces, tabs and newlines read back exactly as written, in every CSV
//! and JSON export, the KeePass XML export and KDBX 3.1 and 4, with passwords protected and
//! with memory protection off (plain `<Value>` text); and the same values when a CSV export
//! is streamed from a file rather than read from memory.

#[path = "support/exports.rs"]
mod exports;
#[path = "support/keepass_writer.rs"]
mod keepass_writer;

use credaudit::model::Format;
use credaudit::secret::Secret;
use credaudit::vault::{Input, Limits, ReadOptions, Vault, read_bytes, read_limited};

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
    exports::onepux_of(&data)
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
        // Memory protection off: the password is plain `<Value>` text inside the payload.
        (
            Format::Kdbx,
            keepass_writer::kdbx3_with(
                &db,
                key,
                1_000,
                "exact3-plain",
                &keepass_writer::Kdbx3Quirks {
                    unprotected: true,
                    ..Default::default()
                },
            ),
        ),
        (
            Format::Kdbx,
            keepass_writer::kdbx4_with(
                &db,
                key,
                keepass_writer::Kdf4::Aes { rounds: 1_000 },
                1,
                "exact4-plain",
                true,
            ),
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

fn options<'a>(
    password: &'a mut dyn FnMut(&str) -> Result<Option<Secret>, credaudit::vault::FormatError>,
) -> ReadOptions<'a> {
    ReadOptions {
        format: None,
        key_file: None,
        password,
        include_recycled: false,
    }
}

/// An entry's id, title, password, URLs and group.
type EntrySummary = (String, String, String, Vec<String>, Vec<String>);

/// What a reader made of each entry, compared between the two paths.
fn summary(vault: &Vault) -> Vec<EntrySummary> {
    vault
        .entries
        .iter()
        .map(|e| {
            (
                e.id.0.clone(),
                e.title.clone(),
                e.password.expose().to_owned(),
                e.urls.clone(),
                e.group.clone(),
            )
        })
        .collect()
}

/// A CSV export is streamed from a file (detected from its first 64 KiB, rows mapped as they
/// come): the same entries and values as the in-memory reader, for every CSV format, with a
/// file far larger than the first chunk and a byte-order mark in front.
#[test]
fn csv_exports_streamed_from_a_file_read_as_from_memory() {
    let dir = tempfile::tempdir().expect("dir");
    let mut no_password = |_: &str| Ok(None);
    let mut checked = 0;
    for (format, bytes) in cases() {
        if !format.name().ends_with("-csv") {
            continue;
        }
        let text = String::from_utf8(bytes).expect("utf-8");
        let (header, row) = text.split_once('\n').expect("header line");
        let big = format!("\u{feff}{header}\r\n{}", row.repeat(6_000));
        assert!(
            big.len() > 4 * (64 << 10),
            "{format}: crosses the first chunk"
        );
        let path = dir.path().join(format!("{}.csv", format.name()));
        std::fs::write(&path, &big).expect("write");

        let in_memory = read_bytes("x", big.as_bytes(), 0, &mut options(&mut no_password))
            .expect("reads from memory");
        let streamed = read_limited(
            &Input::Path(path),
            0,
            &mut options(&mut no_password),
            &Limits::default(),
        )
        .unwrap_or_else(|e| panic!("{format}: {e}"));
        assert_eq!(streamed.format, format);
        assert_eq!(streamed.entries.len(), 6_000, "{format}");
        assert_eq!(streamed.skipped, in_memory.skipped, "{format}");
        assert!(
            summary(&streamed) == summary(&in_memory),
            "{format}: streamed entries differ"
        );
        assert_eq!(streamed.entries[5_999].password.expose(), PASSWORD);
        assert_eq!(streamed.entries[5_999].username, USERNAME);
        checked += 1;
    }
    assert_eq!(checked, 11, "every CSV format");
}

/// A CSV whose header does not end within the first 64 KiB is read whole (the detection
/// needs the whole header), and still reads; a malformed row past the first chunk is the
/// same one-line error with its line number as from memory.
#[test]
fn csv_streaming_falls_back_and_fails_like_the_in_memory_reader() {
    let dir = tempfile::tempdir().expect("dir");
    let mut no_password = |_: &str| Ok(None);
    let long_header = format!(
        "type,name,login_uri,login_username,login_password,{}\n",
        "x".repeat(70 << 10)
    );
    let text = format!("{long_header}login,T,https://a.example,u,{}\n", q(PASSWORD));
    let path = dir.path().join("long-header.csv");
    std::fs::write(&path, &text).expect("write");
    let vault = read_limited(
        &Input::Path(path),
        0,
        &mut options(&mut no_password),
        &Limits::default(),
    )
    .expect("reads whole");
    assert_eq!(vault.format, Format::BitwardenCsv);
    assert_eq!(vault.entries.len(), 1);
    assert_eq!(vault.entries[0].password.expose(), PASSWORD);

    let mut bad = b"name,url,username,password\n".to_vec();
    bad.extend("T,https://a.example,u,pw-123456\n".repeat(4_000).bytes());
    bad.extend(b"T,https://a.example,u,\xff\xfe\n");
    let in_memory = read_bytes("bad", &bad, 0, &mut options(&mut no_password))
        .expect_err("invalid UTF-8")
        .to_string();
    assert!(in_memory.contains("line 4002"), "{in_memory}");
    let path = dir.path().join("bad.csv");
    std::fs::write(&path, &bad).expect("write");
    let streamed = read_limited(
        &Input::Path(path),
        0,
        &mut options(&mut no_password),
        &Limits::default(),
    )
    .expect_err("invalid UTF-8")
    .to_string();
    assert!(streamed.ends_with(&in_memory), "{streamed} / {in_memory}");
}
