//! User configuration: the `kubeLsp` settings of an editor, the `.kube-lsp.yaml`
//! file, and how the two combine.
//!
//! It reads settings as JSON values and validates them; it does not know where
//! they came from (the LSP layer and the CLI do) nor what a rule checks.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

/// The level a rule reports at, or `Off`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Error,
    Warning,
    Information,
    Hint,
    Off,
}

impl Level {
    pub fn parse(text: &str) -> Option<Level> {
        Some(match text {
            "error" => Level::Error,
            "warning" => Level::Warning,
            "information" | "info" => Level::Information,
            "hint" => Level::Hint,
            "off" => Level::Off,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Information => "information",
            Level::Hint => "hint",
            Level::Off => "off",
        }
    }
}

pub const DEFAULT_CLUSTER_DOMAIN: &str = "cluster.local";
pub const DEFAULT_NAMESPACE: &str = "default";
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// A Kubernetes release, by its minor version: every release so far is 1.x,
/// and what the version-bound rules ask is only "from which 1.x on".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubernetesVersion {
    pub minor: u32,
}

impl KubernetesVersion {
    /// The oldest release still supported upstream. An unset
    /// `kubernetesVersion` warns as for it.
    pub const OLDEST_SUPPORTED: KubernetesVersion = KubernetesVersion { minor: 33 };

    /// `1.34`, `v1.34`, `1.34.2` or a vendor build such as `v1.34.2-gke.1`
    /// or `1.34+k3s1` (what `kubectl version` prints): the minor version.
    /// Anything else, a major version other than 1 included, is `None`.
    pub fn parse(text: &str) -> Option<KubernetesVersion> {
        let text = text.trim();
        let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
        let rest = text.strip_prefix("1.")?;
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (minor, suffix) = rest.split_at(digits);
        // A patch version or a build suffix may follow; more digits glued to
        // something else (`1.34x`) are not a version.
        if minor.is_empty() || !(suffix.is_empty() || suffix.starts_with(['.', '-', '+'])) {
            return None;
        }
        if let Some(patch) = suffix.strip_prefix('.') {
            let patch_digits = patch.bytes().take_while(u8::is_ascii_digit).count();
            if patch_digits == 0 || !(patch[patch_digits..].is_empty() || patch[patch_digits..].starts_with(['-', '+']))
            {
                return None;
            }
        }
        minor.parse().ok().map(|minor| KubernetesVersion { minor })
    }

    /// Whether this release is 1.`minor` or newer.
    pub fn is_at_least(self, minor: u32) -> bool {
        self.minor >= minor
    }
}

impl std::fmt::Display for KubernetesVersion {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "1.{}", self.minor)
    }
}

/// The settings that change what the engine reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub cluster_domain: String,
    pub default_namespace: String,
    /// Rule code → level, for the rules the user re-levelled.
    pub rules: BTreeMap<String, Level>,
    pub max_file_size: u64,
    /// Globs of files not to read, matched against paths relative to a
    /// workspace folder (and against the whole path).
    pub exclude: Vec<String>,
    /// The cluster's release, for the version-bound rules; `None` makes no
    /// assumption (see `Config::assumed_kubernetes_version`).
    pub kubernetes_version: Option<KubernetesVersion>,
    /// Whether the language server answers `textDocument/inlayHint`.
    pub inlay_hints: bool,
    /// Whether the language server answers `textDocument/codeLens`.
    pub code_lens: bool,
    /// How charts are rendered (`helm.*`).
    pub helm: HelmSettings,
    /// The folders checked (the workspace folders, or the paths given to
    /// the CLI): a build is named by its path below the one that holds it.
    /// Not a setting: the server and the CLI fill it in.
    pub roots: Vec<PathBuf>,
}

pub const DEFAULT_HELM_RELEASE: &str = "release-name";
pub const DEFAULT_HELM_TIMEOUT_MS: u64 = 10_000;

/// The `helm.*` settings: whether and how charts are rendered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelmSettings {
    pub enable: bool,
    /// The `helm` binary; `None` looks for `helm` on `PATH`.
    pub path: Option<String>,
    pub release: String,
    /// Value files, relative to each chart, given with `-f` in this order.
    pub value_files: Vec<String>,
    pub timeout_ms: u64,
}

impl Default for HelmSettings {
    fn default() -> HelmSettings {
        HelmSettings {
            enable: true,
            path: None,
            release: DEFAULT_HELM_RELEASE.to_owned(),
            value_files: Vec::new(),
            timeout_ms: DEFAULT_HELM_TIMEOUT_MS,
        }
    }
}

impl HelmSettings {
    /// Applies the keys of a `helm` settings object.
    fn apply(&mut self, value: &Value, problems: &mut Vec<String>) {
        let Some(map) = value.as_object() else {
            problems.push("`helm` must be an object".to_owned());
            return;
        };
        for (key, value) in map {
            match key.as_str() {
                "enable" => match value.as_bool() {
                    Some(enable) => self.enable = enable,
                    None => problems.push("`helm.enable` must be `true` or `false`".to_owned()),
                },
                "path" => match value {
                    Value::Null => self.path = None,
                    Value::String(path) if path.trim().is_empty() => self.path = None,
                    Value::String(path) => self.path = Some(path.trim().to_owned()),
                    _ => problems.push("`helm.path` must be a path to the `helm` binary".to_owned()),
                },
                "release" => match value.as_str() {
                    Some(release) if !release.trim().is_empty() => self.release = release.trim().to_owned(),
                    _ => problems.push("`helm.release` must be a non-empty string".to_owned()),
                },
                "valueFiles" => match value.as_array() {
                    Some(files) => {
                        self.value_files = files.iter().filter_map(|file| file.as_str().map(str::to_owned)).collect();
                        if self.value_files.len() != files.len() {
                            problems.push("`helm.valueFiles` must be a list of paths".to_owned());
                        }
                    }
                    None => problems.push("`helm.valueFiles` must be a list of paths".to_owned()),
                },
                "timeoutMs" => match value.as_u64() {
                    Some(timeout) if timeout > 0 => self.timeout_ms = timeout,
                    _ => problems.push("`helm.timeoutMs` must be a positive number of milliseconds".to_owned()),
                },
                other => problems.push(format!("unknown setting `helm.{other}`")),
            }
        }
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            cluster_domain: DEFAULT_CLUSTER_DOMAIN.to_owned(),
            default_namespace: DEFAULT_NAMESPACE.to_owned(),
            rules: BTreeMap::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            exclude: Vec::new(),
            kubernetes_version: None,
            inlay_hints: true,
            code_lens: true,
            helm: HelmSettings::default(),
            roots: Vec::new(),
        }
    }
}

impl Config {
    /// The release the version-bound rules judge for: the configured one, or
    /// with none the oldest supported release, where the most still breaks.
    pub fn assumed_kubernetes_version(&self) -> KubernetesVersion {
        self.kubernetes_version.unwrap_or(KubernetesVersion::OLDEST_SUPPORTED)
    }

    /// `apply` for a configuration file (`.kube-lsp.yaml`), which comes with
    /// the files checked: it may not name a program to run, so `helm.path`
    /// there is refused (a cloned repository must not choose what runs).
    pub fn apply_file(&mut self, settings: &Value, known_codes: &[&str]) -> Vec<String> {
        let mut settings = settings.clone();
        let mut refused = false;
        if let Some(map) = settings.as_object_mut() {
            refused |= map.remove("helm.path").is_some();
            if let Some(helm) = map.get_mut("helm").and_then(Value::as_object_mut) {
                refused |= helm.remove("path").is_some();
            }
        }
        let mut problems = self.apply(&settings, known_codes);
        if refused {
            problems.push(
                "`helm.path` is not read from a configuration file (a repository must not choose what runs): \
                 set it in the editor's settings, or pass `--helm`"
                    .to_owned(),
            );
        }
        problems
    }

    /// Applies the keys present in `settings` (the inside of `kubeLsp`, or a
    /// `.kube-lsp.yaml` read as JSON) over `self`. Unknown keys and values of
    /// the wrong type are reported, not fatal: the rest still applies.
    pub fn apply(&mut self, settings: &Value, known_codes: &[&str]) -> Vec<String> {
        let mut problems = Vec::new();
        let Some(map) = settings.as_object() else {
            if !settings.is_null() {
                problems.push("settings must be an object".to_owned());
            }
            return problems;
        };
        for (key, value) in map {
            match key.as_str() {
                "clusterDomain" => match value.as_str() {
                    Some(domain) if !domain.trim().is_empty() => {
                        self.cluster_domain = domain.trim().trim_end_matches('.').to_owned()
                    }
                    _ => problems.push("`clusterDomain` must be a non-empty string".to_owned()),
                },
                "defaultNamespace" => match value.as_str() {
                    Some(namespace) if !namespace.trim().is_empty() => {
                        self.default_namespace = namespace.trim().to_owned()
                    }
                    _ => problems.push("`defaultNamespace` must be a non-empty string".to_owned()),
                },
                "maxFileSize" => match value.as_u64() {
                    Some(size) => self.max_file_size = size,
                    None => problems.push("`maxFileSize` must be a number of bytes".to_owned()),
                },
                "exclude" => match value.as_array() {
                    Some(globs) => {
                        self.exclude = globs.iter().filter_map(|glob| glob.as_str().map(str::to_owned)).collect();
                        if self.exclude.len() != globs.len() {
                            problems.push("`exclude` must be a list of glob strings".to_owned());
                        }
                    }
                    None => problems.push("`exclude` must be a list of glob strings".to_owned()),
                },
                // `null` (or an empty string) unsets a version that a lower
                // layer, such as `.kube-lsp.yaml`, set.
                "kubernetesVersion" => match value {
                    Value::Null => self.kubernetes_version = None,
                    Value::String(text) if text.trim().is_empty() => self.kubernetes_version = None,
                    Value::String(text) => match KubernetesVersion::parse(text) {
                        Some(version) => self.kubernetes_version = Some(version),
                        None => problems.push(format!(
                            "`kubernetesVersion` must be a Kubernetes release such as \"1.34\", not `{}`",
                            text.trim()
                        )),
                    },
                    // YAML reads an unquoted `1.30` as the number 1.3, so a
                    // number cannot say which release was meant.
                    Value::Number(number) => problems.push(format!(
                        "`kubernetesVersion` must be a string such as \"1.34\", not the number `{number}` (quote it)"
                    )),
                    _ => problems.push("`kubernetesVersion` must be a string such as \"1.34\"".to_owned()),
                },
                "inlayHints" => match value.as_bool() {
                    Some(enabled) => self.inlay_hints = enabled,
                    None => problems.push("`inlayHints` must be `true` or `false`".to_owned()),
                },
                "codeLens" => match value.as_bool() {
                    Some(enabled) => self.code_lens = enabled,
                    None => problems.push("`codeLens` must be `true` or `false`".to_owned()),
                },
                "rules" => match value.as_object() {
                    Some(rules) => {
                        for (code, level) in rules {
                            if !known_codes.contains(&code.as_str()) {
                                problems.push(format!("unknown rule `{code}` in `rules`"));
                                continue;
                            }
                            match level.as_str().and_then(Level::parse) {
                                Some(level) => {
                                    self.rules.insert(code.clone(), level);
                                }
                                None => problems.push(format!(
                                    "`rules.{code}` must be one of `error`, `warning`, `information`, `hint`, `off`"
                                )),
                            }
                        }
                    }
                    None => problems.push("`rules` must be an object of rule codes to levels".to_owned()),
                },
                // `helm: {path: ...}` in `.kube-lsp.yaml`, `helm.path` as VS
                // Code names a setting.
                "helm" => self.helm.apply(value, &mut problems),
                dotted if dotted.starts_with("helm.") => {
                    let mut one = serde_json::Map::new();
                    one.insert(dotted["helm.".len()..].to_owned(), value.clone());
                    self.helm.apply(&Value::Object(one), &mut problems);
                }
                // Client-only settings that editors may send along.
                "server" | "trace" => {}
                other => problems.push(format!("unknown setting `{other}`")),
            }
        }
        problems
    }
}

/// The server's settings and their defaults as one JSON file, shared with the
/// VS Code extension's tests so that the two cannot drift. The test in
/// `checks/generated.rs` writes it from `Config::default()` and the rules.
#[cfg(test)]
pub(crate) const SETTINGS_JSON: &str = include_str!("settings.json");

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn applies_known_keys_and_reports_the_rest() {
        let mut config = Config::default();
        let problems = config.apply(
            &json!({
                "clusterDomain": "example.org.",
                "defaultNamespace": "cache",
                "rules": {"yaml-syntax": "off", "service-not-found": "error", "nope": "error", "selector-mismatch": "loud"},
                "maxFileSize": 1024,
                "exclude": ["charts/**"],
                "inlayHints": false,
                "codeLens": false,
                "colour": "blue",
                "server": {"path": "/bin/kube-lsp"}
            }),
            &["yaml-syntax", "service-not-found", "selector-mismatch"],
        );
        assert_eq!(config.cluster_domain, "example.org");
        assert_eq!(config.default_namespace, "cache");
        assert_eq!(config.rules.get("yaml-syntax"), Some(&Level::Off));
        assert_eq!(config.rules.get("service-not-found"), Some(&Level::Error));
        assert_eq!(config.rules.get("selector-mismatch"), None);
        assert_eq!(config.max_file_size, 1024);
        assert_eq!(config.exclude, vec!["charts/**".to_owned()]);
        assert!(!config.inlay_hints && !config.code_lens);
        assert_eq!(
            problems,
            vec![
                "unknown setting `colour`".to_owned(),
                "unknown rule `nope` in `rules`".to_owned(),
                "`rules.selector-mismatch` must be one of `error`, `warning`, `information`, `hint`, `off`".to_owned(),
            ]
        );
    }

    #[test]
    fn wrong_types_keep_the_defaults() {
        let mut config = Config::default();
        let problems = config.apply(&json!({"clusterDomain": 3, "maxFileSize": "big", "inlayHints": "no"}), &[]);
        assert_eq!(config, Config::default());
        assert_eq!(problems.len(), 3);
    }

    #[test]
    fn kubernetes_versions_are_read_to_their_minor_version() {
        for (text, minor) in
            [("1.34", 34), ("v1.34", 34), ("1.34.2", 34), (" V1.36.0-gke.1014001 ", 36), ("1.35+k3s1", 35), ("1.9", 9)]
        {
            assert_eq!(KubernetesVersion::parse(text), Some(KubernetesVersion { minor }), "{text:?}");
        }
        for text in ["", "1", "1.", "2.0", "34", "1.34x", "1.34.", "1.34.x", "v", "latest", "1.99999999999"] {
            assert_eq!(KubernetesVersion::parse(text), None, "{text:?}");
        }
        assert_eq!(KubernetesVersion { minor: 34 }.to_string(), "1.34");
        assert!(KubernetesVersion { minor: 36 }.is_at_least(36));
        assert!(!KubernetesVersion { minor: 35 }.is_at_least(36));
    }

    #[test]
    fn a_kubernetes_version_is_set_unset_or_a_problem() {
        let mut config = Config::default();
        assert_eq!(config.assumed_kubernetes_version(), KubernetesVersion::OLDEST_SUPPORTED);
        assert!(config.apply(&json!({"kubernetesVersion": "v1.36.1"}), &[]).is_empty());
        assert_eq!(config.kubernetes_version, Some(KubernetesVersion { minor: 36 }));
        assert_eq!(config.assumed_kubernetes_version(), KubernetesVersion { minor: 36 });

        // A bad value is reported and keeps the version set before it.
        let problems = config.apply(&json!({"kubernetesVersion": "latest"}), &[]);
        assert_eq!(problems, ["`kubernetesVersion` must be a Kubernetes release such as \"1.34\", not `latest`"]);
        let problems = config.apply(&json!({"kubernetesVersion": 1.3}), &[]);
        assert_eq!(
            problems,
            ["`kubernetesVersion` must be a string such as \"1.34\", not the number `1.3` (quote it)"]
        );
        assert_eq!(config.apply(&json!({"kubernetesVersion": ["1.34"]}), &[]).len(), 1);
        assert_eq!(config.kubernetes_version, Some(KubernetesVersion { minor: 36 }));

        // `null` unsets it, as an editor does over a configuration file.
        assert!(config.apply(&json!({"kubernetesVersion": null}), &[]).is_empty());
        assert_eq!(config, Config::default());
    }

    #[test]
    fn the_shared_settings_file_matches_the_defaults() {
        let shared: Value = serde_json::from_str(SETTINGS_JSON).expect("settings.json is valid JSON");
        let defaults = Config::default();
        assert_eq!(shared["clusterDomain"], json!(defaults.cluster_domain));
        assert_eq!(shared["defaultNamespace"], json!(defaults.default_namespace));
        assert_eq!(shared["maxFileSize"], json!(defaults.max_file_size));
        assert_eq!(shared["rules"], json!({}));
        assert_eq!(shared["exclude"], json!([]));
        assert_eq!(shared.get("kubernetesVersion"), Some(&Value::Null), "unset: listed as null");
        assert_eq!(defaults.kubernetes_version, None);
        assert_eq!(shared["inlayHints"], json!(defaults.inlay_hints));
        assert_eq!(shared["codeLens"], json!(defaults.code_lens));
        assert_eq!(shared["helm.enable"], json!(defaults.helm.enable));
        assert_eq!(shared["helm.path"], Value::Null);
        assert_eq!(shared["helm.release"], json!(defaults.helm.release));
        assert_eq!(shared["helm.valueFiles"], json!([]));
        assert_eq!(shared["helm.timeoutMs"], json!(defaults.helm.timeout_ms));
    }

    #[test]
    fn helm_settings_apply_and_report_problems() {
        let mut config = Config::default();
        let problems = config.apply(
            &json!({"helm": {"enable": false, "path": "/opt/helm", "release": "prod", "valueFiles": ["a.yaml"], "timeoutMs": 500}}),
            &[],
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            config.helm,
            HelmSettings {
                enable: false,
                path: Some("/opt/helm".to_owned()),
                release: "prod".to_owned(),
                value_files: vec!["a.yaml".to_owned()],
                timeout_ms: 500
            }
        );
        let problems = config.apply(&json!({"helm": {"timeoutMs": 0, "plugins": true, "path": null}}), &[]);
        assert_eq!(
            problems,
            ["unknown setting `helm.plugins`", "`helm.timeoutMs` must be a positive number of milliseconds"]
        );
        assert_eq!(config.helm.path, None);
        // A configuration file may not name the binary.
        let mut from_file = Config::default();
        let problems =
            from_file.apply_file(&json!({"helm": {"path": "./evil", "release": "r"}, "helm.path": "x"}), &[]);
        assert_eq!((from_file.helm.path.as_deref(), from_file.helm.release.as_str()), (None, "r"));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("`helm.path` is not read from a configuration file"), "{problems:?}");
        // VS Code sends each setting under its dotted name.
        assert!(config.apply(&json!({"helm.release": "dev", "helm.enable": true}), &[]).is_empty());
        assert_eq!((config.helm.release.as_str(), config.helm.enable), ("dev", true));
    }
}
