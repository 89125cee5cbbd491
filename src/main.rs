//! credaudit: read vaults, analyse, rank, report, and map the outcome to an exit code.
//! Each stage is a library call; this file only wires them and talks to the user.

mod cli;
mod commands;
mod settings;
mod sources;
mod terminal;

use clap::Parser;
use cli::{Cli, Command};
use std::process::ExitCode;

/// Documented exit codes (also in `--help` and the README). Findings and an incomplete check
/// are bits, so a cron job can tell "act on this" from "retry later" even when both happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Nothing at or above `--fail-on`, every check complete.
    Clean,
    /// Findings at or above `--fail-on`.
    Findings,
    /// Error: nothing was audited.
    Error,
    /// Some passwords could not be checked.
    Incomplete,
    /// Findings, and some passwords could not be checked.
    FindingsIncomplete,
}

impl Exit {
    /// Combines the two facts an audit ends with.
    pub fn of(findings: bool, incomplete: bool) -> Self {
        match (findings, incomplete) {
            (false, false) => Exit::Clean,
            (true, false) => Exit::Findings,
            (false, true) => Exit::Incomplete,
            (true, true) => Exit::FindingsIncomplete,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(match exit {
            Exit::Clean => 0,
            Exit::Findings => 1,
            Exit::Error => 2,
            Exit::Incomplete => 4,
            Exit::FindingsIncomplete => 5,
        })
    }
}

fn main() -> ExitCode {
    terminal::harden_process();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Audit(ref args) => commands::audit(&cli, args),
        Command::Check(ref args) => commands::check(&cli, args),
        Command::Formats => commands::formats(),
        Command::Config(ref args) => commands::config(&cli, args),
        Command::Corpus { ref command } => commands::corpus(&cli, command),
        Command::Completions { shell } => commands::completions(shell),
        Command::Man => commands::man(),
        Command::Licenses => commands::licenses(),
        Command::Data(ref args) => commands::data(args),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            #[allow(clippy::print_stderr)]
            {
                // The whole chain, each cause once (the rule is in the library's crate docs).
                eprintln!("credaudit: error: {err:#}");
            }
            Exit::Error.into()
        }
    }
}

/// `credaudit audit ... | head` closing the pipe early is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
