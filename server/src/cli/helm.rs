//! `kube-lsp check`'s charts: each chart under the given paths is rendered
//! with `helm template` (through `loader::helm`) and its render taken into
//! the host, so that its findings are reported on the template lines.
//!
//! It knows the CLI's flags and notes; it does not know what a render means
//! (that is `ide::helm`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use crate::config::Config;
use crate::ide::helm::{prepare, ChartRender};
use crate::ide::Host;
use crate::loader::helm::{charts_of, offers_name_overrides, read_chart_file, HelmCommand, RenderError};

/// `check`'s flags about charts.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct HelmFlags<'a> {
    pub(crate) helm: Option<&'a Path>,
    pub(crate) release: Option<&'a str>,
    pub(crate) values: &'a [PathBuf],
    pub(crate) no_helm: bool,
}

/// Renders the charts that `paths` hold files of, into `host`; a note on
/// `stderr` when there is no `helm` to run.
pub(super) fn render_charts(
    args: &HelmFlags<'_>,
    config: &Config,
    paths: &[PathBuf],
    current_dir: Option<&Path>,
    host: &mut Host,
    stderr: &mut dyn Write,
) -> std::io::Result<()> {
    if args.no_helm || !config.helm.enable {
        return Ok(());
    }
    let charts = charts_of(paths);
    if charts.is_empty() {
        return Ok(());
    }
    let mut settings = config.helm.clone();
    if let Some(helm) = args.helm {
        settings.path = Some(helm.to_string_lossy().into_owned());
    }
    if let Some(release) = args.release {
        release.clone_into(&mut settings.release);
    }
    let mut command = HelmCommand::from_settings(&settings, &config.default_namespace);
    // `-f` on the command line is relative to where it is run, as Helm's is.
    command.value_files.extend(args.values.iter().map(|file| match current_dir {
        Some(dir) if file.is_relative() => dir.join(file).to_string_lossy().into_owned(),
        _ => file.to_string_lossy().into_owned(),
    }));
    if let Err(error) = command.version() {
        let why = match error {
            RenderError::NotStarted(why) | RenderError::Failed(why) => why,
            RenderError::TimedOut(_) | RenderError::Cancelled => "`helm version` did not answer".to_owned(),
        };
        let count = charts.len();
        let charts_word = if count == 1 { "chart" } else { "charts" };
        writeln!(stderr, "note: {why}: skipping {count} Helm {charts_word} (templates are not checked; see `--helm`)")?;
        return Ok(());
    }
    for chart in charts {
        host.take_render(render_chart(&command, config, &chart));
    }
    Ok(())
}

/// One chart's renders, worked out as the server's worker does.
pub(crate) fn render_chart(command: &HelmCommand, config: &Config, chart: &Path) -> ChartRender {
    let never = AtomicBool::new(false);
    let outcome = |overrides: bool| command.render(chart, overrides, &never).map_err(RenderError::message);
    let manifests = outcome(false);
    let overridden = (manifests.is_ok() && offers_name_overrides(chart)).then(|| outcome(true));
    prepare(config, chart, &command.release, manifests, overridden, &read_chart_file)
}
