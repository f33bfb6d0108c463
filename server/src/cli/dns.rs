//! `kube-lsp dns`: the DNS inventory of a tree. For every StatefulSet, its
//! namespace, governing Service and the link's health, each pod's full name
//! and short forms, the Service's DNS and SRV names, and each volume claim
//! name; as text, JSON or Markdown.
//!
//! It reads its inputs as `kube-lsp check` does (`load`), takes the data from
//! `ide::dns_inventory` (the link's health from the same diagnostics `check`
//! prints) and only renders it. Text and Markdown abbreviate many pods as
//! hover does; JSON lists every pod.

use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;

use super::{load, Inputs, Io, Loaded, EXIT_CLEAN, EXIT_ERROR};
use crate::ide::{analysed_builds, dns_inventory, Listing, PodName, StatefulSetDns};
use crate::text::line_col_chars;

/// How the inventory is printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum DnsFormat {
    /// Aligned plain text.
    #[default]
    Text,
    /// One JSON object, every pod listed.
    Json,
    /// Markdown, for a README or a pull request.
    Markdown,
}

/// The arguments of `kube-lsp dns`.
#[derive(Clone, Debug, clap::Args)]
pub struct DnsArgs {
    /// Files and folders to read (folders recursively, `*.yaml`/`*.yml`,
    /// honouring `.gitignore`); `-` reads one stream from stdin.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = DnsFormat::Text)]
    pub format: DnsFormat,

    /// Configuration file to use instead of the nearest `.kube-lsp.yaml` in
    /// the current folder or its parents (`clusterDomain`, `defaultNamespace`).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The file name to report for the stream read from stdin (`-`).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,

    /// The namespace of objects that name none (overrides `defaultNamespace`).
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

/// JSON lists every pod up to this many per StatefulSet (`replicas` is
/// any int32 to the API; a typo of a few more digits should not print
/// gigabytes). Beyond it, `podsTruncated` says so.
const JSON_POD_LIMIT: i64 = 100_000;

/// Runs `kube-lsp dns` on the process's streams; returns the exit code.
pub fn run(args: DnsArgs) -> i32 {
    super::with_terminal(|io| run_with(&args, io))
}

/// Runs `kube-lsp dns` with the given streams; returns the exit code.
pub fn run_with(args: &DnsArgs, io: &mut Io<'_>) -> i32 {
    let inputs = Inputs {
        paths: &args.paths,
        config: args.config.as_deref(),
        stdin_filename: args.stdin_filename.as_deref(),
        namespace: args.namespace.as_deref(),
        // Charts are rendered as `check` renders them.
        helm: super::helm::HelmFlags {
            helm: args.helm.as_deref(),
            release: args.release.as_deref(),
            values: &args.values,
            no_helm: args.no_helm,
        },
    };
    let result = load(&inputs, io).and_then(|loaded| match loaded {
        Ok(loaded) => {
            let release = args.release.as_deref().unwrap_or(&loaded.snapshot.config.helm.release).to_owned();
            write(&loaded, args.format, &release, io.stdout).map(|()| loaded.io_error)
        }
        Err(code) => Ok(code != EXIT_CLEAN),
    });
    match result {
        Ok(true) => EXIT_ERROR,
        Ok(false) => EXIT_CLEAN,
        Err(error) if super::is_broken_pipe(&error) => EXIT_CLEAN,
        Err(error) => {
            let _ = writeln!(io.stderr, "error: {error:#}");
            EXIT_ERROR
        }
    }
}

/// `release`: the release charts are rendered with, for the labels.
fn write(loaded: &Loaded, format: DnsFormat, release: &str, out: &mut dyn Write) -> anyhow::Result<()> {
    let builds = analysed_builds(&loaded.snapshot);
    let inventory = dns_inventory(&loaded.snapshot, loaded.host.diagnostics(), &builds, loaded.host.charts());
    let domain = &loaded.snapshot.config.cluster_domain;
    match format {
        DnsFormat::Text => write_text(&inventory, domain, release, out)?,
        DnsFormat::Json => write_json(&inventory, domain, release, out)?,
        DnsFormat::Markdown => write_markdown(&inventory, domain, release, out)?,
    }
    out.flush()?;
    Ok(())
}

/// `path:line:column` of the StatefulSet's name (in a build, in the file it
/// comes from; rendered from a chart, on its template).
fn location(entry: &StatefulSetDns<'_>) -> (String, usize, usize) {
    let (file, range) = entry.shown_at;
    let (line, column) = line_col_chars(file.line_index(), &file.text, range.start);
    (file.path.display().to_string(), line, column)
}

/// `build overlays/prod` or `release release-name`: what made the entry,
/// when it is not the file as written.
fn made_by(entry: &StatefulSetDns<'_>, release: &str) -> Option<String> {
    match (entry.build, entry.rendered) {
        (Some(build), _) => Some(format!("build {build}")),
        (None, true) => Some(format!("release {release}")),
        (None, false) => None,
    }
}

/// `healthy`, or the codes that break the link.
fn health(entry: &StatefulSetDns<'_>) -> String {
    if entry.broken.is_empty() {
        "healthy".to_owned()
    } else {
        let codes: Vec<&str> = entry.broken.iter().map(|code| code.as_str()).collect();
        format!("broken ({})", codes.join(", "))
    }
}

/// What the governing Service is, in a few words.
fn service_summary(entry: &StatefulSetDns<'_>) -> String {
    match (entry.names.service_name, &entry.service) {
        (None, _) => "none (no `serviceName`: the pods get no per-pod DNS names)".to_owned(),
        (Some(name), None) => format!("{name} (not in namespace {})", entry.names.namespace),
        (Some(name), Some(service)) if service.headless => format!("{name} (headless)"),
        (Some(name), Some(_)) => format!("{name} (not headless)"),
    }
}

fn ordinal_summary(entry: &StatefulSetDns<'_>) -> String {
    match entry.names.last() {
        None => "0 (`replicas` is 0)".to_owned(),
        Some(last) => format!("{} (ordinals {}–{last})", entry.names.count, entry.names.first),
    }
}

/// The ordinals text and Markdown show, `None` standing for the gap.
fn shown_ordinals(entry: &StatefulSetDns<'_>) -> Vec<Option<i64>> {
    match Listing::of(entry.names.ordinals()) {
        Listing::All(ordinals) => ordinals.map(Some).collect(),
        Listing::Abbreviated { head, tail } => head.map(Some).chain([None]).chain(tail.map(Some)).collect(),
    }
}

fn is_abbreviated(entry: &StatefulSetDns<'_>) -> bool {
    matches!(Listing::of(entry.names.ordinals()), Listing::Abbreviated { .. })
}

/// One `label: value` line of the text output, values aligned.
fn labelled(out: &mut dyn Write, label: &str, value: &str) -> std::io::Result<()> {
    writeln!(out, "  {:<18}{value}", format!("{label}:"))
}

fn write_text(
    inventory: &[StatefulSetDns<'_>],
    domain: &str,
    release: &str,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    writeln!(out, "cluster domain: {domain}\n")?;
    if inventory.is_empty() {
        writeln!(out, "no StatefulSets")?;
        return Ok(());
    }
    for (position, entry) in inventory.iter().enumerate() {
        if position > 0 {
            writeln!(out)?;
        }
        let (path, line, column) = location(entry);
        let names = &entry.names;
        match made_by(entry, release) {
            Some(made_by) => writeln!(out, "StatefulSet {} ({made_by}; from {path}:{line}:{column})", names.name)?,
            None => writeln!(out, "StatefulSet {} ({path}:{line}:{column})", names.name)?,
        }
        labelled(out, "namespace", names.namespace)?;
        labelled(out, "service", &service_summary(entry))?;
        labelled(out, "link", &health(entry))?;
        labelled(out, "pods", &ordinal_summary(entry))?;
        let pods: Vec<Option<PodName>> =
            shown_ordinals(entry).into_iter().map(|ordinal| ordinal.and_then(|ordinal| names.pod(ordinal))).collect();
        if names.service_name.is_some() && names.count > 0 {
            let width = |column: fn(&PodName) -> &str| {
                pods.iter().flatten().map(|pod| column(pod).chars().count()).max().unwrap_or(0)
            };
            let (full, short) = (width(|pod| &pod.full), width(|pod| &pod.in_namespace));
            for pod in &pods {
                match pod {
                    Some(pod) => writeln!(
                        out,
                        "    {:full$}  {:short$}  {}",
                        pod.full, pod.in_namespace, pod.from_any_namespace
                    )?,
                    None => writeln!(out, "    …")?,
                }
            }
            if let Some(pattern) = names.pod_pattern().filter(|_| is_abbreviated(entry)) {
                writeln!(out, "    pattern: {pattern}")?;
            }
        }
        if let Some(service) = &entry.service {
            labelled(out, "service DNS name", &service.full)?;
            for srv in &service.srv {
                labelled(out, "SRV", srv)?;
            }
        }
        for claim in &entry.claim_templates {
            let claims: Vec<String> = shown_ordinals(entry)
                .into_iter()
                .map(|ordinal| ordinal.map_or_else(|| "…".to_owned(), |ordinal| names.claim(claim, ordinal)))
                .collect();
            let claims = if claims.is_empty() { "none while `replicas` is 0".to_owned() } else { claims.join(" ") };
            labelled(out, &format!("claims {claim}"), &claims)?;
            if is_abbreviated(entry) {
                writeln!(out, "    pattern: {}", names.claim_pattern(claim))?;
            }
        }
    }
    Ok(())
}

fn write_markdown(
    inventory: &[StatefulSetDns<'_>],
    domain: &str,
    release: &str,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    writeln!(out, "# DNS names\n\nCluster domain `{domain}`.\n")?;
    if inventory.is_empty() {
        writeln!(out, "No StatefulSets.")?;
        return Ok(());
    }
    for entry in inventory {
        let (path, line, column) = location(entry);
        let names = &entry.names;
        let heading = match (entry.build, entry.rendered) {
            (Some(build), _) => format!(" (build `{build}`)"),
            (None, true) => format!(" (release `{release}`)"),
            (None, false) => String::new(),
        };
        writeln!(out, "## StatefulSet `{}` in namespace `{}`{heading}\n", names.name, names.namespace)?;
        writeln!(out, "- File: `{path}:{line}:{column}`")?;
        let service = match (names.service_name, &entry.service) {
            (None, _) => "none: no `serviceName`, so the pods get no per-pod DNS names".to_owned(),
            (Some(name), None) => format!("`{name}`, not in namespace `{}`", names.namespace),
            (Some(name), Some(service)) if service.headless => format!("`{name}` (headless)"),
            (Some(name), Some(_)) => format!("`{name}` (not headless)"),
        };
        writeln!(out, "- Service: {service}")?;
        let health = if entry.broken.is_empty() {
            "healthy".to_owned()
        } else {
            let codes: Vec<String> = entry.broken.iter().map(|code| format!("`{}`", code.as_str())).collect();
            format!("broken ({})", codes.join(", "))
        };
        writeln!(out, "- Link: {health}")?;
        writeln!(out, "- Pods: {}", ordinal_summary(entry))?;
        if let Some(service) = &entry.service {
            writeln!(out, "- Service DNS name: `{}`", service.full)?;
            if !service.srv.is_empty() {
                let srv: Vec<String> = service.srv.iter().map(|srv| format!("`{srv}`")).collect();
                writeln!(out, "- SRV: {}", srv.join(", "))?;
            }
        }
        writeln!(out)?;
        if names.service_name.is_some() && names.count > 0 {
            writeln!(out, "| pod | in namespace `{}` | from any namespace |\n| --- | --- | --- |", names.namespace)?;
            for ordinal in shown_ordinals(entry) {
                match ordinal.and_then(|ordinal| names.pod(ordinal)) {
                    Some(pod) => {
                        writeln!(out, "| `{}` | `{}` | `{}` |", pod.full, pod.in_namespace, pod.from_any_namespace)?
                    }
                    None => writeln!(out, "| … | | |")?,
                }
            }
            writeln!(out)?;
            if let Some(pattern) = names.pod_pattern().filter(|_| is_abbreviated(entry)) {
                writeln!(out, "Pattern: `{pattern}`\n")?;
            }
        }
        if !entry.claim_templates.is_empty() {
            writeln!(out, "Volume claims (kept when pods are deleted or scaled away):\n")?;
            for claim in &entry.claim_templates {
                let claims: Vec<String> = shown_ordinals(entry)
                    .into_iter()
                    .map(|ordinal| {
                        ordinal.map_or_else(|| "…".to_owned(), |ordinal| format!("`{}`", names.claim(claim, ordinal)))
                    })
                    .collect();
                let claims =
                    if claims.is_empty() { "none while `replicas` is 0".to_owned() } else { claims.join(", ") };
                let pattern = if is_abbreviated(entry) {
                    format!(" (pattern `{}`)", names.claim_pattern(claim))
                } else {
                    String::new()
                };
                writeln!(out, "- `{claim}`: {claims}{pattern}")?;
            }
            writeln!(out)?;
        }
    }
    Ok(())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonInventory<'a> {
    cluster_domain: &'a str,
    stateful_sets: Vec<JsonStatefulSet<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonStatefulSet<'a> {
    name: &'a str,
    namespace: &'a str,
    /// The kustomize top build it is listed for (`overlays/prod`), `null`
    /// for a file no kustomization lists.
    build: Option<&'a str>,
    /// The release it was rendered with, `null` unless from a chart.
    release: Option<&'a str>,
    /// The file it comes from (a chart's template, for a render).
    file: String,
    line: usize,
    column: usize,
    /// `spec.serviceName`, `null` when absent or empty.
    service_name: Option<&'a str>,
    /// The governing Service, `null` when the workspace does not hold it.
    service: Option<JsonService<'a>>,
    link: JsonLink,
    ordinals: JsonOrdinals,
    /// Empty without `serviceName`: the pods get no per-pod DNS names.
    pods: Vec<JsonPod>,
    pods_truncated: bool,
    volume_claims: Vec<JsonClaims<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonService<'a> {
    name: &'a str,
    namespace: &'a str,
    dns_name: &'a str,
    headless: bool,
    srv: &'a [String],
}

#[derive(Serialize)]
struct JsonLink {
    healthy: bool,
    broken: Vec<&'static str>,
}

#[derive(Serialize)]
struct JsonOrdinals {
    start: i64,
    replicas: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonPod {
    ordinal: i64,
    dns_name: String,
    in_namespace: String,
    from_any_namespace: String,
}

#[derive(Serialize)]
struct JsonClaims<'a> {
    template: &'a str,
    claims: Vec<String>,
}

fn write_json(
    inventory: &[StatefulSetDns<'_>],
    domain: &str,
    release: &str,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let stateful_sets = inventory
        .iter()
        .map(|entry| {
            let (file, line, column) = location(entry);
            let names = &entry.names;
            let listed = names.first..names.first.saturating_add(names.count.min(JSON_POD_LIMIT));
            JsonStatefulSet {
                name: names.name,
                namespace: names.namespace,
                build: entry.build,
                release: entry.rendered.then_some(release),
                file,
                line,
                column,
                service_name: names.service_name,
                service: entry.service.as_ref().map(|service| JsonService {
                    name: &service.name,
                    namespace: &service.namespace,
                    dns_name: &service.full,
                    headless: service.headless,
                    srv: &service.srv,
                }),
                link: JsonLink {
                    healthy: entry.broken.is_empty(),
                    broken: entry.broken.iter().map(|code| code.as_str()).collect(),
                },
                ordinals: JsonOrdinals { start: names.first, replicas: names.count },
                pods: listed
                    .clone()
                    .filter_map(|ordinal| names.pod(ordinal))
                    .map(|pod| JsonPod {
                        ordinal: pod.ordinal,
                        dns_name: pod.full,
                        in_namespace: pod.in_namespace,
                        from_any_namespace: pod.from_any_namespace,
                    })
                    .collect(),
                pods_truncated: names.count > JSON_POD_LIMIT,
                volume_claims: entry
                    .claim_templates
                    .iter()
                    .map(|claim| JsonClaims {
                        template: claim,
                        claims: listed.clone().map(|ordinal| names.claim(claim, ordinal)).collect(),
                    })
                    .collect(),
            }
        })
        .collect();
    // Serialized first, so that a write error stays an `io::Error`.
    let text = serde_json::to_string_pretty(&JsonInventory { cluster_domain: domain, stateful_sets })?;
    writeln!(out, "{text}")?;
    Ok(())
}
