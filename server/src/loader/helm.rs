//! Helm charts on disk, and the one program kube-lsp ever runs: `helm`,
//! as `helm template` (to render a chart) and `helm version` (to tell
//! whether there is one). Nothing else here or anywhere in the server
//! spawns a process (`tests/it/architecture.rs` checks it).
//!
//! The child gets no way to a cluster or to code beyond Helm itself: its
//! kubeconfig, plugin folder and repository and registry files are the
//! null device, and the variables that name a kube context or API server
//! are removed. It is killed when its timeout passes or its render is
//! cancelled.
//!
//! It knows nothing of what the rendered text means (that is `ide::helm`).

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::config::HelmSettings;

/// The chart's own file: a folder holding it is a chart.
pub const CHART_FILE: &str = "Chart.yaml";

/// The values `--set` gives in the override variant.
pub const OVERRIDE_SET: &str = "nameOverride=override,fullnameOverride=override-full";

/// How `helm` is run: from the settings and the namespace to render into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelmCommand {
    pub program: PathBuf,
    pub release: String,
    pub namespace: String,
    pub value_files: Vec<String>,
    pub timeout: Duration,
}

/// Why a render gave no manifests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenderError {
    /// `helm` could not be started (not installed, not executable).
    NotStarted(String),
    /// Helm ran and failed: its message (`Error: ` taken off).
    Failed(String),
    TimedOut(Duration),
    Cancelled,
}

impl RenderError {
    /// What to tell the user.
    pub fn message(self) -> String {
        match self {
            RenderError::NotStarted(why) | RenderError::Failed(why) => why,
            RenderError::TimedOut(after) => {
                format!("'helm template' took longer than {} ms (helm.timeoutMs) and was stopped", after.as_millis())
            }
            RenderError::Cancelled => "the render was cancelled".to_owned(),
        }
    }
}

impl HelmCommand {
    pub fn from_settings(settings: &HelmSettings, namespace: &str) -> HelmCommand {
        HelmCommand {
            program: PathBuf::from(settings.path.as_deref().unwrap_or("helm")),
            release: settings.release.clone(),
            namespace: namespace.to_owned(),
            value_files: settings.value_files.clone(),
            timeout: Duration::from_millis(settings.timeout_ms),
        }
    }

    /// `helm template <release> <chart> --namespace <ns> [-f file]... [--set ...]`.
    /// With `overrides`, also `--set nameOverride=...,fullnameOverride=...`.
    pub fn template_args(&self, chart: &Path, overrides: bool) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec![
            "template".into(),
            self.release.clone().into(),
            chart.as_os_str().to_owned(),
            "--namespace".into(),
            self.namespace.clone().into(),
        ];
        for file in &self.value_files {
            args.push("-f".into());
            args.push(chart.join(file).into_os_string());
        }
        if overrides {
            args.push("--set".into());
            args.push(OVERRIDE_SET.into());
        }
        args
    }

    /// Renders `chart`: what `helm template` printed.
    pub fn render(&self, chart: &Path, overrides: bool, cancel: &AtomicBool) -> Result<String, RenderError> {
        self.run(&self.template_args(chart, overrides), cancel)
    }

    /// `helm version --short`: whether a `helm` can be run, and which.
    pub fn version(&self) -> Result<String, RenderError> {
        self.run(&["version".into(), "--short".into()], &AtomicBool::new(false)).map(|out| out.trim().to_owned())
    }

    fn run(&self, args: &[OsString], cancel: &AtomicBool) -> Result<String, RenderError> {
        let mut command = Command::new(&self.program);
        command.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        isolate(&mut command);
        let mut child = command
            .spawn()
            .map_err(|error| RenderError::NotStarted(format!("cannot run `{}`: {error}", self.program.display())))?;
        // Both pipes are drained while the child runs, so that a chart
        // printing more than a pipe holds cannot stall it.
        let stdout = child.stdout.take().map(read_in_background);
        let stderr = child.stderr.take().map(read_in_background);
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) => {}
                Err(error) => return Err(RenderError::Failed(format!("cannot wait for `helm`: {error}"))),
            }
            let cancelled = cancel.load(Ordering::Relaxed);
            if cancelled || started.elapsed() >= self.timeout {
                // Killing a child that just exited fails harmlessly.
                let _ = child.kill();
                let _ = child.wait();
                return Err(if cancelled { RenderError::Cancelled } else { RenderError::TimedOut(self.timeout) });
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let stdout = stdout.and_then(|reader| reader.join().ok()).unwrap_or_default();
        let stderr = stderr.and_then(|reader| reader.join().ok()).unwrap_or_default();
        if status.success() {
            return Ok(String::from_utf8_lossy(&stdout).into_owned());
        }
        let stderr = String::from_utf8_lossy(&stderr);
        // Helm's message runs from `Error: ` to the end (Helm 4 spreads a
        // template error over lines); warnings may come before it.
        let message = match stderr.find("Error: ") {
            Some(at) => stderr[at + "Error: ".len()..].trim().to_owned(),
            None => stderr.trim().lines().last().unwrap_or("helm failed").to_owned(),
        };
        Err(RenderError::Failed(message))
    }
}

/// What keeps `helm` away from clusters and plugins.
fn isolate(command: &mut Command) {
    let null = if cfg!(windows) { "NUL" } else { "/dev/null" };
    command
        .env("HELM_PLUGINS", null)
        .env("KUBECONFIG", null)
        .env("HELM_REPOSITORY_CONFIG", null)
        .env("HELM_REGISTRY_CONFIG", null);
    for variable in [
        "HELM_KUBECONTEXT",
        "HELM_KUBETOKEN",
        "HELM_KUBEAPISERVER",
        "HELM_KUBEASUSER",
        "HELM_KUBEASGROUPS",
        "HELM_KUBECAFILE",
        "HELM_KUBETLS_SERVER_NAME",
        "HELM_KUBEINSECURE_SKIP_TLS_VERIFY",
        "HELM_POST_RENDERER",
    ] {
        command.env_remove(variable);
    }
}

fn read_in_background(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        // A read error leaves what was read; the exit status says the rest.
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// The chart a file belongs to: the nearest folder above it with a
/// `Chart.yaml`, and above that the chart whose `charts/` holds it (a
/// subchart is rendered with its parent).
pub fn chart_of(path: &Path) -> Option<PathBuf> {
    let mut chart = path.ancestors().skip(1).find(|folder| folder.join(CHART_FILE).is_file())?.to_path_buf();
    while let Some(parent) = chart.parent().filter(|parent| parent.file_name().is_some_and(|name| name == "charts")) {
        match parent.parent().filter(|outer| outer.join(CHART_FILE).is_file()) {
            Some(outer) => chart = outer.to_path_buf(),
            None => break,
        }
    }
    Some(chart)
}

/// The charts that `paths` (a walk's list) hold files of, outermost, sorted
/// and without duplicates.
pub fn charts_of(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut charts: Vec<PathBuf> = paths
        .iter()
        .filter(|path| path.file_name().is_some_and(|name| name == CHART_FILE))
        .filter_map(|path| chart_of(path))
        .collect();
    charts.sort();
    charts.dedup();
    charts
}

/// Whether the chart's `values.yaml` sets `nameOverride` or
/// `fullnameOverride` at its top level (even to `""`): the chart then
/// offers them, and is rendered a second time with both set.
pub fn offers_name_overrides(chart: &Path) -> bool {
    let Ok(values) = std::fs::read_to_string(chart.join("values.yaml")) else { return false };
    values.lines().any(|line| line.starts_with("nameOverride:") || line.starts_with("fullnameOverride:"))
}

/// The text of a file of a chart, for mapping findings to its templates;
/// `None` when it cannot be read.
pub fn read_chart_file(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create");
        std::fs::write(path, text).expect("write");
    }

    #[test]
    fn a_subchart_belongs_to_its_parent_and_charts_are_found_in_a_walk() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        write(&root.join("app/Chart.yaml"), "name: app\n");
        write(&root.join("app/templates/a.yaml"), "");
        write(&root.join("app/charts/sub/Chart.yaml"), "name: sub\n");
        write(&root.join("app/charts/sub/templates/b.yaml"), "");
        write(&root.join("plain/x.yaml"), "");
        assert_eq!(chart_of(&root.join("app/templates/a.yaml")), Some(root.join("app")));
        assert_eq!(chart_of(&root.join("app/charts/sub/templates/b.yaml")), Some(root.join("app")));
        assert_eq!(chart_of(&root.join("plain/x.yaml")), None);
        let walked =
            vec![root.join("app/Chart.yaml"), root.join("app/charts/sub/Chart.yaml"), root.join("plain/x.yaml")];
        assert_eq!(charts_of(&walked), [root.join("app")]);
    }

    #[test]
    fn the_command_line_is_template_only() {
        let command = HelmCommand {
            program: "helm".into(),
            release: "release-name".into(),
            namespace: "cache".into(),
            value_files: vec!["prod.yaml".into()],
            timeout: Duration::from_secs(1),
        };
        let args = command.template_args(Path::new("/c"), true);
        let args: Vec<String> = args.iter().map(|arg| arg.to_string_lossy().into_owned()).collect();
        assert_eq!(
            args,
            [
                "template",
                "release-name",
                "/c",
                "--namespace",
                "cache",
                "-f",
                "/c/prod.yaml",
                "--set",
                "nameOverride=override,fullnameOverride=override-full"
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_render_past_its_timeout_is_killed_and_a_missing_helm_is_said() {
        let dir = tempfile::tempdir().expect("temp dir");
        let script = dir.path().join("helm");
        write(&script, "#!/bin/sh\nsleep 5\n");
        std::process::Command::new("chmod").arg("+x").arg(&script).status().expect("chmod");
        let command = HelmCommand {
            program: script,
            release: "r".into(),
            namespace: "default".into(),
            value_files: Vec::new(),
            timeout: Duration::from_millis(200),
        };
        let started = Instant::now();
        let outcome = command.render(dir.path(), false, &AtomicBool::new(false));
        assert_eq!(outcome, Err(RenderError::TimedOut(Duration::from_millis(200))));
        assert!(started.elapsed() < Duration::from_secs(3), "killed, not waited for: {:?}", started.elapsed());
        assert_eq!(command.render(dir.path(), false, &AtomicBool::new(true)), Err(RenderError::Cancelled));

        let missing = HelmCommand { program: dir.path().join("nope"), ..command };
        assert!(matches!(missing.version(), Err(RenderError::NotStarted(_))));
    }
}
