//! Snapshots of every rule: the messages it reports on one representative
//! fixture, and every fix offered for them with the text each one leaves.
//! Reviewing a rule's wording or edits means reading this file; a message
//! or fix that changes shows up here first (`UPDATE_EXPECT=1 cargo test`
//! accepts the change).
//!
//! It drives the rules through `check` and `fixes` only, as editors do.

// A test of the repository's own files: it reads (and rewrites) them.
#![allow(clippy::disallowed_methods)]
#![cfg(test)]

use expect_test::{expect, Expect};

use super::code::{Rule, RULES};
use super::fixture::{self, Fixture};
use super::{check, fixes, Code, Diagnostics, Finding, Fix};
use crate::syntax::TextRange;
use crate::text::{apply_edits, line_col_chars};
use crate::workspace::{FileId, Snapshot};

#[test]
fn every_rule_has_a_snapshot_of_its_messages_and_fixes() {
    let mut fixable = Vec::new();
    for rule in RULES {
        let (fixture, expect) = example(rule.code);
        let (rendered, has_fixes) = render(rule, fixture);
        expect.assert_eq(&rendered);
        if has_fixes {
            fixable.push(rule.name);
        }
    }
    // The README's table of code actions lists exactly the rules that offer
    // fixes (in its own order: the commonest first).
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    let actions = readme.split_once("\n## Code actions\n").expect("README.md has `## Code actions`").1;
    let mut listed: Vec<&str> = actions
        .lines()
        .take_while(|line| !line.starts_with("## "))
        .filter_map(|line| line.strip_prefix("| `")?.split_once('`').map(|(code, _)| code))
        .collect();
    listed.sort_unstable();
    fixable.sort_unstable();
    assert_eq!(listed, fixable, "README.md's `## Code actions` table lists the rules that have fixes");
}

/// One representative fixture per rule and its snapshot. A `match`, so that
/// a new rule does not compile until it has one.
fn example(code: Code) -> (&'static str, Expect) {
    match code {
        Code::YamlSyntax => (
            r#"
#- /app/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis
"#,
            expect![[r#"
                error /app/redis.yaml:3:11 "{": invalid YAML: unclosed bracket '{'
                no fix
            "#]],
        ),
        Code::ServiceNameMissing => (
            r#"
#- /app/web.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx
          ports: [{name: http, containerPort: 80}]
"#,
            expect![[r#"
                information /app/web.yaml:3:18 "web": StatefulSet 'web' has no serviceName: its pods get no stable DNS names

                fix (preferred): Set serviceName of 'web' to a new headless Service 'web'
                #- /app/web.yaml
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                spec:
                  clusterIP: None
                  selector:
                    app: web
                  ports:
                    - name: http
                      port: 80
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: web}
                spec:
                  serviceName: web
                  replicas: 3
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                        - name: web
                          image: nginx
                          ports: [{name: http, containerPort: 80}]

                fix: Set serviceName of 'web' to a new headless Service 'web' for peer discovery
                #- /app/web.yaml
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                spec:
                  clusterIP: None
                  publishNotReadyAddresses: true
                  selector:
                    app: web
                  ports:
                    - name: http
                      port: 80
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: web}
                spec:
                  serviceName: web
                  replicas: 3
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                        - name: web
                          image: nginx
                          ports: [{name: http, containerPort: 80}]
            "#]],
        ),
        Code::ServiceNameInvalid => (
            r#"
#- /app/sets.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: Redis_Peers
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: etcd}
spec:
  serviceName: 1etcd
  selector: {matchLabels: {app: etcd}}
  template: {metadata: {labels: {app: etcd}}}
"#,
            expect![[r#"
                error /app/sets.yaml:5:16 "Redis_Peers": serviceName is not a DNS-1123 label: the API rejects the StatefulSet; use lower-case letters, digits and '-'
                warning /app/sets.yaml:13:16 "1etcd": serviceName starts with a digit: clusters before 1.36 cannot create a Service of that name; the pods then get no DNS names
                no fix
            "#]],
        ),
        Code::ServiceNotFound => (
            r#"
#- /app/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: cache}
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      containers:
        - name: redis
          image: redis:7
          ports: [{name: redis, containerPort: 6379}]
#- /app/service.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec:
  clusterIP: None
  selector: {app: redis}
"#,
            expect![[r#"
                warning /app/redis.yaml:5:16 "redis": no Service 'redis' in namespace 'cache': pods of StatefulSet 'redis' get no DNS names; a Service of that name exists in namespace 'default', not in the StatefulSet's
                  related /app/service.yaml:3:18 "redis": Service 'redis' in namespace 'default'

                fix (preferred): Create headless Service 'redis'
                #- /app/redis.yaml
                apiVersion: v1
                kind: Service
                metadata:
                  name: redis
                  namespace: cache
                spec:
                  clusterIP: None
                  selector:
                    app: redis
                  ports:
                    - name: redis
                      port: 6379
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: redis, namespace: cache}
                spec:
                  serviceName: redis
                  selector: {matchLabels: {app: redis}}
                  template:
                    metadata: {labels: {app: redis}}
                    spec:
                      containers:
                        - name: redis
                          image: redis:7
                          ports: [{name: redis, containerPort: 6379}]

                fix: Create headless Service 'redis' for peer discovery
                #- /app/redis.yaml
                apiVersion: v1
                kind: Service
                metadata:
                  name: redis
                  namespace: cache
                spec:
                  clusterIP: None
                  publishNotReadyAddresses: true
                  selector:
                    app: redis
                  ports:
                    - name: redis
                      port: 6379
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: redis, namespace: cache}
                spec:
                  serviceName: redis
                  selector: {matchLabels: {app: redis}}
                  template:
                    metadata: {labels: {app: redis}}
                    spec:
                      containers:
                        - name: redis
                          image: redis:7
                          ports: [{name: redis, containerPort: 6379}]
            "#]],
        ),
        Code::ServiceNotHeadless => (
            r#"
#- /app/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  replicas: 3
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      containers:
        - name: redis
          image: redis:7
          ports: [{name: redis, containerPort: 6379}]
#- /app/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: redis
spec:
  selector:
    app: redis
  ports:
    - {name: redis, port: 6379}
"#,
            expect![[r#"
                error /app/redis.yaml:5:16 "redis": Service 'redis' is not headless: pods of StatefulSet 'redis' get no DNS names; it has no clusterIP: None
                  related /app/service.yaml:4:9 "redis": Service 'redis' is not headless
                error /app/service.yaml:4:9 "redis": Service 'redis' is not headless: pods of StatefulSet 'redis' get no DNS names; it has no clusterIP: None
                  related /app/redis.yaml:5:16 "redis": StatefulSet 'redis' names this Service

                fix (preferred): Set clusterIP: None on Service 'redis' (recreate it if deployed)
                #- /app/service.yaml
                apiVersion: v1
                kind: Service
                metadata:
                  name: redis
                spec:
                  clusterIP: None
                  selector:
                    app: redis
                  ports:
                    - {name: redis, port: 6379}

                fix: Create headless Service 'redis-headless', point serviceName of 'redis' at it
                #- /app/redis.yaml
                apiVersion: v1
                kind: Service
                metadata:
                  name: redis-headless
                spec:
                  clusterIP: None
                  selector:
                    app: redis
                  ports:
                    - name: redis
                      port: 6379
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: redis}
                spec:
                  serviceName: redis-headless
                  replicas: 3
                  selector: {matchLabels: {app: redis}}
                  template:
                    metadata: {labels: {app: redis}}
                    spec:
                      containers:
                        - name: redis
                          image: redis:7
                          ports: [{name: redis, containerPort: 6379}]

                fix: Create headless Service 'redis-headless' for peer discovery, point 'redis' at it
                #- /app/redis.yaml
                apiVersion: v1
                kind: Service
                metadata:
                  name: redis-headless
                spec:
                  clusterIP: None
                  publishNotReadyAddresses: true
                  selector:
                    app: redis
                  ports:
                    - name: redis
                      port: 6379
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: redis}
                spec:
                  serviceName: redis-headless
                  replicas: 3
                  selector: {matchLabels: {app: redis}}
                  template:
                    metadata: {labels: {app: redis}}
                    spec:
                      containers:
                        - name: redis
                          image: redis:7
                          ports: [{name: redis, containerPort: 6379}]
            "#]],
        ),
        Code::ClusterIpInvalid => (
            r#"
#- /app/service.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec:
  clusterIP: none   # meant None
  selector: {app: redis}
"#,
            expect![[r#"
                error /app/service.yaml:5:14 "none": clusterIP 'none' is not None: the value is case-sensitive and exact

                fix (preferred): Replace 'none' with None in Service 'redis'
                #- /app/service.yaml
                apiVersion: v1
                kind: Service
                metadata: {name: redis}
                spec:
                  clusterIP: None   # meant None
                  selector: {app: redis}
            "#]],
        ),
        Code::HeadlessServiceType => (
            r#"
#- /app/service.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec:
  clusterIP: None
  type: NodePort
  selector: {app: redis}
"#,
            expect![[r#"
                error /app/service.yaml:6:9 "NodePort": a headless Service cannot have type NodePort: the API rejects it; remove type
                no fix
            "#]],
        ),
        Code::SelectorMismatch => (
            r#"
#- /app/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis, tier: cache}}}
#- /app/service.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec:
  clusterIP: None
  selector: {app: redis-cache}
"#,
            expect![[r#"
                warning /app/redis.yaml:5:16 "redis": Service 'redis' selects no pod of StatefulSet 'redis': they get no DNS records; it selects app=redis-cache, the pods have app=redis, tier=cache
                  related /app/service.yaml:6:3 "selector": the selector of Service 'redis'
                warning /app/service.yaml:6:3 "selector": Service 'redis' selects no pod of StatefulSet 'redis': they get no DNS records; it selects app=redis-cache, the pods have app=redis, tier=cache
                  related /app/redis.yaml:5:16 "redis": StatefulSet 'redis' names this Service

                fix (preferred): Set the selector of Service 'redis' to app=redis
                #- /app/service.yaml
                apiVersion: v1
                kind: Service
                metadata: {name: redis}
                spec:
                  clusterIP: None
                  selector: {app: redis}
            "#]],
        ),
        Code::StatefulSetSelectorMismatch => (
            r#"
#- /app/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: cache}}}
"#,
            expect![[r#"
                error /app/redis.yaml:5:3 "selector": spec.selector does not match the pod template labels: the API rejects the StatefulSet; the template has app=cache
                no fix
            "#]],
        ),
        Code::StatefulSetNameInvalid => (
            r#"
#- /app/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: Redis.Cache}
spec:
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
"#,
            expect![[r#"
                error /app/redis.yaml:3:18 "Redis.Cache": the StatefulSet name is not a DNS-1123 label: the API rejects it; use lower-case letters, digits and '-', starting and ending with a letter or digit
                no fix
            "#]],
        ),
        Code::StatefulSetNameTooLong => (
            r#"
#- /app/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis-cluster-for-the-payments-team-in-europe-west-one}
spec:
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
"#,
            expect![[r#"
                warning /app/redis.yaml:3:18 "redis-cluster-for-the-payments-team-in-europe-west-one": the StatefulSet name has 54 characters: its pods usually fail to be created; use at most 52
                no fix
            "#]],
        ),
        Code::ServicePortMismatch => (
            r#"
#- /app/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      containers:
        - name: redis
          image: redis:7
          ports: [{name: redis, containerPort: 6379}]
#- /app/service.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec:
  clusterIP: None
  selector: {app: redis}
  ports:
    - {name: redis, port: 6379, targetPort: redis}
    - {name: admin, port: 81, targetPort: admin}
"#,
            expect![[r#"
                warning /app/service.yaml:9:43 "admin": targetPort 'admin' names no container port of the pods that Service 'redis' selects
                no fix
            "#]],
        ),
        Code::HostnameOverride => (
            r#"
#- /app/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      hostnameOverride: redis.example.com
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: etcd}
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      hostnameOverride: etcd
      setHostnameAsFQDN: true
#- /app/service.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec: {clusterIP: None, selector: {app: redis}}
"#,
            expect![[r#"
                warning /app/redis.yaml:10:25 "redis.example.com": hostnameOverride gives every pod of StatefulSet 'redis' the hostname 'redis.example.com'; software that takes its identity from hostname or hostname -f breaks: remove it
                error /app/redis.yaml:21:25 "etcd": hostnameOverride cannot be combined with setHostnameAsFQDN: true: the API rejects it; remove hostnameOverride
                no fix
            "#]],
        ),
        Code::TemplateHostnameIgnored => (
            r#"
#- /app/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      hostname: redis
      subdomain: redis-peers
#- /app/service.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec: {clusterIP: None, selector: {app: redis}}
"#,
            expect![[r#"
                information /app/redis.yaml:10:17 "redis": hostname 'redis' is ignored: the controller gives each pod its pod name (redis-0, ...) as hostname; remove it
                information /app/redis.yaml:11:18 "redis-peers": subdomain 'redis-peers' is ignored: the controller sets it to serviceName 'redis'; remove it, or name that Service in serviceName
                no fix
            "#]],
        ),
        Code::MaxUnavailableOrdered => (
            r#"
#- /app/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  replicas: 5
  selector: {matchLabels: {app: redis}}
  updateStrategy:
    rollingUpdate:
      maxUnavailable: 40%
  template: {metadata: {labels: {app: redis}}}
#- /app/service.yaml
apiVersion: v1
kind: Service
metadata: {name: redis}
spec: {clusterIP: None, selector: {app: redis}}
"#,
            expect![[r#"
                information /app/redis.yaml:10:23 "40%": maxUnavailable 40% (2 of 5 pods) may not be honoured under the default OrderedReady policy; expect one pod at a time, or recreate the StatefulSet with podManagementPolicy: Parallel
                no fix
            "#]],
        ),
        Code::DnsNameNotRewritten => (
            r#"
#- /app/base/kustomization.yaml
resources: [redis.yaml]
#- /app/base/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
---
apiVersion: v1
kind: Service
metadata: {name: redis}
spec: {clusterIP: None, selector: {app: redis}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: app}
data: {master: "redis-0.redis:6379", sentinel: "redis.default.svc.cluster.local"}
#- /app/overlays/prod/kustomization.yaml
namespace: prod
namePrefix: prod-
resources: [../../base]
"#,
            expect![[r#"
                warning /app/base/redis.yaml:17:17 "redis-0.redis": in 'overlays/prod': 'redis-0.redis' names nothing; kustomize does not rewrite strings: it needs 'prod-redis-0.prod-redis'
                warning /app/base/redis.yaml:17:49 "redis.default.svc.cluster.local": in 'overlays/prod': 'redis.default.svc.cluster.local' names nothing; kustomize does not rewrite strings: it needs 'prod-redis.prod.svc.cluster.local'
                no fix
            "#]],
        ),
        Code::KustomizeResourceMissing => (
            r#"
#- /app/overlays/prod/kustomization.yaml
resources:
  - ../../base
  - ../../bsae
patches:
  - path: replicas.yaml
#- /app/base/kustomization.yaml
resources: [redis.yaml]
#- /app/base/redis.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: redis}
"#,
            expect![[r#"
                error /app/overlays/prod/kustomization.yaml:3:5 "../../bsae": no file or folder at this resource path: kustomize build fails
                error /app/overlays/prod/kustomization.yaml:5:11 "replicas.yaml": no file or folder at this patch path: kustomize build fails
                no fix
            "#]],
        ),
        Code::KustomizeRemoteSkipped => (
            r#"
#- /app/kustomization.yaml
resources:
  - https://github.com/example/redis//base?ref=v1.0.0
  - config.yaml
#- /app/config.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: redis}
"#,
            expect![[r#"
                information /app/kustomization.yaml:2:5 "https://github.com/example/redis//base?ref=v1.0.0": remote resource not fetched: its objects are not checked in this build
                no fix
            "#]],
        ),
        Code::HelmRender => (
            r#"
#- /charts/zookeeper/Chart.yaml
apiVersion: v2
name: zookeeper
version: 0.1.0
#- /charts/zookeeper/templates/statefulset.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ include "zookeeper.fullname" . }}
spec:
  serviceName: {{ include "zookeeper.fullname" . }}-headless
  replicas: {{ .Values.cluster.size }}
"#,
            expect![[r#"
                error /charts/zookeeper/templates/statefulset.yaml:7:1 "  replicas: {{ .Values.cluster.size }}": the chart fails to render for release 'release-name'; helm says: template: zookeeper/templates/statefulset.yaml:7:22 executing "zookeeper/templates/statefulset.yaml" at <.Values.cluster.size>: nil po…
                no fix
            "#]],
        ),
        Code::DnsNameUnknown => (
            r#"
#- /app/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: cache}
spec:
  serviceName: redis
  replicas: 3
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: cache}
spec:
  clusterIP: None
  selector: {app: redis}
  ports: [{name: redis, port: 6379}]
---
apiVersion: v1
kind: Service
metadata: {name: redis-client, namespace: cache}
spec: {selector: {app: redis}}
#- /app/app.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: app, namespace: cache}
data:
  peer: "replicaof redsi-0.redis 6379"
"#,
            expect![[r#"
                warning /app/app.yaml:5:20 "redsi-0.redis": no StatefulSet 'redsi' exists in the workspace: this DNS name resolves to nothing; did you mean 'redis'?

                fix (preferred): Replace 'redsi' with 'redis' in 'redsi-0.redis'
                #- /app/app.yaml
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: app, namespace: cache}
                data:
                  peer: "replicaof redis-0.redis 6379"
            "#]],
        ),
        Code::DnsNameWrongNamespace => (
            r#"
#- /app/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: cache}
spec:
  serviceName: redis
  replicas: 3
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: cache}
spec:
  clusterIP: None
  selector: {app: redis}
  ports: [{name: redis, port: 6379}]
---
apiVersion: v1
kind: Service
metadata: {name: redis-client, namespace: cache}
spec: {selector: {app: redis}}
#- /app/app.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: app, namespace: cache}
data:
  peer: "replicaof redis-0.redis.default 6379"
"#,
            expect![[r#"
                warning /app/app.yaml:5:20 "redis-0.redis.default": StatefulSet 'redis' is in namespace 'cache', not 'default': this DNS name resolves to nothing

                fix (preferred): Write namespace 'cache' in 'redis-0.redis.default'
                #- /app/app.yaml
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: app, namespace: cache}
                data:
                  peer: "replicaof redis-0.redis.cache 6379"
            "#]],
        ),
        Code::DnsNameWrongService => (
            r#"
#- /app/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: cache}
spec:
  serviceName: redis
  replicas: 3
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: cache}
spec:
  clusterIP: None
  selector: {app: redis}
  ports: [{name: redis, port: 6379}]
---
apiVersion: v1
kind: Service
metadata: {name: redis-client, namespace: cache}
spec: {selector: {app: redis}}
#- /app/app.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: app, namespace: cache}
data:
  peer: "replicaof redis-0.redis-client 6379"
"#,
            expect![[r#"
                warning /app/app.yaml:5:20 "redis-0.redis-client": pods of StatefulSet 'redis' get DNS names under Service 'redis' only, not 'redis-client'

                fix (preferred): Replace Service 'redis-client' with 'redis' in 'redis-0.redis-client'
                #- /app/app.yaml
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: app, namespace: cache}
                data:
                  peer: "replicaof redis-0.redis 6379"
            "#]],
        ),
        Code::DnsNameOrdinalOutOfRange => (
            r#"
#- /app/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: cache}
spec:
  serviceName: redis
  replicas: 3
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: cache}
spec:
  clusterIP: None
  selector: {app: redis}
  ports: [{name: redis, port: 6379}]
---
apiVersion: v1
kind: Service
metadata: {name: redis-client, namespace: cache}
spec: {selector: {app: redis}}
#- /app/app.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: app, namespace: cache}
data:
  peer: "replicaof redis-3.redis 6379"
"#,
            expect![[r#"
                warning /app/app.yaml:5:20 "redis-3.redis": StatefulSet 'redis' runs pods 0 to 2: pod 3 never exists
                no fix
            "#]],
        ),
        Code::DnsNameWrongDomain => (
            r#"
#- /app/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: cache}
spec:
  serviceName: redis
  replicas: 3
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: cache}
spec:
  clusterIP: None
  selector: {app: redis}
  ports: [{name: redis, port: 6379}]
---
apiVersion: v1
kind: Service
metadata: {name: redis-client, namespace: cache}
spec: {selector: {app: redis}}
#- /app/app.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: app, namespace: cache}
data:
  peer: "redis-0.redis.cache.svc.cluster.lokal:6379"
"#,
            expect![[r#"
                warning /app/app.yaml:5:10 "redis-0.redis.cache.svc.cluster.lokal": the cluster domain is 'cluster.local', not 'cluster.lokal': this DNS name does not resolve

                fix (preferred): Replace 'cluster.lokal' with 'cluster.local'
                #- /app/app.yaml
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: app, namespace: cache}
                data:
                  peer: "redis-0.redis.cache.svc.cluster.local:6379"
            "#]],
        ),
        Code::DnsNameUnknownPort => (
            r#"
#- /app/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: cache}
spec:
  serviceName: redis
  replicas: 3
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}}
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: cache}
spec:
  clusterIP: None
  selector: {app: redis}
  ports: [{name: redis, port: 6379}]
---
apiVersion: v1
kind: Service
metadata: {name: redis-client, namespace: cache}
spec: {selector: {app: redis}}
#- /app/app.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: app, namespace: cache}
data:
  peer: "_peer._tcp.redis.cache.svc.cluster.local"
"#,
            expect![[r#"
                warning /app/app.yaml:5:10 "_peer._tcp.redis.cache.svc.cluster.local": Service 'redis' has no port named 'peer': this SRV name resolves to nothing
                no fix
            "#]],
        ),
    }
}

/// The rule's findings on the fixture (the others' are left out), then each
/// distinct fix offered for them with the files it changes as they read
/// after it. Asserts what `check_fix` asserts of every fix: valid YAML, and
/// the rule's finding gone. Returns whether any fix was offered.
fn render(rule: &Rule, fixture: &str) -> (String, bool) {
    let fixture = fixture::parse(fixture);
    let (mut workspace, _) = fixture::workspace(&fixture);
    let snapshot = workspace.snapshot();
    let diagnostics = Diagnostics::of(&snapshot);
    let mut findings: Vec<Finding> = diagnostics.all().filter(|finding| finding.code == rule.code).cloned().collect();
    // A failed render is reported from the render, not from a document.
    if rule.code == Code::HelmRender {
        findings.extend(super::helm_render::example_findings(&snapshot));
    }
    assert!(!findings.is_empty(), "the example of `{}` finds nothing", rule.name);
    let mut out = String::new();
    for finding in &findings {
        out.push_str(&format!(
            "{} {}: {}\n",
            finding.level.as_str(),
            place(&snapshot, finding.file, finding.range),
            finding.message
        ));
        fixture::assert_message_within_limits(finding);
        for related in &finding.related {
            out.push_str(&format!(
                "  related {}: {}\n",
                place(&snapshot, related.file, related.range),
                related.message
            ));
        }
    }
    let mut offered: Vec<Fix> = Vec::new();
    for finding in &findings {
        for (fixed, fix) in fixes(&snapshot, &diagnostics, finding.file, finding.range) {
            if fixed.code == rule.code && !offered.iter().any(|seen| seen.title == fix.title) {
                offered.push(fix);
            }
        }
    }
    if offered.is_empty() {
        out.push_str("no fix\n");
    }
    for fix in &offered {
        let preferred = if fix.is_preferred { " (preferred)" } else { "" };
        out.push_str(&format!("\nfix{preferred}: {}\n", fix.title));
        fixture::assert_title_within_limits(&fix.title);
        out.push_str(&applied(&fixture, &snapshot, rule, fix));
    }
    (out, !offered.is_empty())
}

/// The files a fix changes, as they read after it; asserts that the result
/// is valid YAML without the rule's finding.
fn applied(fixture: &Fixture, snapshot: &Snapshot, rule: &Rule, fix: &Fix) -> String {
    let (mut workspace, _) = fixture::workspace(fixture);
    let mut out = String::new();
    for file_edit in &fix.edits {
        let source = snapshot.file(file_edit.file).expect("an edited file exists");
        let text = apply_edits(&source.text, &file_edit.edits);
        out.push_str(&format!("#- {}\n{text}", source.path.display()));
        workspace.set_text(source.path.clone(), text, None);
    }
    let after = check(&workspace.snapshot());
    let broken: Vec<&Finding> = after.iter().filter(|finding| finding.code == Code::YamlSyntax).collect();
    assert!(broken.is_empty(), "`{}`: the fix {:?} leaves invalid YAML: {broken:#?}", rule.name, fix.title);
    let left: Vec<&Finding> = after.iter().filter(|finding| finding.code == rule.code).collect();
    assert!(left.is_empty(), "`{}`: still reported after the fix {:?}: {left:#?}", rule.name, fix.title);
    out
}

/// `/app/redis.yaml:4:10 `redis``: where a finding is, and what it covers.
fn place(snapshot: &Snapshot, file: FileId, range: TextRange) -> String {
    let source = snapshot.file(file).expect("the file of a finding");
    let (line, column) = line_col_chars(source.line_index(), &source.text, range.start);
    let covered = source.text.get(range.start..range.end).unwrap_or_default();
    format!("{}:{line}:{column} {covered:?}", source.path.display())
}
