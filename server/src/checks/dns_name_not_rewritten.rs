//! `dns-name-not-rewritten`: a peer address that names objects by the names
//! they were written with, in a build that renames them (`namePrefix`,
//! `nameSuffix`) or moves them (`namespace`). kustomize rewrites name
//! references in fields it knows (`spec.serviceName`), never names inside
//! strings (kubernetes-sigs/kustomize #3380, #2171), so in that build the
//! name resolves to nothing.
//!
//! Checked on each top build's rendered objects (so a patch that sets the
//! right name in an overlay silences it): an address that does not resolve
//! in the build, and would resolve against the build's objects under the
//! names and namespaces they were written with, is reported with the name
//! the build needs. Not for builds that use `replacements` or `vars`, which
//! kube-lsp does not apply and which are kustomize's way to rewrite them.

use super::references::Reference;
use super::{Code, Finding};
use crate::model::{AddressKind, PeerAddress};
use crate::syntax::TextRange;
use crate::workspace::kustomize::{Build, BuildObject};
use crate::workspace::{ObjectView, Snapshot};

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::DnsNameNotRewritten,
    name: "dns-name-not-rewritten",
    default_level: crate::config::Level::Warning,
    other_default_level: None,
    summary: "a DNS name in a string names objects by names that a kustomize build changes",
    help: "kustomize does not rewrite names inside strings: set the name the build needs with a patch in the \
           overlay, or with `replacements` (from the Service's `metadata.name`)",
    check: super::code::Check::Build(check),
    fixes: None,
};

/// An object of the build by a name it had before the build's last rename
/// (as written, or after an inner kustomization's prefix) and its home
/// namespace.
struct Original<'b> {
    object: &'b BuildObject,
    namespace: &'b str,
}

fn check(built: &Snapshot, build: &Build, findings: &mut Vec<Finding>) {
    if build.uses_replacements_or_vars {
        return;
    }
    let default = built.config.default_namespace.as_str();
    let named = |kind: &str, name: &str, namespace: &str| -> Option<Original<'_>> {
        build
            .objects
            .iter()
            .filter(|object| object.kind() == kind && object.names.iter().any(|written| written == name))
            .map(|object| Original { object, namespace: original(object, default) })
            .find(|found| found.namespace == namespace)
    };
    for view in built.objects() {
        let Some(referrer) = build.objects.get(view.id.document as usize) else { continue };
        for address in view.addresses() {
            if resolves(built, view, address) {
                continue;
            }
            let namespace = address.namespace.as_ref().map_or(original(referrer, default), |label| view.label(label));
            // The objects it names as written, in the build.
            let Some(service) = named("Service", view.label(&address.service), namespace) else { continue };
            let stateful_set = match &address.kind {
                AddressKind::Pod { stateful_set, .. } => {
                    let Some(set) = named("StatefulSet", view.label(stateful_set), namespace) else { continue };
                    Some((stateful_set, set))
                }
                AddressKind::ThisPod if referrer.kind() != "StatefulSet" => continue,
                _ => None,
            };
            let current = |object: &BuildObject| object.namespace().unwrap_or(default).to_owned();
            let mut replaced: Vec<(TextRange, String)> =
                vec![(address.service.range(), service.object.name().to_owned())];
            if let Some((label, set)) = stateful_set {
                replaced.push((label.range(), set.object.name().to_owned()));
            }
            match &address.namespace {
                Some(label) => replaced.push((label.range(), current(service.object))),
                None if current(service.object) != view.namespace() => {
                    let at = address.service.range().end;
                    replaced.push((TextRange::empty(at), format!(".{}", current(service.object))));
                }
                None => {}
            }
            let Some((written, needed)) = rewritten(view, &address, replaced) else { continue };
            if written == needed {
                continue;
            }
            let message = super::sentence_with_names(&[&written], |names| format!("{} names nothing", names[0]));
            let message = format!(
                "{message}; kustomize does not rewrite strings: it needs '{}'",
                super::shortened(&needed, super::FIRST_SENTENCE_LIMIT)
            );
            findings.push(Finding::new(
                view.id.file,
                view.absolute(address.range()),
                Code::DnsNameNotRewritten,
                message,
            ));
        }
    }
}

/// The namespace an object has in its own kustomization's build, where
/// the strings beside it expect it (a base used alone with `namespace:`
/// moves nothing; the overlay that sets another one does).
fn original<'a>(object: &'a BuildObject, default: &'a str) -> &'a str {
    object.home_namespace.as_deref().unwrap_or(default)
}

/// Whether the address resolves in the build: a reference there with no
/// problem of its own (a broken tie speaks for itself).
fn resolves(built: &Snapshot, view: ObjectView<'_>, address: PeerAddress) -> bool {
    Reference::checked(built, view, address).is_some_and(|reference| reference.resolve(built).problem.is_none())
}

/// The address as written and with its labels replaced (document-relative
/// ranges, inside the address).
fn rewritten(
    view: ObjectView<'_>,
    address: &PeerAddress,
    mut replaced: Vec<(TextRange, String)>,
) -> Option<(String, String)> {
    let written_at = address.range();
    let whole = view.absolute(written_at);
    let written = view.file.text.get(whole.as_range())?.to_owned();
    replaced.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut needed = written.clone();
    for (range, with) in replaced {
        let (start, end) = (range.start.checked_sub(written_at.start)?, range.end.checked_sub(written_at.start)?);
        if end > needed.len() || !needed.is_char_boundary(start) || !needed.is_char_boundary(end) {
            return None;
        }
        needed.replace_range(start..end, &with);
    }
    Some((written, needed))
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::check_findings;

    const BASE: &str = r#"
#- /repo/base/kustomization.yaml
resources: [redis.yaml, config.yaml]
#- /repo/base/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  replicas: 3
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
---
apiVersion: v1
kind: Service
metadata: {name: redis}
spec: {clusterIP: None, selector: {app: redis}}
"#;

    fn config(value: &str, mark: &str) -> String {
        format!("#- /repo/base/config.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: app}}\ndata:\n  master: \"{value}\"\n{mark}")
    }

    fn messages(fixture: &str) -> Vec<String> {
        let parsed = crate::checks::fixture::parse(fixture);
        let (mut workspace, _) = crate::checks::fixture::workspace(&parsed);
        let diagnostics = crate::checks::Diagnostics::of(&workspace.snapshot());
        diagnostics.all().map(|finding| finding.message.clone()).collect()
    }

    #[test]
    fn a_prefix_is_not_written_into_a_string() {
        let fixture = format!(
            "{BASE}{}{}",
            config("redis-0.redis:6379", "#          ^^^^^^^^^^^^^ warning dns-name-not-rewritten\n"),
            "#- /repo/overlays/prod/kustomization.yaml\nnamePrefix: prod-\nresources: [../../base]\n"
        );
        check_findings(&fixture);
        assert_eq!(
            messages(&fixture),
            ["in 'overlays/prod': 'redis-0.redis' names nothing; kustomize does not rewrite strings: it needs \
              'prod-redis-0.prod-redis'"]
        );
    }

    #[test]
    fn a_suffix_on_a_service_name_and_on_this_pods_name() {
        let fixture = format!(
            "{}{}{}",
            BASE.replace(
                "  template: {metadata: {labels: {app: redis}}}\n",
                "  template:\n    metadata: {labels: {app: redis}}\n    spec:\n      containers:\n        - name: redis\n          \
                 args: [--announce, \"$(POD_NAME).redis\"]\n#                             ^^^^^^^^^^^^^^^^^ warning dns-name-not-rewritten\n"
            ),
            config("redis.default.svc", "#          ^^^^^^^^^^^^^^^^^ warning dns-name-not-rewritten\n"),
            "#- /repo/overlays/prod/kustomization.yaml\nnameSuffix: -v2\nresources: [../../base]\n"
        );
        check_findings(&fixture);
        let messages = messages(&fixture);
        assert!(messages.iter().any(|m| m.ends_with("it needs '$(POD_NAME).redis-v2'")), "{messages:#?}");
        assert!(messages.iter().any(|m| m.ends_with("it needs 'redis-v2.default.svc'")), "{messages:#?}");
    }

    /// A short name moves along with the objects; an explicit namespace
    /// does not, and is reported by this rule alone (not also as a wrong
    /// namespace, whose fix would edit the shared base).
    #[test]
    fn a_namespace_move_breaks_an_explicit_namespace_only() {
        let fixture = format!(
            "{BASE}{}{}",
            config(
                "redis-0.redis,redis-1.redis.default.svc.cluster.local",
                "#                        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning dns-name-not-rewritten\n"
            ),
            "#- /repo/overlays/prod/kustomization.yaml\nnamespace: prod\nresources: [../../base]\n"
        );
        check_findings(&fixture);
        let messages = messages(&fixture);
        assert_eq!(messages.len(), 1, "{messages:#?}");
        assert!(messages[0].ends_with("it needs 'redis-1.redis.prod.svc.cluster.local'"), "{messages:#?}");
    }

    /// The namespace a base's own kustomization sets is the objects' home:
    /// a string spelling it is right in the base's own build and not
    /// rewritten by an overlay that moves the objects on; a string spelling
    /// `default` there was never right, and stays `dns-name-wrong-namespace`.
    #[test]
    fn a_base_namespace_is_the_home_an_overlay_moves_from() {
        let base = BASE.replace("resources: [redis.yaml", "namespace: cache\nresources: [redis.yaml");
        let value = "redis-0.redis.cache,redis-1.redis.default";
        let overlay = "#- /repo/overlays/prod/kustomization.yaml\nnamespace: prod\nresources: [../../base]\n";
        let fixture = format!(
            "{base}{}{overlay}",
            config(
                value,
                "#          ^^^^^^^^^^^^^^^^^^^ warning dns-name-not-rewritten\n\
                 #                              ^^^^^^^^^^^^^^^^^^^^^ warning dns-name-wrong-namespace\n"
            )
        );
        check_findings(&fixture);
        let messages = messages(&fixture);
        assert!(messages.iter().any(|m| m.ends_with("it needs 'redis-0.redis.prod'")), "{messages:#?}");
    }

    #[test]
    fn an_ignore_comment_silences_it() {
        let fixture = format!(
            "{BASE}{}{}",
            config("redis-0.redis:6379", "")
                .replace("  master:", "  # kube-lsp: ignore dns-name-not-rewritten\n  master:"),
            "#- /repo/overlays/prod/kustomization.yaml\nnamePrefix: prod-\nresources: [../../base]\n"
        );
        check_findings(&fixture);
    }

    #[test]
    fn a_build_using_replacements_or_a_base_used_alone_is_not_reported() {
        let value = "redis-0.redis.default:6379";
        // The base used alone: its names are as written.
        check_findings(&format!("{BASE}{}", config(value, "")));
        let overlay = "#- /repo/overlays/prod/kustomization.yaml\nnamePrefix: prod-\nresources: [../../base]\n\
                       replacements:\n  - source: {kind: Service, name: redis}\n    targets: []\n";
        check_findings(&format!("{BASE}{}{overlay}", config(value, "")));
    }

    #[test]
    fn a_patch_that_sets_the_right_name_in_the_overlay_silences_it() {
        let overlay = r#"#- /repo/overlays/prod/kustomization.yaml
namePrefix: prod-
resources: [../../base]
patches:
  - patch: |-
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: app}
      data: {master: "prod-redis-0.prod-redis:6379"}
"#;
        check_findings(&format!("{BASE}{}{overlay}", config("redis-0.redis:6379", "")));
    }

    #[test]
    fn two_overlays_renaming_differently_give_one_diagnostic_naming_both() {
        let fixture = format!(
            "{BASE}{}{}{}",
            config("redis-0.redis:6379", "#          ^^^^^^^^^^^^^ warning dns-name-not-rewritten\n"),
            "#- /repo/overlays/prod/kustomization.yaml\nnamePrefix: prod-\nresources: [../../base]\n",
            "#- /repo/overlays/qa/kustomization.yaml\nnamePrefix: qa-\nresources: [../../base]\n"
        );
        check_findings(&fixture);
        assert_eq!(
            messages(&fixture),
            ["in 'overlays/prod', 'overlays/qa': 'redis-0.redis' names nothing; kustomize does not rewrite strings: \
              it needs 'prod-redis-0.prod-redis' in 'overlays/prod', 'qa-redis-0.qa-redis' in 'overlays/qa'"]
        );
    }
}
