//! `--format text`: rustc-style annotated snippets (annotate-snippets), each
//! with its rule's `help:` line, then a summary line. Colour only when asked for (a terminal without
//! `NO_COLOR`); the decision is the caller's.

use std::io::Write;

use annotate_snippets::{AnnotationKind, Group, Level as SnippetLevel, Renderer, Snippet};

use crate::config::Level;

use super::report::{Location, Report};

pub fn write(report: &Report<'_>, colour: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    let renderer = if colour { Renderer::styled() } else { Renderer::plain() };
    for entry in &report.entries {
        let code = entry.finding.code;
        let (source, line_start, span) = excerpt(&entry.location);
        let mut group: Group<'_> =
            snippet_level(entry.finding.level).primary_title(entry.finding.message.as_str()).id(code.as_str()).element(
                Snippet::source(source)
                    .line_start(line_start)
                    .path(entry.location.path.as_str())
                    .annotation(AnnotationKind::Primary.span(span).label(code.summary())),
            );
        for (related, message) in &entry.related {
            let (source, line_start, span) = excerpt(related);
            group = group.element(
                Snippet::source(source)
                    .line_start(line_start)
                    .path(related.path.as_str())
                    .annotation(AnnotationKind::Context.span(span).label(*message)),
            );
        }
        // The message says what is wrong in one short sentence; how to fix
        // it is the rule's help, as rustc's `help:` lines are.
        group = group.element(SnippetLevel::HELP.message(code.help()));
        writeln!(out, "{}\n", renderer.render(&[group]))?;
    }
    writeln!(out, "{}", summary(report))?;
    Ok(())
}

fn snippet_level(level: Level) -> SnippetLevel<'static> {
    match level {
        Level::Error => SnippetLevel::ERROR,
        Level::Warning => SnippetLevel::WARNING,
        Level::Information | Level::Off => SnippetLevel::INFO,
        Level::Hint => SnippetLevel::HELP.with_name("hint"),
    }
}

/// The whole lines that hold a location, the 1-based number of the first,
/// and the location's span inside them. Only these lines are handed to the
/// renderer, so a big file costs nothing per finding.
fn excerpt<'a>(location: &Location<'a>) -> (&'a str, usize, std::ops::Range<usize>) {
    let file = location.file;
    let text = file.text.as_str();
    let index = file.line_index();
    let start = location.range.start.min(text.len());
    let end = location.range.end.clamp(start, text.len());
    let first_line = index.line_of(start);
    let mut last_line = index.line_of(end);
    // A range that ends right after a line break ends on the line before.
    if last_line > first_line && index.line_start(last_line) == Some(end) {
        last_line -= 1;
    }
    let excerpt_start = index.line_start(first_line).unwrap_or(0).min(start);
    let excerpt_end = index.line_range(text, last_line).map_or(text.len(), |range| range.end).max(excerpt_start);
    let excerpt = text.get(excerpt_start..excerpt_end).unwrap_or("");
    let span_start = start - excerpt_start;
    let span_end = end.min(excerpt_end).max(start) - excerpt_start;
    (excerpt, first_line as usize + 1, span_start..span_end)
}

/// `2 errors, 1 warning in 3 files`, or `no findings in 3 files`.
pub fn summary(report: &Report<'_>) -> String {
    let count = |level: Level| report.entries.iter().filter(|entry| entry.finding.level == level).count();
    let plural = |count: usize, one: &str, many: &str| format!("{count} {}", if count == 1 { one } else { many });
    let mut parts = Vec::new();
    for (level, one, many) in [
        (Level::Error, "error", "errors"),
        (Level::Warning, "warning", "warnings"),
        (Level::Information, "info", "info"),
        (Level::Hint, "hint", "hints"),
    ] {
        let found = count(level);
        if found > 0 {
            parts.push(plural(found, one, many));
        }
    }
    let findings = if parts.is_empty() { "no findings".to_owned() } else { parts.join(", ") };
    format!("{findings} in {}", plural(report.checked_files, "file", "files"))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use expect_test::expect;

    use super::*;
    use crate::config::Config;
    use crate::ide::{Code, Finding, Related};
    use crate::syntax::TextRange;
    use crate::workspace::Workspace;

    fn finding(file: crate::workspace::FileId, range: TextRange, code: Code, level: Level) -> Finding {
        Finding {
            file,
            range,
            code,
            level,
            message: format!("{} here", code.as_str()),
            related: Vec::new(),
            stateful_set: None,
            service: None,
        }
    }

    fn render(findings: &[Finding], workspace: &mut Workspace) -> String {
        let snapshot = workspace.snapshot();
        let report = Report::new(&snapshot, findings, 2);
        let mut out = Vec::new();
        write(&report, false, &mut out).expect("write to memory");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn snippets_show_the_line_with_char_columns_and_related_places() {
        let mut workspace = Workspace::new(Config::default());
        let service_text = "# Zoë\r\nmetadata: {note: \"café\", name: redis}\r\nspec: {}\r\n";
        let set_text = "kind: StatefulSet\nspec:\n  serviceName: redis\n";
        let service = workspace.set_text(PathBuf::from("k8s/service.yaml"), service_text.to_owned(), None);
        let set = workspace.set_text(PathBuf::from("k8s/set.yaml"), set_text.to_owned(), None);
        let name = service_text.find("redis").expect("name");
        let service_name = set_text.find("redis").expect("serviceName");
        let mut on_set =
            finding(set, TextRange::new(service_name, service_name + 5), Code::ServiceNotHeadless, Level::Error);
        on_set.related.push(Related {
            file: service,
            range: TextRange::new(name, name + 5),
            message: "the Service `redis`".to_owned(),
        });
        let on_service = finding(service, TextRange::new(name, name + 5), Code::ServiceNotHeadless, Level::Warning);
        let hint = finding(set, TextRange::empty(0), Code::StatefulSetNameTooLong, Level::Hint);
        let output = render(&[on_set, on_service, hint], &mut workspace);
        expect![[r#"
            warning[service-not-headless]: service-not-headless here
             --> k8s/service.yaml:2:32
              |
            2 | metadata: {note: "café", name: redis}
              |                                ^^^^^ the governing Service exists but is not headless (`clusterIP: None`)
              |
              = help: set `clusterIP: None` on the Service (a deployed Service must be deleted and recreated: `clusterIP` cannot change), or create a separate headless Service and point `serviceName` at it

            hint[statefulset-name-too-long]: statefulset-name-too-long here
             --> k8s/set.yaml:1:1
              |
            1 | kind: StatefulSet
              | ^ the StatefulSet name has 53 to 63 characters: its pods usually fail to be created
              |
              = help: use at most 52 characters: the controller labels each pod with `controller-revision-hash`, the name plus `-` and a 10-character hash, and a label value has at most 63

            error[service-not-headless]: service-not-headless here
             --> k8s/set.yaml:3:16
              |
            3 |   serviceName: redis
              |                ^^^^^ the governing Service exists but is not headless (`clusterIP: None`)
              |
             ::: k8s/service.yaml:2:32
              |
            2 | metadata: {note: "café", name: redis}
              |                                ----- the Service `redis`
              |
              = help: set `clusterIP: None` on the Service (a deployed Service must be deleted and recreated: `clusterIP` cannot change), or create a separate headless Service and point `serviceName` at it

            1 error, 1 warning, 1 hint in 2 files
        "#]]
        .assert_eq(&output);
    }

    #[test]
    fn multi_line_ranges_show_every_line_they_cover() {
        let mut workspace = Workspace::new(Config::default());
        let text = "spec:\n  selector:\n    app: redis\n    tier: cache\nnext: 1\n";
        let file = workspace.set_text(PathBuf::from("a.yaml"), text.to_owned(), None);
        let start = text.find("app").expect("app");
        let end = text.find("next").expect("next");
        let output = render(
            &[finding(file, TextRange::new(start, end), Code::SelectorMismatch, Level::Information)],
            &mut workspace,
        );
        expect![[r#"
            info[selector-mismatch]: selector-mismatch here
             --> a.yaml:3:5
              |
            3 | /     app: redis
            4 | |     tier: cache
              | |_______________^ the governing Service's selector is empty or selects none of the StatefulSet's pods
              |
              = help: make the Service's `selector` a subset of the pod template's labels (`spec.template.metadata.labels`); the quick fix sets it to the StatefulSet's `spec.selector.matchLabels`

            1 info in 2 files
        "#]]
        .assert_eq(&output);
    }

    #[test]
    fn summaries_count_levels() {
        let snapshot = Workspace::new(Config::default()).snapshot();
        assert_eq!(summary(&Report::new(&snapshot, &[], 1)), "no findings in 1 file");
        assert_eq!(summary(&Report::new(&snapshot, &[], 0)), "no findings in 0 files");
    }
}
