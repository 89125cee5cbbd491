//! Zip containers: 1Password 1PUX, Dashlane's CSV zip, Proton Pass's JSON zip.
//!
//! Only the members a format needs are decompressed, each through a hard byte budget shared
//! by the whole archive ([`MAX_UNCOMPRESSED`]), so a zip bomb or a lying size header costs at
//! most that much memory. Archives with more than [`MAX_MEMBERS`] members are refused.
//! Decompressed members live in zeroizing buffers.

use super::{FormatError, VaultBuilder, json};
use crate::model::{Format, SkipReason};
use std::io::{Cursor, Read};
use zeroize::Zeroizing;

/// Most bytes decompressed from one archive, all members together.
pub const MAX_UNCOMPRESSED: u64 = 512 * 1024 * 1024;
/// Most members an archive may list.
pub const MAX_MEMBERS: usize = 100_000;

/// True when `bytes` start with a zip local-file header.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

type Archive<'a> = ::zip::ZipArchive<Cursor<&'a [u8]>>;

/// Reads the vault inside a zip export.
pub fn read(bytes: &[u8], format: Format, builder: &mut VaultBuilder) -> Result<(), FormatError> {
    let mut archive = ::zip::ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    if archive.len() > MAX_MEMBERS {
        return Err(FormatError::Invalid(format!(
            "zip holds {} members (more than {MAX_MEMBERS}): refusing to read it",
            archive.len()
        )));
    }
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.map(|n| n.into_owned()))
        .collect::<Result<_, _>>()
        .map_err(corrupt)?;
    let mut budget = MAX_UNCOMPRESSED;

    match format {
        Format::Onepassword1pux => {
            let i = find(&names, |n| n == "export.data")
                .ok_or_else(|| missing("export.data", "a 1Password 1PUX export"))?;
            let data = extract(&mut archive, i, &mut budget)?;
            json::onepassword::read(&data, builder)
        }
        Format::ProtonJson => {
            let i = names
                .iter()
                .position(|n| n == "Proton Pass/data.json")
                .or_else(|| find(&names, |n| n == "data.json"));
            let Some(i) = i else {
                if find(&names, |n| n == "data.pgp").is_some() {
                    return Err(FormatError::Unsupported(
                        "PGP-encrypted Proton Pass export (data.pgp): export again without \
                         encryption, or decrypt it with gpg first"
                            .to_owned(),
                    ));
                }
                return Err(missing("Proton Pass/data.json", "a Proton Pass export"));
            };
            let data = extract(&mut archive, i, &mut budget)?;
            json::read_plain(&data, Format::ProtonJson, builder)
        }
        Format::DashlaneCsv => {
            let i = find(&names, |n| n.eq_ignore_ascii_case("credentials.csv"))
                .ok_or_else(|| missing("credentials.csv", "a Dashlane export"))?;
            let data = extract(&mut archive, i, &mut budget)?;
            super::csv::read(&data, Format::DashlaneCsv, builder)?;
            // Notes, payment means and identities of the other CSVs are counted, not audited.
            for (j, name) in names.iter().enumerate() {
                if j != i && basename(name).to_ascii_lowercase().ends_with(".csv") {
                    let other = extract(&mut archive, j, &mut budget)?;
                    for _ in 0..count_csv_records(&other) {
                        builder.skip(SkipReason::NotALogin);
                    }
                }
            }
            Ok(())
        }
        Format::BitwardenJson | Format::EnpassJson => {
            let i = single(&names, ".json", format)?;
            let data = extract(&mut archive, i, &mut budget)?;
            json::read_plain(&data, format, builder)
        }
        Format::Kdbx | Format::Kdb | Format::KeepassXml => Err(FormatError::Unsupported(format!(
            "{format} inside a zip: extract the file first"
        ))),
        csv_format => {
            let i = single(&names, ".csv", format)?;
            let data = extract(&mut archive, i, &mut budget)?;
            super::csv::read(&data, csv_format, builder)
        }
    }
}

fn corrupt(e: ::zip::result::ZipError) -> FormatError {
    FormatError::Invalid(format!("corrupt or truncated zip: {e}"))
}

fn missing(member: &str, what: &str) -> FormatError {
    FormatError::Invalid(format!("zip has no {member}: not {what}"))
}

/// The last path component of a member name.
fn basename(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// Index of the first file member whose base name satisfies `pred` (shallowest first).
fn find(names: &[String], pred: impl Fn(&str) -> bool) -> Option<usize> {
    names
        .iter()
        .enumerate()
        .filter(|(_, n)| !n.ends_with('/') && pred(basename(n)))
        .min_by_key(|(_, n)| n.matches('/').count())
        .map(|(i, _)| i)
}

/// The one member with `extension`, for formats that are not usually zipped.
fn single(names: &[String], extension: &str, format: Format) -> Result<usize, FormatError> {
    let mut hits = names
        .iter()
        .enumerate()
        .filter(|(_, n)| basename(n).to_ascii_lowercase().ends_with(extension));
    match (hits.next(), hits.next()) {
        (Some((i, _)), None) => Ok(i),
        (None, _) => Err(FormatError::Invalid(format!(
            "zip holds no {extension} file to read as {format}"
        ))),
        (Some(_), Some(_)) => Err(FormatError::Unsupported(format!(
            "zip holds several {extension} files: extract the {format} export and read it directly"
        ))),
    }
}

/// Decompresses member `index`, charging its size to `budget`. The declared size is not
/// trusted: reading stops one byte past the remaining budget.
fn extract(
    archive: &mut Archive<'_>,
    index: usize,
    budget: &mut u64,
) -> Result<Zeroizing<Vec<u8>>, FormatError> {
    let mut file = archive.by_index(index).map_err(|e| match e {
        ::zip::result::ZipError::UnsupportedArchive(_)
        | ::zip::result::ZipError::InvalidPassword => FormatError::Unsupported(format!(
            "zip member cannot be read ({e}); export again without zip encryption"
        )),
        other => corrupt(other),
    })?;
    if file.encrypted() {
        return Err(FormatError::Unsupported(
            "zip member is encrypted: export again without zip encryption".to_owned(),
        ));
    }
    let too_big = || {
        FormatError::Invalid(format!(
            "zip decompresses to more than {} MiB: refusing (damaged file or zip bomb)",
            MAX_UNCOMPRESSED / (1024 * 1024)
        ))
    };
    if file.size() > *budget {
        return Err(too_big());
    }
    let capacity = usize::try_from(file.size().min(64 * 1024 * 1024)).unwrap_or(0);
    let mut out = Zeroizing::new(Vec::with_capacity(capacity));
    (&mut file)
        .take(budget.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| FormatError::Invalid(format!("corrupt zip member: {e}")))?;
    let used = out.len() as u64;
    if used > *budget {
        return Err(too_big());
    }
    *budget -= used;
    Ok(out)
}

/// Records after the header in a CSV member (0 when it cannot be parsed).
fn count_csv_records(bytes: &[u8]) -> usize {
    ::csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(bytes)
        .records()
        .take_while(Result::is_ok)
        .filter(|r| r.as_ref().is_ok_and(|r| r.iter().any(|f| !f.is_empty())))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = ::zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = ::zip::write::SimpleFileOptions::default()
            .compression_method(::zip::CompressionMethod::Deflated);
        for (name, data) in members {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn bomb_is_refused_without_inflating_everything() {
        // 600 MiB of zeros deflates to ~600 KiB; the reader must stop at the budget.
        let mut w = ::zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = ::zip::write::SimpleFileOptions::default()
            .compression_method(::zip::CompressionMethod::Deflated)
            .large_file(true);
        w.start_file("export.data", opts).unwrap();
        let chunk = vec![0u8; 1 << 20];
        for _ in 0..600 {
            w.write_all(&chunk).unwrap();
        }
        let bytes = w.finish().unwrap().into_inner();
        let mut b = VaultBuilder::new(0, false);
        let err = read(&bytes, Format::Onepassword1pux, &mut b).unwrap_err();
        assert!(err.to_string().contains("zip bomb"), "{err}");
    }

    #[test]
    fn budget_is_shared_across_members() {
        let bytes = zip_of(&[("a.csv", b"x\n1\n"), ("credentials.csv", b"y\n")]);
        let mut archive = ::zip::ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
        let mut budget = 5;
        assert_eq!(extract(&mut archive, 0, &mut budget).unwrap().len(), 4);
        assert_eq!(budget, 1);
        assert!(extract(&mut archive, 1, &mut budget).is_err());
    }

    #[test]
    fn member_lookup() {
        let names: Vec<String> = ["x/", "deep/dir/export.data", "export.data", "a.CSV"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(find(&names, |n| n == "export.data"), Some(2));
        assert_eq!(single(&names, ".csv", Format::ChromeCsv).unwrap(), 3);
        assert!(single(&names, ".json", Format::EnpassJson).is_err());
    }

    #[test]
    fn csv_record_count() {
        assert_eq!(count_csv_records(b"title,note\na,b\n\"c\nd\",e\n,\n"), 2);
        assert_eq!(count_csv_records(b""), 0);
    }
}
