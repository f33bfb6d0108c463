//! Helm charts in the workspace: what their renders give, and where their
//! findings are shown.
//!
//! A chart's render (what `helm template` printed, run by `loader` for the
//! CLI or on a worker thread for the server) joins the workspace as one
//! derived, read-only file per chart (`rendered_path`), so its objects tie
//! with the rest of the workspace in the one index. Nothing publishes that
//! file: its findings are mapped back to the template each document came
//! from (`# Source:`), at the line of the same key path in the template read
//! with its actions masked (`syntax::mask_template`), else at the template
//! action that printed it, else at the document's first line. A chart whose
//! `values.yaml` offers `nameOverride`/`fullnameOverride` is rendered a second
//! time with both set; that render is analysed among its own objects, and
//! what it finds that the plain render does not is shown too, saying so.
//!
//! It knows nothing of processes, the disk or the protocol: renders come in
//! as text, and template texts from the snapshot or a reader it is given.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::checks::{helm_render, Diagnostics, Finding, Related};
use crate::config::Config;
use crate::syntax::{self, TextRange};
use crate::workspace::{FileId, Snapshot, SourceFile, Workspace};

/// The folder, inside a chart, that the derived files are named under. It
/// is never on disk (a render is never written).
const RENDERED_FOLDER: &str = ".kube-lsp-rendered";

/// The path of a chart's derived file in the workspace.
pub fn rendered_path(chart: &Path) -> PathBuf {
    chart.join(RENDERED_FOLDER).join("manifests.yaml")
}

/// Whether `path` is a derived file (a render), not a file of the user's.
pub fn is_rendered_path(path: &Path) -> bool {
    path.parent().and_then(Path::file_name).is_some_and(|name| name == RENDERED_FOLDER)
}

/// A chart's renders, ready to join the workspace (`Charts::take`).
#[derive(Clone, Debug)]
pub struct ChartRender {
    pub chart: PathBuf,
    pub release: String,
    /// What `helm template` printed, or Helm's message.
    pub manifests: Result<String, String>,
    /// What only the override variant finds, already placed on templates.
    pub override_only: Vec<Placed>,
}

/// A finding placed on a file by path, for a file that may not have its id
/// yet where it was worked out (a worker thread).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    pub path: PathBuf,
    pub finding: Finding,
}

/// How a worker reads a chart's templates (from disk) when it places the
/// override variant's findings.
pub type ReadTemplate<'a> = &'a dyn Fn(&Path) -> Option<String>;

/// Works out a chart's `ChartRender` from its renders: the plain one, and
/// the override variant's if the chart offers name overrides. Runs where
/// the renders ran (a worker thread for the server).
pub fn prepare(
    config: &Config,
    chart: &Path,
    release: &str,
    manifests: Result<String, String>,
    overridden: Option<Result<String, String>>,
    read_template: ReadTemplate<'_>,
) -> ChartRender {
    let override_only = match (&manifests, overridden) {
        (Ok(plain), Some(Ok(overridden))) => {
            let keys = |findings: &[Placed]| -> BTreeSet<(PathBuf, TextRange, &'static str)> {
                findings
                    .iter()
                    .map(|placed| (placed.path.clone(), placed.finding.range, placed.finding.code.as_str()))
                    .collect()
            };
            let plain_findings = alone(config, chart, release, plain, read_template);
            let known = keys(&plain_findings);
            alone(config, chart, release, &overridden, read_template)
                .into_iter()
                .filter(|placed| {
                    !known.contains(&(placed.path.clone(), placed.finding.range, placed.finding.code.as_str()))
                })
                .map(|mut placed| {
                    placed.finding.message =
                        crate::checks::with_context("only with name overrides set", &placed.finding.message);
                    placed
                })
                .collect()
        }
        // The plain render failing says enough; an override-only failure
        // is its own finding, on the place Helm names.
        (Ok(_), Some(Err(message))) => {
            let mut workspace = Workspace::new(config.clone());
            let ids = insert_templates(&mut workspace, chart, &message, read_template);
            let snapshot = workspace.snapshot();
            render_failure(&snapshot, chart, release, &message, true, &ids)
                .into_iter()
                .filter_map(|finding| {
                    let path = snapshot.file(finding.file)?.path.clone();
                    Some(Placed { path, finding })
                })
                .collect()
        }
        _ => Vec::new(),
    };
    ChartRender { chart: chart.to_owned(), release: release.to_owned(), manifests, override_only }
}

/// The findings of one render analysed among its own objects, placed on the
/// templates.
fn alone(
    config: &Config,
    chart: &Path,
    release: &str,
    manifests: &str,
    read_template: ReadTemplate<'_>,
) -> Vec<Placed> {
    let mut workspace = Workspace::new(config.clone());
    let rendered = workspace.set_text(rendered_path(chart), manifests.to_owned(), None);
    let mut sources: Vec<String> = Vec::new();
    if let Some(file) = workspace.file(rendered) {
        for document in &file.documents {
            if let Some(source) = source_of(file, document.start) {
                sources.push(source);
            }
        }
    }
    sources.sort();
    sources.dedup();
    for source in &sources {
        let path = template_path(chart, source);
        if let Some(text) = read_template(&path) {
            workspace.set_text(path, text, None);
        }
    }
    let snapshot = workspace.snapshot();
    let diagnostics = Diagnostics::of(&snapshot);
    let render = Render { chart: chart.to_owned(), release: release.to_owned(), file: Some(rendered), failure: None };
    let mut mapped = Vec::new();
    for finding in diagnostics.file(rendered) {
        if let Some(finding) = map_finding(&snapshot, &render, finding) {
            if let Some(file) = snapshot.file(finding.file) {
                mapped.push(Placed { path: file.path.clone(), finding });
            }
        }
    }
    mapped
}

/// Puts the template a failure names (and the chart's `Chart.yaml`) in a
/// throwaway workspace, so that the failure can be placed.
fn insert_templates(
    workspace: &mut Workspace,
    chart: &Path,
    message: &str,
    read_template: ReadTemplate<'_>,
) -> Vec<FileId> {
    let mut ids = Vec::new();
    let named = error_location(message).map(|(source, _)| template_path(chart, &source));
    for path in named.into_iter().chain([chart.join("Chart.yaml")]) {
        if let Some(text) = read_template(&path) {
            ids.push(workspace.set_text(path, text, None));
        }
    }
    ids
}

/// One chart as the workspace holds it.
#[derive(Clone, Debug)]
struct Render {
    chart: PathBuf,
    release: String,
    /// The derived file, while the last render succeeded.
    file: Option<FileId>,
    /// Helm's message, while the last render failed.
    failure: Option<String>,
}

/// The charts of the workspace and their renders, kept beside the
/// diagnostics by `Host`.
#[derive(Debug, Default)]
pub struct Charts {
    charts: BTreeMap<PathBuf, (Render, Vec<Placed>)>,
    /// The mapped findings of each template (and `Chart.yaml`), by file.
    mapped: HashMap<FileId, Vec<Finding>>,
}

impl Charts {
    /// Takes a chart's render into the workspace: its manifests as the
    /// chart's derived file (or, for a failed render, none).
    pub fn take(&mut self, workspace: &mut Workspace, render: ChartRender) {
        let path = rendered_path(&render.chart);
        let (file, failure) = match render.manifests {
            Ok(manifests) => (Some(workspace.set_text(path, manifests, None)), None),
            Err(message) => {
                workspace.remove(&path);
                (None, Some(message))
            }
        };
        let state = Render { chart: render.chart.clone(), release: render.release, file, failure };
        self.charts.insert(render.chart, (state, render.override_only));
    }

    /// Forgets a chart (its folder went, or rendering was turned off).
    pub fn forget(&mut self, workspace: &mut Workspace, chart: &Path) {
        if self.charts.remove(chart).is_some() {
            workspace.remove(&rendered_path(chart));
        }
    }

    /// The charts with a render taken.
    pub fn charts(&self) -> impl Iterator<Item = &Path> {
        self.charts.keys().map(PathBuf::as_path)
    }

    /// Works out again the findings mapped to templates, after the
    /// diagnostics changed for the files in `changed` (which gains the
    /// templates whose mapped findings changed). Cheap when no derived file
    /// is among them and no render came in (`force`).
    pub fn remap(&mut self, snapshot: &Snapshot, diagnostics: &Diagnostics, changed: &mut Vec<FileId>, force: bool) {
        if !force && !self.touches(snapshot, changed) {
            return;
        }
        let mut mapped: HashMap<FileId, Vec<Finding>> = HashMap::new();
        for (render, override_only) in self.charts.values() {
            if let Some(file) = render.file {
                for finding in diagnostics.file(file) {
                    if let Some(finding) = map_finding(snapshot, render, finding) {
                        mapped.entry(finding.file).or_default().push(finding);
                    }
                }
            }
            if let Some(message) = &render.failure {
                let ids: Vec<FileId> = snapshot.files().map(|(id, _)| id).collect();
                if let Some(finding) = render_failure(snapshot, &render.chart, &render.release, message, false, &ids) {
                    mapped.entry(finding.file).or_default().push(finding);
                }
            }
            for placed in override_only {
                if let Some(id) = snapshot.file_id(&placed.path) {
                    let mut finding = placed.finding.clone();
                    finding.file = id;
                    finding.related.clear();
                    mapped.entry(id).or_default().push(finding);
                }
            }
        }
        for findings in mapped.values_mut() {
            findings.sort_by(|a, b| {
                (a.range.start, a.range.end, a.code, &a.message).cmp(&(b.range.start, b.range.end, b.code, &b.message))
            });
            findings.dedup_by(|a, b| a.range == b.range && a.code == b.code);
        }
        let mut touched: BTreeSet<FileId> = BTreeSet::new();
        for (id, findings) in &mapped {
            if self.mapped.get(id) != Some(findings) {
                touched.insert(*id);
            }
        }
        for id in self.mapped.keys() {
            if !mapped.contains_key(id) {
                touched.insert(*id);
            }
        }
        self.mapped = mapped;
        for id in touched {
            if !changed.contains(&id) {
                changed.push(id);
            }
        }
    }

    /// The findings to show for `file`: its own, and those mapped to it from
    /// renders. None for a derived file, which is never shown.
    pub fn findings<'a>(
        &'a self,
        snapshot: &Snapshot,
        diagnostics: &'a Diagnostics,
        file: FileId,
    ) -> Cow<'a, [Finding]> {
        if snapshot.file(file).is_some_and(|source| is_rendered_path(&source.path)) {
            return Cow::Borrowed(&[]);
        }
        let own = diagnostics.file(file);
        let Some(mapped) = self.mapped.get(&file) else { return Cow::Borrowed(own) };
        let mut findings = own.to_vec();
        for finding in mapped {
            // A template without actions is analysed as it is, too.
            if !own.iter().any(|other| other.range == finding.range && other.code == finding.code) {
                findings.push(finding.clone());
            }
        }
        findings.sort_by_key(|finding| (finding.range.start, finding.range.end, finding.code));
        Cow::Owned(findings)
    }

    /// Where a place in a chart's render is shown: on its template (as its
    /// findings are); `None` for a place in any other file.
    pub fn place(&self, snapshot: &Snapshot, file: FileId, range: TextRange) -> Option<(FileId, TextRange)> {
        let (render, _) = self.charts.values().find(|(render, _)| render.file == Some(file))?;
        map_range(snapshot, &render.chart, snapshot.file(file)?, range)
    }

    /// Whether any of `files` is in a chart with a render: its findings, or
    /// a template's text (which places them), may have changed.
    pub fn touches(&self, snapshot: &Snapshot, files: &[FileId]) -> bool {
        !self.charts.is_empty()
            && files.iter().any(|id| {
                snapshot.file(*id).is_some_and(|file| self.charts.keys().any(|chart| file.path.starts_with(chart)))
            })
    }

    /// Every finding to show, by file.
    pub fn all_findings(&self, snapshot: &Snapshot, diagnostics: &Diagnostics) -> Vec<Finding> {
        let mut files: BTreeSet<FileId> = diagnostics.by_file().keys().copied().collect();
        files.extend(self.mapped.keys().copied());
        files.into_iter().flat_map(|file| self.findings(snapshot, diagnostics, file).into_owned()).collect()
    }

    /// The derived file and release of the chart that `template` (a path
    /// in a chart) belongs to, if that chart has a render.
    fn render_of(&self, template: &Path) -> Option<(FileId, &str, &Path)> {
        self.charts
            .iter()
            .filter(|(chart, _)| template.starts_with(chart))
            .max_by_key(|(chart, _)| chart.as_os_str().len())
            .and_then(|(chart, (render, _))| render.file.map(|file| (file, render.release.as_str(), chart.as_path())))
    }
}

/// Hover on a template line of a StatefulSet or Service: the card of the
/// rendered object (for the chart's release), with the pattern of its names
/// for any release.
pub fn hover(
    snapshot: &Snapshot,
    diagnostics: &Diagnostics,
    charts: &Charts,
    file: FileId,
    offset: usize,
) -> Option<super::hover::HoverResult> {
    let template = snapshot.file(file)?;
    if is_rendered_path(&template.path) {
        return None;
    }
    let (derived_id, release, chart) = charts.render_of(&template.path)?;
    let derived = snapshot.file(derived_id)?;
    // The template's document under the cursor, and the key path to it.
    let masked = syntax::mask_template(&template.text);
    let documents = syntax::split_documents(&masked.text);
    let index = documents.iter().position(|range| range.start <= offset && offset <= range.end)?;
    let template_range = documents[index];
    let template_document = syntax::parse_document(&masked.text[template_range.as_range()]);
    let path = syntax::key_path_at(&template_document, offset - template_range.start)?;
    let found_in_template = syntax::find_path(&template_document, template_range.len(), &path, &[])?;
    // The same document of the render, and the same place in it.
    let document = derived
        .documents
        .iter()
        .filter(|document| {
            source_of(derived, document.start).is_some_and(|source| template_path(chart, &source) == template.path)
        })
        .nth(index)?;
    let names = syntax::item_names(&template_document, &path);
    let found = syntax::find_path(&document.syntax, document.len, &path, &names)?;
    let object = snapshot.object_at(derived_id, document.start + found.range.start)?;
    let name_offset = object.object.name.as_ref().map(|name| object.absolute(name.value).start)?;
    let card = super::hover::hover(snapshot, diagnostics, derived_id, document.start + found.range.start)
        .or_else(|| super::hover::hover(snapshot, diagnostics, derived_id, name_offset))?;
    let mut markdown = format!("Rendered by Helm with release `{release}`.\n\n{}", card.markdown);
    if let Some(stateful_set) = object.stateful_set() {
        let any = |name: &str| name.replace(release, "<release>");
        if let Some(service_name) = stateful_set.service_name() {
            markdown.push_str(&format!(
                "\nFor any release `<release>`: pods `{}-0.{}`, `{}-1.{}`, …\n",
                any(object.name()),
                any(service_name),
                any(object.name()),
                any(service_name)
            ));
        }
    } else if object.service().is_some() {
        markdown.push_str(&format!(
            "\nFor any release `<release>`: Service `{}`.\n",
            object.name().replace(release, "<release>")
        ));
    }
    let range = found_in_template.range.shifted(template_range.start);
    Some(super::hover::HoverResult { range, markdown })
}

/// The `# Source:` of the document at `offset` of a derived file: the
/// template's path as Helm gives it (`<chart>/templates/<file>`).
fn source_of(file: &SourceFile, offset: usize) -> Option<String> {
    let document = file.document_at(offset)?;
    document.syntax.comments.iter().find_map(|comment| {
        comment.text.trim_start_matches('#').trim().strip_prefix("Source:").map(|source| source.trim().to_owned())
    })
}

/// The template a `# Source:` names, under the chart's folder: Helm names
/// it from the chart's name, which need not be its folder's.
fn template_path(chart: &Path, source: &str) -> PathBuf {
    let relative = source.split_once('/').map_or(source, |(_, rest)| rest);
    let mut path = chart.to_path_buf();
    for part in relative.split('/').filter(|part| !part.is_empty() && *part != "..") {
        path.push(part);
    }
    path
}

/// `finding` of a derived file, placed on its template.
fn map_finding(snapshot: &Snapshot, render: &Render, finding: &Finding) -> Option<Finding> {
    let derived = snapshot.file(finding.file)?;
    let mut mapped = finding.clone();
    let (file, range) = map_range(snapshot, &render.chart, derived, finding.range)?;
    mapped.file = file;
    mapped.range = range;
    mapped.message = match snapshot.file(file) {
        // Shown on `Chart.yaml`: say which template it came from.
        Some(shown) if shown.path.ends_with("Chart.yaml") => {
            let source = source_of(derived, finding.range.start).unwrap_or_default();
            let context = format!("rendered with release '{}' from '{source}'", render.release);
            crate::checks::with_context(&context, &finding.message)
        }
        _ => crate::checks::with_context(&format!("rendered with release '{}'", render.release), &finding.message),
    };
    mapped.related = finding
        .related
        .iter()
        .filter_map(|related| {
            if related.file != finding.file {
                return Some(related.clone());
            }
            let (file, range) = map_range(snapshot, &render.chart, derived, related.range)?;
            Some(Related { file, range, message: related.message.clone() })
        })
        .collect();
    Some(mapped)
}

/// A range of a derived file, as a file and range of the template it came
/// from (SPEC: the same key path, else the action that printed it, else the
/// document's first line).
fn map_range(snapshot: &Snapshot, chart: &Path, derived: &SourceFile, range: TextRange) -> Option<(FileId, TextRange)> {
    let index = derived.document_index_at(range.start)?;
    let document = &derived.documents[index];
    let source = source_of(derived, document.start)?;
    // Which of the documents of this source it is (a template may hold more
    // than one, or repeat one in a `range`).
    let occurrence = derived.documents[..index]
        .iter()
        .filter(|other| source_of(derived, other.start).as_deref() == Some(&source))
        .count();
    let Some(template_id) = snapshot.file_id(&template_path(chart, &source)) else {
        // A template that is not a file of the workspace (in a packaged
        // subchart, `charts/*.tgz`, or excluded): on `Chart.yaml`.
        let chart_file = snapshot.file_id(&chart.join("Chart.yaml"))?;
        let file = snapshot.file(chart_file)?;
        let line = file.line_index().line_range(&file.text, 0).unwrap_or_default();
        return Some((chart_file, trim_line(&file.text, line)));
    };
    let template = snapshot.file(template_id)?;
    let masked = syntax::mask_template(&template.text);
    let template_range = template_document_range(&masked.text, occurrence)?;
    let template_text = &masked.text[template_range.as_range()];
    let template_document = syntax::parse_document(template_text);
    // The last resort: the first action that prints (a document made by
    // `{{ include }}` alone), else the first line with text.
    let first_line = || {
        let printing = masked.actions.iter().find(|action| {
            template_range.start <= action.start
                && action.start < template_range.end
                && !syntax::is_control_action(&template.text, **action)
        });
        if let Some(action) = printing {
            return trim_action(&template.text, *action);
        }
        let original = &template.text[template_range.as_range()];
        let skip = original.len() - original.trim_start().len();
        let line_end = original[skip..].find('\n').map_or(original.len(), |end| skip + end);
        TextRange::new(skip, line_end.max(skip)).shifted(template_range.start)
    };
    let relative = range.start.checked_sub(document.start)?;
    let Some(path) = syntax::key_path_at(&document.syntax, relative) else { return Some((template_id, first_line())) };
    let names = syntax::item_names(&document.syntax, &path);
    let Some(found) = syntax::find_path(&template_document, template_text.len(), &path, &names) else {
        return Some((template_id, first_line()));
    };
    if found.depth == path.steps.len() {
        return Some((template_id, found.range.shifted(template_range.start)));
    }
    // The rest of the path was printed by an action inside the deepest
    // entry found (`toYaml`, `include`): show that action.
    let region = found.region.shifted(template_range.start);
    let action = masked.actions.iter().find(|action| {
        region.start <= action.start
            && action.start < region.end
            && !syntax::is_control_action(&template.text, **action)
    });
    match action {
        Some(action) => Some((template_id, trim_action(&template.text, *action))),
        None if found.depth > 0 => Some((template_id, found.range.shifted(template_range.start))),
        None => Some((template_id, first_line())),
    }
}

/// The range of the template's document that made the `occurrence`-th
/// rendered document of it: documents with nothing but actions and blanks
/// (a `{{- range }}` line before a `---`) make none of their own, and a
/// document repeated by a `range` is the last one.
fn template_document_range(masked: &str, occurrence: usize) -> Option<TextRange> {
    let all = syntax::split_documents(masked);
    let with_text: Vec<TextRange> = all
        .iter()
        .copied()
        .filter(|range| {
            masked[range.as_range()].lines().any(|line| {
                let line = line.trim();
                !line.is_empty() && line != "---" && !line.starts_with('#')
            })
        })
        .collect();
    let documents = if with_text.is_empty() { all } else { with_text };
    documents.get(occurrence.min(documents.len().saturating_sub(1))).copied()
}

/// An action's range without the whitespace that `{{-` trims (it may start
/// on the line before).
fn trim_action(text: &str, action: TextRange) -> TextRange {
    let inner = &text[action.as_range()];
    TextRange::new(action.start + (inner.len() - inner.trim_start().len()), action.end)
}

/// Where Helm's message says a failure is: the template (as Helm names it)
/// and its 1-based line. Helm writes `template: <chart>/templates/x.yaml:9:22:
/// executing ...`, `parse error at (<chart>/templates/x.yaml:5): ...` and
/// `YAML parse error on <chart>/templates/x.yaml: ... line 5: ...`.
pub(crate) fn error_location(message: &str) -> Option<(String, u32)> {
    {
        let at = message.find("/templates/")?;
        let start = message[..at].rfind(|c: char| c.is_whitespace() || c == '(' || c == '"').map_or(0, |at| at + 1);
        let rest = &message[start..];
        let end = rest.find(|c: char| c == ':' || c.is_whitespace() || c == ')' || c == '"').unwrap_or(rest.len());
        let source = rest[..end].to_owned();
        let after = &rest[end..];
        let line = after.strip_prefix(':').and_then(|after| {
            let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        });
        let line = line.or_else(|| {
            // `YAML parse error on <file>: ... line 5: ...`
            let (_, after) = after.split_once("line ")?;
            let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        });
        Some((source, line.unwrap_or(0)))
    }
}

/// The `helm-render` finding of a failed render, among the files `ids`: on
/// the line Helm names, else on `Chart.yaml`'s first line.
fn render_failure(
    snapshot: &Snapshot,
    chart: &Path,
    release: &str,
    message: &str,
    only_with_overrides: bool,
    ids: &[FileId],
) -> Option<Finding> {
    let file_of = |path: &Path| snapshot.file_id(path).filter(|id| ids.contains(id));
    let named = error_location(message).and_then(|(source, line)| {
        let id = file_of(&template_path(chart, &source))?;
        let file = snapshot.file(id)?;
        let range = file.line_index().line_range(&file.text, line.saturating_sub(1)).unwrap_or_default();
        Some((id, trim_line(&file.text, range)))
    });
    let (id, range) = match named {
        Some(place) => place,
        None => {
            let id = file_of(&chart.join("Chart.yaml"))?;
            let file = snapshot.file(id)?;
            let range = file.line_index().line_range(&file.text, 0).unwrap_or_default();
            (id, trim_line(&file.text, range))
        }
    };
    helm_render::finding(snapshot, id, range, release, message, only_with_overrides)
}

/// A line's range without its indentation and line break.
fn trim_line(text: &str, range: TextRange) -> TextRange {
    let line = text.get(range.as_range()).unwrap_or("");
    let start = range.start + (line.len() - line.trim_start().len());
    let end = range.start + line.trim_end().len();
    TextRange::new(start, end.max(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = r#"apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ include "etcd.fullname" . }}
  labels:
    {{- include "etcd.labels" . | nindent 4 }}
spec:
  serviceName: {{ .Release.Name }}-{{ include "etcd.name" . }}-headless
  selector:
    matchLabels:
      {{- include "etcd.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "etcd.selectorLabels" . | nindent 8 }}
"#;
    const SERVICE_TEMPLATE: &str = r#"apiVersion: v1
kind: Service
metadata:
  name: {{ include "etcd.fullname" . }}-headless
spec:
  {{- if .Values.headless }}
  clusterIP: None
  {{- end }}
  selector:
    {{- include "etcd.selectorLabels" . | nindent 4 }}
"#;

    fn rendered(name: &str, service_name: &str, headless: bool) -> String {
        let cluster_ip = if headless { "\n  clusterIP: None" } else { "" };
        format!(
            "---\n# Source: etcd/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}-headless\nspec:{cluster_ip}\n  selector:\n    app: etcd\n\
             ---\n# Source: etcd/templates/statefulset.yaml\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {name}\n  labels:\n    app: etcd\nspec:\n  serviceName: {service_name}\n  selector:\n    matchLabels:\n      app: etcd\n  template:\n    metadata:\n      labels:\n        app: etcd\n"
        )
    }

    fn read(path: &Path) -> Option<String> {
        match path.to_str()? {
            "/c/etcd/templates/statefulset.yaml" => Some(TEMPLATE.to_owned()),
            "/c/etcd/templates/service.yaml" => Some(SERVICE_TEMPLATE.to_owned()),
            "/c/etcd/Chart.yaml" => Some("apiVersion: v2\nname: etcd\nversion: 0.1.0\n".to_owned()),
            _ => None,
        }
    }

    fn line_of(text: &str, range: TextRange) -> (usize, &str) {
        let line = text[..range.start].matches('\n').count() + 1;
        (line, &text[range.as_range()])
    }

    #[test]
    fn findings_of_a_render_land_on_template_lines() {
        let chart = Path::new("/c/etcd");
        let mut workspace = Workspace::new(Config::default());
        let statefulset = workspace.set_text(chart.join("templates/statefulset.yaml"), TEMPLATE.to_owned(), None);
        let service = workspace.set_text(chart.join("templates/service.yaml"), SERVICE_TEMPLATE.to_owned(), None);
        let mut charts = Charts::default();
        let render = prepare(
            workspace.config(),
            chart,
            "release-name",
            Ok(rendered("release-name-etcd", "release-name-etcd-headless", false)),
            None,
            &read,
        );
        charts.take(&mut workspace, render);
        let snapshot = workspace.snapshot();
        let diagnostics = Diagnostics::of(&snapshot);
        let mut changed = Vec::new();
        charts.remap(&snapshot, &diagnostics, &mut changed, true);
        let shown = |file: FileId, text: &str| -> Vec<String> {
            charts
                .findings(&snapshot, &diagnostics, file)
                .iter()
                .map(|finding| {
                    crate::checks::fixture::assert_message_within_limits(finding);
                    let (line, covered) = line_of(text, finding.range);
                    format!("{line} {} {covered:?}: {}", finding.code.as_str(), finding.message)
                })
                .collect()
        };
        // The serviceName's own line on the StatefulSet's side; the Service
        // has no `clusterIP` key in the render's path, so its side is on the
        // name (as for any Service) of the template.
        let on_statefulset = shown(statefulset, TEMPLATE);
        assert_eq!(on_statefulset.len(), 1, "{on_statefulset:#?}");
        assert!(
            on_statefulset[0].starts_with(
                "8 service-not-headless \"{{ .Release.Name }}-{{ include \\\"etcd.name\\\" . }}-headless\": Service 'release-name-et…' is not headless: pods of StatefulSet 'release-name-et…' get no DNS names; rendered with release 'release-name'; "
            ),
            "{on_statefulset:#?}"
        );
        let on_service = shown(service, SERVICE_TEMPLATE);
        assert_eq!(on_service.len(), 1, "{on_service:#?}");
        assert!(on_service[0].starts_with("4 service-not-headless"), "{on_service:#?}");
        // A place in the render (a definition, a reference) is shown on the
        // template too.
        let derived = snapshot.file_id(&rendered_path(chart)).expect("the render is in the workspace");
        let derived_text = &snapshot.file(derived).expect("the render").text;
        let at = derived_text.find("release-name-etcd-headless\n  selector").expect("the rendered serviceName");
        let placed = charts.place(&snapshot, derived, TextRange::new(at, at + 1)).expect("placed");
        assert_eq!((placed.0, line_of(TEMPLATE, placed.1).0), (statefulset, 8));
        assert_eq!(charts.place(&snapshot, statefulset, TextRange::new(0, 1)), None);
        // Nothing is shown on the derived file, and its related places point
        // into templates.
        assert!(charts.findings(&snapshot, &diagnostics, derived).is_empty());
        assert!(changed.contains(&statefulset) && changed.contains(&service));
        for finding in charts.all_findings(&snapshot, &diagnostics) {
            assert!(finding.related.iter().all(|related| related.file != derived), "{finding:#?}");
        }
    }

    #[test]
    fn hover_on_a_template_line_shows_the_rendered_card_and_the_pattern() {
        let chart = Path::new("/c/etcd");
        let mut workspace = Workspace::new(Config::default());
        let statefulset = workspace.set_text(chart.join("templates/statefulset.yaml"), TEMPLATE.to_owned(), None);
        let mut charts = Charts::default();
        let manifests = rendered("release-name-etcd", "release-name-etcd-headless", true);
        charts.take(&mut workspace, prepare(&Config::default(), chart, "release-name", Ok(manifests), None, &read));
        let snapshot = workspace.snapshot();
        let diagnostics = Diagnostics::of(&snapshot);
        let offset = TEMPLATE.find("{{ .Release.Name }}-").expect("the serviceName value");
        let card = hover(&snapshot, &diagnostics, &charts, statefulset, offset).expect("a card");
        assert!(card.markdown.starts_with("Rendered by Helm with release `release-name`."), "{}", card.markdown);
        assert!(card.markdown.contains("release-name-etcd-0.release-name-etcd-headless"), "{}", card.markdown);
        assert!(
            card.markdown.contains("For any release `<release>`: pods `<release>-etcd-0.<release>-etcd-headless`"),
            "{}",
            card.markdown
        );
        assert!(TEMPLATE[card.range.as_range()].starts_with("{{ .Release.Name }}"), "{:?}", card.range);
        // Anywhere in the object: the card of its name.
        assert!(hover(&snapshot, &diagnostics, &charts, statefulset, 0)
            .is_some_and(|card| card.markdown.contains("StatefulSet")));
    }

    #[test]
    fn a_finding_only_the_override_variant_has_is_said_so() {
        let chart = Path::new("/c/etcd");
        let render = prepare(
            &Config::default(),
            chart,
            "release-name",
            Ok(rendered("release-name-etcd", "release-name-etcd-headless", true)),
            Some(Ok(rendered("override-full", "release-name-override-headless", true))),
            &read,
        );
        assert_eq!(render.override_only.len(), 1, "{:#?}", render.override_only);
        let placed = &render.override_only[0];
        assert_eq!(placed.path, chart.join("templates/statefulset.yaml"));
        assert_eq!(placed.finding.code.as_str(), "service-not-found");
        // Both contexts follow the first sentence, which they would push
        // past SPEC's limit.
        assert!(
            placed.finding.message.ends_with("; only with name overrides set; rendered with release 'release-name'"),
            "{}",
            placed.finding.message
        );
        crate::checks::fixture::assert_message_within_limits(&placed.finding);
        assert_eq!(line_of(TEMPLATE, placed.finding.range).0, 8);
    }

    #[test]
    fn a_failed_render_is_shown_where_helm_says() {
        let chart = Path::new("/c/etcd");
        let mut workspace = Workspace::new(Config::default());
        let statefulset = workspace.set_text(chart.join("templates/statefulset.yaml"), TEMPLATE.to_owned(), None);
        let chart_file = workspace.set_text(chart.join("Chart.yaml"), "apiVersion: v2\nname: etcd\n".to_owned(), None);
        let mut charts = Charts::default();
        let message = "template: etcd/templates/statefulset.yaml:8:20\n  executing \"etcd/templates/statefulset.yaml\" at <include \"etcd.name\" .>: error calling include";
        let render = prepare(&Config::default(), chart, "release-name", Err(message.to_owned()), None, &read);
        charts.take(&mut workspace, render);
        let snapshot = workspace.snapshot();
        let diagnostics = Diagnostics::of(&snapshot);
        charts.remap(&snapshot, &diagnostics, &mut Vec::new(), true);
        let findings = charts.findings(&snapshot, &diagnostics, statefulset);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].code.as_str(), "helm-render");
        assert_eq!(
            line_of(TEMPLATE, findings[0].range),
            (8, "serviceName: {{ .Release.Name }}-{{ include \"etcd.name\" . }}-headless")
        );

        // A message that names no template: on Chart.yaml.
        charts.take(
            &mut workspace,
            prepare(&Config::default(), chart, "r", Err("chart requires kubeVersion".to_owned()), None, &read),
        );
        let snapshot = workspace.snapshot();
        let diagnostics = Diagnostics::of(&snapshot);
        charts.remap(&snapshot, &diagnostics, &mut Vec::new(), true);
        assert!(charts.findings(&snapshot, &diagnostics, statefulset).is_empty());
        let findings = charts.findings(&snapshot, &diagnostics, chart_file);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(line_of("apiVersion: v2\nname: etcd\n", findings[0].range), (1, "apiVersion: v2"));
    }

    #[test]
    fn a_finding_in_a_template_outside_the_workspace_is_shown_on_chart_yaml() {
        let chart = Path::new("/c/etcd");
        let mut workspace = Workspace::new(Config::default());
        let chart_file = workspace.set_text(chart.join("Chart.yaml"), "apiVersion: v2\nname: etcd\n".to_owned(), None);
        let mut charts = Charts::default();
        let manifests = rendered("release-name-etcd", "release-name-etcd-headless", false);
        charts.take(&mut workspace, prepare(&Config::default(), chart, "release-name", Ok(manifests), None, &read));
        let snapshot = workspace.snapshot();
        let diagnostics = Diagnostics::of(&snapshot);
        charts.remap(&snapshot, &diagnostics, &mut Vec::new(), true);
        let findings = charts.findings(&snapshot, &diagnostics, chart_file);
        assert_eq!(findings.len(), 1, "one per position and code: {findings:#?}");
        assert!(
            findings[0].message.contains("; rendered with release 'release-name' from 'etcd/templates/"),
            "{findings:#?}"
        );
        crate::checks::fixture::assert_message_within_limits(&findings[0]);
        assert_eq!(findings[0].range, TextRange::new(0, "apiVersion: v2".len()));
    }

    #[test]
    fn typing_in_a_template_moves_its_mapped_findings_with_the_text() {
        use crate::text::TextEdit;
        let chart = Path::new("/c/etcd");
        let mut host = super::super::Host::new(Config::default());
        let statefulset =
            host.workspace_mut().set_text(chart.join("templates/statefulset.yaml"), TEMPLATE.to_owned(), Some(1));
        let manifests = rendered("release-name-etcd", "release-name-etcd-headless", false);
        host.take_render(prepare(&Config::default(), chart, "release-name", Ok(manifests), None, &read));
        let (snapshot, _) = host.update();
        let before = host.findings(&snapshot, statefulset).into_owned();
        assert_eq!(before.len(), 1, "{before:#?}");
        // A comment line typed above everything: unsaved, so no render;
        // the finding follows its line.
        let comment = "# tuned\n";
        host.workspace_mut().edit(statefulset, Some(2), &[TextEdit::new(TextRange::empty(0), comment)]);
        let (snapshot, changed) = host.update();
        assert!(changed.contains(&statefulset), "{changed:?}");
        let after = host.findings(&snapshot, statefulset);
        assert_eq!(after.len(), 1, "{after:#?}");
        assert_eq!(after[0].range, before[0].range.shifted(comment.len()));
    }

    #[test]
    fn a_range_of_documents_maps_to_the_repeated_document() {
        let template =
            "{{- range .Values.shards }}\n---\nkind: StatefulSet\nspec:\n  serviceName: x-{{ . }}\n{{- end }}\n";
        let masked = syntax::mask_template(template);
        let first = template_document_range(&masked.text, 0).expect("a document");
        assert!(template[first.as_range()].starts_with("---\nkind: StatefulSet"), "{first:?}");
        assert_eq!(template_document_range(&masked.text, 5), Some(first));
        // Nothing but an action: that document is the one.
        let masked = syntax::mask_template("{{- include \"lib.statefulset\" . }}\n");
        assert_eq!(template_document_range(&masked.text, 0), Some(TextRange::new(0, masked.text.len())));
    }

    #[test]
    fn helm_error_locations_are_read() {
        assert_eq!(
            error_location(
                "template: zk/templates/statefulset.yaml:9:22: executing \"zk/templates/statefulset.yaml\" at <x>"
            ),
            Some(("zk/templates/statefulset.yaml".to_owned(), 9))
        );
        assert_eq!(
            error_location("parse error at (zk/templates/svc.yaml:5): unexpected \"}\" in operand"),
            Some(("zk/templates/svc.yaml".to_owned(), 5))
        );
        assert_eq!(
            error_location("YAML parse error on zk/templates/svc.yaml: error converting YAML to JSON: yaml: line 7: did not find expected key"),
            Some(("zk/templates/svc.yaml".to_owned(), 7))
        );
        assert_eq!(error_location("found in Chart.yaml, but missing in charts/ directory: redis"), None);
    }

    #[test]
    fn sources_name_templates_under_the_chart_folder() {
        assert_eq!(template_path(Path::new("/w/app"), "redis/templates/a.yaml"), Path::new("/w/app/templates/a.yaml"));
        assert_eq!(
            template_path(Path::new("/w/app"), "redis/charts/sub/templates/b.yaml"),
            Path::new("/w/app/charts/sub/templates/b.yaml")
        );
        assert_eq!(template_path(Path::new("/w/app"), "redis/../../etc/passwd"), Path::new("/w/app/etc/passwd"));
        assert!(is_rendered_path(&rendered_path(Path::new("/w/app"))));
        assert!(!is_rendered_path(Path::new("/w/app/templates/a.yaml")));
    }
}
