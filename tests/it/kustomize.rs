//! The kustomize build engine against the real one: every fixture folder
//! under `tests/it/kustomize/` with a kustomization is built by kube-lsp and
//! by `kubectl kustomize`, and the fields kube-lsp reads must agree.
//!
//! Where `kubectl` is absent the comparison is skipped with a line saying
//! so, except under `CI=true`, where it fails.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use kube_lsp::api::config::Config;
use kube_lsp::api::loader::{load_files, walk};
use kube_lsp::api::model::objects_of_document;
use kube_lsp::api::syntax::{parse_document, split_documents};
use kube_lsp::api::workspace::{render_build, Workspace};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/kustomize")
}

/// The top builds of the fixtures: folders with a kustomization that no
/// other fixture lists are not known here, so every folder with one is
/// built (bases alone too, as `kubectl kustomize` would).
fn kustomization_folders() -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = walk(&[fixtures()], &Config::default())
        .into_iter()
        .filter(|path| path.file_name().is_some_and(|name| name == "kustomization.yaml"))
        .filter_map(|path| path.parent().map(Path::to_path_buf))
        .filter(|folder| !folder.ends_with("comp"))
        .collect();
    folders.sort();
    folders
}

/// The fields kube-lsp reads, per object (`Kind namespace/name`), as text.
fn fields(yaml: &str) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for range in split_documents(yaml) {
        let text = &yaml[range.start..range.end];
        let document = parse_document(text);
        for object in objects_of_document(&document, text) {
            let namespace = object.namespace.as_ref().map(|field| field.text.clone()).unwrap_or_default();
            let key = format!("{} {}/{}", object.kind(), namespace, object.name().unwrap_or(""));
            let mut lines = vec![format!("labels {}", sorted(object.labels.iter()))];
            if let Some(template) = &object.pod_template {
                lines.push(format!("template labels {}", sorted(template.labels.iter())));
                let mut ports: Vec<String> = template
                    .ports
                    .iter()
                    .map(|port| format!("{:?} {:?} {:?} {:?}", port.container, port.name, port.port, port.protocol))
                    .collect();
                ports.sort();
                lines.push(format!("template ports {ports:?}"));
            }
            if let Some(set) = object.stateful_set() {
                lines.push(format!("serviceName {:?}", set.service_name.as_ref().map(|field| field.text.clone())));
                lines.push(format!("replicas {:?}", set.replicas.as_ref().map(|field| field.text.clone())));
                lines.push(format!("ordinals {:?}", set.ordinals_start.as_ref().map(|field| field.text.clone())));
                if let Some(selector) = &set.selector {
                    lines.push(format!("selector {}", sorted(selector.match_labels.iter())));
                    lines.push(format!("expressions {:?}", selector.match_expressions));
                }
            }
            if let Some(service) = object.service() {
                lines.push(format!("clusterIP {:?}", service.cluster_ip.as_ref().map(|field| field.text.clone())));
                lines.push(format!(
                    "clusterIPs {:?}",
                    service
                        .cluster_ips
                        .as_ref()
                        .map(|(_, items)| items.iter().map(|i| i.text.clone()).collect::<Vec<_>>())
                ));
                lines.push(format!("type {:?}", service.service_type.as_ref().map(|field| field.text.clone())));
                lines.push(format!("headless {}", service.is_headless()));
                lines.push(format!("publishNotReadyAddresses {}", service.publishes_not_ready_addresses()));
                lines.push(format!("selector {}", sorted(service.selector.iter())));
                let mut ports: Vec<String> = service
                    .ports
                    .iter()
                    .map(|port| format!("{:?} {:?} {:?} {:?}", port.name, port.port, port.protocol, port.target_port))
                    .collect();
                ports.sort();
                lines.push(format!("ports {ports:?}"));
            }
            out.insert(key, lines);
        }
    }
    out
}

fn sorted<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut pairs: Vec<String> = pairs.map(|(key, value)| format!("{key}={value}")).collect();
    pairs.sort();
    pairs.join(",")
}

fn kube_lsp_build(folder: &Path) -> String {
    let config = Config::default();
    let mut workspace = Workspace::new(config.clone());
    workspace.insert_all(load_files(&walk(&[fixtures()], &config), &config));
    let snapshot = workspace.snapshot();
    render_build(&snapshot, &folder.join("kustomization.yaml")).expect("a build")
}

#[test]
fn builds_agree_with_kubectl_kustomize() {
    let kubectl = Command::new("kubectl").args(["version", "--client"]).output();
    if kubectl.as_ref().map_or(true, |output| !output.status.success()) {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "kubectl is needed for this test under CI");
        println!("skipped: kubectl is not installed, so kustomize builds are not compared with kubectl kustomize");
        return;
    }
    let folders = kustomization_folders();
    assert!(folders.len() >= 8, "{folders:?}");
    for folder in folders {
        let output = Command::new("kubectl").arg("kustomize").arg(&folder).output().expect("kubectl kustomize");
        assert!(
            output.status.success(),
            "kubectl kustomize {}: {}",
            folder.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        let expected = fields(&String::from_utf8_lossy(&output.stdout));
        let ours = kube_lsp_build(&folder);
        let actual = fields(&ours);
        if std::env::var("SHOW").is_ok() {
            eprintln!("{}\n{ours}\n{actual:#?}", folder.display());
        }
        let name = folder.strip_prefix(fixtures()).unwrap_or(&folder).display().to_string();
        assert_eq!(
            actual.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "objects of {name}; kube-lsp built:\n{ours}"
        );
        for (key, lines) in &expected {
            assert_eq!(&actual[key], lines, "{key} in {name}; kube-lsp built:\n{ours}");
        }
    }
}
