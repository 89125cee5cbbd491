//! Bitwarden JSON exports: unencrypted (personal and organization, with or without the
//! `encrypted` key), password-protected (decrypted offline), and the account-restricted
//! encrypted kind (refused with what to do instead).

use super::lenient::{Flag, List, Num, Text, iso_time};
use super::{UniqueIds, folder_path, history, parse};
use crate::model::{Entry, PersonalItem, PersonalKind, SkipReason};
use crate::secret::Secret;
use crate::vault::bitwarden_crypto::{self, DecryptError, Kdf};
use crate::vault::{FormatError, ReadOptions, VaultBuilder};
use serde::Deserialize;
use std::collections::HashMap;

const WHAT: &str = "Bitwarden JSON";
const PROTECTED: &str = "password-protected Bitwarden export";

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Export {
    encrypted: Flag,
    password_protected: Flag,
    salt: Text,
    kdf_type: Num,
    kdf_iterations: Num,
    kdf_memory: Num,
    kdf_parallelism: Num,
    #[serde(rename = "encKeyValidation_DO_NOT_EDIT")]
    enc_key_validation: Text,
    data: Text,
    folders: List<Named>,
    collections: List<Named>,
    items: List<Item>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Named {
    id: Text,
    name: Text,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Item {
    id: Text,
    #[serde(rename = "type")]
    kind: Num,
    name: Text,
    folder_id: Text,
    collection_ids: List<Text>,
    creation_date: Text,
    revision_date: Text,
    deleted_date: Text,
    login: Option<Login>,
    password_history: List<Past>,
    fields: List<CustomField>,
    identity: Option<Identity>,
}

/// A custom field: `type` 0 text, 1 hidden, 2 boolean, 3 linked.
#[derive(Deserialize, Default)]
#[serde(default)]
struct CustomField {
    name: Text,
    value: Text,
    #[serde(rename = "type")]
    kind: Num,
}

/// Bitwarden's field type for a hidden (masked) custom field.
const HIDDEN_FIELD: i64 = 1;

/// An identity item (`type` 4): the user's own data, for the personal-data check.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Identity {
    first_name: Text,
    middle_name: Text,
    last_name: Text,
    address1: Text,
    address2: Text,
    address3: Text,
    city: Text,
    postal_code: Text,
    email: Text,
    phone: Text,
    ssn: Text,
    username: Text,
    passport_number: Text,
    license_number: Text,
}

impl Identity {
    /// The identity's values by kind.
    fn items(&mut self) -> Vec<PersonalItem> {
        use PersonalKind::*;
        let mut out = Vec::new();
        for (kind, text) in [
            (Name, &mut self.first_name),
            (Name, &mut self.middle_name),
            (Name, &mut self.last_name),
            (Address, &mut self.address1),
            (Address, &mut self.address2),
            (Address, &mut self.address3),
            (Address, &mut self.city),
            (PostalCode, &mut self.postal_code),
            (Email, &mut self.email),
            (Phone, &mut self.phone),
            (IdNumber, &mut self.ssn),
            (Name, &mut self.username),
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
struct Login {
    uris: List<Uri>,
    username: Text,
    password: Text,
    totp: Text,
    password_revision_date: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Uri {
    uri: Text,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Past {
    last_used_date: Text,
    password: Text,
}

/// Reads an export of any kind; asks for the file password only when the export has one.
pub(super) fn read(
    name: &str,
    bytes: &[u8],
    options: &mut ReadOptions<'_>,
    builder: &mut VaultBuilder,
) -> Result<(), FormatError> {
    let export: Export = parse(bytes, WHAT)?;
    if !export.encrypted.is_true() {
        return add_items(export, builder);
    }
    if !export.password_protected.is_true() {
        return Err(account_encrypted());
    }
    let plaintext = decrypt_export(name, &export, options)?;
    drop(export);
    let inner: Export = parse(&plaintext, "decrypted Bitwarden export")?;
    if inner.encrypted.is_true() {
        return Err(FormatError::Invalid(
            "decrypted Bitwarden export is itself encrypted".to_owned(),
        ));
    }
    add_items(inner, builder)
}

/// Reads an export that must not need a password (found inside a zip).
pub(super) fn read_plain(bytes: &[u8], builder: &mut VaultBuilder) -> Result<(), FormatError> {
    let export: Export = parse(bytes, WHAT)?;
    if export.encrypted.is_true() {
        if export.password_protected.is_true() {
            return Err(FormatError::PasswordRequired(
                "password-protected Bitwarden export",
            ));
        }
        return Err(account_encrypted());
    }
    add_items(export, builder)
}

fn account_encrypted() -> FormatError {
    FormatError::Unsupported(
        "account-encrypted Bitwarden export: re-export as unencrypted or password-protected \
         (File > Export vault > JSON (Encrypted) > Password protected)"
            .to_owned(),
    )
}

/// Validates the envelope, then asks for the password, stretches it and decrypts `data`.
fn decrypt_export(
    name: &str,
    export: &Export,
    options: &mut ReadOptions<'_>,
) -> Result<zeroize::Zeroizing<Vec<u8>>, FormatError> {
    let kdf = Kdf::from_export(
        export.kdf_type.int(),
        export.kdf_iterations.int(),
        export.kdf_memory.int(),
        export.kdf_parallelism.int(),
    )?;
    let missing = |field: &str| FormatError::Invalid(format!("{PROTECTED} lacks {field}"));
    let salt = export.salt.get().ok_or_else(|| missing("salt"))?;
    let validation = export
        .enc_key_validation
        .get()
        .ok_or_else(|| missing("encKeyValidation_DO_NOT_EDIT"))?;
    let data = export.data.get().ok_or_else(|| missing("data"))?;
    let malformed = |field: &str, why: &str| {
        FormatError::Invalid(format!(
            "{PROTECTED}: {field} is not a valid EncString ({why})"
        ))
    };

    let password = (options.password)(name)?.ok_or(FormatError::PasswordRequired(PROTECTED))?;
    let keys = bitwarden_crypto::derive_keys(password.expose().as_bytes(), salt, kdf)?;
    drop(password);
    match bitwarden_crypto::decrypt(validation, &keys) {
        Ok(_) => {}
        Err(DecryptError::BadMac) => return Err(FormatError::WrongPassword),
        Err(DecryptError::Malformed(why)) => {
            return Err(malformed("encKeyValidation_DO_NOT_EDIT", why));
        }
        Err(DecryptError::BadPadding) => {
            return Err(malformed("encKeyValidation_DO_NOT_EDIT", "bad padding"));
        }
    }
    bitwarden_crypto::decrypt(data, &keys).map_err(|e| match e {
        DecryptError::BadMac => FormatError::Invalid(format!(
            "{PROTECTED} is damaged: its data fails the integrity check"
        )),
        DecryptError::Malformed(why) => malformed("data", why),
        DecryptError::BadPadding => malformed("data", "bad padding"),
    })
}

/// Bitwarden's item type for an identity.
const IDENTITY: i64 = 4;

fn add_items(export: Export, builder: &mut VaultBuilder) -> Result<(), FormatError> {
    let items = export.items.require(WHAT, "items")?;
    let names = |list: &List<Named>| -> HashMap<String, String> {
        list.iter()
            .filter_map(|n| Some((n.id.get()?.to_owned(), n.name.get()?.to_owned())))
            .collect()
    };
    let folders = names(&export.folders);
    let collections = names(&export.collections);

    let mut ids = UniqueIds::default();
    for mut item in items {
        let kind = item.kind.int();
        let is_login = kind == Some(1) || (kind.is_none() && item.login.is_some());
        if kind == Some(IDENTITY)
            && let Some(identity) = item.identity.as_mut()
        {
            for personal in identity.items() {
                builder.personal(personal);
            }
        }
        if !is_login {
            builder.skip(SkipReason::NotALogin);
            continue;
        }
        let mut login = item.login.take().unwrap_or_default();
        let group = item
            .folder_id
            .get()
            .and_then(|id| folders.get(id))
            .or_else(|| {
                item.collection_ids
                    .iter()
                    .find_map(|id| collections.get(id.get()?))
            })
            .map(|n| folder_path(n))
            .unwrap_or_default();
        let password = login.password.take();
        let past = history(
            &password,
            item.password_history
                .0
                .iter_mut()
                .map(|p| (p.password.take(), iso_time(&p.last_used_date))),
        );
        let hidden: Vec<(String, Secret)> = item
            .fields
            .0
            .iter_mut()
            .filter(|f| f.kind.int() == Some(HIDDEN_FIELD))
            .map(|f| (f.name.or_empty().to_owned(), Secret::new(f.value.take())))
            .collect();
        let entry = Entry {
            id: ids.id(item.id.or_empty()),
            group,
            title: item.name.or_empty().to_owned(),
            username: login.username.or_empty().to_owned(),
            urls: login
                .uris
                .iter()
                .filter_map(|u| u.uri.get().map(str::to_owned))
                .collect(),
            password: Secret::new(password),
            has_totp: login.totp.get().is_some_and(|t| !t.trim().is_empty()),
            created: iso_time(&item.creation_date),
            modified: iso_time(&item.revision_date),
            password_changed: iso_time(&login.password_revision_date),
            history: past,
            excluded: false,
            recycled: item.deleted_date.get().is_some(),
            ..Entry::default()
        };
        builder.push_with_fields(entry, hidden);
    }
    Ok(())
}
