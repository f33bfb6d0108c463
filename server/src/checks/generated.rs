//! The files written from `RULES`, rust-analyzer's `ensure_file_contents`
//! habit: the README's code table, `config/settings.json`, and the VS Code
//! extension's per-rule settings and README table. A test that finds one of
//! them out of date rewrites it and fails, so a new rule updates them with
//! one `cargo test` and CI fails on a file someone forgot to commit.
//!
//! It knows the layout of those files, not what any rule checks.

// A test of the repository's own files: it reads (and rewrites) them.
#![allow(clippy::disallowed_methods)]
#![cfg(test)]

use std::path::PathBuf;

use serde::ser::{Serialize, Serializer};

use super::code::{Rule, RULES};
use crate::config::{Config, Level};

const README: &str = "README.md";
const SETTINGS_JSON: &str = "server/src/config/settings.json";
const VSCODE_PACKAGE_JSON: &str = "editors/vscode/package.json";
const VSCODE_README: &str = "editors/vscode/README.md";

/// The line that starts a generated part of a Markdown file; the part ends at
/// the next `RULES_END`.
const RULES_START: &str = "<!-- rules:start";
const RULES_END: &str = "<!-- rules:end -->";

/// The levels a user can give a rule, in the order the settings list them.
const LEVELS: [Level; 5] = [Level::Error, Level::Warning, Level::Information, Level::Hint, Level::Off];

#[test]
fn the_readme_code_table_is_generated_from_the_rules() {
    let readme = read(README);
    let table = code_table(|rule| format!("[`{0}`](#{0})", rule.name));
    ensure_file_contents(README, &splice_markdown(README, &readme, &table));
}

#[test]
fn the_readme_explains_every_rule_in_a_section_of_its_own() {
    let readme = read(README);
    let diagnostics = readme.split_once("\n## Diagnostics\n").expect("README.md has a `## Diagnostics` section").1;
    let diagnostics = diagnostics.split("\n## ").next().unwrap_or(diagnostics);
    // A code's section heading is the code, so its GitHub anchor is the code
    // and `Code::url` links to it.
    let code_headings: Vec<&str> = diagnostics
        .lines()
        .filter_map(|line| line.strip_prefix("### "))
        .filter(|heading| heading.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .collect();
    let names: Vec<&str> = RULES.iter().map(|rule| rule.name).collect();
    assert_eq!(
        code_headings, names,
        "README.md needs one `### <code>` section per rule under `## Diagnostics`, in the order of `rules!` \
         (checks/code.rs): what it checks, a YAML example, and the fix"
    );
}

#[test]
fn the_shared_settings_file_is_generated_from_the_rules_and_the_defaults() {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Shared<'a> {
        cluster_domain: &'a str,
        default_namespace: &'a str,
        rules: Ordered<'a, &'static str>,
        max_file_size: u64,
        exclude: &'a [String],
        /// `null` when unset, as the VS Code setting's default is.
        kubernetes_version: Option<String>,
        inlay_hints: bool,
        code_lens: bool,
        /// Flat, as VS Code names its settings (`kubeLsp.helm.path`).
        #[serde(flatten)]
        helm: Helm<'a>,
        codes: Vec<&'static str>,
    }
    #[derive(serde::Serialize)]
    struct Helm<'a> {
        #[serde(rename = "helm.enable")]
        enable: bool,
        #[serde(rename = "helm.path")]
        path: Option<&'a str>,
        #[serde(rename = "helm.release")]
        release: &'a str,
        #[serde(rename = "helm.valueFiles")]
        value_files: &'a [String],
        #[serde(rename = "helm.timeoutMs")]
        timeout_ms: u64,
    }
    let defaults = Config::default();
    let shared = Shared {
        cluster_domain: &defaults.cluster_domain,
        default_namespace: &defaults.default_namespace,
        rules: Ordered(defaults.rules.iter().map(|(code, level)| (code.as_str(), level.as_str())).collect()),
        max_file_size: defaults.max_file_size,
        exclude: &defaults.exclude,
        kubernetes_version: defaults.kubernetes_version.map(|version| version.to_string()),
        inlay_hints: defaults.inlay_hints,
        code_lens: defaults.code_lens,
        helm: Helm {
            enable: defaults.helm.enable,
            path: defaults.helm.path.as_deref(),
            release: &defaults.helm.release,
            value_files: &defaults.helm.value_files,
            timeout_ms: defaults.helm.timeout_ms,
        },
        codes: RULES.iter().map(|rule| rule.name).collect(),
    };
    let text = serde_json::to_string_pretty(&shared).expect("serialisable") + "\n";
    ensure_file_contents(SETTINGS_JSON, &text);
}

#[test]
fn the_vscode_rule_settings_are_generated_from_the_rules() {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct RuleSetting {
        r#type: &'static str,
        r#enum: Vec<&'static str>,
        markdown_description: String,
    }
    let settings = Ordered(
        RULES
            .iter()
            .map(|rule| {
                let description = format!("{}. Default: {}.", capitalised(rule.summary), default_levels(rule, "`"));
                let setting = RuleSetting {
                    r#type: "string",
                    r#enum: LEVELS.iter().map(|level| level.as_str()).collect(),
                    markdown_description: description,
                };
                (rule.name, setting)
            })
            .collect(),
    );
    let package = read(VSCODE_PACKAGE_JSON);
    let generated = serde_json::to_string_pretty(&settings).expect("serialisable");
    ensure_file_contents(VSCODE_PACKAGE_JSON, &splice_rule_properties(&package, &generated));
}

#[test]
fn the_vscode_readme_code_table_is_generated_from_the_rules() {
    let readme = read(VSCODE_README);
    // The extension's README is shown on the Marketplace, away from the
    // repository, so its links are absolute.
    let table = code_table(|rule| format!("[`{}`]({})", rule.name, rule.code.url()));
    ensure_file_contents(VSCODE_README, &splice_markdown(VSCODE_README, &readme, &table));
}

/// The Markdown table of the rules: code, default level, when.
fn code_table(code_cell: impl Fn(&Rule) -> String) -> String {
    let mut table = String::from("| code | default | when |\n| --- | --- | --- |\n");
    for rule in RULES {
        table.push_str(&format!("| {} | {} | {} |\n", code_cell(rule), default_levels(rule, ""), rule.summary));
    }
    table
}

/// `error`, or `error / warning` for a rule that reports at two levels.
fn default_levels(rule: &Rule, quote: &str) -> String {
    rule.default_levels().map(|level| format!("{quote}{}{quote}", level.as_str())).collect::<Vec<_>>().join(" / ")
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// `text` with the lines between its `RULES_START` and `RULES_END` lines
/// replaced by `generated`, set apart by blank lines so that Markdown reads
/// the table as a table.
fn splice_markdown(file: &str, text: &str, generated: &str) -> String {
    let start = text.find(RULES_START).unwrap_or_else(|| panic!("{file} has no `{RULES_START}` line"));
    let start = start + text[start..].find('\n').map_or(text.len() - start, |end| end + 1);
    let end = start + text[start..].find(RULES_END).unwrap_or_else(|| panic!("{file} has no `{RULES_END}` line"));
    format!("{}\n{generated}\n{}", &text[..start], &text[end..])
}

/// `package.json` with the value of `kubeLsp.rules`' `properties` replaced by
/// `generated` (pretty JSON at indent zero), indented as the file is.
fn splice_rule_properties(package: &str, generated: &str) -> String {
    let rules = package.find("\"kubeLsp.rules\": {").expect("package.json contributes `kubeLsp.rules`");
    let key = rules + package[rules..].find("\"properties\": {").expect("`kubeLsp.rules` has `properties`");
    let line_start = package[..key].rfind('\n').map_or(0, |newline| newline + 1);
    let indent = &package[line_start..key];
    let open = key + "\"properties\": ".len();
    // The closing brace is the first line after the key at the key's own
    // indentation: everything inside is indented deeper.
    let close_line = format!("\n{indent}}}");
    let close = open + package[open..].find(&close_line).expect("`properties` is closed") + close_line.len();
    let indented = generated.replace('\n', &format!("\n{indent}"));
    format!("{}{indented}{}", &package[..open], &package[close..])
}

/// A JSON object whose keys keep their order (a map would sort them).
struct Ordered<'a, V>(Vec<(&'a str, V)>);

impl<V: Serialize> Serialize for Ordered<'_, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(key, value)| (key, value)))
    }
}

fn path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(path(relative)).unwrap_or_else(|error| panic!("cannot read {relative}: {error}"))
}

/// Writes `contents` to the file and fails when it differed, so that the
/// change is seen and committed (line endings aside, which git may change on
/// checkout).
#[track_caller]
fn ensure_file_contents(relative: &str, contents: &str) {
    let old = read(relative);
    if old.replace("\r\n", "\n") == contents.replace("\r\n", "\n") {
        return;
    }
    std::fs::write(path(relative), contents).unwrap_or_else(|error| panic!("cannot write {relative}: {error}"));
    panic!("{relative} was not up to date with the rules and has been updated: review and commit it");
}
