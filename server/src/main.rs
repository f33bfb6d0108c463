//! The `kube-lsp` binary: the language server over stdio (no subcommand,
//! `--stdio` or `lsp`), the CI linter (`check`) or the DNS inventory
//! (`dns`). It parses the command line and sets up logging to stderr;
//! everything else is in the library.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

/// A language server and CI linter for Kubernetes StatefulSets and the
/// headless Services that give their pods stable DNS names.
///
/// Logs go to stderr; set their level with `KUBE_LSP_LOG` (e.g.
/// `KUBE_LSP_LOG=debug`).
#[derive(Debug, Parser)]
#[command(name = "kube-lsp", version, about, long_about)]
struct Cli {
    /// Serve the language server protocol over stdin/stdout (the default).
    #[arg(long)]
    stdio: bool,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the language server over stdio (the same as no subcommand).
    Lsp {
        /// Accepted for clients that always pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
    /// Lint files and folders; exit 0 = no finding at warning or above,
    /// 1 = findings, 2 = usage or I/O error.
    Check(kube_lsp::api::cli::CheckArgs),
    /// Print the DNS names of every StatefulSet (pods, Service, SRV, volume
    /// claims) and the health of its link; exit 0, or 2 on a usage or I/O error.
    Dns(kube_lsp::api::cli::DnsArgs),
}

fn main() -> ExitCode {
    // clap exits with 2 on a usage error and 0 for `--help`/`--version`.
    let cli = Cli::parse();
    init_logging();
    match cli.command {
        Some(Command::Check(args)) => {
            let code = kube_lsp::api::cli::run(args);
            ExitCode::from(u8::try_from(code).unwrap_or(2))
        }
        Some(Command::Dns(args)) => {
            let code = kube_lsp::api::cli::run_dns(args);
            ExitCode::from(u8::try_from(code).unwrap_or(2))
        }
        Some(Command::Lsp { stdio }) => serve(cli.stdio || stdio),
        None => serve(cli.stdio),
    }
}

fn serve(stdio_flag: bool) -> ExitCode {
    // `--stdio` is what editors pass; stdio is the only transport.
    tracing::debug!(stdio_flag, "starting the language server over stdio");
    match kube_lsp::api::lsp::run_stdio() {
        Ok(()) => ExitCode::SUCCESS,
        // The protocol has ended: this last line on stderr is the binary's own.
        #[allow(clippy::print_stderr)]
        Err(error) => {
            eprintln!("error: the language server stopped: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Logs to stderr (stdout belongs to the protocol), filtered by
/// `KUBE_LSP_LOG` (default `warn`). Records of the `log` crate from
/// dependencies are captured too (tracing-subscriber's `tracing-log`).
fn init_logging() {
    let filter = EnvFilter::try_from_env("KUBE_LSP_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
