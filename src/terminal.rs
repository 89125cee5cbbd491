//! What the binary does with the terminal: no-echo prompts, the progress bar, process hardening
//! (core dumps, dumpable flag, memory locking).

use credaudit::breach::Progress;
use credaudit::secret::Secret;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{BufRead, IsTerminal};
use std::sync::OnceLock;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

/// What [`harden_process`] could do, for the swap note.
#[derive(Clone, Copy, Debug, Default)]
pub struct Hardening {
    /// Memory is locked (`mlockall`): decrypted secrets are never written to swap.
    pub memory_locked: bool,
}

static HARDENING: OnceLock<Hardening> = OnceLock::new();

/// Hardens the process before any secret is read: no core dumps, not dumpable (no ptrace by
/// the same user, no /proc/PID/mem), and memory locked out of swap where that is allowed.
/// Every step is best effort; what was done is kept for [`swap_note`].
pub fn harden_process() {
    disable_core_dumps();
    set_not_dumpable();
    let memory_locked = lock_memory();
    let _ = HARDENING.set(Hardening { memory_locked });
}

/// Turns core dumps off for this process: a crash must not write vault passwords to disk.
fn disable_core_dumps() {
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

/// Linux: `PR_SET_DUMPABLE 0`, so another process of the same user cannot ptrace this one
/// or read its memory through /proc (root still can).
fn set_not_dumpable() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_DUMPABLE takes plain integers and touches no memory.
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

/// Linux: locks current and future pages (as they are touched) out of swap, only when the
/// memory-lock limit cannot be hit: as root, or with an unlimited `RLIMIT_MEMLOCK`. Under an
/// ordinary limit (often 8 MiB) `MCL_FUTURE` would make later allocations fail, which is
/// worse than swap. Returns whether memory is locked.
fn lock_memory() -> bool {
    #[cfg(target_os = "linux")]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes into the struct we own; geteuid has no preconditions.
        let unlimited = unsafe {
            libc::getrlimit(libc::RLIMIT_MEMLOCK, &mut limit) == 0
                && limit.rlim_cur == libc::RLIM_INFINITY
        };
        // SAFETY: as above.
        let root = unsafe { libc::geteuid() } == 0;
        if unlimited || root {
            // SAFETY: mlockall takes flags only.
            return unsafe {
                libc::mlockall(libc::MCL_CURRENT | libc::MCL_FUTURE | libc::MCL_ONFAULT) == 0
            };
        }
    }
    false
}

/// The one-line note for stderr when decrypted secrets could reach swap: memory is not
/// locked and swap is on. Only for an interactive run (stderr a terminal): a cron job would
/// mail the same line every day to someone who cannot act on it then; the README privacy
/// section says it once for everybody.
pub fn swap_note() -> Option<&'static str> {
    let locked = HARDENING.get().is_some_and(|h| h.memory_locked);
    let interactive = std::io::stderr().is_terminal();
    (!locked && interactive && swap_is_on()).then_some(
        "credaudit: note: swap is on and memory could not be locked, so decrypted passwords \
         may reach swap (use encrypted swap, or raise RLIMIT_MEMLOCK: `ulimit -l unlimited`)",
    )
}

/// Whether any swap area is active (Linux `/proc/swaps` lists one per line after a header).
fn swap_is_on() -> bool {
    std::fs::read_to_string("/proc/swaps").is_ok_and(|s| s.lines().count() > 1)
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

/// The width the table fits: `COLUMNS` when set (the user's choice, also on a terminal);
/// else the terminal's, when stdout is one; else (a pipe, a file, a cron mail)
/// [`MAIL_WIDTH`], so a mailed report wraps instead of running 200 columns wide.
pub fn report_width(to_terminal: bool) -> usize {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&w| w > 0);
    let terminal = || {
        to_terminal
            .then(|| terminal_size::terminal_size_of(std::io::stdout()))
            .flatten()
            .map(|(w, _)| usize::from(w.0))
            .filter(|&w| w > 0)
    };
    columns.or_else(terminal).unwrap_or(MAIL_WIDTH)
}

/// Width of a report that goes to a pipe, a file or a mail without `COLUMNS`.
pub const MAIL_WIDTH: usize = 100;

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

#[cfg(test)]
mod hardening_tests {
    /// The dumpable flag is what keeps a same-user process from ptrace and /proc/PID/mem.
    #[cfg(target_os = "linux")]
    #[test]
    fn process_becomes_not_dumpable() {
        super::set_not_dumpable();
        // SAFETY: PR_GET_DUMPABLE takes no pointers.
        let dumpable = unsafe { libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0) };
        assert_eq!(dumpable, 0);
    }
}
