//! `yaml-syntax`: a document is not valid YAML.

use super::{Code, Finding};
use crate::syntax::TextRange;
use crate::workspace::{DocumentSlot, FileId, SourceFile};

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::YamlSyntax,
    name: "yaml-syntax",
    default_level: crate::config::Level::Error,
    other_default_level: None,
    summary: "a document is not valid YAML",
    help: "fix the YAML at the marked place; the other documents of the file are still checked",
    check: super::code::Check::Document(check_document),
    fixes: None,
};

/// The finding of one document of `file`, if it is not valid YAML.
pub(super) fn check_document(file_id: FileId, file: &SourceFile, document: &DocumentSlot, findings: &mut Vec<Finding>) {
    if document.is_template {
        return;
    }
    {
        let Some(error) = document.syntax.errors.first() else { return };
        let mut range = document.absolute(error.range);
        if range.is_empty() {
            // An empty range is invisible in most editors: cover the character
            // at the error, or the one before it at the end of a line or text.
            let text = &file.text;
            let next = text[range.start..].chars().next().filter(|c| *c != '\n' && *c != '\r');
            range = match next {
                Some(c) => TextRange::new(range.start, range.start + c.len_utf8()),
                None => match text[..range.start].chars().next_back().filter(|c| *c != '\n' && *c != '\r') {
                    Some(c) => TextRange::new(range.start - c.len_utf8(), range.start),
                    None => range,
                },
            };
        }
        // The parser's words, as plain text within SPEC's limits.
        let message = super::shortened(&error.message.replace('`', "'"), super::FIRST_SENTENCE_LIMIT - 14);
        findings.push(Finding::new(file_id, range, Code::YamlSyntax, format!("invalid YAML: {message}")));
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::check_findings;

    #[test]
    fn a_broken_document_hides_nothing_else() {
        check_findings(
            r#"
#- /app/all.yaml
apiVersion: v1
kind: Service
metadata: {name: redis
#         ^ error yaml-syntax
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
#              ^^^^^ warning service-not-found
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
"#,
        );
    }

    #[test]
    fn helm_templates_are_not_yaml_errors() {
        check_findings(
            r#"
#- /chart/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: {{ include "chart.fullname" . }}
spec:
  selector:
    {{- include "chart.selectorLabels" . | nindent 4 }}
"#,
        );
    }
}
