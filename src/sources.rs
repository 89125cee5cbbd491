//! Builds the breach source the settings ask for: offline corpus, online API behind the
//! range cache, cache only, or none.

use crate::settings::BreachSettings;
use anyhow::Result;
use credaudit::breach::BreachSource;
use credaudit::config::BreachMode;

/// The breach source and the name the report shows for it.
pub fn open(settings: &BreachSettings) -> Result<(Option<Box<dyn BreachSource>>, &'static str)> {
    if settings.hibp_file.is_some() {
        anyhow::bail!("--hibp-file is not wired yet");
    }
    match settings.mode {
        BreachMode::Off => Ok((None, "off")),
        BreachMode::Online | BreachMode::Offline => {
            anyhow::bail!("online breach checks are not wired yet; use --breach off")
        }
    }
}
