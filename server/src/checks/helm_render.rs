//! `helm-render`: `helm template` failed for a chart. Its finding comes from
//! the render (`ide::helm` places it on the template and line that Helm's
//! message names, else on `Chart.yaml`), not from a document, so its check
//! over documents finds nothing; `finding` builds it, with the configured
//! level applied as for every rule.

use super::{Code, Finding};
use crate::syntax::TextRange;
use crate::workspace::{DocumentSlot, FileId, Snapshot, SourceFile};

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::HelmRender,
    name: "helm-render",
    default_level: crate::config::Level::Error,
    other_default_level: None,
    summary: "`helm template` fails for a chart, so none of its objects are checked",
    help: "fix the template at the marked line (Helm's own words follow the colon), or the values it reads; \
           `helm template release-name <chart>` shows the same error",
    check: super::code::Check::Document(check_document),
    fixes: None,
};

/// A document alone never shows a failed render.
fn check_document(_: FileId, _: &SourceFile, _: &DocumentSlot, _: &mut Vec<Finding>) {}

/// The finding for a failed render of release `release`, at `range` of
/// `file`, quoting Helm's `message` (its lines joined, cut to fit SPEC's
/// limits); `None` when the rule is off.
pub(crate) fn finding(
    snapshot: &Snapshot,
    file: FileId,
    range: TextRange,
    release: &str,
    message: &str,
    only_with_overrides: bool,
) -> Option<Finding> {
    // Plain text: Helm's lines joined, its backticks made quotes.
    let helm_words = message.split_whitespace().collect::<Vec<_>>().join(" ").replace('`', "'");
    let first = if only_with_overrides {
        format!("the chart fails to render for release '{release}' with name overrides set; helm says:")
    } else {
        format!("the chart fails to render for release '{release}'; helm says:")
    };
    let limit = super::MESSAGE_LIMIT.saturating_sub(first.chars().count() + 1);
    let finding =
        Finding::new(file, range, Code::HelmRender, format!("{first} {}", super::shortened(&helm_words, limit)));
    super::apply_configuration(snapshot, finding)
}

#[cfg(test)]
pub(super) fn example_findings(snapshot: &Snapshot) -> Vec<Finding> {
    let Some((file, source)) = snapshot.files().find(|(_, file)| file.path.ends_with("templates/statefulset.yaml"))
    else {
        return Vec::new();
    };
    let line = source.line_index().line_range(&source.text, 6).unwrap_or_default();
    let message =
        "template: zookeeper/templates/statefulset.yaml:7:22\n  executing \"zookeeper/templates/statefulset.yaml\" \
                   at <.Values.cluster.size>:\n    nil pointer evaluating interface {}.size";
    finding(snapshot, file, line, "release-name", message, false).into_iter().collect()
}
