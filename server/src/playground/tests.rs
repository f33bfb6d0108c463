//! The playground's engine on the broken Redis example (the page's first
//! example): findings in the CLI's shape, hover, fixes that leave no finding,
//! files that come, go and move. `tests/it/playground.rs` compares it with
//! the real `kube-lsp check --format json`.

use super::*;

const SERVICE: &str = include_str!("../../../examples/redis-broken/service.yaml");
const STATEFUL_SET: &str = include_str!("../../../examples/redis-broken/statefulset.yaml");

fn redis() -> Playground {
    let mut playground = Playground::new();
    playground.set_file("redis/service.yaml", SERVICE);
    playground.set_file("redis/statefulset.yaml", STATEFUL_SET);
    playground
}

/// The 1-based line and column of the first `needle` in `text`, plus `by`
/// columns (ASCII text).
fn at(text: &str, needle: &str, by: usize) -> (usize, usize) {
    let offset = text.find(needle).expect("needle in text");
    let line = text[..offset].matches('\n').count() + 1;
    let column = offset - text[..offset].rfind('\n').map_or(0, |newline| newline + 1) + 1 + by;
    (line, column)
}

fn codes(playground: &mut Playground) -> Vec<(String, String)> {
    playground.diagnostics().into_iter().map(|finding| (finding.file, finding.code)).collect()
}

#[test]
fn the_broken_example_shows_its_findings_in_the_cli_shape() {
    let mut playground = redis();
    let findings = playground.diagnostics();
    let not_headless = findings
        .iter()
        .find(|finding| finding.code == "service-not-headless" && finding.file == "redis/statefulset.yaml")
        .expect("not headless, on the StatefulSet's side");
    let (line, column) = at(STATEFUL_SET, "serviceName: redis", "serviceName: ".len());
    // Both sides of the tie, the Service's file first (the CLI's order).
    assert_eq!(findings[0].file, "redis/service.yaml");
    assert_eq!((not_headless.line, not_headless.column), (line, column));
    assert_eq!((not_headless.end_line, not_headless.end_column), (line, column + "redis".len()));
    assert_eq!(not_headless.severity, "error");
    let json = serde_json::to_value(not_headless).expect("serializes");
    let keys: Vec<&str> = json.as_object().expect("an object").keys().map(String::as_str).collect();
    // serde_json sorts keys; the set is SPEC's.
    assert_eq!(keys, ["code", "column", "endColumn", "endLine", "file", "line", "message", "severity"]);
}

#[test]
fn hover_on_service_name_is_the_stateful_set_card() {
    let mut playground = redis();
    let (line, column) = at(STATEFUL_SET, "serviceName: redis", "serviceName: r".len());
    let hover = playground.hover("redis/statefulset.yaml", line, column).expect("a card");
    assert!(hover.markdown.contains("redis-0.redis"), "{}", hover.markdown);
    assert_eq!(hover.span.line, line);
    assert_eq!(playground.hover("redis/statefulset.yaml", 1, 1), None, "no card on apiVersion");
    assert_eq!(playground.hover("nope.yaml", 1, 1), None);
    // Past the end: clamped, no panic.
    assert_eq!(playground.hover("redis/statefulset.yaml", 100_000, 100_000), None);
}

#[test]
fn applying_the_fix_edits_the_service_and_the_finding_goes() {
    let mut playground = redis();
    let (line, column) = at(STATEFUL_SET, "serviceName: redis", "serviceName: r".len());
    let actions = playground.actions("redis/statefulset.yaml", line, column);
    let fix = actions.iter().find(|action| action.code == "service-not-headless").expect("a fix");
    assert!(fix.edits.iter().all(|edit| edit.file == "redis/service.yaml"), "{fix:?}");
    let changed = playground.apply("redis/statefulset.yaml", line, column, &fix.title).expect("applied");
    assert_eq!(changed.keys().collect::<Vec<_>>(), ["redis/service.yaml"]);
    assert!(changed["redis/service.yaml"].contains("clusterIP: None"), "{}", changed["redis/service.yaml"]);
    assert_eq!(playground.files()["redis/service.yaml"], changed["redis/service.yaml"]);
    assert!(!codes(&mut playground).iter().any(|(_, code)| code == "service-not-headless"));
    assert_eq!(playground.apply("redis/statefulset.yaml", line, column, "no such fix"), None);
}

#[test]
fn inlay_hints_follow_service_name() {
    let mut playground = redis();
    let hints = playground.inlay_hints("redis/statefulset.yaml");
    let (line, _) = at(STATEFUL_SET, "serviceName: redis", 0);
    assert!(hints.iter().any(|hint| hint.line == line && hint.label.contains("not headless")), "{hints:?}");
    assert!(playground.inlay_hints("nope.yaml").is_empty());
}

#[test]
fn files_come_go_and_move() {
    let mut playground = redis();
    assert!(codes(&mut playground).iter().any(|(_, code)| code == "service-not-headless"));
    assert!(playground.rename_file("redis/service.yaml", "svc.yaml"));
    assert_eq!(playground.files().keys().collect::<Vec<_>>(), ["redis/statefulset.yaml", "svc.yaml"]);
    assert!(!playground.rename_file("gone.yaml", "x.yaml"));
    assert!(playground.drop_file("svc.yaml"));
    assert!(!playground.drop_file("svc.yaml"));
    assert!(codes(&mut playground).iter().any(|(_, code)| code == "service-not-found"));
    playground.clear();
    assert!(playground.files().is_empty());
    assert!(playground.diagnostics().is_empty());
}

#[test]
fn a_byte_order_mark_is_dropped_and_broken_yaml_is_a_finding() {
    let mut playground = Playground::new();
    playground.set_file("a.yaml", "\u{FEFF}kind: [\n");
    assert_eq!(playground.files()["a.yaml"], "kind: [\n");
    assert_eq!(codes(&mut playground), [("a.yaml".to_owned(), "yaml-syntax".to_owned())]);
}
