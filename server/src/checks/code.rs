//! The list of rules: the `Code` enum and `RULES`, both generated from one
//! line per rule, and the shape of the `Rule` that each rule file declares.
//!
//! Everything about a rule but its check (its code string, default level,
//! summary, documentation link) is read from the `RULE` its file declares;
//! the README's code table, `config/settings.json` and the VS Code settings
//! are generated from `RULES` by a test (`checks/generated.rs`). A code's
//! string is a public contract (configuration keys, ignore comments, CI
//! output): never rename one.

use super::references::{Reference, Resolution};
use super::{Finding, Fix};
use crate::config::Level;
use crate::model::PodTemplate;
use crate::workspace::kustomize::{Build, Graph};
use crate::workspace::{DocumentSlot, FileId, ObjectView, Snapshot, SourceFile};

/// What a rule reads, and so when `analysis` checks it again: each kind is
/// one kind of cached unit.
pub(crate) enum Check {
    /// One document alone.
    Document(fn(FileId, &SourceFile, &DocumentSlot, &mut Vec<Finding>)),
    /// One StatefulSet alone.
    StatefulSet(fn(&Snapshot, ObjectView<'_>, &mut Vec<Finding>)),
    /// One Service alone.
    Service(fn(&Snapshot, ObjectView<'_>, &mut Vec<Finding>)),
    /// A StatefulSet and the Service its `serviceName` names (or the lack of
    /// one): checked again when either side changes.
    Tie(fn(&Snapshot, ObjectView<'_>, &mut Vec<Finding>)),
    /// A Service and the pod templates of its namespace that carry its
    /// selector's first label.
    Ports(fn(ObjectView<'_>, &[&PodTemplate], &mut Vec<Finding>)),
    /// The kustomizations of one top kustomize build (their entries), with
    /// the workspace's kustomization graph.
    Kustomization(fn(&Snapshot, &Graph, &Build, &mut Vec<Finding>)),
    /// A peer address in a string (`redis-0.redis`) that is a reference,
    /// resolved: checked again when its document changes or an object it
    /// names (or nearly names) goes or comes.
    References(fn(&Snapshot, &Reference<'_>, &Resolution<'_>, &mut Vec<Finding>)),
    /// One top kustomize build's objects, rendered and checked as a
    /// workspace of their own (the `Snapshot`; its document `n` is the
    /// build's object `n`): findings are in the rendered text, each moved
    /// back to its source place and named with its build.
    Build(fn(&Snapshot, &Build, &mut Vec<Finding>)),
}

impl std::fmt::Debug for Check {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            Check::Document(_) => "Document",
            Check::StatefulSet(_) => "StatefulSet",
            Check::Service(_) => "Service",
            Check::Tie(_) => "Tie",
            Check::Ports(_) => "Ports",
            Check::Kustomization(_) => "Kustomization",
            Check::References(_) => "References",
            Check::Build(_) => "Build",
        })
    }
}

/// What a rule declares about itself, once, at the top of its file.
#[derive(Debug)]
pub(crate) struct Rule {
    pub(crate) code: Code,
    /// The stable code string. It is also the README heading of the rule's
    /// section, so it is the anchor of the rule's documentation link.
    pub(crate) name: &'static str,
    /// The level its findings have unless configured otherwise.
    pub(crate) default_level: Level,
    /// A second level that some of its findings have by default
    /// (`service-name-invalid` only warns about names that newer clusters
    /// accept, `hostname-override` is an error beside `setHostnameAsFQDN`);
    /// the rule sets it on those findings itself.
    pub(crate) other_default_level: Option<Level>,
    /// When the rule reports, as one lower-case clause without a final stop:
    /// the README's table, the VS Code setting, SARIF's `shortDescription`
    /// and the label under the text output's carets.
    pub(crate) summary: &'static str,
    /// How to fix a finding, in a sentence or two: the why-and-how that does
    /// not fit a diagnostic's short message. The CLI prints it as a `help:`
    /// line and the hover card shows it; it may quote code in backticks,
    /// since both render them (a terminal as is, the hover as Markdown).
    pub(crate) help: &'static str,
    /// The check, by what it reads.
    pub(crate) check: Check,
    /// The quick fixes for one of its findings, computed from the snapshot.
    pub(crate) fixes: Option<fn(&Snapshot, &Finding) -> Vec<Fix>>,
}

impl Rule {
    /// The level its findings have by default, then the second one that
    /// some of them have.
    pub(crate) fn default_levels(&self) -> impl Iterator<Item = Level> {
        std::iter::once(self.default_level).chain(self.other_default_level)
    }
}

/// Declares the rules, one line each in the order of the README's table:
/// the `Code` variant and the rule file (`checks/<module>.rs`) whose `RULE`
/// describes it. The enum, `Code::ALL` and `RULES` come from this one list,
/// so they cannot disagree.
macro_rules! rules {
    ($($variant:ident => $module:ident,)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($variant,)*
        }

        /// Every rule, indexed by its `Code`.
        pub(crate) const RULES: &[&Rule] = &[$(&super::$module::RULE,)*];

        /// The module of each rule, for the test that rule files spell their code.
        #[cfg(test)]
        const RULE_MODULES: &[&str] = &[$(stringify!($module),)*];

        impl Code {
            pub const ALL: &[Code] = &[$(Code::$variant,)*];
        }
    };
}

rules! {
    YamlSyntax => yaml_syntax,
    ServiceNameMissing => service_name_missing,
    ServiceNameInvalid => service_name_invalid,
    ServiceNotFound => service_not_found,
    ServiceNotHeadless => service_not_headless,
    ClusterIpInvalid => cluster_ip_invalid,
    HeadlessServiceType => headless_service_type,
    SelectorMismatch => selector_mismatch,
    StatefulSetSelectorMismatch => statefulset_selector_mismatch,
    StatefulSetNameInvalid => statefulset_name_invalid,
    StatefulSetNameTooLong => statefulset_name_too_long,
    ServicePortMismatch => service_port_mismatch,
    HostnameOverride => hostname_override,
    TemplateHostnameIgnored => template_hostname_ignored,
    MaxUnavailableOrdered => max_unavailable_ordered,
    DnsNameNotRewritten => dns_name_not_rewritten,
    KustomizeResourceMissing => kustomize_resource_missing,
    KustomizeRemoteSkipped => kustomize_remote_skipped,
    HelmRender => helm_render,
    DnsNameUnknown => dns_name_unknown,
    DnsNameWrongNamespace => dns_name_wrong_namespace,
    DnsNameWrongService => dns_name_wrong_service,
    DnsNameOrdinalOutOfRange => dns_name_ordinal_out_of_range,
    DnsNameWrongDomain => dns_name_wrong_domain,
    DnsNameUnknownPort => dns_name_unknown_port,
}

// Each rule file declares the code it is listed under, so that `Code::rule`
// can index `RULES` by the enum's discriminant; checked when compiling.
const _: () = {
    let mut index = 0;
    while index < RULES.len() {
        assert!(RULES[index].code as usize == index, "a rule file declares another code than its line in `rules!`");
        index += 1;
    }
};

pub const README_URL: &str = "https://github.com/kube-lsp/kube-lsp/blob/main/README.md";

impl Code {
    /// The rule's declaration.
    pub(crate) fn rule(self) -> &'static Rule {
        // `rules!` makes one rule per variant, in order, and the assertion
        // above checks each rule's code, so the index is always in bounds.
        RULES[self as usize]
    }

    pub fn as_str(self) -> &'static str {
        self.rule().name
    }

    pub fn parse(text: &str) -> Option<Code> {
        RULES.iter().find(|rule| rule.name == text).map(|rule| rule.code)
    }

    pub fn all_strs() -> Vec<&'static str> {
        RULES.iter().map(|rule| rule.name).collect()
    }

    /// The level a finding of this code has unless configured otherwise.
    /// Some rules report some findings at their `other_default_level`, or
    /// at a level that follows `kubernetesVersion`; see each rule.
    pub fn default_level(self) -> Level {
        self.rule().default_level
    }

    /// One line that says when the rule reports.
    pub fn summary(self) -> &'static str {
        self.rule().summary
    }

    /// How to fix a finding of this code, for the CLI's `help:` line and hover.
    pub fn help(self) -> &'static str {
        self.rule().help
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
        for &code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(code));
        }
        assert_eq!(Code::parse("nope"), None);
        assert_eq!(Code::ALL.len(), RULES.len());
    }

    #[test]
    fn rule_files_spell_their_code() {
        for (rule, module) in RULES.iter().zip(RULE_MODULES) {
            assert_eq!(rule.name.replace('-', "_"), *module, "`{}` is declared in `{module}.rs`", rule.name);
        }
    }

    #[test]
    fn summaries_are_one_lower_case_clause() {
        for rule in RULES {
            let first = rule.summary.chars().next().expect("a summary");
            assert!(!first.is_uppercase(), "`{}`: the summary starts lower case: {:?}", rule.name, rule.summary);
            assert!(!rule.summary.ends_with('.'), "`{}`: the summary has no final stop", rule.name);
            assert!(!rule.summary.contains('\n') && rule.summary.len() <= 100, "`{}`: one short line", rule.name);
            assert_ne!(rule.other_default_level, Some(rule.default_level), "`{}`", rule.name);
            assert!(
                !rule.help.is_empty() && !rule.help.contains('\n') && !rule.help.ends_with('.'),
                "`{}`: the help is one line without a final stop, like rustc's",
                rule.name
            );
        }
    }

    #[test]
    fn codes_match_the_shared_settings_file() {
        let settings: serde_json::Value = serde_json::from_str(crate::config::SETTINGS_JSON).expect("valid JSON");
        let listed: Vec<&str> =
            settings["codes"].as_array().expect("codes").iter().filter_map(|c| c.as_str()).collect();
        assert_eq!(listed, Code::all_strs());
    }
}
