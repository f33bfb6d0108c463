//! `--format sarif`: SARIF 2.1.0 (the format of GitHub code scanning and
//! other security dashboards), written with our own serde structs: the
//! published SARIF crates did not build on their own when we measured.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::config::{Config, Level};
use crate::ide::Code;

use super::report::{Location, Report};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/kube-lsp/kube-lsp";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    /// Our columns count Unicode scalar values, not UTF-16 code units.
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    short_description: Text,
    /// How to fix a finding: code scanning shows it beside the result.
    help: Text,
    help_uri: String,
    default_configuration: RuleConfiguration,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleConfiguration {
    level: &'static str,
    enabled: bool,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<SarifLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// SARIF has three levels of result; information and hints are notes.
fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Information | Level::Hint => "note",
        Level::Off => "none",
    }
}

pub fn write(report: &Report<'_>, config: &Config, out: &mut dyn Write) -> anyhow::Result<()> {
    let rules = Code::ALL
        .iter()
        .map(|&code| {
            let level = config.rules.get(code.as_str()).copied().unwrap_or_else(|| code.default_level());
            Rule {
                id: code.as_str(),
                short_description: Text { text: code.summary().to_owned() },
                help: Text { text: code.help().to_owned() },
                help_uri: code.url(),
                default_configuration: RuleConfiguration { level: sarif_level(level), enabled: level != Level::Off },
            }
        })
        .collect();
    let results = report
        .entries
        .iter()
        .map(|entry| SarifResult {
            rule_id: entry.finding.code.as_str(),
            rule_index: Code::ALL.iter().position(|code| *code == entry.finding.code).unwrap_or(0),
            level: sarif_level(entry.finding.level),
            message: Text { text: entry.finding.message.clone() },
            locations: vec![location(&entry.location, None, None)],
            related_locations: entry
                .related
                .iter()
                .enumerate()
                .map(|(id, (related, message))| location(related, Some(id), Some(message)))
                .collect(),
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "kube-lsp",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    // Serialized first, so that a write error stays an `io::Error`.
    let text = serde_json::to_string_pretty(&log)?;
    writeln!(out, "{text}")?;
    Ok(())
}

fn location(location: &Location<'_>, id: Option<usize>, message: Option<&str>) -> SarifLocation {
    SarifLocation {
        id,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation { uri: artifact_uri(&location.file.path) },
            region: Region {
                start_line: location.start.line,
                start_column: location.start.column,
                end_line: location.end.line,
                end_column: location.end.column,
            },
        },
        message: message.map(|text| Text { text: text.to_owned() }),
    }
}

/// A relative path as a relative URI reference with forward slashes (what
/// code-scanning tools resolve against the repository root); an absolute
/// path as a `file://` URI.
pub fn artifact_uri(path: &Path) -> String {
    let mut segments = Vec::new();
    let mut absolute = false;
    for component in path.components() {
        match component {
            // A Windows drive (`C:`) stays as it is in a `file:` URI.
            std::path::Component::Prefix(prefix) => {
                segments.push(prefix.as_os_str().to_string_lossy().trim_end_matches('\\').replace('\\', "/"));
                absolute = true;
            }
            std::path::Component::RootDir => absolute = true,
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => segments.push("..".to_owned()),
            std::path::Component::Normal(segment) => segments.push(percent_encode(&segment.to_string_lossy())),
        }
    }
    if absolute {
        format!("file:///{}", segments.join("/"))
    } else {
        segments.join("/")
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters and the
/// sub-delimiters that are safe in a path segment (not `:`, which would make
/// a relative reference's first segment read as a scheme).
fn percent_encode(segment: &str) -> String {
    let mut encoded = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+=@".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_with_forward_slashes() {
        assert_eq!(artifact_uri(Path::new("./manifests/redis.yaml")), "manifests/redis.yaml");
        assert_eq!(artifact_uri(Path::new("../a b/c#1.yaml")), "../a%20b/c%231.yaml");
        assert_eq!(artifact_uri(Path::new("<stdin>")), "%3Cstdin%3E");
        assert_eq!(artifact_uri(Path::new("a:b.yaml")), "a%3Ab.yaml");
        assert_eq!(artifact_uri(Path::new("k8s/café.yaml")), "k8s/caf%C3%A9.yaml");
        #[cfg(unix)]
        assert_eq!(artifact_uri(Path::new("/srv/app/redis.yaml")), "file:///srv/app/redis.yaml");
    }

    #[test]
    fn information_and_hints_are_notes() {
        assert_eq!(sarif_level(Level::Error), "error");
        assert_eq!(sarif_level(Level::Warning), "warning");
        assert_eq!(sarif_level(Level::Information), "note");
        assert_eq!(sarif_level(Level::Hint), "note");
    }
}
