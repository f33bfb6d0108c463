//! `kube-lsp check`: the CI linter (and `kube-lsp dns`, in `dns.rs`, which
//! reads its inputs the same way). Reads files and folders (or stdin), runs
//! the same checks as the language server, prints the findings as text, JSON,
//! SARIF or GitHub workflow commands, and turns them into an exit code.
//!
//! It knows the terminal and the output formats; it does not know the LSP
//! protocol (that is `lsp`), and it reads the disk only through `loader`.
//! Output goes through the writers it is given, so tests can capture it.

pub(crate) mod dns;
mod github;
pub(crate) mod helm;
mod json;
mod report;
mod sarif;
mod text;

use std::collections::HashSet;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use crate::config::{Config, Level};
use crate::ide::{Code, Host};
use crate::loader;

use report::Report;

/// Exit code: no finding at warning or above.
pub const EXIT_CLEAN: i32 = 0;
/// Exit code: at least one finding at warning or above.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: a usage or I/O error.
pub const EXIT_ERROR: i32 = 2;

/// The name of stdin's stream when `--stdin-filename` is not given.
pub const STDIN_NAME: &str = "<stdin>";

/// How the findings are printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Annotated source snippets, as rustc prints them.
    #[default]
    Text,
    /// One JSON array of findings.
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
    /// GitHub Actions workflow commands (annotations on a pull request).
    Github,
}

/// The arguments of `kube-lsp check`.
#[derive(Clone, Debug, clap::Args)]
#[command(after_long_help = rules_help())]
pub struct CheckArgs {
    /// Files and folders to check (folders recursively, `*.yaml`/`*.yml`,
    /// honouring `.gitignore`); `-` reads one stream from stdin.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Configuration file to use instead of the nearest `.kube-lsp.yaml` in
    /// the current folder or its parents.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The file name to report for the stream read from stdin (`-`).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,

    /// The namespace of objects that name none, for every input, as
    /// `kubectl apply -n` and `helm template -n` give it (overrides
    /// `defaultNamespace`; a kustomization's `namespace` still applies).
    #[arg(short = 'n', long, value_name = "NS")]
    pub namespace: Option<String>,

    /// The `helm` binary that renders the charts under the paths (default:
    /// `helm.path`, else `helm` on `PATH`).
    #[arg(long, value_name = "PATH")]
    pub helm: Option<PathBuf>,

    /// The release name charts are rendered with (default `release-name`).
    #[arg(long, value_name = "NAME")]
    pub release: Option<String>,

    /// A values file for every chart rendered, after `helm.valueFiles`
    /// (repeatable).
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub values: Vec<PathBuf>,

    /// Do not render charts: their templates are skipped.
    #[arg(long)]
    pub no_helm: bool,
}

/// The end of `kube-lsp check --help`: every rule, its default level and
/// when it reports, read from the rules' declarations.
fn rules_help() -> String {
    let mut help = String::from("Rules (set a level with `rules.<code>` in .kube-lsp.yaml, or `off`):\n");
    for &code in Code::ALL {
        let rule = code.rule();
        let levels: Vec<&str> = rule.default_levels().map(Level::as_str).collect();
        help.push_str(&format!("  {} ({})\n      {}\n", rule.name, levels.join(" / "), rule.summary));
    }
    help.push_str(&format!("\nEach is explained at {}#<code>.", crate::ide::README_URL));
    help
}

/// Where `run_with` reads and writes, and what it knows of its surroundings.
pub struct Io<'a> {
    pub stdin: &'a mut dyn Read,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    /// Colour the text output (stdout is a terminal and `NO_COLOR` is unset).
    pub colour: bool,
    /// Where to start looking for `.kube-lsp.yaml`; `None` looks nowhere.
    pub current_dir: Option<PathBuf>,
}

/// Runs `kube-lsp check` on the process's stdin, stdout and stderr; returns
/// the exit code.
pub fn run(args: CheckArgs) -> i32 {
    with_terminal(|io| run_with(&args, io))
}

/// Runs `command` on the process's stdin, stdout and stderr (colour when
/// stdout is a terminal and `NO_COLOR` is unset); returns its exit code.
fn with_terminal(command: impl FnOnce(&mut Io<'_>) -> i32) -> i32 {
    let stdout = io::stdout();
    let colour = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    let mut stdout = io::BufWriter::new(stdout.lock());
    let mut stderr = io::stderr().lock();
    let mut stdin = io::stdin().lock();
    let mut io = Io {
        stdin: &mut stdin,
        stdout: &mut stdout,
        stderr: &mut stderr,
        colour,
        current_dir: std::env::current_dir().ok(),
    };
    let code = command(&mut io);
    match stdout.flush() {
        Ok(()) => code,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => code,
        Err(_) => EXIT_ERROR,
    }
}

/// Runs `kube-lsp check` with the given streams; returns the exit code.
pub fn run_with(args: &CheckArgs, io: &mut Io<'_>) -> i32 {
    match check(args, io) {
        Ok(code) => code,
        Err(error) => {
            // Nothing else can be done when stderr itself is gone.
            let _ = writeln!(io.stderr, "error: {error:#}");
            EXIT_ERROR
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.downcast_ref::<io::Error>().is_some_and(|error| error.kind() == io::ErrorKind::BrokenPipe)
}

/// Reads the inputs (files, folders, `-`), the configuration and the
/// namespace flag, and analyses them; `Err` is the exit code of a usage or
/// I/O error already reported on stderr.
pub(crate) fn load(args: &Inputs<'_>, io: &mut Io<'_>) -> anyhow::Result<Result<Loaded, i32>> {
    let stdin_count = args.paths.iter().filter(|path| is_stdin(path)).count();
    if stdin_count > 1 {
        writeln!(io.stderr, "error: `-` (stdin) can be given only once")?;
        return Ok(Err(EXIT_ERROR));
    }

    let Some(mut config) = read_config(args, io)? else { return Ok(Err(EXIT_ERROR)) };
    if let Some(namespace) = args.namespace {
        // An empty name would make every unnamed object's namespace `""`,
        // which no object can be in: a usage error, not a silent default.
        let namespace = namespace.trim();
        if namespace.is_empty() {
            writeln!(io.stderr, "error: `--namespace` needs a namespace name")?;
            return Ok(Err(EXIT_ERROR));
        }
        // The manifests are applied into this namespace, so it wins over
        // the configured default for this run.
        namespace.clone_into(&mut config.default_namespace);
    }

    let roots: Vec<PathBuf> = args.paths.iter().filter(|path| !is_stdin(path)).cloned().collect();
    config.roots.clone_from(&roots);
    let mut missing = false;
    for root in &roots {
        if let Err(error) = loader::check_readable(root) {
            writeln!(io.stderr, "error: cannot read `{}`: {error}", root.display())?;
            missing = true;
        }
    }
    if missing {
        return Ok(Err(EXIT_ERROR));
    }

    let paths = loader::walk(&roots, &config);
    let (mut files, read_errors) = loader::load_files_with_errors(&paths, &config);
    let mut io_error = false;
    for read_error in &read_errors {
        writeln!(io.stderr, "error: cannot read `{}`: {}", read_error.path.display(), read_error.error)?;
        io_error = true;
    }
    let mut explicit: HashSet<PathBuf> = roots.iter().cloned().collect();
    if stdin_count == 1 {
        let name = args.stdin_filename.map_or_else(|| PathBuf::from(STDIN_NAME), Path::to_path_buf);
        match read_stdin(io.stdin, config.max_file_size) {
            Ok(bytes) => {
                // The stream replaces a file of the same name, as an open
                // buffer replaces the disk copy in the editor.
                files.retain(|file| file.path != name);
                files.push(loader::load_bytes(name.clone(), bytes, &config));
                explicit.insert(name);
            }
            Err(error) => {
                writeln!(io.stderr, "error: cannot read stdin: {error}")?;
                io_error = true;
            }
        }
    }
    for file in &files {
        if let Some(reason) = &file.skipped {
            // A skipped file inside a folder is expected (a binary, a huge
            // generated file); one the user named deserves a word.
            let was_read = !read_errors.iter().any(|error| error.path == file.path);
            if explicit.contains(&file.path) && was_read {
                writeln!(io.stderr, "note: skipping `{}`: {reason}", file.path.display())?;
            }
        }
    }
    if files.is_empty() {
        writeln!(io.stderr, "warning: no YAML files found")?;
    }

    let checked_files = files.iter().filter(|file| file.skipped.is_none()).count();
    let mut host = Host::new(config.clone());
    for file in files {
        host.workspace_mut().insert(file);
    }
    helm::render_charts(&args.helm, &config, &paths, io.current_dir.as_deref(), &mut host, io.stderr)?;
    let (snapshot, _) = host.update();
    Ok(Ok(Loaded { host, snapshot, checked_files, io_error }))
}

/// What `kube-lsp check` and `kube-lsp dns` read: the paths, the
/// configuration and the namespace flag, handled alike by both.
pub(crate) struct Inputs<'a> {
    pub(crate) paths: &'a [PathBuf],
    pub(crate) config: Option<&'a Path>,
    pub(crate) stdin_filename: Option<&'a Path>,
    pub(crate) namespace: Option<&'a str>,
    /// How the charts among the paths are rendered.
    pub(crate) helm: helm::HelmFlags<'a>,
}

impl CheckArgs {
    fn inputs(&self) -> Inputs<'_> {
        Inputs {
            paths: &self.paths,
            config: self.config.as_deref(),
            stdin_filename: self.stdin_filename.as_deref(),
            namespace: self.namespace.as_deref(),
            helm: helm::HelmFlags {
                helm: self.helm.as_deref(),
                release: self.release.as_deref(),
                values: &self.values,
                no_helm: self.no_helm,
            },
        }
    }
}

/// The inputs read and analysed.
pub(crate) struct Loaded {
    pub(crate) host: Host,
    pub(crate) snapshot: crate::workspace::Snapshot,
    /// Files read and analysed (skipped ones are not counted).
    pub(crate) checked_files: usize,
    /// A file or stdin could not be read (reported on stderr): exit 2.
    pub(crate) io_error: bool,
}

fn check(args: &CheckArgs, io: &mut Io<'_>) -> anyhow::Result<i32> {
    let Loaded { host, snapshot, checked_files, io_error } = match load(&args.inputs(), io)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let findings = host.all_findings(&snapshot);
    let report = Report::new(&snapshot, &findings, checked_files);

    let code = if io_error {
        EXIT_ERROR
    } else if findings.iter().any(|finding| matches!(finding.level, Level::Error | Level::Warning)) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    };

    let written = match args.format {
        Format::Text => text::write(&report, io.colour, io.stdout),
        Format::Json => json::write(&report, io.stdout),
        Format::Sarif => sarif::write(&report, &snapshot.config, io.stdout),
        Format::Github => github::write(&report, io.stdout),
    }
    .and_then(|()| Ok(io.stdout.flush()?));
    match written {
        Ok(()) => Ok(code),
        // `kube-lsp check . | head`: the reader left; the findings still
        // decide the exit code, for `set -o pipefail` scripts.
        Err(error) if is_broken_pipe(&error) => Ok(code),
        Err(error) => Err(error),
    }
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The configuration from `--config`, else from the nearest `.kube-lsp.yaml`.
/// Problems in it are warnings; `None` (exit 2) when `--config` names a file
/// that cannot be read.
fn read_config(args: &Inputs<'_>, io: &mut Io<'_>) -> anyhow::Result<Option<Config>> {
    let file = match args.config {
        Some(file) => Some(file.to_path_buf()),
        None => io.current_dir.as_deref().and_then(loader::find_config_file),
    };
    let mut config = Config::default();
    let Some(file) = file else { return Ok(Some(config)) };
    match loader::read_config_file(&file) {
        Ok(value) => {
            for problem in config.apply_file(&value, &Code::all_strs()) {
                writeln!(io.stderr, "warning: `{}`: {problem}", file.display())?;
            }
        }
        Err(error) if args.config.is_some() && error.downcast_ref::<io::Error>().is_some() => {
            writeln!(io.stderr, "error: {error:#}")?;
            return Ok(None);
        }
        Err(error) => writeln!(io.stderr, "warning: {error:#}; using the default settings")?,
    }
    Ok(Some(config))
}

/// Reads stdin whole, up to one byte over `limit` (the loader then skips it
/// as too big), so an endless stream cannot fill the memory.
fn read_stdin(stdin: &mut dyn Read, limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    stdin.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_captured(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Command {
            #[command(flatten)]
            args: CheckArgs,
        }
        let command =
            Command::try_parse_from(std::iter::once("check").chain(args.iter().copied())).expect("valid arguments");
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let mut stdin = stdin;
        let mut io =
            Io { stdin: &mut stdin, stdout: &mut stdout, stderr: &mut stderr, colour: false, current_dir: None };
        let code = run_with(&command.args, &mut io);
        (code, String::from_utf8_lossy(&stdout).into_owned(), String::from_utf8_lossy(&stderr).into_owned())
    }

    #[test]
    fn output_goes_to_the_given_writers() {
        let (code, stdout, stderr) = run_captured(&["--format", "json", "-"], b"kind: ConfigMap\n");
        assert_eq!((code, stdout.as_str(), stderr.as_str()), (EXIT_CLEAN, "[]\n", ""));

        let (code, stdout, stderr) = run_captured(&["/definitely/not/here"], b"");
        assert_eq!((code, stdout.as_str()), (EXIT_ERROR, ""));
        assert!(stderr.starts_with("error: cannot read `/definitely/not/here`: "), "{stderr}");
    }

    #[test]
    #[allow(clippy::disallowed_methods)] // A test writes its own fixture.
    fn stdin_over_the_size_limit_is_skipped_with_a_note() {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join("config.yaml");
        std::fs::write(&config, "maxFileSize: 4\n").expect("write");
        let config = config.to_string_lossy().into_owned();
        let (code, stdout, stderr) = run_captured(&["--config", &config, "-"], b"kind: ConfigMap\n");
        assert_eq!(code, EXIT_CLEAN);
        assert_eq!(stdout, "no findings in 0 files\n");
        assert_eq!(stderr, "note: skipping `<stdin>`: over `maxFileSize` (4 bytes)\n");
    }
}
