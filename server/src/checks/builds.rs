//! Every rule run on each top kustomize build: the build's objects are
//! rendered to YAML (each value remembering its source place), checked as a
//! workspace of their own with the same configuration, and each finding is
//! moved back to the source line that produced the value it is shown on,
//! with the build it came from. Findings of several builds at one place and
//! code become one, naming them all.

use super::code::{Check, RULES};
use super::{Code, Diagnostics, Finding, Related, FIRST_SENTENCE_LIMIT};
use crate::syntax::TextRange;
use crate::workspace::kustomize::{build_name, Build, Graph, Rendered};
use crate::workspace::{FileId, ObjectId, Snapshot, Workspace};

/// The findings of one top build, at their source places, each with the
/// build's name (`None` for the findings about the kustomization files
/// themselves, which are the same in every build).
/// A build's rendered objects as a workspace of their own and its kept
/// findings: the next check of the build re-parses and re-checks only the
/// objects whose rendering changed (the workspace reuses unchanged
/// documents, the findings are kept up to date edit by edit).
#[derive(Debug, Default)]
pub(super) struct BuildState {
    workspace: Option<Workspace>,
    diagnostics: Diagnostics,
}

pub(super) fn check_build(
    snapshot: &Snapshot,
    graph: &Graph,
    top: FileId,
    state: &mut BuildState,
) -> Vec<(Finding, Option<String>)> {
    let build = Build::of(snapshot, &graph.paths, top);
    let mut out = Vec::new();
    let mut own = Vec::new();
    for rule in RULES {
        if let Check::Kustomization(check) = rule.check {
            check(snapshot, graph, &build, &mut own);
        }
    }
    // A kustomization read by several builds is judged in each the same way:
    // its first build reports it.
    own.retain(|finding| graph.builds_of(finding.file).next() == Some(top));
    out.extend(own.into_iter().map(|finding| (finding, None)));
    if build.objects.is_empty() {
        return out;
    }
    let name = message_name(snapshot, graph, top);
    let rendered = build.render();
    let workspace = state.workspace.get_or_insert_with(|| Workspace::new((*snapshot.config).clone()));
    if *workspace.config() != *snapshot.config {
        workspace.set_config((*snapshot.config).clone());
    }
    workspace.set_text(super::build_document_path(top), rendered.text.clone(), None);
    let built = workspace.snapshot();
    state.diagnostics.update(&built, workspace.take_changes());
    // The rules of the build as a whole (names it renamed); where one of
    // them speaks for a peer address, the address's other findings in this
    // build do not (their fixes would edit a shared base for one build).
    let mut whole = Vec::new();
    for rule in RULES {
        if let Check::Build(check) = rule.check {
            check(&built, &build, &mut whole);
        }
    }
    let spoken_for: Vec<TextRange> = whole.iter().map(|finding| finding.range).collect();
    out.extend(whole.into_iter().filter_map(|finding| Some((moved_back(snapshot, &rendered, finding)?, name.clone()))));
    for finding in state.diagnostics.all().cloned() {
        if finding.code == Code::YamlSyntax
            || (matches!(finding.code.rule().check, Check::References(_)) && spoken_for.contains(&finding.range))
        {
            continue;
        }
        // The objects it is about, as written in their files.
        let source = |id: Option<ObjectId>| -> Option<ObjectId> {
            let object = build.objects.get(id?.document as usize)?;
            snapshot.object_at(object.source.file, object.source.range.start).map(|view| view.id)
        };
        let (stateful_set, service) = (source(finding.stateful_set), source(finding.service));
        if let Some(mut moved) = moved_back(snapshot, &rendered, finding) {
            // A fix edits the objects in their files: offered only where the
            // finding and its related places are all in those files, not
            // where a patch set a value (a fix to the base would not reach
            // the build).
            let files: Vec<FileId> = stateful_set.iter().chain(&service).map(|id| id.file).collect();
            // The references a broken tie lists ("used here") are not
            // places the fix edits.
            let edited = moved.related.iter().filter(|related| related.message != super::analysis::USED_HERE);
            let places = std::iter::once(moved.file).chain(edited.map(|related| related.file));
            if places.clone().all(|file| files.contains(&file)) {
                moved.stateful_set = stateful_set;
                moved.service = service;
            }
            out.push((moved, name.clone()));
        }
    }
    out
}

/// The name a build's messages give it; none for a workspace folder that
/// is itself the only top build, whose every finding is in that build.
fn message_name(snapshot: &Snapshot, graph: &Graph, top: FileId) -> Option<String> {
    let folder = snapshot.file(top).and_then(|file| file.path.parent());
    let whole_workspace =
        graph.tops == [top] && folder.is_some_and(|folder| snapshot.config.roots.iter().any(|root| root == folder));
    (!whole_workspace).then(|| build_name(snapshot, top))
}

/// A finding of the rendered build, at the source place of the value it is
/// shown on, without its objects (the caller maps them).
fn moved_back(snapshot: &Snapshot, rendered: &Rendered, finding: Finding) -> Option<Finding> {
    let (file, range) = source_place(snapshot, rendered, finding.range)?;
    let related = finding
        .related
        .into_iter()
        .filter_map(|related| {
            let (file, range) = source_place(snapshot, rendered, related.range)?;
            Some(Related { file, range, message: related.message })
        })
        .collect();
    Some(Finding {
        file,
        range,
        code: finding.code,
        level: finding.level,
        message: finding.message,
        related,
        stateful_set: None,
        service: None,
    })
}

/// Where `range` of the rendered build lies in the workspace: the source
/// range of the value holding it, narrowed to the same text inside that
/// value where the value holds it (a peer address inside a string, which the
/// rendering may have re-indented, keeps its own place); else the whole value.
fn source_place(snapshot: &Snapshot, rendered: &Rendered, range: TextRange) -> Option<(FileId, TextRange)> {
    let (span, origin) = rendered.span_of(range)?;
    let whole = Some((origin.file, origin.range));
    if span == range || range.is_empty() {
        return whole;
    }
    let (Some(needle), Some(before)) =
        (rendered.text.get(range.start..range.end), rendered.text.get(span.start..range.start))
    else {
        return whole;
    };
    let occurrence = before.matches(needle).count();
    let source = snapshot.file(origin.file)?.text.get(origin.range.start..origin.range.end);
    match source.and_then(|source| source.match_indices(needle).nth(occurrence)) {
        Some((at, _)) => {
            Some((origin.file, TextRange::new(origin.range.start + at, origin.range.start + at + needle.len())))
        }
        None => whole,
    }
}

/// Findings sorted by place, the ones from builds named: where several
/// builds give one at the same place and code, the first stays, naming
/// them all (`in 'overlays/prod', 'overlays/staging': …`).
///
/// Where their messages differ after the first sentence (the name each
/// build needs), each build's rest is kept, naming its build.
pub(super) fn name_builds(findings: Vec<(Finding, Option<String>)>) -> Vec<Finding> {
    let mut out: Vec<(Finding, Vec<(String, String)>)> = Vec::with_capacity(findings.len());
    for (finding, build) in findings {
        if let (Some(build), Some((last, builds))) = (&build, out.last_mut()) {
            if !builds.is_empty() && last.range == finding.range && last.code == finding.code {
                if !builds.iter().any(|(name, _)| name == build) {
                    builds.push((build.clone(), finding.message));
                }
                continue;
            }
        }
        let builds = build.into_iter().map(|build| (build, finding.message.clone())).collect();
        out.push((finding, builds));
    }
    out.into_iter()
        .map(|(mut finding, builds)| {
            if !builds.is_empty() {
                let names: Vec<String> = builds.iter().map(|(name, _)| name.clone()).collect();
                let message = per_build_message(&builds).unwrap_or_else(|| finding.message.clone());
                finding.message = super::with_context(&builds_phrase(&names), &message);
            }
            finding
        })
        .collect()
}

/// One message for a finding whose builds' messages share their first
/// sentence and differ after it: `first; it needs 'a' in 'x', 'b' in 'y'`
/// (the rests' common words once). `None` where they all agree, or differ
/// in the first sentence (the first build's message then stands).
fn per_build_message(builds: &[(String, String)]) -> Option<String> {
    let (_, first) = builds.first()?;
    if builds.iter().all(|(_, message)| message == first) {
        return None;
    }
    let split = |message: &str| -> Option<(String, String)> {
        let (head, rest) = message.split_once("; ")?;
        Some((head.to_owned(), rest.to_owned()))
    };
    let parts: Vec<(String, String)> = builds.iter().map(|(_, message)| split(message)).collect::<Option<_>>()?;
    let head = &parts.first()?.0;
    if parts.iter().any(|(other, _)| other != head) {
        return None;
    }
    let rests: Vec<&str> = parts.iter().map(|(_, rest)| rest.as_str()).collect();
    let first_rest = rests.first()?;
    let mut common = first_rest.len();
    for rest in &rests {
        common = common.min(first_rest.bytes().zip(rest.bytes()).take_while(|(a, b)| a == b).count());
    }
    // Back to a word's start, so that a quoted name stays whole.
    let common = first_rest.get(..common).and_then(|prefix| prefix.rfind(' ')).map_or(0, |space| space + 1);
    let shared = first_rest.get(..common).unwrap_or("");
    let each: Vec<String> = rests
        .iter()
        .zip(builds)
        .map(|(rest, (name, _))| format!("{} in '{name}'", rest.get(common..).unwrap_or(rest)))
        .collect();
    Some(format!("{head}; {shared}{}", each.join(", ")))
}

/// `in 'a'`, `in 'a', 'b'`, or `in 'a' and 3 more builds`, kept short.
fn builds_phrase(builds: &[String]) -> String {
    let limit = FIRST_SENTENCE_LIMIT / 4;
    let quoted: Vec<String> = builds.iter().map(|build| format!("'{}'", shortened_path(build, limit))).collect();
    match quoted.as_slice() {
        [one] => format!("in {one}"),
        [one, two] => format!("in {one}, {two}"),
        [one, rest @ ..] => format!("in {one} and {} more builds", rest.len()),
        [] => String::new(),
    }
}

/// A build's path cut to at most `limit` characters from the front, where
/// its own folder's name is (`…/overlays/prod`), at a `/` where one is near.
fn shortened_path(path: &str, limit: usize) -> String {
    let count = path.chars().count();
    if count <= limit {
        return path.to_owned();
    }
    let tail: String = path.chars().skip(count - limit.saturating_sub(1)).collect();
    let tail = match tail.find('/') {
        Some(slash) if slash + 1 < tail.len() => tail[slash..].to_owned(),
        _ => tail,
    };
    format!("…{tail}")
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::super::{Code, Diagnostics, FileId};
    use crate::config::Config;
    use crate::syntax::TextRange;
    use crate::text::TextEdit;
    use crate::workspace::Workspace;

    #[test]
    fn a_long_build_path_keeps_its_end() {
        assert_eq!(super::shortened_path("overlays/prod", 25), "overlays/prod");
        assert_eq!(super::shortened_path("redis-overlays/overlays/prod", 25), "…/overlays/prod");
        assert_eq!(super::shortened_path("a/an-overlay-named-at-great-length", 25), "…ay-named-at-great-length");
        for path in
            ["redis-overlays/overlays/prod", "a/an-overlay-named-at-great-length", "x/ü/äöüäöüäöüäöüäöüäöüäöüäöü"]
        {
            assert!(super::shortened_path(path, 25).chars().count() <= 25, "{path}");
        }
    }

    fn base(service_name_mark: &str) -> String {
        format!(
            r#"
#- /repo/base/kustomization.yaml
resources: [redis.yaml]
#- /repo/base/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: redis}}
spec:
  serviceName: redis
{service_name_mark}
  selector: {{matchLabels: {{app: redis}}}}
  template:
    metadata: {{labels: {{app: redis}}}}
    spec: {{containers: [{{name: redis, ports: [{{name: redis, containerPort: 6379}}]}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: redis}}
spec:
  clusterIP: None
  selector: {{app: redis}}
  ports: [{{name: redis, port: 6379, targetPort: redis}}]
"#
        )
    }

    const PROD: &str = r#"#- /repo/overlays/prod/kustomization.yaml
namespace: prod
namePrefix: prod-
resources: [../../base]
patches:
  - path: service.yaml
#- /repo/overlays/prod/service.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec:
  clusterIP: 10.0.0.12
"#;

    const STAGING: &str = r#"#- /repo/overlays/staging/kustomization.yaml
namespace: staging
resources: [../../base]
"#;

    fn messages(fixture: &str) -> Vec<String> {
        let parsed = fixture::parse(fixture);
        let (mut workspace, _) = fixture::workspace(&parsed);
        let diagnostics = Diagnostics::of(&workspace.snapshot());
        diagnostics.all().map(|finding| finding.message.clone()).collect()
    }

    #[test]
    fn a_patch_that_breaks_the_tie_is_reported_on_its_line_in_its_build() {
        let prod = PROD.replace(
            "  clusterIP: 10.0.0.12\n",
            "  clusterIP: 10.0.0.12\n#            ^^^^^^^^^ error service-not-headless\n",
        );
        // The StatefulSet's side of the tie is at the base's `serviceName`,
        // which the prod build rewrote to 'prod-redis'; staging is healthy.
        let fixture = format!("{}{prod}{STAGING}", base("#              ^^^^^ error service-not-headless"));
        fixture::check_findings(&fixture);
        let messages = messages(&fixture);
        assert_eq!(messages.len(), 2);
        for message in &messages {
            assert!(message.starts_with("Service 'prod-redis' is not headless"), "{message}");
            assert!(message.contains("; in 'overlays/prod'"), "{message}");
        }
    }

    /// A workspace folder that is one kustomization (its only top build)
    /// names no build: every finding is in it. Below the folder, or beside
    /// another top build, the build is named by its path below the folder.
    #[test]
    fn the_only_top_build_at_a_workspace_folder_is_not_named() {
        let prod = PROD.replace("/repo/overlays/prod/", "/repo/");
        let prod = prod.replace("[../../base]", "[base]");
        let messages_with_root = |fixture: &str, root: &str| -> Vec<String> {
            let config = Config { roots: vec![root.into()], ..Config::default() };
            let (mut workspace, _) = fixture::workspace_with(config, &fixture::parse(fixture));
            Diagnostics::of(&workspace.snapshot()).all().map(|finding| finding.message.clone()).collect()
        };
        let alone = format!("{}{prod}", base(""));
        let messages = messages_with_root(&alone, "/repo");
        assert_eq!(messages.len(), 2, "{messages:#?}");
        for message in &messages {
            assert!(
                message.starts_with("Service 'prod-redis' is not headless") && !message.contains(" in '"),
                "{message}"
            );
        }
        for message in messages_with_root(&alone, "/") {
            assert!(message.starts_with("in 'repo': "), "{message}");
        }
        let beside = format!("{}{PROD}{STAGING}", base(""));
        for message in messages_with_root(&beside, "/repo") {
            assert!(message.contains("; in 'overlays/prod'"), "{message}");
        }
    }

    #[test]
    fn one_finding_from_several_builds_is_one_diagnostic_naming_them_all() {
        // A selector that selects nothing in the base: both builds find it.
        let staging = STAGING.replace("overlays/staging", "overlays/qa");
        let fixture = format!("{}{}{STAGING}", base(""), staging)
            .replace("  selector: {app: redis}\n", "  selector: {app: cache}\n# ^^^^^^^^ warning selector-mismatch\n")
            .replace(
                "  serviceName: redis\n\n",
                "  serviceName: redis\n#              ^^^^^ warning selector-mismatch\n",
            );
        fixture::check_findings(&fixture);
        let messages = messages(&fixture);
        assert_eq!(messages.len(), 2, "{messages:#?}");
        for message in &messages {
            assert!(message.contains("'overlays/qa', 'overlays/staging'"), "{message}");
        }
    }

    #[test]
    fn a_missing_base_is_reported_once_and_its_build_still_checked() {
        let fixture = r#"
#- /repo/overlays/prod/kustomization.yaml
resources:
  - ../../base
#   ^^^^^^^^^^ error kustomize-resource-missing
  - set.yaml
#- /repo/overlays/prod/set.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
#              ^^^^^ warning service-not-found
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
#- /repo/other/config.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: other}
"#;
        // `other/` shows the workspace read the repository, not the overlay alone.
        fixture::check_findings(fixture);
    }

    /// Edits to a base, an overlay's patch and an unrelated file: after
    /// each, the kept diagnostics equal a fresh analysis, and only the
    /// builds reading the edited file are checked again.
    #[test]
    fn an_edit_to_a_base_checks_again_the_builds_that_read_it_and_only_those() {
        let fixture = format!("{}{PROD}{STAGING}{}", base(""), "#- /repo/other/kustomization.yaml\nresources: [cm.yaml]\n#- /repo/other/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n#- /repo/loose.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: loose}\n");
        let parsed = fixture::parse(&fixture);
        let mut workspace = Workspace::new(Config::default());
        for (path, text) in &parsed.files {
            workspace.set_text(path.clone(), text.clone(), Some(1));
        }
        let mut diagnostics = Diagnostics::default();
        diagnostics.update(&workspace.snapshot(), workspace.take_changes());
        let edits: &[(&str, &str, &str, usize)] = &[
            // The base: its document and both builds reading it.
            ("/repo/base/redis.yaml", "clusterIP: None", "clusterIP: 10.0.0.1", 3),
            ("/repo/base/redis.yaml", "clusterIP: 10.0.0.1", "clusterIP: None", 3),
            // The prod patch: its document and the prod build.
            ("/repo/overlays/prod/service.yaml", "clusterIP: 10.0.0.12", "clusterIP: None", 2),
            ("/repo/overlays/prod/service.yaml", "clusterIP: None", "type: NodePort", 2),
            // A file no build reads: its document and its peer addresses
            // (a built file's are checked in its builds).
            ("/repo/loose.yaml", "name: loose", "name: looser", 2),
            // The other build's resource: its document and that build.
            ("/repo/other/cm.yaml", "name: c", "name: d", 2),
        ];
        for (path, from, to, checked) in edits {
            let id = workspace.file_id(std::path::Path::new(path)).expect("file");
            let text = workspace.file(id).expect("file").text.clone();
            let start = text.find(from).unwrap_or_else(|| panic!("`{from}` in {path}"));
            assert!(workspace.edit(id, Some(2), &[TextEdit::new(TextRange::new(start, start + from.len()), *to)]));
            let snapshot = workspace.snapshot();
            diagnostics.update(&snapshot, workspace.take_changes());
            assert_eq!(
                diagnostics.by_file(),
                Diagnostics::of(&snapshot).by_file(),
                "after `{from}` → `{to}` in {path}"
            );
            assert_eq!(diagnostics.last_checked(), *checked, "units checked after `{from}` → `{to}` in {path}");
        }
        let snapshot = workspace.snapshot();
        let patch = snapshot.file_id(std::path::Path::new("/repo/overlays/prod/service.yaml")).expect("patch");
        let found: Vec<(FileId, Code)> = diagnostics.all().map(|finding| (finding.file, finding.code)).collect();
        // `type: NodePort` from the patch over the base's `clusterIP: None`.
        assert_eq!(found, [(patch, Code::HeadlessServiceType)]);
    }

    /// Also where the tie's finding lists a peer address in another file
    /// ("used here"): that place is not one the fix edits, so the fix stays.
    #[test]
    fn a_finding_in_a_base_used_alone_keeps_its_fix() {
        let config = "#- /app/config.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\n\
                      data: {master: \"redis-0.redis:6379\"}\n";
        for (listed, config) in [("", ""), (", config.yaml", config)] {
            let files = |cluster_ip: &str, service_name: &str| {
                format!(
                    "
#- /app/kustomization.yaml
namespace: cache
resources: [statefulset.yaml, service.yaml{listed}]
#- /app/statefulset.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: redis}}
spec:
  serviceName: {service_name}
  selector: {{matchLabels: {{app: redis}}}}
  template: {{metadata: {{labels: {{app: redis}}}}}}
#- /app/service.yaml
apiVersion: v1
kind: Service
metadata: {{name: redis}}
spec:
{cluster_ip}  selector: {{app: redis}}
{config}"
                )
            };
            fixture::check_fix("clusterIP: None", &files("", "re$0dis"), &files("  clusterIP: None\n", "redis"));
        }
    }

    #[test]
    fn a_finding_a_patch_causes_offers_no_fix_to_the_base() {
        let fixture = format!("{}{PROD}", base("")).replace("clusterIP: 10.0.0.12", "clusterIP: 10.0.0.12$0");
        let parsed = fixture::parse(&fixture);
        let (mut workspace, ids) = fixture::workspace(&parsed);
        let snapshot = workspace.snapshot();
        let diagnostics = Diagnostics::of(&snapshot);
        let (file, offset) = parsed.cursor.expect("cursor");
        let found = super::super::fixes(&snapshot, &diagnostics, ids[file], TextRange::new(offset - 9, offset));
        assert!(found.is_empty(), "{found:#?}");
        assert_eq!(diagnostics.file(ids[file]).len(), 1);
    }

    #[test]
    fn a_value_set_by_an_inline_patch_or_the_kustomization_is_shown_on_its_line() {
        // The inline patch's clusterIP is found on its line inside the
        // block, the hostname a JSON patch adds on its value's line.
        let fixture = format!(
            "{}{}",
            base("#              ^^^^^ error service-not-headless"),
            r#"#- /repo/overlays/prod/kustomization.yaml
resources: [../../base]
patches:
  - target: {kind: Service, name: redis}
    patch: |-
      apiVersion: v1
      kind: Service
      metadata: {name: redis}
      spec:
        clusterIP: 10.0.0.12
#                  ^^^^^^^^^ error service-not-headless
  - target: {kind: StatefulSet}
    patch: |-
      - op: add
        path: /spec/template/spec/hostname
        value: pinned
#              ^^^^^^ information template-hostname-ignored
"#
        );
        fixture::check_findings(&fixture);
    }

    /// A peer address inside a block scalar is shown on its own text, not
    /// on the whole value, though the build renders the block anew.
    #[test]
    fn a_peer_address_in_a_build_is_shown_on_its_text() {
        fixture::check_findings(
            r#"
#- /repo/app/kustomization.yaml
namespace: cache
resources: [redis.yaml, config.yaml]
#- /repo/app/redis.yaml
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
#- /repo/app/config.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: app}
data:
  peers: "redis-0.redis.default:6379,redis-0.redis.default:6379"
#         ^^^^^^^^^^^^^^^^^^^^^ warning dns-name-wrong-namespace
#                                    ^^^^^^^^^^^^^^^^^^^^^ warning dns-name-wrong-namespace
  sentinel.conf: |
      # the master, then a replica named in the wrong namespace
      sentinel monitor main redis-0.redis.cache 6379 2
      sentinel known-replica main redis-1.redis.default 6379
#                                 ^^^^^^^^^^^^^^^^^^^^^ warning dns-name-wrong-namespace
"#,
        );
    }

    #[test]
    fn a_listed_file_that_comes_and_goes_updates_its_builds() {
        let mut workspace = Workspace::new(Config::default());
        workspace.set_text("/repo/app/kustomization.yaml".into(), "resources: [set.yaml, service.yaml]\n".into(), None);
        workspace.set_text(
            "/repo/app/set.yaml".into(),
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis}\nspec:\n  serviceName: redis\n  \
             selector: {matchLabels: {app: redis}}\n  template: {metadata: {labels: {app: redis}}}\n"
                .into(),
            None,
        );
        let mut diagnostics = Diagnostics::default();
        diagnostics.update(&workspace.snapshot(), workspace.take_changes());
        let codes =
            |diagnostics: &Diagnostics| -> Vec<Code> { diagnostics.all().map(|finding| finding.code).collect() };
        assert_eq!(codes(&diagnostics), [Code::KustomizeResourceMissing, Code::ServiceNotFound]);
        let service =
            "apiVersion: v1\nkind: Service\nmetadata: {name: redis}\nspec: {clusterIP: None, selector: {app: redis}}\n";
        workspace.set_text("/repo/app/service.yaml".into(), service.into(), None);
        let snapshot = workspace.snapshot();
        diagnostics.update(&snapshot, workspace.take_changes());
        assert_eq!(diagnostics.by_file(), Diagnostics::of(&snapshot).by_file());
        assert!(codes(&diagnostics).is_empty(), "{:#?}", diagnostics.by_file());
        drop(snapshot);
        workspace.remove(std::path::Path::new("/repo/app/service.yaml"));
        let snapshot = workspace.snapshot();
        diagnostics.update(&snapshot, workspace.take_changes());
        assert_eq!(diagnostics.by_file(), Diagnostics::of(&snapshot).by_file());
        assert_eq!(codes(&diagnostics), [Code::KustomizeResourceMissing, Code::ServiceNotFound]);
    }
}
