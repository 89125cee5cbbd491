//! 1Password 1PUX `export.data` (the JSON document inside the 1PUX zip).
//!
//! Logins (category 001) take their username and password from `loginFields` by designation;
//! Passwords (005) from `details.password`; Database (102), Wireless Router (109), Server (110)
//! and Email Account (111) items from their concealed section field whose id or title says
//! "password". Every other category is not a login.
//!
//! `overview.watchtowerExclusions` turning off the reused, weak or compromised check marks the
//! entry as excluded from reports (the closest equivalent of KeePassXC's exclude flag).

use super::lenient::{Flag, List, Num, Text};
use super::{UniqueIds, history, parse};
use crate::model::{Entry, PersonalItem, PersonalKind, SkipReason};
use crate::secret::Secret;
use crate::vault::{FormatError, VaultBuilder};
use serde::Deserialize;

const WHAT: &str = "1Password export.data";

#[derive(Deserialize, Default)]
#[serde(default)]
struct Export {
    accounts: List<Account>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Account {
    vaults: List<Vault>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Vault {
    attrs: Option<Attrs>,
    items: List<Item>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Attrs {
    name: Text,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Item {
    uuid: Text,
    created_at: Num,
    updated_at: Num,
    state: Text,
    trashed: Flag,
    category_uuid: Text,
    details: Option<Details>,
    overview: Option<Overview>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Details {
    login_fields: List<LoginField>,
    password: Text,
    sections: List<Section>,
    password_history: List<Past>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct LoginField {
    value: Text,
    field_type: Text,
    designation: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Section {
    fields: List<Field>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Field {
    title: Text,
    id: Text,
    value: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Value {
    concealed: Text,
    string: Text,
    totp: Text,
    phone: Text,
    /// Unix seconds (birth dates).
    date: Num,
    /// `{email_address, provider}` in newer exports.
    email: Option<serde_json::Value>,
    /// `{street, city, country, zip, state}`.
    address: Option<serde_json::Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Past {
    value: Text,
    time: Num,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Overview {
    title: Text,
    url: Text,
    urls: List<Url>,
    watchtower_exclusions: Option<serde_json::Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Url {
    url: Text,
}

/// Categories whose secret lives in a concealed "password" section field.
const SECTION_PASSWORD_CATEGORIES: &[&str] = &["102", "109", "110", "111"];

pub(crate) fn read(bytes: &[u8], builder: &mut VaultBuilder) -> Result<(), FormatError> {
    let export: Export = parse(bytes, WHAT)?;
    let accounts = export.accounts.require(WHAT, "accounts")?;
    let mut ids = UniqueIds::default();
    for account in accounts {
        for vault in account.vaults.0 {
            let group: Vec<String> = vault
                .attrs
                .as_ref()
                .and_then(|a| a.name.get())
                .map(str::to_owned)
                .into_iter()
                .collect();
            for item in vault.items.0 {
                add_item(item, &group, &mut ids, builder);
            }
        }
    }
    Ok(())
}

fn add_item(item: Item, group: &[String], ids: &mut UniqueIds, builder: &mut VaultBuilder) {
    let category = item.category_uuid.or_empty();
    let mut details = item.details.unwrap_or_default();
    let fields = || details_fields(&details.sections);
    let (username, password) = match category {
        "001" => {
            let by = |designation: &str| {
                details
                    .login_fields
                    .iter()
                    .position(|f| f.designation.get() == Some(designation))
            };
            let pw = by("password").or_else(|| {
                details
                    .login_fields
                    .iter()
                    .position(|f| f.field_type.get() == Some("P"))
            });
            let user = by("username")
                .and_then(|i| details.login_fields.0.get(i))
                .map(|f| f.value.or_empty().to_owned())
                .unwrap_or_default();
            let pw = pw
                .and_then(|i| details.login_fields.0.get_mut(i))
                .map(|f| f.value.take())
                .unwrap_or_default();
            (user, pw)
        }
        "005" => (String::new(), details.password.take()),
        c if SECTION_PASSWORD_CATEGORIES.contains(&c) => {
            let user = fields()
                .find(|f| {
                    names(f, "username")
                        && f.value.as_ref().is_some_and(|v| v.string.get().is_some())
                })
                .and_then(|f| f.value.as_ref()?.string.get().map(str::to_owned))
                .unwrap_or_default();
            let pw = details
                .sections
                .0
                .iter_mut()
                .flat_map(|s| s.fields.0.iter_mut())
                .filter(|f| names(f, "password"))
                .find_map(|f| {
                    let v = f.value.as_mut()?;
                    v.concealed.get()?;
                    Some(v.concealed.take())
                })
                .unwrap_or_default();
            (user, pw)
        }
        IDENTITY => {
            for personal in identity_items(&details.sections) {
                builder.personal(personal);
            }
            builder.skip(SkipReason::NotALogin);
            return;
        }
        _ => {
            builder.skip(SkipReason::NotALogin);
            return;
        }
    };
    // Concealed section fields left after the password was taken out: secrets of their own.
    let hidden: Vec<(String, Secret)> = details
        .sections
        .0
        .iter_mut()
        .flat_map(|s| s.fields.0.iter_mut())
        .filter_map(|f| {
            let value = f.value.as_mut()?;
            value.concealed.get()?;
            let name = f.title.get().or(f.id.get()).unwrap_or("field").to_owned();
            Some((name, Secret::new(value.concealed.take())))
        })
        .collect();
    let has_totp = details_fields(&details.sections)
        .any(|f| f.value.as_ref().is_some_and(|v| v.totp.get().is_some()));
    let past = history(
        &password,
        details
            .password_history
            .0
            .iter_mut()
            .map(|p| (p.value.take(), p.time.unix_time())),
    );
    let overview = item.overview.unwrap_or_default();
    let mut urls: Vec<String> = overview
        .urls
        .iter()
        .filter_map(|u| u.url.get().map(str::to_owned))
        .collect();
    if let Some(main) = overview.url.get()
        && !urls.iter().any(|u| u == main)
    {
        urls.insert(0, main.to_owned());
    }
    let state = item.state.or_empty();
    let entry = Entry {
        id: ids.id(item.uuid.or_empty()),
        group: group.to_vec(),
        title: overview.title.or_empty().to_owned(),
        username,
        urls,
        password: Secret::new(password),
        has_totp,
        created: item.created_at.unix_time(),
        modified: item.updated_at.unix_time(),
        password_changed: None,
        history: past,
        excluded: excludes_checks(overview.watchtower_exclusions.as_ref()),
        recycled: item.trashed.is_true() || matches!(state, "archived" | "trashed" | "deleted"),
        ..Entry::default()
    };
    builder.push_with_fields(entry, hidden);
}

/// 1Password's category of identity items.
const IDENTITY: &str = "004";

/// The user's own data in an identity item's section fields, by field id (`firstname`,
/// `birthdate`, `address`, `cellphone`, ...).
fn identity_items(sections: &List<Section>) -> Vec<PersonalItem> {
    use PersonalKind::*;
    let mut out = Vec::new();
    let mut push = |kind: PersonalKind, value: &str| {
        if !value.trim().is_empty() {
            out.push(PersonalItem::new(kind, value));
        }
    };
    for field in details_fields(sections) {
        let Some(value) = field.value.as_ref() else {
            continue;
        };
        let id = field.id.or_empty().to_ascii_lowercase();
        if let Some(phone) = value.phone.get() {
            push(Phone, phone);
        }
        if let Some(born) = value.date.unix_time().filter(|_| id.contains("birth")) {
            push(BirthDate, &born.format("%Y-%m-%d").to_string());
        }
        if let Some(serde_json::Value::Object(address)) = &value.address {
            for (key, part) in address {
                if let Some(text) = part.as_str() {
                    let kind = if key == "zip" { PostalCode } else { Address };
                    if key != "country" {
                        push(kind, text);
                    }
                }
            }
        }
        match &value.email {
            Some(serde_json::Value::Object(email)) => {
                if let Some(text) = email.get("email_address").and_then(|v| v.as_str()) {
                    push(Email, text);
                }
            }
            Some(serde_json::Value::String(text)) => push(Email, text),
            _ => {}
        }
        let Some(text) = value.string.get() else {
            continue;
        };
        match id.as_str() {
            "firstname" | "lastname" | "initial" | "username" => push(Name, text),
            "email" => push(Email, text),
            _ => {}
        }
    }
    out
}

fn details_fields(sections: &List<Section>) -> impl Iterator<Item = &Field> {
    sections.iter().flat_map(|s| s.fields.iter())
}

/// True when the field's id or title mentions `word` (case-insensitive).
fn names(field: &Field, word: &str) -> bool {
    [&field.id, &field.title]
        .iter()
        .any(|t| t.or_empty().to_ascii_lowercase().contains(word))
}

/// Whether Watchtower exclusions switch off a password check (reused, weak, compromised...).
/// Accepts the object form (`{"reused": true}`) and a list of check names.
fn excludes_checks(value: Option<&serde_json::Value>) -> bool {
    const CHECKS: &[&str] = &["reused", "weak", "compromised", "vulnerable", "all"];
    let truthy = |v: &serde_json::Value| match v {
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::Number(n) => n.as_f64().is_some_and(|x| x != 0.0),
        serde_json::Value::String(s) => !s.is_empty() && s != "false",
        serde_json::Value::Array(a) => !a.is_empty(),
        serde_json::Value::Object(o) => !o.is_empty(),
        serde_json::Value::Null => false,
    };
    match value {
        Some(serde_json::Value::Object(map)) => map
            .iter()
            .any(|(k, v)| CHECKS.iter().any(|c| k.eq_ignore_ascii_case(c)) && truthy(v)),
        Some(serde_json::Value::Array(list)) => list.iter().any(|v| {
            v.as_str()
                .is_some_and(|s| CHECKS.iter().any(|c| s.eq_ignore_ascii_case(c)))
        }),
        _ => false,
    }
}
