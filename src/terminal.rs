//! What the binary does with the terminal: no-echo prompts, the progress bar, core dumps.

use credaudit::breach::Progress;
use credaudit::secret::Secret;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{BufRead, IsTerminal};

/// Turns core dumps off for this process: a crash must not write vault passwords to disk.
pub fn disable_core_dumps() {
    #[cfg(unix)]
    {
        let zero = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: setrlimit only reads the struct we pass; failure is harmless (best effort).
        unsafe {
            libc::setrlimit(libc::RLIMIT_CORE, &zero);
        }
    }
}

/// Asks for a password on the controlling terminal without echo. `None` when nobody is there
/// to answer (cron, CI, a test harness): the caller then reports that a password is required.
///
/// The prompt goes through `/dev/tty`, so it works while stdin carries an export; it is only
/// shown when stderr is a terminal, so a process whose output is captured never waits.
pub fn prompt_password(prompt: &str) -> Option<Secret> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    rpassword::prompt_password(prompt).ok().map(Secret::new)
}

/// Reads the first line of stdin as a password (trailing CR/LF removed, nothing else).
pub fn read_password_line() -> std::io::Result<Option<Secret>> {
    let mut line = zeroize::Zeroizing::new(String::new());
    let n = std::io::stdin().lock().read_line(&mut line)?;
    if n == 0 {
        return Ok(None);
    }
    let trimmed = line.trim_end_matches(['\n', '\r']);
    Ok(Some(Secret::new(trimmed.to_owned())))
}

/// A progress bar on stderr, drawn only when asked (stderr is a terminal and not `--quiet`).
pub struct Bar(Option<ProgressBar>);

impl Bar {
    /// A bar with `message`, or a silent one.
    pub fn new(enabled: bool, message: &'static str) -> Self {
        if !enabled {
            return Self(None);
        }
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta})") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(message);
        Self(Some(bar))
    }
}

impl Progress for Bar {
    fn start(&self, total: u64) {
        if let Some(bar) = &self.0 {
            bar.set_length(total);
        }
    }

    fn advance(&self, n: u64) {
        if let Some(bar) = &self.0 {
            bar.inc(n);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
