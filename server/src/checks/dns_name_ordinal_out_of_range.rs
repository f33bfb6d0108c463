//! `dns-name-ordinal-out-of-range`: a peer address names a pod whose ordinal
//! is outside `[start, start + replicas)`; when a HorizontalPodAutoscaler
//! scales the StatefulSet, its `maxReplicas` is the bound.

use super::references::{self, Problem, Reference, Resolution};
use super::{Code, Finding};
use crate::model::AddressKind;
use crate::workspace::Snapshot;

/// What the README, the settings, SARIF and the CLI say about this rule (`checks/code.rs` lists it).
pub(super) const RULE: super::code::Rule = super::code::Rule {
    code: Code::DnsNameOrdinalOutOfRange,
    name: "dns-name-ordinal-out-of-range",
    default_level: crate::config::Level::Warning,
    other_default_level: None,
    summary: "a DNS name in a string names a pod ordinal the StatefulSet never runs",
    help: "name a pod between `ordinals.start` and `ordinals.start + replicas - 1` (an autoscaler's `maxReplicas` \
           when one scales the StatefulSet), or raise `replicas`",
    check: super::code::Check::References(check),
    fixes: None,
};

fn check(_: &Snapshot, reference: &Reference<'_>, resolution: &Resolution<'_>, findings: &mut Vec<Finding>) {
    let Some(Problem::OrdinalOutOfRange { first, count, autoscaled }) = &resolution.problem else { return };
    let AddressKind::Pod { ordinal, .. } = &reference.address.kind else { return };
    let set = reference.stateful_set_name().unwrap_or("");
    let pods = pods_phrase(*first, *count);
    let bound = if *autoscaled { " (its autoscaler's maxReplicas)" } else { "" };
    let message = super::sentence_with_names(&[set], |names| {
        format!("StatefulSet {} runs {pods}{bound}: pod {ordinal} never exists", names[0])
    });
    findings.push(references::finding(reference, resolution, Code::DnsNameOrdinalOutOfRange, message));
}

/// The pods a StatefulSet runs, in words: `no pods`, `only pod 0`, `pods 0
/// to 2`; also for hover.
pub(crate) fn pods_phrase(first: i64, count: i64) -> String {
    match count {
        0 => "no pods".to_owned(),
        1 => format!("only pod {first}"),
        _ => format!("pods {first} to {}", first + count - 1),
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::check_findings;

    #[test]
    fn ordinals_past_replicas_before_the_start_and_under_an_autoscaler() {
        check_findings(
            r#"
#- /app/sets.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  replicas: 3
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  replicas: 2
  ordinals: {start: 5}
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: etcd}
spec:
  serviceName: etcd
  selector: {matchLabels: {app: etcd}}
  template: {metadata: {labels: {app: etcd}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: etcd}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: etcd}
  minReplicas: 1
  maxReplicas: 5
---
apiVersion: v1
kind: Service
metadata: {name: redis}
spec: {clusterIP: None, selector: {app: redis}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {clusterIP: None, selector: {app: web}}
---
apiVersion: v1
kind: Service
metadata: {name: etcd}
spec: {clusterIP: None, selector: {app: etcd}}
#- /app/app.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: app}
data:
  redis: "redis-0.redis redis-2.redis redis-3.redis"
#                                     ^^^^^^^^^^^^^ warning dns-name-ordinal-out-of-range
  web: "web-4.web web-5.web web-6.web web-7.web"
#       ^^^^^^^^^ warning dns-name-ordinal-out-of-range
#                                     ^^^^^^^^^ warning dns-name-ordinal-out-of-range
  etcd: "etcd-4.etcd etcd-5.etcd"
#                    ^^^^^^^^^^^ warning dns-name-ordinal-out-of-range
"#,
        );
    }
}
