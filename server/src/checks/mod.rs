//! The checks: one file per diagnostic code, named after it, holding the rule,
//! its fixes and its tests. Levels from the configuration and ignore
//! annotations/comments are applied here, in one place, never inside a rule.
//!
//! Checks read a `Snapshot`; they know nothing of LSP, JSON or the terminal.

mod analysis;
mod builds;
mod code;
mod edit;
#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod generated;
pub(crate) mod references;
#[cfg(test)]
mod snapshots;

mod cluster_ip_invalid;
mod dns_name_not_rewritten;
mod dns_name_ordinal_out_of_range;
mod dns_name_unknown;
mod dns_name_unknown_port;
mod dns_name_wrong_domain;
mod dns_name_wrong_namespace;
mod dns_name_wrong_service;
mod headless_service_type;
pub(crate) mod helm_render;
mod hostname_override;
mod kustomize_remote_skipped;
mod kustomize_resource_missing;
mod max_unavailable_ordered;
mod selector_mismatch;
mod service_name_invalid;
mod service_name_missing;
mod service_not_found;
mod service_not_headless;
mod service_port_mismatch;
mod statefulset_name_invalid;
mod statefulset_name_too_long;
mod statefulset_selector_mismatch;
mod template_hostname_ignored;
mod yaml_syntax;

pub use analysis::Diagnostics;
pub use code::{Code, README_URL};
pub(crate) use dns_name_ordinal_out_of_range::pods_phrase;
pub use edit::{FileEdit, Fix};

use crate::config::Level;
use crate::syntax::TextRange;
use crate::workspace::{FileId, ObjectId, Snapshot};

/// `text` cut to at most `limit` characters, with `…` where it was cut, so
/// that a message quoting user data (labels, names) stays within SPEC's
/// length limits however long the data is.
fn shortened(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(limit.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// SPEC's limits on a diagnostic's message: its first sentence, and the whole.
pub(crate) const FIRST_SENTENCE_LIMIT: usize = 100;
/// The whole message's limit: rules bound each part they add after the
/// first sentence; the messages that quote another tool's words (Helm's)
/// cut them to it.
pub(crate) const MESSAGE_LIMIT: usize = 200;

/// A message's first sentence, built by `build` from `names` quoted with `'`:
/// with the names whole where it fits SPEC's limit, else with the longest
/// names cut first and only as far as the limit needs, so that a short name
/// stays whole beside a long one (names are up to 63 characters, and the
/// finding's range and related places show them whole).
fn sentence_with_names(names: &[&str], build: impl Fn(&[String]) -> String) -> String {
    let quoted =
        |cap: usize| -> Vec<String> { names.iter().map(|name| format!("'{}'", shortened(name, cap))).collect() };
    let whole = build(&quoted(usize::MAX));
    let length = whole.chars().count();
    if length <= FIRST_SENTENCE_LIMIT || names.is_empty() {
        return whole;
    }
    let longest = names.iter().map(|name| name.chars().count()).max().unwrap_or(0);
    // The largest cap on a name's length that brings the sentence within
    // the limit; a name over the cap is cut to it, `…` included. Keep a few
    // characters of each however tight it is.
    let excess = length - FIRST_SENTENCE_LIMIT;
    let saved = |cap: usize| -> usize { names.iter().map(|name| name.chars().count().saturating_sub(cap)).sum() };
    let cap = (4..longest).rev().find(|&cap| saved(cap) >= excess).unwrap_or(4);
    build(&quoted(cap))
}

/// A message said in a context (a build, a chart's render): `context:
/// message`, or where that makes the first sentence longer than SPEC's
/// limit, `first sentence; context; rest` (the first sentence as the rule
/// wrote it), cut to the whole message's limit.
pub(crate) fn with_context(context: &str, message: &str) -> String {
    let first = first_sentence(message);
    let joined = if context.chars().count() + 2 + first.chars().count() <= FIRST_SENTENCE_LIMIT {
        format!("{context}: {message}")
    } else {
        format!("{first}; {context}{}", &message[first.len()..])
    };
    shortened(&joined, MESSAGE_LIMIT)
}

/// A message's first sentence: messages join their sentences with `; ` or
/// `. ` (names hold dots, but never a dot and a space).
pub(crate) fn first_sentence(message: &str) -> &str {
    let end = ["; ", ". "].iter().filter_map(|stop| message.find(stop)).min().unwrap_or(message.len());
    &message[..end]
}

/// The path of a top build's rendered objects, in the small workspace it is
/// checked in: one for `check` and `kube-lsp dns`, so path-bound settings agree.
pub(crate) fn build_document_path(top: FileId) -> std::path::PathBuf {
    format!("/kube-lsp/builds/{}.yaml", top.0).into()
}

/// Another place that explains a finding (LSP `relatedInformation`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub file: FileId,
    pub range: TextRange,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub file: FileId,
    /// Absolute byte range in the file.
    pub range: TextRange,
    pub code: Code,
    pub level: Level,
    pub message: String,
    pub related: Vec<Related>,
    /// The objects the finding is about, for fixes and ignore annotations.
    pub stateful_set: Option<ObjectId>,
    pub service: Option<ObjectId>,
}

impl Finding {
    fn new(file: FileId, range: TextRange, code: Code, message: String) -> Finding {
        Finding {
            file,
            range,
            code,
            level: code.default_level(),
            message,
            related: Vec::new(),
            stateful_set: None,
            service: None,
        }
    }
}

/// Where a tie finding is shown: a file and a range in it.
#[derive(Clone, Copy, Debug)]
struct Place {
    file: FileId,
    range: TextRange,
}

impl Finding {
    /// A finding about the StatefulSet–Service tie, shown at `at` and
    /// pointing at the other side of the tie.
    fn about_tie(
        code: Code,
        at: Place,
        message: String,
        other: Place,
        other_message: String,
        stateful_set: ObjectId,
        service: ObjectId,
    ) -> Finding {
        let mut finding = Finding::new(at.file, at.range, code, message);
        finding.related = vec![Related { file: other.file, range: other.range, message: other_message }];
        finding.stateful_set = Some(stateful_set);
        finding.service = Some(service);
        finding
    }
}

/// Every finding of the workspace, configuration and ignores applied, sorted
/// by file and position, computed from scratch. Findings of `off` rules are
/// gone. The language server keeps a `Diagnostics` up to date instead.
pub fn check(snapshot: &Snapshot) -> Vec<Finding> {
    Diagnostics::of(snapshot).all().cloned().collect()
}

/// The fixes for the findings of `file` that overlap `range`, computed from
/// the snapshot's text. Each fix names the code it fixes. `diagnostics` must
/// be up to date with `snapshot`.
pub fn fixes(snapshot: &Snapshot, diagnostics: &Diagnostics, file: FileId, range: TextRange) -> Vec<(Finding, Fix)> {
    let mut fixes = Vec::new();
    for finding in diagnostics
        .file(file)
        .iter()
        .filter(|finding| finding.range.start <= range.end && range.start <= finding.range.end)
    {
        let found = finding.code.rule().fixes.map_or_else(Vec::new, |fixes| fixes(snapshot, finding));
        fixes.extend(found.into_iter().map(|fix| (finding.clone(), fix)));
    }
    fixes
}

/// The configured level, or `None` for a rule that is off or an ignored finding.
pub(super) fn apply_configuration(snapshot: &Snapshot, mut finding: Finding) -> Option<Finding> {
    if let Some(level) = snapshot.config.rules.get(finding.code.as_str()) {
        finding.level = *level;
    }
    if finding.level == Level::Off || is_ignored(snapshot, &finding) {
        return None;
    }
    Some(finding)
}

/// `kube-lsp.io/ignore` on the object the finding is shown on, or a
/// `# kube-lsp: ignore <code>` comment on the line above the finding or at the
/// top of its document.
fn is_ignored(snapshot: &Snapshot, finding: &Finding) -> bool {
    let code = finding.code.as_str();
    if let Some(object) = snapshot.object_at(finding.file, finding.range.start) {
        if object.object.range.contains_inclusive(object.document.relative(finding.range.start).unwrap_or(usize::MAX))
            && object.object.ignored_codes().any(|ignored| ignored == code || ignored == "all")
        {
            return true;
        }
    }
    let Some(file) = snapshot.file(finding.file) else { return false };
    let Some(document) = file.document_at(finding.range.start) else { return false };
    let finding_line = file.line_index().line_of(finding.range.start);
    let first_content =
        document.syntax.root.map(|root| document.absolute(document.syntax.raw_node(root).range()).start);
    document.syntax.comments.iter().any(|comment| {
        let Some(codes) = ignore_comment_codes(&comment.text) else { return false };
        if !codes.iter().any(|ignored| *ignored == code || *ignored == "all") {
            return false;
        }
        let comment_start = document.absolute(comment.range).start;
        let comment_line = file.line_index().line_of(comment_start);
        comment_line + 1 == finding_line || first_content.is_none_or(|first| comment_start < first)
    })
}

/// The codes of a `# kube-lsp: ignore a, b` comment (the `#` may be absent).
fn ignore_comment_codes(comment: &str) -> Option<Vec<&str>> {
    let rest = comment.trim_start_matches('#').trim_start().strip_prefix("kube-lsp:")?.trim_start();
    let rest = rest.strip_prefix("ignore")?;
    Some(rest.split([',', ' ']).map(str::trim).filter(|code| !code.is_empty()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ignore_annotation_exempts_its_object_only() {
        super::fixture::check_findings(
            r#"
#- /app/sets.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: a
  annotations:
    kube-lsp.io/ignore: "service-not-found, selector-mismatch"
spec:
  serviceName: peers
  selector: {matchLabels: {app: a}}
  template: {metadata: {labels: {app: a}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: b}
spec:
  serviceName: peers
#              ^^^^^ warning service-not-found
  selector: {matchLabels: {app: b}}
  template: {metadata: {labels: {app: b}}}
"#,
        );
    }

    #[test]
    fn an_ignore_comment_covers_the_line_below_or_the_document() {
        super::fixture::check_findings(
            r#"
#- /app/sets.yaml
# kube-lsp: ignore service-not-found
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: a}
spec:
  serviceName: peers
  selector: {matchLabels: {app: a}}
  template: {metadata: {labels: {app: a}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: b}
spec:
  # kube-lsp: ignore service-not-found
  serviceName: peers
  selector: {matchLabels: {app: b}}
  template: {metadata: {labels: {app: b}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: c}
spec:
  # kube-lsp: ignore selector-mismatch
  serviceName: peers
#              ^^^^^ warning service-not-found
  selector: {matchLabels: {app: c}}
  template: {metadata: {labels: {app: c}}}
"#,
        );
    }

    #[test]
    fn long_text_is_shortened_on_a_character_boundary() {
        assert_eq!(shortened("app=redis", 20), "app=redis");
        assert_eq!(shortened("café-crème", 5), "café…");
    }

    #[test]
    fn long_names_are_cut_to_keep_a_sentence_within_the_limit() {
        let build = |names: &[String]| {
            format!("Service {} is not headless: pods of StatefulSet {} get no DNS names", names[0], names[1])
        };
        assert_eq!(
            sentence_with_names(&["redis", "cache"], build),
            "Service 'redis' is not headless: pods of StatefulSet 'cache' get no DNS names"
        );
        // Only the longer name is cut, and only by what the limit needs.
        let sentence = sentence_with_names(&["a-very-long-service-name-for-the-redis-cluster", "redis"], build);
        assert_eq!(sentence.chars().count(), FIRST_SENTENCE_LIMIT, "{sentence}");
        assert!(sentence.starts_with("Service 'a-very-long-service-name-fo…' is"), "{sentence}");
        assert!(sentence.contains("StatefulSet 'redis'"), "{sentence}");
        let long = "a".repeat(63);
        let sentence = sentence_with_names(&[&long, &long], build);
        assert!(sentence.chars().count() <= FIRST_SENTENCE_LIMIT, "{sentence}");
        assert!(sentence.contains("'aaaa") && sentence.contains("…'"), "{sentence}");
    }

    /// Names are up to 63 characters; the messages that quote them stay
    /// within SPEC's limits at that length too.
    #[test]
    fn messages_stay_within_the_limits_with_the_longest_names() {
        let set = "s".repeat(63);
        let service = "v".repeat(63);
        let namespace = "n".repeat(63);
        let fixture = format!(
            r#"
#- /app/sets.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: {set}, namespace: {namespace}}}
spec:
  serviceName: {service}
  selector: {{matchLabels: {{app: {set}}}}}
  template:
    metadata: {{labels: {{app: {set}, tier: {service}}}}}
    spec: {{containers: [{{name: c, ports: [{{name: peers, containerPort: 1}}]}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: {service}, namespace: {namespace}}}
spec:
  clusterIP: {service}
  selector: {{app: {set}, other: {service}}}
  ports: [{{name: x, port: 1, targetPort: abcdefghijklmno}}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: {set}, namespace: {service}}}
spec:
  serviceName: {service}
  selector: {{matchLabels: {{app: {set}}}}}
  template: {{metadata: {{labels: {{app: {set}}}}}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: {set}, namespace: {set}}}
spec:
  selector: {{matchLabels: {{app: {set}}}}}
  template: {{metadata: {{labels: {{app: {set}}}}}}}
---
apiVersion: v1
kind: Service
metadata: {{name: {service}, namespace: {set}}}
spec:
  clusterIP: None
  selector: {{app: {set}}}
  ports: [{{name: x, port: 1, targetPort: abcdefghijklmno}}]
"#
        );
        let parsed = fixture::parse(&fixture);
        let (mut workspace, _) = fixture::workspace(&parsed);
        let snapshot = workspace.snapshot();
        // The assertion under test: every message and title within the limits.
        fixture::assert_within_limits(&snapshot);
        let mut codes: Vec<&str> = check(&snapshot).iter().map(|finding| finding.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(
            codes,
            [
                "cluster-ip-invalid",
                "selector-mismatch",
                "service-name-missing",
                "service-not-found",
                "service-not-headless",
                "service-port-mismatch",
                "statefulset-name-too-long"
            ]
        );
    }

    #[test]
    fn ignore_comments_list_codes() {
        assert_eq!(ignore_comment_codes("# kube-lsp: ignore service-not-found"), Some(vec!["service-not-found"]));
        assert_eq!(ignore_comment_codes("#kube-lsp: ignore a, b"), Some(vec!["a", "b"]));
        assert_eq!(ignore_comment_codes("# some comment"), None);
    }
}
