//! The layers of configuration the server combines: defaults, then the
//! `.kube-lsp.yaml` at the root of the first workspace folder, then the
//! editor's `kubeLsp` settings (initialization options, pushed or pulled
//! settings).
//!
//! It knows where each layer comes from in the protocol; what the keys mean
//! and how they are validated is `config`'s business.

use std::path::PathBuf;

use serde_json::Value;

use crate::config::Config;
use crate::ide::Code;
use crate::loader;

/// Keys of the `kubeLsp` section, to recognise a section sent without its
/// `kubeLsp` wrapper.
const SECTION_KEYS: [&str; 8] = [
    "clusterDomain",
    "defaultNamespace",
    "rules",
    "maxFileSize",
    "exclude",
    "kubernetesVersion",
    "inlayHints",
    "codeLens",
];

pub(crate) const SECTION: &str = "kubeLsp";

#[derive(Debug, Default)]
pub(crate) struct Settings {
    /// The configuration file and what reading it gave: its settings as
    /// JSON, or why it could not be read.
    file: Option<(PathBuf, Result<Value, String>)>,
    /// The editor's `kubeLsp` section; `Null` when it sent none.
    pub(crate) editor: Value,
}

impl Settings {
    /// (Re-)reads the configuration file that `loader::DiskView::config_file`
    /// found at the root of the first folder (none without a folder, nor
    /// through a symbolic link: the walk follows none either).
    pub(crate) fn read_file(&mut self, path: Option<PathBuf>) {
        self.file = path.map(|path| {
            let value = loader::read_config_file(&path).map_err(|error| format!("{error:#}"));
            (path, value)
        });
    }

    /// The configuration of all the layers, and every problem found in them.
    pub(crate) fn config(&self) -> (Config, Vec<String>) {
        let codes = Code::all_strs();
        let mut config = Config::default();
        let mut problems = Vec::new();
        match &self.file {
            Some((path, Ok(value))) => problems.extend(
                config.apply_file(value, &codes).into_iter().map(|problem| format!("`{}`: {problem}", path.display())),
            ),
            Some((_, Err(error))) => problems.push(error.clone()),
            None => {}
        }
        problems.extend(
            config.apply(&self.editor, &codes).into_iter().map(|problem| format!("editor settings: {problem}")),
        );
        (config, problems)
    }
}

/// The `kubeLsp` section of a settings value: the value of its `kubeLsp` key,
/// or the value itself when it looks like the section. `None` when the value
/// holds no section (`null`, `{}`, or other tools' settings).
pub(crate) fn kube_lsp_section(settings: &Value) -> Option<Value> {
    let map = settings.as_object()?;
    if let Some(section) = map.get(SECTION) {
        return Some(section.clone());
    }
    if map.keys().any(|key| SECTION_KEYS.contains(&key.as_str())) {
        return Some(settings.clone());
    }
    None
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // Tests write their own fixtures.
mod tests {
    use super::*;
    use crate::config::Level;
    use serde_json::json;

    #[test]
    fn the_section_is_found_wrapped_or_bare() {
        let section = json!({"rules": {"yaml-syntax": "off"}});
        assert_eq!(kube_lsp_section(&json!({"kubeLsp": section})), Some(section.clone()));
        assert_eq!(kube_lsp_section(&section), Some(section));
        assert_eq!(kube_lsp_section(&json!({"kubeLsp": null})), Some(Value::Null));
        assert_eq!(kube_lsp_section(&json!({})), None);
        assert_eq!(kube_lsp_section(&Value::Null), None);
        assert_eq!(kube_lsp_section(&json!({"yaml": {"validate": true}})), None);
    }

    #[test]
    fn editor_settings_override_the_file() {
        let folder = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            folder.path().join(loader::CONFIG_FILE_NAME),
            "defaultNamespace: cache\nrules:\n  service-not-found: error\n  yaml-syntax: hint\n",
        )
        .expect("write");
        let mut settings = Settings::default();
        settings.read_file(Some(folder.path().join(loader::CONFIG_FILE_NAME)));
        settings.editor = json!({"rules": {"yaml-syntax": "off"}, "colour": "blue"});
        let (config, problems) = settings.config();
        assert_eq!(config.default_namespace, "cache");
        assert_eq!(config.rules.get("service-not-found"), Some(&Level::Error));
        assert_eq!(config.rules.get("yaml-syntax"), Some(&Level::Off));
        assert_eq!(problems, ["editor settings: unknown setting `colour`"]);
    }

    #[test]
    fn a_broken_file_is_a_problem_not_a_failure() {
        let folder = tempfile::tempdir().expect("temp dir");
        std::fs::write(folder.path().join(loader::CONFIG_FILE_NAME), "rules: [unclosed\n").expect("write");
        let mut settings = Settings::default();
        settings.read_file(Some(folder.path().join(loader::CONFIG_FILE_NAME)));
        let (config, problems) = settings.config();
        assert_eq!(config, Config::default());
        assert_eq!(problems.len(), 1, "{problems:?}");
    }
}
