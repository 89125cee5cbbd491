//! What the binary does with the terminal: no-echo prompts, the progress bar, core dumps.

use credaudit::breach::Progress;
use credaudit::secret::Secret;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{BufRead, IsTerminal};
use std::sync::OnceLock;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

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

/// Whether progress may be drawn: stderr is a terminal, not `--quiet`, and not under CI
/// (`CI` set), where a redrawn line only fills the log.
pub fn progress_allowed(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()
}

/// Where progress is drawn: one stderr area shared by every bar and spinner of the run (the
/// breach check and the CPU analyzers run at the same time), or nowhere.
#[derive(Clone)]
pub struct Status(Option<MultiProgress>);

impl Status {
    /// Draws on stderr when `enabled` (see [`progress_allowed`]), else nowhere.
    pub fn new(enabled: bool) -> Self {
        Self(enabled.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr())))
    }

    /// A bar for counted work (breach prefixes); drawn from the first `start`, so work that
    /// never starts (breach check off) draws nothing.
    pub fn bar(&self, message: &'static str) -> Bar {
        Bar {
            multi: self.0.clone(),
            message,
            bar: OnceLock::new(),
        }
    }

    /// A spinner with `message` that appears only once `delay` has passed, so quick work
    /// draws nothing; it disappears when dropped.
    pub fn spinner_after(&self, delay: Duration, message: String) -> Spinner {
        let Some(multi) = self.0.clone() else {
            return Spinner(None);
        };
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            if stopped.recv_timeout(delay) != Err(RecvTimeoutError::Timeout) {
                return;
            }
            let spinner = multi.add(ProgressBar::new_spinner().with_elapsed(delay));
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
                spinner.set_style(style);
            }
            spinner.set_message(message);
            spinner.enable_steady_tick(Duration::from_millis(120));
            // Until the owner drops the sender.
            let _ = stopped.recv();
            spinner.finish_and_clear();
        });
        Spinner(Some((stop, thread)))
    }
}

/// A spinner on stderr, shown from its delay until dropped.
pub struct Spinner(Option<(mpsc::Sender<()>, std::thread::JoinHandle<()>)>);

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some((stop, thread)) = self.0.take() {
            drop(stop);
            let _ = thread.join();
        }
    }
}

/// A progress bar on stderr (or nowhere), fed by the breach check.
pub struct Bar {
    multi: Option<MultiProgress>,
    message: &'static str,
    bar: OnceLock<ProgressBar>,
}

impl Bar {
    fn drawn(&self) -> Option<&ProgressBar> {
        self.bar.get()
    }
}

impl Progress for Bar {
    fn start(&self, total: u64) {
        let Some(multi) = &self.multi else { return };
        let bar = self.bar.get_or_init(|| {
            let bar = multi.add(ProgressBar::new(total));
            if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta})")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(self.message);
            bar
        });
        bar.set_length(total);
    }

    fn advance(&self, n: u64) {
        if let Some(bar) = self.drawn() {
            bar.inc(n);
        }
    }

    fn finish(&self) {
        if let Some(bar) = self.drawn() {
            bar.finish_and_clear();
        }
    }
}
