//! Proton Pass JSON export (`data.json`, bare or inside the export zip).

use super::lenient::{Flag, List, Num, Ordered, Text};
use super::{UniqueIds, parse};
use crate::model::{Entry, PersonalItem, PersonalKind, SkipReason};
use crate::secret::Secret;
use crate::vault::{FormatError, VaultBuilder};
use serde::Deserialize;

const WHAT: &str = "Proton Pass JSON";

#[derive(Deserialize, Default)]
#[serde(default)]
struct Export {
    encrypted: Flag,
    vaults: Option<Ordered<Vault>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Vault {
    name: Text,
    items: List<Item>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Item {
    item_id: Text,
    state: Num,
    create_time: Num,
    modify_time: Num,
    data: Option<Data>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Data {
    #[serde(rename = "type")]
    kind: Text,
    metadata: Option<Metadata>,
    content: Option<Content>,
    extra_fields: List<Extra>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Metadata {
    name: Text,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Content {
    item_username: Text,
    item_email: Text,
    username: Text,
    password: Text,
    urls: List<Text>,
    totp_uri: Text,
    // Identity items: the user's own data, for the personal-data check.
    full_name: Text,
    first_name: Text,
    middle_name: Text,
    last_name: Text,
    birthdate: Text,
    email: Text,
    phone_number: Text,
    second_phone_number: Text,
    street_address: Text,
    zip_or_postal_code: Text,
    city: Text,
    social_security_number: Text,
    passport_number: Text,
    license_number: Text,
}

impl Content {
    /// An identity item's values by kind.
    fn personal_items(&mut self) -> Vec<PersonalItem> {
        use PersonalKind::*;
        let mut out = Vec::new();
        for (kind, text) in [
            (Name, &mut self.full_name),
            (Name, &mut self.first_name),
            (Name, &mut self.middle_name),
            (Name, &mut self.last_name),
            (BirthDate, &mut self.birthdate),
            (Email, &mut self.email),
            (Phone, &mut self.phone_number),
            (Phone, &mut self.second_phone_number),
            (Address, &mut self.street_address),
            (PostalCode, &mut self.zip_or_postal_code),
            (Address, &mut self.city),
            (IdNumber, &mut self.social_security_number),
            (IdNumber, &mut self.passport_number),
            (IdNumber, &mut self.license_number),
        ] {
            if text.get().is_some() {
                out.push(PersonalItem::new(kind, text.take()));
            }
        }
        out
    }
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Extra {
    field_name: Text,
    #[serde(rename = "type")]
    kind: Text,
    data: Option<ExtraData>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct ExtraData {
    totp_uri: Text,
    content: Text,
}

/// Proton's item state for "in the trash".
const TRASHED: i64 = 2;

pub(super) fn read(bytes: &[u8], builder: &mut VaultBuilder) -> Result<(), FormatError> {
    let export: Export = parse(bytes, WHAT)?;
    if export.encrypted.is_true() {
        return Err(FormatError::Unsupported(
            "encrypted Proton Pass export: export again without a passphrase (unencrypted JSON)"
                .to_owned(),
        ));
    }
    let Some(vaults) = export.vaults else {
        return Err(FormatError::Invalid(format!(
            "{WHAT}: no vaults object (not a Proton Pass export?)"
        )));
    };
    let mut ids = UniqueIds::default();
    for (_share_id, vault) in vaults.0 {
        let group: Vec<String> = vault.name.get().map(str::to_owned).into_iter().collect();
        for item in vault.items.0 {
            let Some(mut data) = item.data else {
                builder.skip(SkipReason::NotALogin);
                continue;
            };
            if data.kind.get() == Some("identity")
                && let Some(content) = data.content.as_mut()
            {
                for personal in content.personal_items() {
                    builder.personal(personal);
                }
            }
            if data.kind.get() != Some("login") {
                builder.skip(SkipReason::NotALogin);
                continue;
            }
            let mut content = data.content.unwrap_or_default();
            let username = content
                .item_username
                .get()
                .or(content.item_email.get())
                .or(content.username.get())
                .unwrap_or("")
                .to_owned();
            let has_totp = content.totp_uri.get().is_some()
                || data.extra_fields.iter().any(|f| {
                    f.kind.get() == Some("totp")
                        && f.data.as_ref().is_some_and(|d| d.totp_uri.get().is_some())
                });
            let hidden: Vec<(String, Secret)> = data
                .extra_fields
                .0
                .iter_mut()
                .filter(|f| f.kind.get() == Some("hidden"))
                .filter_map(|f| {
                    let content = f.data.as_mut()?.content.take();
                    Some((f.field_name.or_empty().to_owned(), Secret::new(content)))
                })
                .collect();
            let entry = Entry {
                id: ids.id(item.item_id.or_empty()),
                group: group.clone(),
                title: data
                    .metadata
                    .as_ref()
                    .map(|m| m.name.or_empty().to_owned())
                    .unwrap_or_default(),
                username,
                urls: content
                    .urls
                    .iter()
                    .filter_map(|u| u.get().map(str::to_owned))
                    .collect(),
                password: Secret::new(content.password.take()),
                has_totp,
                created: item.create_time.unix_time(),
                modified: item.modify_time.unix_time(),
                recycled: item.state.int() == Some(TRASHED),
                ..Entry::default()
            };
            builder.push_with_fields(entry, hidden);
        }
    }
    Ok(())
}
