//! Every real export under `../shared/samples` (third-party test data, not in this repo) is
//! either read or refused with an error: none panics, none is read as garbage silently.
//! When the folder is absent the test says so on stderr (it did not run). Per-format
//! expectations live in the reader tests.

#[path = "support/samples.rs"]
mod samples;

use credaudit::secret::Secret;
use credaudit::vault::{FormatError, ReadOptions, read_bytes};
use samples::samples_dir;
use std::path::PathBuf;

#[test]
fn no_sample_panics_and_errors_are_one_line() {
    let Some(dir) = samples_dir("no_sample_panics_and_errors_are_one_line") else {
        return;
    };
    let mut all: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .map(walkdir::DirEntry::into_path)
        .collect();
    all.sort();
    let mut read = 0;
    let mut refused = 0;
    for path in &all {
        if path
            .extension()
            .is_some_and(|e| e == "md" || e == "yml" || e == "gpg" || e == "key" || e == "keyx")
        {
            continue;
        }
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let name = path.display().to_string();
        // No password is offered: encrypted files must refuse cleanly (or be tried key-less).
        let mut no_password = |_: &str| -> Result<Option<Secret>, FormatError> { Ok(None) };
        let mut options = ReadOptions {
            format: None,
            key_file: None,
            password: &mut no_password,
            include_recycled: false,
        };
        // A file read as zero logins is refused by the audit (nothing audited), like the
        // binary does: e.g. pass-import's blur.json, which detects as 1PUX.
        let result = read_bytes(&name, &bytes, 0, &mut options)
            .map_err(|e| e.to_string())
            .and_then(|vault| {
                let (sources, _) = credaudit::vault::flatten(vec![vault]);
                credaudit::audit::check_not_empty(&sources).map_err(|e| e.to_string())
            });
        match result {
            Ok(_) => read += 1,
            Err(message) => {
                assert!(
                    !message.contains('\n'),
                    "{name}: multi-line error: {message}"
                );
                assert!(!message.is_empty(), "{name}: empty error");
                refused += 1;
            }
        }
    }
    assert!(read > 50, "only {read} samples read ({refused} refused)");
}
