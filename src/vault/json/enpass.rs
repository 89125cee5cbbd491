//! Enpass JSON export.

use super::lenient::{Flag, List, Num, Text};
use super::{UniqueIds, history, parse};
use crate::model::{Entry, SkipReason};
use crate::secret::Secret;
use crate::vault::{FormatError, VaultBuilder};
use serde::Deserialize;
use std::collections::HashMap;

const WHAT: &str = "Enpass JSON";

#[derive(Deserialize, Default)]
#[serde(default)]
struct Export {
    folders: List<Folder>,
    items: List<Item>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Folder {
    uuid: Text,
    title: Text,
    parent_uuid: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Item {
    uuid: Text,
    title: Text,
    category: Text,
    trashed: Num,
    archived: Num,
    #[serde(rename = "createdAt")]
    created_at: Num,
    updated_at: Num,
    folders: List<Text>,
    fields: List<Field>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Field {
    #[serde(rename = "type")]
    kind: Text,
    label: Text,
    value: Text,
    /// 1 for a field the user marked sensitive (hidden).
    sensitive: Num,
    deleted: Num,
    value_updated_at: Num,
    history: List<Past>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Past {
    value: Text,
    updated_at: Num,
    encrypted: Flag,
}

/// Deepest folder nesting followed (guards against parent cycles).
const MAX_FOLDER_DEPTH: usize = 32;

pub(super) fn read(bytes: &[u8], builder: &mut VaultBuilder) -> Result<(), FormatError> {
    let export: Export = parse(bytes, WHAT)?;
    let items = export.items.require(WHAT, "items")?;
    let folders: HashMap<&str, &Folder> = export
        .folders
        .iter()
        .filter_map(|f| Some((f.uuid.get()?, f)))
        .collect();
    let folder_path = |uuid: &str| -> Vec<String> {
        let mut path = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        let mut next = Some(uuid);
        while let Some(id) = next {
            let Some(folder) = folders.get(id) else { break };
            if path.len() >= MAX_FOLDER_DEPTH || seen.contains(&id) {
                break;
            }
            seen.push(id);
            path.push(folder.title.or_empty().to_owned());
            next = folder.parent_uuid.get();
        }
        path.reverse();
        path
    };

    let mut ids = UniqueIds::default();
    for mut item in items {
        let live = |f: &&mut Field| !f.deleted.truthy();
        let first_value = |item: &Item, kind: &str| -> Option<String> {
            item.fields
                .iter()
                .filter(|f| !f.deleted.truthy() && f.kind.get() == Some(kind))
                .find_map(|f| f.value.get().map(str::to_owned))
        };
        let username = first_value(&item, "username")
            .or_else(|| first_value(&item, "email"))
            .unwrap_or_default();
        let urls: Vec<String> = item
            .fields
            .iter()
            .filter(|f| !f.deleted.truthy() && f.kind.get() == Some("url"))
            .filter_map(|f| f.value.get().map(str::to_owned))
            .collect();
        let has_totp = first_value(&item, "totp").is_some_and(|t| !t.trim().is_empty());
        let login_category = matches!(item.category.get(), Some("login" | "password"));
        let password_field = item
            .fields
            .0
            .iter_mut()
            .filter(live)
            .find(|f| f.kind.get() == Some("password") && f.value.get().is_some());
        let Some(field) = password_field else {
            if login_category {
                builder.skip(SkipReason::NoPassword);
            } else {
                builder.skip(SkipReason::NotALogin);
            }
            continue;
        };
        let password = field.value.take();
        let password_changed = field.value_updated_at.unix_time();
        // Each history record holds an earlier value and when it was set; it stopped being
        // current when the next one (or the current value) was set.
        let mut records: Vec<(String, Option<crate::model::Timestamp>)> = field
            .history
            .0
            .iter_mut()
            .filter(|h| !h.encrypted.is_true())
            .map(|h| (h.value.take(), h.updated_at.unix_time()))
            .collect();
        records.sort_by_key(|(_, set)| *set);
        let retired: Vec<Option<crate::model::Timestamp>> = (0..records.len())
            .map(|i| {
                records
                    .get(i + 1)
                    .map_or(password_changed, |(_, next_set)| *next_set)
            })
            .collect();
        let past = history(
            &password,
            records.into_iter().zip(retired).map(|((p, _), r)| (p, r)),
        );
        // Sensitive fields besides the password (security answers, a second password) are
        // secrets of their own; OTP seeds are not.
        let hidden: Vec<(String, Secret)> = item
            .fields
            .0
            .iter_mut()
            .filter(|f| {
                !f.deleted.truthy()
                    && f.kind.get() != Some("totp")
                    && (f.sensitive.truthy() || f.kind.get() == Some("password"))
            })
            .filter_map(|f| {
                f.value.get()?;
                let name = f.label.get().or(f.kind.get()).unwrap_or("field").to_owned();
                Some((name, Secret::new(f.value.take())))
            })
            .collect();
        let group = item
            .folders
            .iter()
            .find_map(|f| f.get())
            .map(folder_path)
            .unwrap_or_default();
        builder.push_with_fields(
            Entry {
                id: ids.id(item.uuid.or_empty()),
                group,
                title: item.title.or_empty().to_owned(),
                username,
                urls,
                password: Secret::new(password),
                has_totp,
                created: item.created_at.unix_time(),
                modified: item.updated_at.unix_time(),
                password_changed,
                history: past,
                excluded: false,
                recycled: item.trashed.truthy() || item.archived.truthy(),
                ..Entry::default()
            },
            hidden,
        );
    }
    Ok(())
}
