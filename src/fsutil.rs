//! Small file-system helpers shared by the cache, the baseline and report files.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically (temporary file in the same directory, then rename),
/// with mode 0600 on Unix, so readers never see a half-written file and others cannot read it.
pub fn write_private_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = sibling(path, "tmp");
    let result = (|| {
        let mut file = create_private(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Checks, before any work is done, that [`write_private_atomic`] could write `path`: it is not
/// a directory and its directory accepts a new file (a probe file, removed at once).
pub fn check_writable(path: &Path) -> std::io::Result<()> {
    if path.is_dir() {
        return Err(std::io::Error::other("is a directory"));
    }
    let probe = sibling(path, "probe");
    create_private(&probe)?;
    std::fs::remove_file(&probe)
}

/// Creates the missing directories above `path` with mode 0700 (on Unix): a state file's
/// directory (`~/.local/state` under cron) often does not exist yet. Existing ones are left
/// as they are.
pub fn create_private_parent(path: &Path) -> std::io::Result<()> {
    let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Ok(());
    };
    if dir.exists() {
        // Left to the write check, which says what is wrong (e.g. "Not a directory").
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// `.NAME.PID.SUFFIX` beside `path`: same directory, so a rename is atomic.
fn sibling(path: &Path, suffix: &str) -> std::path::PathBuf {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir.join(format!(".{file_name}.{}.{suffix}", std::process::id()))
}

/// A new file of mode 0600 (on Unix); fails if it exists.
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}
