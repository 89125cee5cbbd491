//! Regenerates the site data compiled into credaudit (`src/data/generated/`) from the upstream
//! snapshots and credaudit's own table of shared sign-ins:
//!
//! ```sh
//! cargo run --example gen_data                  # ../shared/data (or $CREDAUDIT_DATA_DIR)
//! cargo run --example gen_data -- DATA_DIR      # another snapshot, same layout
//! ```
//!
//! DATA_DIR holds `apple-password-manager-resources/`, `twofactorauth/` and `passkeys/`, each
//! with the upstream files as published and a `SOURCE` file naming the commit and date. Then
//! run `scripts/notices.sh --data` and commit both. `tests/data.rs` fails while the committed
//! tables differ from what this writes.

use anyhow::{Context, Result};
use std::path::PathBuf;

mod generate;

fn main() -> Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let data_dir = std::env::args_os()
        .nth(1)
        .or_else(|| std::env::var_os("CREDAUDIT_DATA_DIR"))
        .map_or_else(|| root.join("../shared/data"), PathBuf::from);
    let files = generate::generate(&data_dir, &root.join("data/shared-sign-ins.toml"))?;
    let out_dir = root.join("src/data/generated");
    std::fs::create_dir_all(&out_dir)?;
    for file in files {
        let path = out_dir.join(file.name);
        std::fs::write(&path, &file.content)
            .with_context(|| format!("cannot write {}", path.display()))?;
        #[allow(clippy::print_stderr)]
        {
            eprintln!("wrote {} ({} bytes)", path.display(), file.content.len());
        }
    }
    Ok(())
}
