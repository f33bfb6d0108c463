//! `kustomize-remote-skipped`: a kustomization lists a remote resource (a
//! URL or git reference), which kube-lsp does not fetch: its objects are not
//! in the build kube-lsp checks.

use super::{Code, Finding};
use crate::workspace::kustomize::{Build, Graph, Target};
use crate::workspace::Snapshot;

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::KustomizeRemoteSkipped,
    name: "kustomize-remote-skipped",
    default_level: crate::config::Level::Information,
    other_default_level: None,
    summary: "a kustomization lists a remote resource, which is not fetched",
    help: "kube-lsp reads only the workspace's files: objects of a remote base are not checked, and names \
           that refer to them cannot be resolved",
    check: super::code::Check::Kustomization(check_build),
    fixes: None,
};

pub(super) fn check_build(_: &Snapshot, graph: &Graph, build: &Build, findings: &mut Vec<Finding>) {
    for reference in graph.references.iter().filter(|reference| build.files.contains(&reference.kustomization)) {
        if reference.target == Target::Remote {
            findings.push(Finding::new(
                reference.kustomization,
                reference.range,
                Code::KustomizeRemoteSkipped,
                "remote resource not fetched: its objects are not checked in this build".to_owned(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::check_findings;

    #[test]
    fn urls_and_git_references_are_noted() {
        check_findings(
            r#"
#- /app/kustomization.yaml
resources:
  - https://github.com/example/app//manifests?ref=v1.2.0
#   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ information kustomize-remote-skipped
  - github.com/example/base?ref=main
#   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ information kustomize-remote-skipped
  - config.yaml
#- /app/config.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
"#,
        );
    }
}
