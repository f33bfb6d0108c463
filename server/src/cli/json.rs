//! `--format json`: one JSON array of findings, each
//! `{"file", "line", "column", "endLine", "endColumn", "code", "severity", "message"}`.
//! The keys are a public contract (see SPEC.md): add, never rename.

use std::io::Write;

use serde::Serialize;

use super::report::Report;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonFinding<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    code: &'a str,
    severity: &'a str,
    message: &'a str,
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> anyhow::Result<()> {
    let findings: Vec<JsonFinding<'_>> = report
        .entries
        .iter()
        .map(|entry| JsonFinding {
            file: &entry.location.path,
            line: entry.location.start.line,
            column: entry.location.start.column,
            end_line: entry.location.end.line,
            end_column: entry.location.end.column,
            code: entry.finding.code.as_str(),
            severity: entry.finding.level.as_str(),
            message: &entry.finding.message,
        })
        .collect();
    // Serialized first, so that a write error stays an `io::Error`.
    let text = serde_json::to_string_pretty(&findings)?;
    writeln!(out, "{text}")?;
    Ok(())
}
