//! The checks: one file per diagnostic code, named after it, holding the rule,
//! its fixes and its tests. Levels from the configuration and ignore
//! annotations/comments are applied here, in one place, never inside a rule.
//!
//! Checks read a `Snapshot`; they know nothing of LSP, JSON or the terminal.

mod code;
mod edit;
#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod generated;
#[cfg(test)]
mod snapshots;

mod cluster_ip_invalid;
mod headless_service_type;
mod selector_mismatch;
mod service_name_invalid;
mod service_name_missing;
mod service_not_found;
mod service_not_headless;
mod service_port_mismatch;
mod statefulset_name_invalid;
mod statefulset_name_too_long;
mod statefulset_selector_mismatch;
mod yaml_syntax;

pub mod names;

use std::collections::BTreeMap;

pub use code::{Code, README_URL};
pub use edit::{generated_service, FileEdit, Fix};

use crate::config::Level;
use crate::syntax::TextRange;
use crate::workspace::{FileId, ObjectId, ObjectView, Snapshot};

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
/// by file and position. Findings of `off` rules are gone.
pub fn check(snapshot: &Snapshot) -> Vec<Finding> {
    let mut findings = Vec::new();
    yaml_syntax::check(snapshot, &mut findings);
    service_name_missing::check(snapshot, &mut findings);
    service_name_invalid::check(snapshot, &mut findings);
    service_not_found::check(snapshot, &mut findings);
    service_not_headless::check(snapshot, &mut findings);
    cluster_ip_invalid::check(snapshot, &mut findings);
    headless_service_type::check(snapshot, &mut findings);
    selector_mismatch::check(snapshot, &mut findings);
    statefulset_selector_mismatch::check(snapshot, &mut findings);
    statefulset_name_invalid::check(snapshot, &mut findings);
    statefulset_name_too_long::check(snapshot, &mut findings);
    service_port_mismatch::check(snapshot, &mut findings);
    finish(snapshot, findings)
}

/// What `check` finds about one StatefulSet's tie to its Service
/// (`service-name-missing`, `service-name-invalid`, `service-not-found`,
/// `service-not-headless`, `selector-mismatch`, on both sides of the tie),
/// without checking the rest of the workspace: hover asks for it on every
/// move of the pointer, and the whole workspace takes 100 ms at 10,000 files.
pub fn check_stateful_set_tie(snapshot: &Snapshot, stateful_set: ObjectView<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    service_name_missing::check_stateful_set(snapshot, stateful_set, &mut findings);
    service_name_invalid::check_stateful_set(stateful_set, &mut findings);
    service_not_found::check_stateful_set(snapshot, stateful_set, &mut findings);
    service_not_headless::check_stateful_set(snapshot, stateful_set, &mut findings);
    selector_mismatch::check_stateful_set(snapshot, stateful_set, &mut findings);
    finish(snapshot, findings)
}

/// Configuration and ignores applied, sorted by file and position.
fn finish(snapshot: &Snapshot, findings: Vec<Finding>) -> Vec<Finding> {
    let mut findings: Vec<Finding> =
        findings.into_iter().filter_map(|finding| apply_configuration(snapshot, finding)).collect();
    findings.sort_by(|a, b| {
        (a.file, a.range.start, a.range.end, a.code).cmp(&(b.file, b.range.start, b.range.end, b.code))
    });
    findings.dedup();
    findings
}

/// Findings grouped by file, for publishing.
pub fn check_by_file(snapshot: &Snapshot) -> BTreeMap<FileId, Vec<Finding>> {
    let mut by_file: BTreeMap<FileId, Vec<Finding>> = BTreeMap::new();
    for finding in check(snapshot) {
        by_file.entry(finding.file).or_default().push(finding);
    }
    by_file
}

/// The findings that have fixes, shown in `file`: the ties of its
/// StatefulSets and of the StatefulSets its Services govern, and its
/// Services' `cluster-ip-invalid`. Editors ask for code actions on every move
/// of the cursor, so this does not check the whole workspace.
fn fixable_findings(snapshot: &Snapshot, file: FileId) -> Vec<Finding> {
    let mut stateful_sets = Vec::new();
    let mut findings = Vec::new();
    for object in snapshot.objects_in_file(file) {
        if object.stateful_set().is_some() {
            stateful_sets.push(object);
        } else if object.service().is_some() {
            stateful_sets.extend(snapshot.governed_stateful_sets(&object));
            findings.extend(cluster_ip_invalid::finding_for(snapshot, &object));
        }
    }
    stateful_sets.sort_by_key(|stateful_set| stateful_set.id);
    stateful_sets.dedup_by_key(|stateful_set| stateful_set.id);
    let mut findings = finish(snapshot, findings);
    for stateful_set in stateful_sets {
        findings.extend(check_stateful_set_tie(snapshot, stateful_set));
    }
    findings
}

/// The fixes for the findings of `file` that overlap `range`, computed from
/// the snapshot's text. Each fix names the code it fixes.
pub fn fixes(snapshot: &Snapshot, file: FileId, range: TextRange) -> Vec<(Finding, Fix)> {
    let mut fixes = Vec::new();
    for finding in fixable_findings(snapshot, file)
        .into_iter()
        .filter(|finding| finding.file == file && finding.range.start <= range.end && range.start <= finding.range.end)
    {
        let found = match finding.code {
            Code::ServiceNotHeadless => service_not_headless::fixes(snapshot, &finding),
            Code::ServiceNotFound => service_not_found::fixes(snapshot, &finding),
            Code::ServiceNameMissing => service_name_missing::fixes(snapshot, &finding),
            Code::ClusterIpInvalid => cluster_ip_invalid::fixes(snapshot, &finding),
            Code::SelectorMismatch => selector_mismatch::fixes(snapshot, &finding),
            _ => Vec::new(),
        };
        fixes.extend(found.into_iter().map(|fix| (finding.clone(), fix)));
    }
    fixes
}

fn apply_configuration(snapshot: &Snapshot, mut finding: Finding) -> Option<Finding> {
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
    let finding_line = file.line_index.line_of(finding.range.start);
    let first_content = document.syntax.root.map(|root| document.absolute(document.syntax.raw_node(root).range).start);
    document.syntax.comments.iter().any(|comment| {
        let Some(codes) = ignore_comment_codes(&comment.text) else { return false };
        if !codes.iter().any(|ignored| *ignored == code || *ignored == "all") {
            return false;
        }
        let comment_start = document.absolute(comment.range).start;
        let comment_line = file.line_index.line_of(comment_start);
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
    fn one_tie_is_checked_as_the_whole_workspace_checks_it() {
        let fixture = super::fixture::parse(
            r#"
#- /app/sets.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: headless-missing}
spec:
  serviceName: web
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: drifted}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template: {metadata: {labels: {app: db}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: misspelled}
spec:
  serviceName: Cache_
  selector: {matchLabels: {app: cache}}
  template: {metadata: {labels: {app: cache}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: nameless}
spec:
  selector: {matchLabels: {app: nameless}}
  template: {metadata: {labels: {app: nameless}}}
#- /app/services.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db-v2}
"#,
        );
        let (mut workspace, _) = super::fixture::workspace(&fixture);
        let snapshot = workspace.snapshot();
        let all = check(&snapshot);
        let tie_codes = [
            Code::ServiceNameMissing,
            Code::ServiceNameInvalid,
            Code::ServiceNotFound,
            Code::ServiceNotHeadless,
            Code::SelectorMismatch,
        ];
        let mut seen = 0;
        for stateful_set in snapshot.stateful_sets() {
            let expected: Vec<&Finding> = all
                .iter()
                .filter(|finding| finding.stateful_set == Some(stateful_set.id) && tie_codes.contains(&finding.code))
                .collect();
            let one = check_stateful_set_tie(&snapshot, stateful_set);
            assert_eq!(one.iter().collect::<Vec<_>>(), expected, "StatefulSet `{}`", stateful_set.name());
            seen += one.len();
        }
        // Both sides of two ties, one `service-name-invalid`, one `service-name-missing`.
        assert_eq!(seen, 6);
    }

    #[test]
    fn fixable_findings_of_a_file_are_those_the_whole_check_finds() {
        let fixture = super::fixture::parse(
            r#"
#- /app/sets.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: a}
spec: {serviceName: plain, selector: {matchLabels: {app: a}}, template: {metadata: {labels: {app: a}}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: b}
spec: {serviceName: missing, selector: {matchLabels: {app: b}}, template: {metadata: {labels: {app: b}}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: c}
spec: {serviceName: drifted, selector: {matchLabels: {app: c}}, template: {metadata: {labels: {app: c}}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: d}
spec: {selector: {matchLabels: {app: d}}, template: {metadata: {labels: {app: d}}}}
#- /app/services.yaml
apiVersion: v1
kind: Service
metadata: {name: plain}
spec: {selector: {app: a}}
---
apiVersion: v1
kind: Service
metadata: {name: drifted}
spec: {clusterIP: None, selector: {app: x}}
---
apiVersion: v1
kind: Service
metadata: {name: near}
spec: {clusterIP: none}
"#,
        );
        let (mut workspace, ids) = super::fixture::workspace(&fixture);
        let snapshot = workspace.snapshot();
        let fixable = [
            Code::ServiceNotHeadless,
            Code::ServiceNotFound,
            Code::ServiceNameMissing,
            Code::ClusterIpInvalid,
            Code::SelectorMismatch,
        ];
        let all = check(&snapshot);
        for file in ids {
            let expected: Vec<&Finding> =
                all.iter().filter(|finding| finding.file == file && fixable.contains(&finding.code)).collect();
            let mut actual: Vec<Finding> = fixable_findings(&snapshot, file)
                .into_iter()
                .filter(|finding| finding.file == file && fixable.contains(&finding.code))
                .collect();
            actual.sort_by_key(|finding| (finding.range.start, finding.range.end, finding.code));
            assert_eq!(actual.iter().collect::<Vec<_>>(), expected);
            assert!(!expected.is_empty());
        }
    }

    #[test]
    fn ignore_comments_list_codes() {
        assert_eq!(ignore_comment_codes("# kube-lsp: ignore service-not-found"), Some(vec!["service-not-found"]));
        assert_eq!(ignore_comment_codes("#kube-lsp: ignore a, b"), Some(vec!["a", "b"]));
        assert_eq!(ignore_comment_codes("# some comment"), None);
    }
}
