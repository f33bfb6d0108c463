//! The stable diagnostic codes, their default levels and their README links.
//!
//! A code's string is a public contract (configuration keys, ignore comments,
//! CI output): never rename one.

use crate::config::Level;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    YamlSyntax,
    ServiceNameMissing,
    ServiceNameInvalid,
    ServiceNotFound,
    ServiceNotHeadless,
    ClusterIpInvalid,
    HeadlessServiceType,
    SelectorMismatch,
    StatefulSetSelectorMismatch,
    StatefulSetNameInvalid,
    StatefulSetNameTooLong,
    ServicePortMismatch,
}

pub const README_URL: &str = "https://github.com/kube-lsp/kube-lsp/blob/main/README.md";

impl Code {
    pub const ALL: [Code; 12] = [
        Code::YamlSyntax,
        Code::ServiceNameMissing,
        Code::ServiceNameInvalid,
        Code::ServiceNotFound,
        Code::ServiceNotHeadless,
        Code::ClusterIpInvalid,
        Code::HeadlessServiceType,
        Code::SelectorMismatch,
        Code::StatefulSetSelectorMismatch,
        Code::StatefulSetNameInvalid,
        Code::StatefulSetNameTooLong,
        Code::ServicePortMismatch,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::YamlSyntax => "yaml-syntax",
            Code::ServiceNameMissing => "service-name-missing",
            Code::ServiceNameInvalid => "service-name-invalid",
            Code::ServiceNotFound => "service-not-found",
            Code::ServiceNotHeadless => "service-not-headless",
            Code::ClusterIpInvalid => "cluster-ip-invalid",
            Code::HeadlessServiceType => "headless-service-type",
            Code::SelectorMismatch => "selector-mismatch",
            Code::StatefulSetSelectorMismatch => "statefulset-selector-mismatch",
            Code::StatefulSetNameInvalid => "statefulset-name-invalid",
            Code::StatefulSetNameTooLong => "statefulset-name-too-long",
            Code::ServicePortMismatch => "service-port-mismatch",
        }
    }

    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|code| code.as_str() == text)
    }

    pub fn all_strs() -> Vec<&'static str> {
        Code::ALL.iter().map(|code| code.as_str()).collect()
    }

    /// The level a finding of this code has unless configured otherwise.
    /// `service-name-invalid` reports some findings as warnings; see its rule.
    pub fn default_level(self) -> Level {
        match self {
            Code::ServiceNameMissing => Level::Information,
            Code::ServiceNotFound
            | Code::SelectorMismatch
            | Code::StatefulSetNameTooLong
            | Code::ServicePortMismatch => Level::Warning,
            _ => Level::Error,
        }
    }

    /// The README section that explains the code (its heading is the code).
    pub fn url(self) -> String {
        format!("{README_URL}#{}", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(code));
        }
        assert_eq!(Code::parse("nope"), None);
    }

    #[test]
    fn codes_match_the_shared_settings_file() {
        let settings: serde_json::Value = serde_json::from_str(crate::config::SETTINGS_JSON).expect("valid JSON");
        let listed: Vec<&str> =
            settings["codes"].as_array().expect("codes").iter().filter_map(|c| c.as_str()).collect();
        assert_eq!(listed, Code::all_strs());
    }
}
