//! The names a StatefulSet gives its pods, its governing Service and its
//! volume claims: each pod's full DNS name and short forms, the Service's DNS
//! and SRV names, `<claim>-<set>-<n>`, which ordinals to list when there are
//! many, and the link's health as the diagnostics have it. Hover, the volume
//! claim card and `kube-lsp dns` all build their names here, so they agree.
//!
//! Plain data from the snapshot and the diagnostics; no Markdown, no output
//! format.

use std::ops::Range;

use crate::checks::{Code, Diagnostics, Finding};
use crate::workspace::{ObjectView, Snapshot};

/// Ordinals listed one by one up to this many; beyond it the first
/// `LIST_HEAD` and the last `LIST_TAIL`, and the pattern.
const LIST_ALL_UP_TO: i64 = 6;
const LIST_HEAD: i64 = 3;
const LIST_TAIL: i64 = 2;

/// The ordinals to show of a run of pods: all of them, or the first and last
/// few with a gap between.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Listing {
    All(Range<i64>),
    Abbreviated { head: Range<i64>, tail: Range<i64> },
}

impl Listing {
    pub(crate) fn of(ordinals: Range<i64>) -> Listing {
        if ordinals.end - ordinals.start <= LIST_ALL_UP_TO {
            Listing::All(ordinals)
        } else {
            Listing::Abbreviated {
                head: ordinals.start..ordinals.start + LIST_HEAD,
                tail: ordinals.end - LIST_TAIL..ordinals.end,
            }
        }
    }
}

/// One pod's DNS names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PodName {
    pub(crate) ordinal: i64,
    /// `redis-0.redis.default.svc.cluster.local`.
    pub(crate) full: String,
    /// `redis-0.redis`, from the same namespace.
    pub(crate) in_namespace: String,
    /// `redis-0.redis.default`, from any namespace.
    pub(crate) from_any_namespace: String,
}

/// The names of one StatefulSet's pods and claims, for the Service it names.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StatefulSetNames<'a> {
    pub(crate) name: &'a str,
    pub(crate) namespace: &'a str,
    /// Its non-empty `serviceName`, if any.
    pub(crate) service_name: Option<&'a str>,
    pub(crate) cluster_domain: &'a str,
    /// `[start, start + replicas)`.
    pub(crate) first: i64,
    pub(crate) count: i64,
}

impl<'a> StatefulSetNames<'a> {
    /// `None` for an object that is not a StatefulSet.
    pub(crate) fn of(snapshot: &'a Snapshot, stateful_set: &ObjectView<'a>) -> Option<StatefulSetNames<'a>> {
        let set = stateful_set.stateful_set()?;
        Some(StatefulSetNames {
            name: stateful_set.name(),
            namespace: stateful_set.namespace(),
            service_name: set.service_name(),
            cluster_domain: &snapshot.config.cluster_domain,
            first: set.first_ordinal(),
            count: set.replica_count(),
        })
    }

    pub(crate) fn ordinals(&self) -> Range<i64> {
        self.first..self.first.saturating_add(self.count)
    }

    /// The last ordinal, when there is a pod at all.
    pub(crate) fn last(&self) -> Option<i64> {
        (self.count > 0).then(|| self.ordinals().end - 1)
    }

    /// Pod `ordinal`'s names, when the set names a Service (without one its
    /// pods get no per-pod DNS names).
    pub(crate) fn pod(&self, ordinal: i64) -> Option<PodName> {
        let service = self.service_name?;
        let in_namespace = format!("{}-{ordinal}.{service}", self.name);
        Some(PodName {
            ordinal,
            full: format!("{in_namespace}.{}.svc.{}", self.namespace, self.cluster_domain),
            from_any_namespace: format!("{in_namespace}.{}", self.namespace),
            in_namespace,
        })
    }

    /// `redis-<ordinal>.redis.default.svc.cluster.local`.
    pub(crate) fn pod_pattern(&self) -> Option<String> {
        let service = self.service_name?;
        Some(format!("{}-<ordinal>.{service}.{}.svc.{}", self.name, self.namespace, self.cluster_domain))
    }

    /// The claim that template `claim` makes for pod `ordinal`: `data-redis-0`.
    pub(crate) fn claim(&self, claim: &str, ordinal: i64) -> String {
        format!("{claim}-{}-{ordinal}", self.name)
    }

    /// `data-redis-<ordinal>`.
    pub(crate) fn claim_pattern(&self, claim: &str) -> String {
        format!("{claim}-{}-<ordinal>", self.name)
    }
}

/// A Service's own DNS name and the SRV names of its named ports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ServiceNames {
    pub(crate) name: String,
    pub(crate) namespace: String,
    /// `redis.default.svc.cluster.local`.
    pub(crate) full: String,
    /// `_redis._tcp.redis.default.svc.cluster.local`, one per named port.
    pub(crate) srv: Vec<String>,
    pub(crate) headless: bool,
}

impl ServiceNames {
    pub(crate) fn of(snapshot: &Snapshot, service: &ObjectView<'_>) -> ServiceNames {
        let name = service.name();
        let namespace = service.namespace();
        let domain = &snapshot.config.cluster_domain;
        let full = format!("{name}.{namespace}.svc.{domain}");
        let srv = service
            .service()
            .map(|spec| {
                spec.ports
                    .iter()
                    .filter_map(|port| {
                        let port_name = port.name.as_deref()?;
                        let protocol = port.protocol.as_deref().unwrap_or("TCP").to_lowercase();
                        Some(format!("_{port_name}._{protocol}.{full}"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        ServiceNames {
            name: name.to_owned(),
            namespace: namespace.to_owned(),
            full,
            srv,
            headless: service.service().is_some_and(|spec| spec.is_headless()),
        }
    }
}

/// The tie findings of one StatefulSet shown on it (not those about the
/// Service alone), as the diagnostics have them: empty when the link is
/// healthy. The same findings `kube-lsp check` prints, levels and ignores
/// applied.
pub(crate) fn link_findings(diagnostics: &Diagnostics, stateful_set: &ObjectView<'_>) -> Vec<Finding> {
    let on_set = stateful_set.absolute(stateful_set.object.range);
    let mut findings: Vec<Finding> = diagnostics
        .file(stateful_set.id.file)
        .iter()
        .filter(|finding| {
            finding.stateful_set == Some(stateful_set.id)
                && finding.file == stateful_set.id.file
                && on_set.contains_inclusive(finding.range.start)
        })
        .filter(|finding| {
            matches!(
                finding.code,
                Code::ServiceNameMissing
                    | Code::ServiceNameInvalid
                    | Code::ServiceNotFound
                    | Code::ServiceNotHeadless
                    | Code::SelectorMismatch
            )
        })
        .cloned()
        .collect();
    findings.dedup_by(|a, b| a.code == b.code);
    findings
}

#[cfg(test)]
mod tests {
    use super::Listing;

    #[test]
    fn many_ordinals_are_abbreviated_to_the_first_and_last_few() {
        assert_eq!(Listing::of(0..6), Listing::All(0..6));
        assert_eq!(Listing::of(5..105), Listing::Abbreviated { head: 5..8, tail: 103..105 });
        assert_eq!(Listing::of(0..0), Listing::All(0..0));
    }
}
