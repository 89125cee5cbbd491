//! One-time-password seeds in every reader (issue 12, "2FA available"): `Entry::has_totp` is
//! true wherever the export carries an OTP secret, and false where it does not, so the
//! 2fa-available finding never tells a user to turn on what is already on.
//!
//! Every input is generated here (no third-party files): per format, entries titled `with-*`
//! hold a seed, entries titled `without*` do not.

use credaudit::model::Format;
use credaudit::vault::Vault;

#[path = "support/exports.rs"]
mod exports;
#[path = "support/keepass_writer.rs"]
mod keepass_writer;

const SEED: &str = "JBSWY3DPEHPK3PXP";
const URI: &str = "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example";

use exports::read_export as read;

/// Every login entry's title and `has_totp`, checked against the title's promise.
fn check(label: &str, vault: &Vault, expected_logins: usize) {
    let logins: Vec<_> = vault.entries.iter().filter(|e| e.field.is_none()).collect();
    assert_eq!(logins.len(), expected_logins, "{label}: login count");
    for e in logins {
        let expected = e.title.starts_with("with-");
        assert_eq!(e.has_totp, expected, "{label}: {} has_totp", e.title);
    }
}

use exports::zip_of;

fn keepass_db() -> keepass_writer::Db {
    use keepass_writer::{Db, Group, Item};
    let mut root = Group::new(100, "Root");
    let mut add = |uuid: u128, title: &str, extra: &[(&str, &str)], protected: &[(&str, &str)]| {
        let mut item = Item::new(uuid, title, "alice", &format!("pw-{title}"));
        item.extra = extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        item.protected = protected
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        root.items.push(item);
    };
    add(1, "with-keepassxc-otp", &[], &[("otp", URI)]);
    add(
        2,
        "with-keeotp",
        &[("otp", "key=JBSWY3DPEHPK3PXP&step=30")],
        &[],
    );
    add(
        3,
        "with-keetraytotp",
        &[("TOTP Settings", "30;6")],
        &[("TOTP Seed", SEED)],
    );
    add(
        4,
        "with-keepass-247",
        &[("TimeOtp-Length", "6"), ("TimeOtp-Period", "30")],
        &[("TimeOtp-Secret-Base32", SEED)],
    );
    add(5, "with-hotp", &[], &[("HmacOtp-Secret-Hex", "3132333435")]);
    // Settings without a seed, or a blank seed, are no seed.
    add(
        6,
        "without-settings-only",
        &[("TOTP Settings", "30;6")],
        &[],
    );
    add(7, "without-blank-otp", &[("otp", "  ")], &[]);
    add(8, "without", &[("Notes", "otpauth is a word here")], &[]);
    Db {
        root,
        recycle_bin: None,
    }
}

#[test]
fn keepass_xml_and_kdbx() {
    let db = keepass_db();
    let xml = keepass_writer::export_xml(&db);
    check(
        "keepass-xml",
        &read(xml.as_bytes(), Format::KeepassXml, None),
        8,
    );
    let key = keepass_writer::Key {
        password: Some("otp"),
        key_file: None,
    };
    let kdbx4 = keepass_writer::kdbx4(
        &db,
        key,
        keepass_writer::Kdf4::Aes { rounds: 100 },
        0,
        "otp",
    );
    let vault = read(&kdbx4, Format::Kdbx, Some("otp"));
    check("kdbx4", &vault, 8);
    // OTP seeds and their settings are not hidden fields.
    assert!(vault.entries.iter().all(|e| e.field.is_none()));
    let kdbx3 = keepass_writer::kdbx3(&db, key, 100, "otp3");
    check("kdbx3", &read(&kdbx3, Format::Kdbx, Some("otp")), 8);
}

#[test]
fn csv_formats() {
    let cases: &[(Format, String)] = &[
        (
            Format::KeepassxcCsv,
            format!(
                "\"Group\",\"Title\",\"Username\",\"Password\",\"URL\",\"Notes\",\"TOTP\",\"Icon\",\"Last Modified\",\"Created\"\n\
                 \"Root\",\"with-a\",\"u\",\"p1\",\"\",\"\",\"{URI}\",\"0\",\"\",\"\"\n\
                 \"Root\",\"without\",\"u\",\"p2\",\"\",\"\",\"\",\"0\",\"\",\"\"\n"
            ),
        ),
        (
            Format::BitwardenCsv,
            format!(
                "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n\
                 ,,login,with-a,,,0,https://a.example,u,p1,{SEED}\n\
                 ,,login,without,,,0,https://b.example,u,p2,\n"
            ),
        ),
        (
            Format::OnepasswordCsv,
            format!(
                "Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes\n\
                 with-a,https://a.example,u,p1,{URI},false,false,,\n\
                 without,https://b.example,u,p2,,false,false,,\n"
            ),
        ),
        (
            Format::LastpassCsv,
            format!(
                "url,username,password,totp,extra,name,grouping,fav\n\
                 https://a.example,u,p1,{SEED},,with-a,,0\n\
                 https://b.example,u,p2,,,without,,0\n"
            ),
        ),
        (
            Format::AppleCsv,
            format!(
                "Title,URL,Username,Password,Notes,OTPAuth\n\
                 with-a,https://a.example,u,p1,,{URI}\n\
                 without,https://b.example,u,p2,,\n"
            ),
        ),
        (
            Format::DashlaneCsv,
            format!(
                "username,username2,username3,title,password,note,url,category,otpSecret\n\
                 u,,,with-a,p1,,https://a.example,,{SEED}\n\
                 u,,,without,p2,,https://b.example,,\n"
            ),
        ),
        (
            Format::DashlaneCsv,
            format!(
                "username,username2,username3,title,password,note,url,category,otpUrl\n\
                 u,,,with-a,p1,,https://a.example,,{URI}\n\
                 u,,,without,p2,,https://b.example,,\n"
            ),
        ),
        (
            Format::ProtonCsv,
            format!(
                "type,name,url,email,username,password,note,totp,createTime,modifyTime,vault\n\
                 login,with-a,https://a.example,,u,p1,,{URI},1700000000,1700000000,Personal\n\
                 login,without,https://b.example,,u,p2,,,1700000000,1700000000,Personal\n"
            ),
        ),
        // NordPass CSV has no OTP column: nothing to carry, and nothing claimed.
        (
            Format::NordpassCsv,
            "name,url,additional_urls,username,password,note,cardholdername,cardnumber,cvc,pin,expirydate,zipcode,folder,shared_folder,full_name,phone_number,email,address1,address2,city,country,state,type,custom_fields\n\
             without,https://a.example,,u,p1,,,,,,,,,,,,,,,,,,password,\n"
                .to_owned(),
        ),
    ];
    for (format, text) in cases {
        let vault = read(text.as_bytes(), *format, None);
        let expected = text.lines().count() - 1;
        check(format.name(), &vault, expected);
    }
}

#[test]
fn bitwarden_json() {
    let json = format!(
        r#"{{"encrypted":false,"folders":[],"items":[
        {{"id":"1","type":1,"name":"with-uri","login":{{"username":"u","password":"p1","totp":"{URI}"}}}},
        {{"id":"2","type":1,"name":"with-bare-secret","login":{{"username":"u","password":"p2","totp":"{SEED}"}}}},
        {{"id":"3","type":1,"name":"without-null","login":{{"username":"u","password":"p3","totp":null}}}},
        {{"id":"4","type":1,"name":"without","login":{{"username":"u","password":"p4"}}}}]}}"#
    );
    check(
        "bitwarden-json",
        &read(json.as_bytes(), Format::BitwardenJson, None),
        4,
    );
}

#[test]
fn onepassword_1pux() {
    let item = |uuid: &str, title: &str, sections: &str| {
        format!(
            r#"{{"uuid":"{uuid}","createdAt":1700000000,"updatedAt":1700000000,"state":"active","categoryUuid":"001",
            "details":{{"loginFields":[{{"value":"u","designation":"username"}},{{"value":"pw-{uuid}","designation":"password","fieldType":"P"}}],
            "sections":[{sections}]}},"overview":{{"title":"{title}","url":"https://{uuid}.example"}}}}"#
        )
    };
    let items = [
        item(
            "a",
            "with-totp-section",
            &format!(
                r#"{{"title":"","fields":[{{"title":"one-time password","id":"TOTP_8F2A","value":{{"totp":"{URI}"}}}}]}}"#
            ),
        ),
        item(
            "b",
            "with-bare-seed",
            &format!(r#"{{"fields":[{{"title":"otp","id":"x","value":{{"totp":"{SEED}"}}}}]}}"#),
        ),
        item(
            "c",
            "without",
            r#"{"fields":[{"title":"note","id":"y","value":{"string":"totp"}}]}"#,
        ),
    ];
    let data = format!(
        r#"{{"accounts":[{{"attrs":{{"name":"me"}},"vaults":[{{"attrs":{{"name":"Private"}},"items":[{}]}}]}}]}}"#,
        items.join(",")
    );
    let attributes =
        br#"{"version":3,"description":"1Password Unencrypted Export","timestamp":1700000000}"#;
    let zip = zip_of(&[
        ("export.attributes", attributes.as_slice()),
        ("export.data", data.as_bytes()),
    ]);
    check("1pux", &read(&zip, Format::Onepassword1pux, None), 3);
}

#[test]
fn proton_json() {
    let item = |id: &str, title: &str, content_totp: &str, extra: &str| {
        format!(
            r#"{{"itemId":"{id}","state":1,"createTime":1700000000,"modifyTime":1700000000,
            "data":{{"type":"login","metadata":{{"name":"{title}"}},"extraFields":[{extra}],
            "content":{{"itemUsername":"u","password":"pw-{id}","urls":[],"totpUri":"{content_totp}"}}}}}}"#
        )
    };
    let items = [
        item("a", "with-content-uri", URI, ""),
        item(
            "b",
            "with-extra-field",
            "",
            &format!(r#"{{"fieldName":"2FA","type":"totp","data":{{"totpUri":"{URI}"}}}}"#),
        ),
        item("c", "without", "", ""),
    ];
    let json = format!(
        r#"{{"version":"1.21.2","userId":"u","encrypted":false,"vaults":{{"s1":{{"name":"Personal","items":[{}]}}}}}}"#,
        items.join(",")
    );
    check(
        "proton-json",
        &read(json.as_bytes(), Format::ProtonJson, None),
        3,
    );
}

#[test]
fn enpass_json() {
    let json = format!(
        r#"{{"folders":[],"items":[
        {{"uuid":"a","title":"with-totp","category":"login","fields":[
            {{"type":"username","value":"u","deleted":0}},{{"type":"password","value":"p1","deleted":0}},
            {{"type":"totp","label":"One-time code","value":"JBSW Y3DP EHPK 3PXP","deleted":0}}]}},
        {{"uuid":"b","title":"without-deleted","category":"login","fields":[
            {{"type":"password","value":"p2","deleted":0}},{{"type":"totp","value":"{SEED}","deleted":1}}]}},
        {{"uuid":"c","title":"without","category":"login","fields":[
            {{"type":"password","value":"p3","deleted":0}},{{"type":"totp","value":"","deleted":0}}]}}]}}"#
    );
    check(
        "enpass-json",
        &read(json.as_bytes(), Format::EnpassJson, None),
        3,
    );
}
