//! Peer addresses resolved against the workspace: which of the candidate
//! DNS names an object's strings hold are references (SPEC's false-match
//! guards), what they name, and what is wrong with them. The six
//! `dns-name-*` rules each read one problem off a `Reference`; hover,
//! navigation and rename read the same resolution, so they cannot disagree.
//!
//! It knows nothing of LSP, JSON or the terminal.

use super::code::{Check, RULES};
use super::{Code, Finding};
use crate::model::{AddressKind, Label, PeerAddress};
use crate::text::TextEdit;
use crate::workspace::{ObjectId, ObjectView, Snapshot};

/// The furthest a misspelt name may be from the one meant (SPEC: 2).
pub(crate) const NEAR: usize = 2;

/// What is wrong with a reference, if anything (one at most; the domain is
/// judged apart).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Problem {
    /// No StatefulSet of this name (`stateful_set: true`) or no Service.
    Unknown { stateful_set: bool, closest: Option<String> },
    /// It exists, in `expected` and not in the namespace the name resolves in.
    WrongNamespace { expected: String },
    /// Pods get names under their governing Service only (`None`: no `serviceName`).
    WrongService { expected: Option<String> },
    /// Pods run `first..first + count`; `autoscaled` when an HPA's `maxReplicas` is the bound.
    OrdinalOutOfRange { first: i64, count: i64, autoscaled: bool },
    /// An SRV name whose port the Service does not name.
    UnknownPort,
}

/// A peer address that is a reference, resolved.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reference<'a> {
    /// The object whose string holds it.
    pub object: ObjectView<'a>,
    pub address: PeerAddress,
}

#[derive(Debug)]
pub(crate) struct Resolution<'a> {
    /// The namespace the name resolves in.
    pub namespace: String,
    /// The StatefulSet whose pod it names, in that namespace (for "this pod"
    /// forms the object itself).
    pub stateful_set: Option<ObjectView<'a>>,
    /// The Service it names, in that namespace.
    pub service: Option<ObjectView<'a>>,
    pub problem: Option<Problem>,
    /// It names a pod through its StatefulSet's tie, which is broken
    /// (Service missing, not headless, selecting none of the pods): the
    /// tie's finding speaks for it ("used here").
    pub broken_tie: bool,
    /// The domain it spells when that is not the configured `clusterDomain`.
    pub wrong_domain: Option<Label>,
}

impl<'a> Reference<'a> {
    /// One address of an object, if it is a reference.
    pub(crate) fn checked(snapshot: &Snapshot, object: ObjectView<'a>, address: PeerAddress) -> Option<Self> {
        let reference = Reference { object, address };
        reference.is_reference(snapshot).then_some(reference)
    }

    /// The addresses of an object that are references.
    pub(crate) fn of_object(snapshot: &Snapshot, object: ObjectView<'a>) -> Vec<Reference<'a>> {
        object
            .addresses()
            .map(|address| Reference { object, address })
            .filter(|reference| reference.is_reference(snapshot))
            .collect()
    }

    /// SPEC's guards: (a) the Service label names a Service of the
    /// workspace, or (b) the pod's StatefulSet exists and the Service label
    /// is its `serviceName` or near it.
    fn is_reference(&self, snapshot: &Snapshot) -> bool {
        let service = self.label(&self.address.service);
        if snapshot.index.services_named(service).next().is_some() {
            return true;
        }
        let near_service_name = |set: &ObjectView<'_>| {
            set.stateful_set().and_then(|spec| spec.service_name()).is_some_and(|name| near(name, service))
        };
        match &self.address.kind {
            AddressKind::Pod { stateful_set, .. } => snapshot
                .index
                .stateful_sets_named(self.label(stateful_set))
                .filter_map(|indexed| snapshot.view(indexed))
                .any(|set| near_service_name(&set)),
            AddressKind::ThisPod => near_service_name(&self.object),
            AddressKind::Service | AddressKind::Srv(_) => false,
        }
    }

    /// A label of the address, as written.
    pub(crate) fn label(&self, label: &Label) -> &'a str {
        self.object.label(label)
    }

    /// The range of the name in the file.
    pub(crate) fn range(&self) -> crate::syntax::TextRange {
        self.object.absolute(self.address.range())
    }

    /// The StatefulSet name it spells (for "this pod", the object's own).
    pub(crate) fn stateful_set_name(&self) -> Option<&'a str> {
        match &self.address.kind {
            AddressKind::Pod { stateful_set, .. } => Some(self.label(stateful_set)),
            AddressKind::ThisPod => Some(self.object.name()),
            _ => None,
        }
    }

    /// The full name as a pod or Service has it, for hover.
    pub(crate) fn full_name(&self, snapshot: &Snapshot, resolution: &Resolution<'_>) -> String {
        let domain = self.address.domain.as_ref().map_or(snapshot.config.cluster_domain.as_str(), |d| self.label(d));
        let service = self.label(&self.address.service);
        let namespace = &resolution.namespace;
        match &self.address.kind {
            AddressKind::Pod { stateful_set, ordinal } => {
                format!("{}-{ordinal}.{service}.{namespace}.svc.{domain}", self.label(stateful_set))
            }
            AddressKind::ThisPod => format!("<pod>.{service}.{namespace}.svc.{domain}"),
            AddressKind::Service => format!("{service}.{namespace}.svc.{domain}"),
            AddressKind::Srv(srv) => {
                format!("_{}._{}.{service}.{namespace}.svc.{domain}", self.label(&srv.port), self.label(&srv.protocol))
            }
        }
    }

    pub(crate) fn resolve(&self, snapshot: &'a Snapshot) -> Resolution<'a> {
        self.resolve_with(snapshot, &TieStates::default())
    }

    /// `resolve`, asking `ties` whether a StatefulSet's tie is broken.
    pub(crate) fn resolve_with(&self, snapshot: &'a Snapshot, ties: &TieStates) -> Resolution<'a> {
        let address = &self.address;
        let namespace = address.namespace.as_ref().map_or(self.object.namespace(), |label| self.label(label));
        let mut resolution = Resolution {
            namespace: namespace.to_owned(),
            stateful_set: None,
            service: snapshot.index.services(namespace, self.label(&address.service)).find_map(|s| snapshot.view(s)),
            problem: None,
            broken_tie: false,
            wrong_domain: address.domain.filter(|domain| self.label(domain) != snapshot.config.cluster_domain),
        };
        let service_name = self.label(&address.service);
        let service_anywhere = snapshot.index.services_named(service_name).next().is_some();
        let stateful_set = match &address.kind {
            AddressKind::Pod { stateful_set, .. } => {
                let named: Vec<ObjectView<'a>> = snapshot
                    .index
                    .stateful_sets_named(self.label(stateful_set))
                    .filter_map(|indexed| snapshot.view(indexed))
                    .collect();
                if named.is_empty() {
                    let closest = closest(
                        snapshot.index.stateful_set_names_near(self.label(stateful_set), NEAR),
                        self.label(stateful_set),
                    );
                    resolution.problem = Some(Problem::Unknown { stateful_set: true, closest });
                    return resolution;
                }
                if !service_anywhere {
                    let governing = named.iter().filter_map(|set| set.stateful_set()?.service_name());
                    let closest =
                        closest(governing.chain(snapshot.index.service_names_near(service_name, NEAR)), service_name);
                    resolution.problem = Some(Problem::Unknown { stateful_set: false, closest });
                    return resolution;
                }
                let Some(set) = named.iter().find(|set| set.namespace() == namespace) else {
                    let mut elsewhere: Vec<&str> = named.iter().map(|set| set.namespace()).collect();
                    elsewhere.sort_unstable();
                    let expected = elsewhere.first().map_or(String::new(), |n| (*n).to_owned());
                    resolution.problem = Some(Problem::WrongNamespace { expected });
                    return resolution;
                };
                *set
            }
            AddressKind::ThisPod => {
                let set = self.object;
                if !service_anywhere {
                    let governing = set.stateful_set().and_then(|spec| spec.service_name());
                    let closest = closest(
                        governing.into_iter().chain(snapshot.index.service_names_near(service_name, NEAR)),
                        service_name,
                    );
                    resolution.problem = Some(Problem::Unknown { stateful_set: false, closest });
                    return resolution;
                }
                if namespace != set.namespace() {
                    resolution.problem = Some(Problem::WrongNamespace { expected: set.namespace().to_owned() });
                    return resolution;
                }
                set
            }
            AddressKind::Service | AddressKind::Srv(_) => {
                let Some(service) = resolution.service else {
                    let mut elsewhere: Vec<&str> =
                        snapshot.index.services_named(service_name).map(|s| s.namespace.as_str()).collect();
                    elsewhere.sort_unstable();
                    let expected = elsewhere.first().map_or(String::new(), |n| (*n).to_owned());
                    resolution.problem = Some(Problem::WrongNamespace { expected });
                    return resolution;
                };
                if let AddressKind::Srv(srv) = &address.kind {
                    let ports = service.service().map(|spec| spec.ports.as_slice()).unwrap_or_default();
                    if !ports.iter().any(|p| p.name.as_deref() == Some(self.label(&srv.port))) {
                        resolution.problem = Some(Problem::UnknownPort);
                    }
                }
                return resolution;
            }
        };
        resolution.stateful_set = Some(stateful_set);
        let Some(spec) = stateful_set.stateful_set() else { return resolution };
        if spec.service_name() != Some(service_name) {
            resolution.problem = Some(Problem::WrongService { expected: spec.service_name().map(str::to_owned) });
            return resolution;
        }
        resolution.broken_tie = ties.is_broken(snapshot, stateful_set);
        if resolution.broken_tie {
            return resolution;
        }
        if let AddressKind::Pod { ordinal, .. } = &address.kind {
            let first = spec.first_ordinal();
            let autoscaler_max = snapshot
                .index
                .autoscalers_of(stateful_set.namespace(), stateful_set.name())
                .filter_map(|indexed| snapshot.view(indexed))
                .filter_map(|autoscaler| match &autoscaler.object.details {
                    crate::model::ObjectKind::Autoscaler { max_replicas, .. } => *max_replicas,
                    _ => None,
                })
                .max();
            let count = autoscaler_max.unwrap_or(spec.replica_count()).max(0);
            if *ordinal < first || *ordinal >= first.saturating_add(count) {
                let autoscaled = autoscaler_max.is_some();
                resolution.problem = Some(Problem::OrdinalOutOfRange { first, count, autoscaled });
                return resolution;
            }
        }
        resolution
    }
}

/// Whether StatefulSets' ties are broken, for one snapshot: a pass over many
/// references asks the tie rules once per StatefulSet, not once per
/// reference to one of its pods.
#[derive(Debug, Default)]
pub(crate) struct TieStates(std::sync::Mutex<rustc_hash::FxHashMap<ObjectId, bool>>);

impl TieStates {
    pub(crate) fn is_broken(&self, snapshot: &Snapshot, stateful_set: ObjectView<'_>) -> bool {
        let states = || self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let known = states().get(&stateful_set.id).copied();
        known.unwrap_or_else(|| {
            // Not under the lock: another thread may ask meanwhile, and get
            // the same answer.
            let broken = tie_is_broken(snapshot, stateful_set);
            states().insert(stateful_set.id, broken);
            broken
        })
    }
}

/// Whether the StatefulSet's tie to its Service has a finding (after levels
/// and ignores): the rules that say so are asked, not copied.
pub(crate) fn tie_is_broken(snapshot: &Snapshot, stateful_set: ObjectView<'_>) -> bool {
    let mut findings = Vec::new();
    for rule in RULES {
        if let Check::Tie(check) = rule.check {
            check(snapshot, stateful_set, &mut findings);
        }
    }
    findings
        .into_iter()
        .filter(|finding| finding.stateful_set == Some(stateful_set.id))
        .filter_map(|finding| super::apply_configuration(snapshot, finding))
        .any(|finding| BROKEN_TIE_CODES.contains(&finding.code))
}

/// The tie findings that speak for the references through them.
pub(crate) const BROKEN_TIE_CODES: &[Code] = &[Code::ServiceNotFound, Code::ServiceNotHeadless, Code::SelectorMismatch];

/// Names within `NEAR` edits (Levenshtein, over characters) of one name: the
/// name's pattern is built once and each candidate costs a pass of
/// bit-parallel arithmetic that stops at the bound, where a full distance
/// table would be a cell per pair of characters. A fresh analysis asks it of
/// every name of the workspace for every misspelt reference. Kubernetes
/// names are ASCII: two ASCII names are compared byte by byte, where bytes
/// are characters, without counting or decoding them.
pub(crate) struct Near {
    chars: rapidfuzz::distance::levenshtein::BatchComparator<char>,
    /// The name's bytes, when it is ASCII.
    ascii: Option<rapidfuzz::distance::levenshtein::BatchComparator<u8>>,
    /// Characters, for the length test that answers most candidates.
    length: usize,
}

impl Near {
    pub(crate) fn new(name: &str) -> Near {
        let name_chars = name.chars();
        Near {
            length: name_chars.clone().count(),
            chars: rapidfuzz::distance::levenshtein::BatchComparator::new(name_chars),
            ascii: name.is_ascii().then(|| rapidfuzz::distance::levenshtein::BatchComparator::new(name.bytes())),
        }
    }

    /// The distance from the name to `candidate`, if it is at most `NEAR`.
    pub(crate) fn distance(&self, candidate: &str) -> Option<usize> {
        // Characters are at least a byte and at most four, so a byte length
        // too far from the name's settles it without counting.
        if !lengths_may_be_near(self.length, candidate) {
            return None;
        }
        let args = rapidfuzz::distance::levenshtein::Args::default().score_cutoff(NEAR);
        match &self.ascii {
            Some(ascii) if candidate.is_ascii() => {
                if candidate.len().abs_diff(self.length) > NEAR {
                    return None;
                }
                ascii.distance_with_args(candidate.bytes(), &args)
            }
            _ => {
                if candidate.chars().count().abs_diff(self.length) > NEAR {
                    return None;
                }
                self.chars.distance_with_args(candidate.chars(), &args)
            }
        }
    }
}

/// Whether a name of `length` characters may be within `NEAR` edits of
/// `candidate`, by its length in bytes (one to four per character).
fn lengths_may_be_near(length: usize, candidate: &str) -> bool {
    candidate.len() + NEAR >= length && candidate.len() <= 4 * (length + NEAR)
}

/// Whether two names are within `NEAR` edits; most pairs are told apart by
/// their lengths, before a pattern is built.
pub(crate) fn near(a: &str, b: &str) -> bool {
    lengths_may_be_near(a.chars().count(), b) && Near::new(a).distance(b).is_some()
}

/// The name nearest to `name` within `NEAR`, not `name` itself; ties go to
/// the first in sorted order.
pub(crate) fn closest<'n>(names: impl Iterator<Item = &'n str>, name: &str) -> Option<String> {
    let near = Near::new(name);
    names
        .filter(|candidate| *candidate != name)
        .filter_map(|candidate| Some((near.distance(candidate)?, candidate)))
        .min()
        .map(|(_, candidate)| candidate.to_owned())
}

/// The reference at a finding's place, resolved again from the snapshot
/// (fixes are computed from the latest text).
pub(crate) fn at_finding<'a>(snapshot: &'a Snapshot, finding: &Finding) -> Option<(Reference<'a>, Resolution<'a>)> {
    let object = snapshot.object_at(finding.file, finding.range.start)?;
    let reference =
        Reference::of_object(snapshot, object).into_iter().find(|reference| reference.range() == finding.range)?;
    let resolution = reference.resolve(snapshot);
    Some((reference, resolution))
}

/// A finding on a reference's name.
pub(crate) fn finding(reference: &Reference<'_>, resolution: &Resolution<'_>, code: Code, message: String) -> Finding {
    let mut finding = Finding::new(reference.object.id.file, reference.range(), code, message);
    finding.stateful_set = resolution.stateful_set.map(|set| set.id);
    finding.service = resolution.service.map(|service| service.id);
    finding
}

/// A fix that replaces one label of the name.
pub(crate) fn replace_label(reference: &Reference<'_>, label: &Label, with: &str, title: String) -> super::Fix {
    let range = reference.object.absolute(label.range());
    super::Fix::new(
        title,
        vec![super::FileEdit { file: reference.object.id.file, edits: vec![TextEdit::new(range, with)] }],
    )
    .preferred()
}

/// The name as written, for titles.
pub(crate) fn written<'t>(snapshot: &'t Snapshot, reference: &Reference<'_>) -> &'t str {
    let range = reference.range();
    snapshot.file(reference.object.id.file).and_then(|file| file.text.get(range.as_range())).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_names_within_two_edits() {
        let redis = Near::new("redis");
        assert_eq!(redis.distance("redsi"), Some(2));
        assert_eq!(redis.distance("redis"), Some(0));
        assert_eq!(redis.distance("redis-headless"), None, "9 edits");
        assert_eq!(redis.distance("rdis-0"), None, "3 edits, one letter longer");
        assert_eq!(redis.distance("ré"), None, "4 edits, shorter in characters than in bytes");
        // An ASCII name against one that is not: characters, not bytes (`é`
        // is two bytes, one edit).
        assert_eq!(redis.distance("rédis"), Some(1));
        assert_eq!(Near::new("rédis").distance("redis"), Some(1));
        assert_eq!(redis.distance("rédïs"), Some(2));
        assert_eq!(redis.distance("rédïsé"), None);
        assert!(near("ünïcode", "unicode"), "two edits of two-byte characters");
        assert!(!near("ünïcödé", "unicode"));
        assert_eq!(closest(["redis", "etcd", "redsi"].into_iter(), "rediss"), Some("redis".to_owned()));
        assert_eq!(closest(["etcd"].into_iter(), "redis"), None);
    }

    proptest::proptest! {
        /// "Did you mean" asks the index only for the names of about the
        /// misspelt name's length and characters: it finds what asking
        /// every name finds.
        #[test]
        fn names_near_by_length_find_what_every_name_finds(
            names in proptest::collection::vec("[a-cé-]{1,7}", 0..12),
            misspelt in "[a-cé-]{0,8}",
        ) {
            let mut workspace = crate::workspace::Workspace::new(crate::config::Config::default());
            for (number, name) in names.iter().enumerate() {
                let text = format!(
                    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: \"{name}\"}}\n---\n\
                     apiVersion: v1\nkind: Service\nmetadata: {{name: \"{name}\"}}\n"
                );
                let path = std::path::PathBuf::from(format!("/w/{number}.yaml"));
                workspace.insert(crate::workspace::SourceFile::new(path, text, None, None));
            }
            let snapshot = workspace.snapshot();
            let index = &snapshot.index;
            let every: Vec<&str> = names.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(
                closest(index.stateful_set_names_near(&misspelt, NEAR), &misspelt),
                closest(every.iter().copied(), &misspelt)
            );
            proptest::prop_assert_eq!(
                closest(index.service_names_near(&misspelt, NEAR), &misspelt),
                closest(every.iter().copied(), &misspelt)
            );
            let near: Vec<&str> = index.stateful_set_names_near(&misspelt, NEAR).collect();
            for name in &every {
                if Near::new(&misspelt).distance(name).is_some() {
                    proptest::prop_assert!(near.contains(name), "{:?} is near {:?}", name, misspelt);
                }
            }
        }
    }
}

#[cfg(test)]
mod guard_tests {
    use crate::checks::fixture::check_findings;

    #[test]
    fn only_names_the_workspace_holds_are_references_and_skipped_fields_are_not_read() {
        check_findings(
            r#"
#- /app/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  replicas: 2
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      containers:
        - name: redis
          command: [sh, -c, "redis-server --replica-announce-ip $(hostname).redis --port 6379"]
          env:
            - {name: SELF, value: "${POD_NAME}.rediss"}
#                                  ^^^^^^^^^^^^^^^^^^ warning dns-name-unknown
            - {name: OTHER, value: "$(hostname).other"}
---
apiVersion: v1
kind: Service
metadata: {name: redis}
spec: {clusterIP: None, selector: {app: redis}}
#- /app/secret.yaml
apiVersion: v1
kind: Secret
metadata: {name: redis-3.redis}
data: {peer: redis-5.redis}
stringData: {peer: redis-5.redis}
#                  ^^^^^^^^^^^^^ warning dns-name-ordinal-out-of-range
#- /app/other.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: other
  labels: {redis-9.redis: x}
data:
  plain: "web-1.example.com redis.conf server.1 redis-01.redis redis-1.redis. http://redis-1.redis:6379/0"
  outside-the-template: $(hostname).redis
  ordinal-start: redis-0.redis,redis-1.redis,redis-2.redis
#                                            ^^^^^^^^^^^^^ warning dns-name-ordinal-out-of-range
"#,
        );
    }
}
