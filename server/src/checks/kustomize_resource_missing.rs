//! `kustomize-resource-missing`: a `resources`, `components` or patch path
//! of a kustomization names no file of the workspace, or a folder without a
//! kustomization file; `kustomize build` fails on it.

use std::path::Path;

use super::{Code, Finding};
use crate::workspace::kustomize::{normalize, Build, EntryKind, Graph, Target};
use crate::workspace::Snapshot;

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::KustomizeResourceMissing,
    name: "kustomize-resource-missing",
    default_level: crate::config::Level::Error,
    other_default_level: None,
    summary: "a `resources`, `components` or patch path of a kustomization does not exist",
    help: "fix the path (relative to the kustomization's folder), or add the file; a folder needs its own \
           `kustomization.yaml`",
    check: super::code::Check::Kustomization(check_build),
    fixes: None,
};

pub(super) fn check_build(snapshot: &Snapshot, graph: &Graph, build: &Build, findings: &mut Vec<Finding>) {
    for reference in graph.references.iter().filter(|reference| build.files.contains(&reference.kustomization)) {
        if reference.target != Target::Missing || !is_read_by_the_walk(&reference.path) {
            continue;
        }
        let what = match reference.kind {
            EntryKind::Resource => "resource",
            EntryKind::Component => "component",
            EntryKind::Patch => "patch",
        };
        let Some(own) = snapshot.file(reference.kustomization).and_then(|file| file.path.parent()) else { continue };
        let own = normalize(own);
        let target = normalize(&own.join(&reference.path));
        let paths: Vec<std::path::PathBuf> = snapshot.files().map(|(_, file)| normalize(&file.path)).collect();
        // Outside its own folder, an entry is judged only where the
        // workspace holds files beside where it points (outside that
        // folder): an editor opened on one overlay never read its base.
        let parent = target.parent().unwrap_or(Path::new(""));
        let known =
            target.starts_with(&own) || paths.iter().any(|path| path.starts_with(parent) && !path.starts_with(&own));
        if !known {
            continue;
        }
        let is_folder = reference.kind != EntryKind::Patch && paths.iter().any(|path| path.starts_with(&target));
        let message = if is_folder {
            format!("the {what} folder has no kustomization file: kustomize build fails")
        } else {
            format!("no file or folder at this {what} path: kustomize build fails")
        };
        findings.push(Finding::new(reference.kustomization, reference.range, Code::KustomizeResourceMissing, message));
    }
}

/// Whether the workspace would hold the entry if it existed: a folder, or a
/// YAML file. A `.json` resource, which kustomize reads too, is not walked,
/// so its absence from the workspace says nothing.
fn is_read_by_the_walk(path: &str) -> bool {
    match Path::new(path).extension().and_then(|extension| extension.to_str()) {
        None => true,
        Some(extension) => matches!(extension.to_ascii_lowercase().as_str(), "yaml" | "yml"),
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::check_findings;

    #[test]
    fn missing_files_folders_and_patches_are_errors() {
        check_findings(
            r#"
#- /app/overlay/kustomization.yaml
resources:
  - ../base
  - missing.yaml
#   ^^^^^^^^^^^^ error kustomize-resource-missing
  - ../bare
#   ^^^^^^^ error kustomize-resource-missing
  - crd.json
components:
  - ../nothing
#   ^^^^^^^^^^ error kustomize-resource-missing
patches:
  - path: gone.yaml
#         ^^^^^^^^^ error kustomize-resource-missing
#- /app/base/kustomization.yaml
resources: [config.yaml]
#- /app/base/config.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
#- /app/bare/config.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: d}
"#,
        );
    }

    #[test]
    fn a_base_outside_what_the_workspace_read_is_not_judged() {
        // An editor opened on the overlay alone: `../../base` was never read.
        check_findings(
            r#"
#- /repo/overlays/prod/kustomization.yaml
resources:
  - ../../base
  - missing.yaml
#   ^^^^^^^^^^^^ error kustomize-resource-missing
"#,
        );
    }
}
