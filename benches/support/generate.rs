//! Deterministic synthetic Kubernetes manifests for the benchmark: workspaces
//! of many small files and single files of several MiB, built from "apps"
//! (a StatefulSet with its headless Service, a ConfigMap with long strings,
//! a Deployment with its Service), with comments, anchors and aliases,
//! non-ASCII text, and one app in ten broken.
//!
//! The same seed gives the same bytes on every machine: a tiny xorshift,
//! no dependency. It knows nothing of the server.

use std::fmt::Write as _;

/// xorshift64*: small, fast, and good enough to vary names and sizes.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // Zero is xorshift's one fixed point.
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// How an app's StatefulSet/Service tie is broken, if it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Breakage {
    None,
    /// The Service has no `clusterIP: None`: `service-not-headless`.
    NotHeadless,
    /// `serviceName` is misspelled: `service-not-found`.
    MisspelledServiceName,
    /// The Service's selector no longer selects the pods: `selector-mismatch`.
    SelectorDrift,
}

/// One stateful app and its companions.
pub struct App {
    pub name: String,
    pub namespace: String,
    pub breakage: Breakage,
    image: &'static str,
    port_name: &'static str,
    port: u16,
    config_bytes: usize,
}

const PRODUCTS: &[(&str, &str, &str, u16)] = &[
    ("redis", "redis:7.2.4", "redis", 6379),
    ("zookeeper", "zookeeper:3.9.1", "client", 2181),
    ("kafka", "bitnami/kafka:3.6.1", "kafka", 9092),
    ("etcd", "quay.io/coreos/etcd:v3.5.12", "client", 2379),
    ("mysql", "mysql:8.3.0", "mysql", 3306),
    ("cassandra", "cassandra:4.1.4", "cql", 9042),
    ("postgres", "postgres:16.2", "postgres", 5432),
    ("elasticsearch", "elasticsearch:8.12.2", "http", 9200),
];

const WORDS: &[&str] = &[
    "alpha", "bravo", "cobalt", "delta", "ember", "fjord", "garnet", "harbor", "indigo", "juniper", "kepler", "lumen",
    "maple", "nimbus", "onyx", "prairie", "quartz", "raven", "sierra", "tundra", "umber", "vesper", "willow", "xenon",
    "yarrow", "zephyr",
];

/// Breaks one app in ten, each way in turn: a fixed pattern rather than a
/// draw, so that even the smallest workspace has broken apps and every size
/// has the same share of them.
fn breakage(number: usize) -> Breakage {
    match (number % 10, number / 10 % 3) {
        (3, 0) => Breakage::NotHeadless,
        (3, 1) => Breakage::MisspelledServiceName,
        (3, _) => Breakage::SelectorDrift,
        _ => Breakage::None,
    }
}

impl App {
    pub fn new(rng: &mut Rng, number: usize, namespace: &str) -> App {
        let &(product, image, port_name, port) = rng.pick(PRODUCTS);
        let word = rng.pick(WORDS);
        App {
            name: format!("{product}-{word}-{number}"),
            namespace: namespace.to_owned(),
            breakage: breakage(number),
            image,
            port_name,
            port,
            config_bytes: rng.between(2_400, 15_400),
        }
    }

    fn service_name(&self) -> String {
        match self.breakage {
            Breakage::MisspelledServiceName => format!("{}-hedless", self.name),
            _ => format!("{}-headless", self.name),
        }
    }

    pub fn stateful_set(&self) -> String {
        let App { name, namespace, image, port_name, port, .. } = self;
        let service_name = self.service_name();
        format!(
            "\
# {name}: three replicas; each pod finds its peers at
# {name}-N.{name}-headless.{namespace}.svc.cluster.local (N = 0, 1, 2).
# Owner: équipe données — ne pas modifier à la main.
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {name}
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: {name}
    app.kubernetes.io/part-of: {namespace}
  annotations:
    kubernetes.io/change-cause: \"bump image to {image}\"
spec:
  serviceName: {service_name}
  replicas: 3  # one per zone
  podManagementPolicy: Parallel
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
        tier: data
    spec:
      terminationGracePeriodSeconds: 30
      containers:
        - name: {name}
          image: {image}
          args: [\"--port\", \"{port}\", \"--data-dir\", \"/data\"]
          ports:
            - name: {port_name}
              containerPort: {port}
            - name: metrics
              containerPort: 9121
          env:
            - name: POD_NAME
              valueFrom:
                fieldRef: {{fieldPath: metadata.name}}
            - name: PEERS
              value: \"{name}-0.{service_name},{name}-1.{service_name},{name}-2.{service_name}\"
          resources: &resources
            requests: {{cpu: 250m, memory: 512Mi}}
            limits: {{cpu: \"1\", memory: 1Gi}}
          readinessProbe:
            tcpSocket: {{port: {port_name}}}
            periodSeconds: 10
          volumeMounts:
            - name: data
              mountPath: /data
        - name: exporter
          image: prom/exporter:v1.58.0
          resources: *resources
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [\"ReadWriteOnce\"]
        storageClassName: fast-ssd
        resources:
          requests:
            storage: 20Gi
"
        )
    }

    /// The governing Service, and a second, ordinary one for clients.
    pub fn services(&self) -> String {
        let App { name, namespace, port_name, port, .. } = self;
        let cluster_ip = match self.breakage {
            Breakage::NotHeadless => "  # clusterIP: None was dropped in a refactoring\n",
            _ => "  clusterIP: None\n",
        };
        let selected = match self.breakage {
            Breakage::SelectorDrift => format!("{name}-v2"),
            _ => name.clone(),
        };
        format!(
            "\
# Headless: gives every pod of {name} its own DNS name.
apiVersion: v1
kind: Service
metadata:
  name: {name}-headless
  namespace: {namespace}
  labels:
    app: {name}
spec:
{cluster_ip}  publishNotReadyAddresses: true
  selector:
    app: {selected}
  ports:
    - name: {port_name}
      port: {port}
      targetPort: {port_name}
---
# For clients: one virtual IP in front of all replicas.
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {namespace}
spec:
  type: ClusterIP
  selector:
    app: {name}
  ports:
    - name: {port_name}
      port: {port}
      targetPort: {port_name}
"
        )
    }

    /// A ConfigMap with multi-KB strings: a literal block of settings, a
    /// long double-quoted JSON line, and values shared through an anchor.
    pub fn config_map(&self, rng: &mut Rng) -> String {
        let App { name, namespace, .. } = self;
        let mut text = format!(
            "\
# Settings of {name}; generated, long lines are expected.
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
  namespace: {namespace}
data:
  LOG_LEVEL: &level info
  AUDIT_LOG_LEVEL: *level
  application.properties: |
    # Grüße aus der Konfiguration — naïve café ☕ settings
    replicaof {name}-0.{name}-headless 6379
"
        );
        let mut line = 0;
        let block_end = text.len() + self.config_bytes * 3 / 4;
        while text.len() < block_end {
            let word = rng.pick(WORDS);
            let value = rng.next_u64() % 100_000;
            let _ = writeln!(text, "    {name}.{word}.setting{line}={value} # tuned for {word} workloads");
            line += 1;
        }
        text.push_str("  cluster.json: \"{\\\"members\\\": [");
        let json_end = text.len() + self.config_bytes / 4;
        let mut member = 0;
        while text.len() < json_end {
            if member > 0 {
                text.push_str(", ");
            }
            // Peer addresses of the set's three pods (`kube-lsp` reads them as references).
            let pod = member % 3;
            let _ = write!(text, "{{\\\"id\\\": {member}, \\\"host\\\": \\\"{name}-{pod}.{name}-headless\\\"}}");
            member += 1;
        }
        text.push_str("]}\"\n");
        text
    }

    /// A stateless web front of the app: a Deployment and its Service, labels
    /// shared through an anchor. Its `tier: frontend` label is what the
    /// keystroke benchmark edits.
    pub fn web(&self) -> String {
        let App { name, namespace, .. } = self;
        format!(
            "\
# The web front of {name}; stateless, so a Deployment.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}-web
  namespace: {namespace}
  labels: &labels
    app: {name}-web
    tier: frontend
spec:
  replicas: 2
  revisionHistoryLimit: 5
  strategy: {{type: RollingUpdate, rollingUpdate: {{maxSurge: 1, maxUnavailable: 0}}}}
  selector:
    matchLabels: *labels
  template:
    metadata:
      labels: *labels
    spec:
      containers:
        - name: web
          image: nginx:1.25.4
          ports:
            - name: http
              containerPort: 8080
          env:
            - {{name: BACKEND, value: \"{name}.{namespace}.svc.cluster.local\"}}
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
---
apiVersion: v1
kind: Service
metadata:
  name: {name}-web
  namespace: {namespace}
spec:
  selector:
    app: {name}-web
  ports:
    - name: http
      port: 80
      targetPort: http
"
        )
    }
}

/// One generated file, its path relative to the workspace root.
pub struct GeneratedFile {
    pub path: String,
    pub text: String,
}

/// A workspace of `file_count` files: each app spreads over four files
/// (StatefulSet, its Services, its ConfigMap, its web front) in one folder
/// per team of 25 apps, so every tie crosses a file boundary.
pub fn workspace(file_count: usize, seed: u64) -> Vec<GeneratedFile> {
    let mut rng = Rng::new(seed);
    let mut files = Vec::with_capacity(file_count);
    let mut number = 0;
    while files.len() < file_count {
        let team = format!("team-{:03}", number / 25);
        let app = App::new(&mut rng, number, &team);
        let name = &app.name;
        let texts = [
            (format!("{team}/{name}-statefulset.yaml"), app.stateful_set()),
            (format!("{team}/{name}-service.yaml"), app.services()),
            (format!("{team}/{name}-config.yaml"), app.config_map(&mut rng)),
            (format!("{team}/{name}-web.yaml"), app.web()),
        ];
        for (path, text) in texts {
            if files.len() < file_count {
                files.push(GeneratedFile { path, text });
            }
        }
        number += 1;
    }
    files
}

/// One multi-document file of at least `bytes` bytes: whole apps, one
/// document each for the StatefulSet, its two Services, the ConfigMap, the
/// Deployment and its Service.
pub fn big_file(bytes: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut text = String::with_capacity(bytes + 64 * 1024);
    let mut number = 0;
    while text.len() < bytes {
        let team = format!("team-{:03}", number / 25);
        let app = App::new(&mut rng, number, &team);
        for document in [app.stateful_set(), app.services(), app.config_map(&mut rng), app.web()] {
            if !text.is_empty() {
                text.push_str("---\n");
            }
            text.push_str(&document);
        }
        number += 1;
    }
    text
}
