//! Golden files of `kube-lsp dns` (`tests/it/cli/dns/`, and the repository's
//! `examples/` with goldens in `tests/it/cli/dns-examples/`), and that its
//! link health agrees with `kube-lsp check`.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use super::{assert_golden, copy_case, copy_folder, json, run_in, write};

const FORMATS: [(&str, &str); 3] = [("text", "expected.text"), ("json", "expected.json"), ("markdown", "expected.md")];

#[test]
fn dns_inventory_of_the_examples_in_every_format() {
    let dir = copy_case("dns-examples");
    copy_folder(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"), &dir.path().join("examples"));
    for (format, golden) in FORMATS {
        let run = run_in(dir.path(), &["dns", "--format", format, "examples"], None);
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{format}: {}", run.stdout);
        assert_golden("dns-examples", golden, &run.stdout);
    }
}

#[test]
fn dns_inventory_of_namespaces_broken_links_a_domain_and_ordinals() {
    let dir = copy_case("dns");
    for (format, golden) in FORMATS {
        let run = run_in(dir.path(), &["dns", "--format", format, "manifests"], None);
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{format}: {}", run.stdout);
        assert_golden("dns", golden, &run.stdout);
    }
    // JSON lists every pod, where text and Markdown abbreviate.
    let run = run_in(dir.path(), &["dns", "--format", "json", "manifests"], None);
    let inventory = json(&run.stdout);
    let web = inventory["statefulSets"]
        .as_array()
        .expect("an array")
        .iter()
        .find(|set| set["name"] == "web")
        .expect("StatefulSet web");
    let pods = web["pods"].as_array().expect("pods");
    assert_eq!(pods.len(), 40);
    assert_eq!(pods[39]["dnsName"], "web-39.web.default.svc.k8s.example.org");
    assert_eq!(web["volumeClaims"][0]["claims"].as_array().map(Vec::len), Some(40));
}

/// The codes on each StatefulSet's name line, per `file:line`.
fn broken_by_place(inventory: &serde_json::Value) -> BTreeMap<String, Vec<String>> {
    inventory["statefulSets"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|set| {
            let place = format!("{}:{}", set["file"].as_str().unwrap_or("?"), set["line"]);
            let codes = set["link"]["broken"]
                .as_array()
                .expect("broken")
                .iter()
                .map(|code| code.as_str().unwrap_or("?").to_owned())
                .collect();
            (place, codes)
        })
        .collect()
}

#[test]
fn dns_link_health_agrees_with_check() {
    let dir = copy_case("dns");
    let run = run_in(dir.path(), &["dns", "--format", "json", "manifests"], None);
    let from_dns = broken_by_place(&json(&run.stdout));
    let run = run_in(dir.path(), &["check", "--format", "json", "manifests"], None);
    let findings = json(&run.stdout);
    let link_codes = ["service-name-missing", "service-not-found", "service-not-headless", "selector-mismatch"];
    let mut from_check: BTreeMap<String, Vec<String>> =
        from_dns.keys().map(|place| (place.clone(), Vec::new())).collect();
    for finding in findings.as_array().expect("an array") {
        let code = finding["code"].as_str().unwrap_or("?");
        if !link_codes.contains(&code) {
            continue;
        }
        // A finding on the StatefulSet is on its name or its serviceName:
        // the entry of the nearest StatefulSet name line above it.
        let file = finding["file"].as_str().unwrap_or("?");
        let line = finding["line"].as_u64().unwrap_or(0);
        let place = from_dns
            .keys()
            .filter_map(|place| {
                let (path, name_line) = place.rsplit_once(':')?;
                let name_line: u64 = name_line.parse().ok()?;
                (path == file && name_line <= line).then_some((name_line, place.clone()))
            })
            .max();
        if let Some((_, place)) = place {
            from_check.entry(place).or_default().push(code.to_owned());
        }
    }
    assert_eq!(from_dns, from_check);

    // A rule switched off is off for both: the link then reads healthy.
    write(&dir.path().join(".kube-lsp.yaml"), "clusterDomain: k8s.example.org\nrules:\n  service-not-headless: off\n");
    let run = run_in(dir.path(), &["dns", "--format", "json", "manifests"], None);
    assert_eq!(broken_by_place(&json(&run.stdout))["manifests/web.yaml:18"], Vec::<String>::new());
}

#[test]
fn dns_reads_stdin_and_takes_the_namespace_flag() {
    let dir = copy_case("dns");
    let stream = fs::read(dir.path().join("manifests/web.yaml")).expect("read fixture");
    let run = run_in(
        dir.path(),
        &["dns", "--format", "json", "-n", "shop", "--stdin-filename", "web.yaml", "-"],
        Some(&stream),
    );
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    let inventory = json(&run.stdout);
    let web = &inventory["statefulSets"][0];
    assert_eq!((web["file"].as_str(), web["namespace"].as_str()), (Some("web.yaml"), Some("shop")));
    assert_eq!(web["pods"][0]["dnsName"], "web-0.web.shop.svc.k8s.example.org");

    // `--config` wins over the nearest `.kube-lsp.yaml`.
    write(&dir.path().join("other.yaml"), "clusterDomain: cluster.test\ndefaultNamespace: apps\n");
    let run = run_in(dir.path(), &["dns", "--config", "other.yaml", "--format", "json", "-"], Some(&stream));
    assert_eq!(json(&run.stdout)["statefulSets"][0]["pods"][0]["dnsName"], "web-0.web.apps.svc.cluster.test");
}

#[test]
fn dns_usage_and_io_errors_exit_2() {
    let dir = copy_case("dns");
    let run = run_in(dir.path(), &["dns", "not-here"], None);
    assert_eq!((run.code, run.stdout.as_str()), (2, ""));
    assert!(run.stderr.contains("cannot read `not-here`"), "{}", run.stderr);
    let run = run_in(dir.path(), &["dns", "--config", "missing.yaml", "manifests"], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = run_in(dir.path(), &["dns", "--format", "sarif", "manifests"], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = run_in(dir.path(), &["dns", "-", "-"], Some(b""));
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn dns_inventory_of_a_base_lists_each_overlays_build_in_every_format() {
    let dir = copy_case("dns-builds");
    for (format, golden) in FORMATS {
        let run = run_in(dir.path(), &["dns", "--format", format, "manifests"], None);
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{format}: {}", run.stdout);
        assert_golden("dns-builds", golden, &run.stdout);
    }
    let run = run_in(dir.path(), &["dns", "--format", "json", "manifests"], None);
    let inventory = json(&run.stdout);
    let summary: Vec<String> = inventory["statefulSets"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|set| {
            format!(
                "{} {}/{} {} replicas={} build={}",
                set["file"].as_str().unwrap_or("?"),
                set["namespace"].as_str().unwrap_or("?"),
                set["name"].as_str().unwrap_or("?"),
                set["serviceName"].as_str().unwrap_or("?"),
                set["ordinals"]["replicas"],
                set["build"]
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            "manifests/loose.yaml default/loose nowhere replicas=1 build=null",
            "manifests/base/statefulset.yaml prod/prod-cache prod-cache replicas=5 build=\"overlays/prod\"",
            "manifests/base/statefulset.yaml staging/cache-stg cache-stg replicas=2 build=\"overlays/staging\"",
        ]
    );
}

/// The link codes of each entry, by `file:line` of its name and build.
fn broken_by_place_and_build(inventory: &serde_json::Value) -> BTreeMap<(String, String), Vec<String>> {
    inventory["statefulSets"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|set| {
            let place = format!("{}:{}", set["file"].as_str().unwrap_or("?"), set["line"]);
            let build = set["build"].as_str().unwrap_or("").to_owned();
            let codes = set["link"]["broken"]
                .as_array()
                .expect("broken")
                .iter()
                .map(|code| code.as_str().unwrap_or("?").to_owned())
                .collect();
            ((place, build), codes)
        })
        .collect()
}

/// What `check --format json` reports on each entry of `from_dns`: a link
/// finding on a StatefulSet (its name or `serviceName`, the nearest name line
/// above in its file) of each build its message names.
fn check_by_place_and_build(
    from_dns: &BTreeMap<(String, String), Vec<String>>,
    findings: &serde_json::Value,
) -> BTreeMap<(String, String), Vec<String>> {
    let link_codes = ["service-name-missing", "service-not-found", "service-not-headless", "selector-mismatch"];
    let mut from_check: BTreeMap<(String, String), Vec<String>> =
        from_dns.keys().map(|key| (key.clone(), Vec::new())).collect();
    for finding in findings.as_array().expect("an array") {
        let code = finding["code"].as_str().unwrap_or("?");
        if !link_codes.contains(&code) {
            continue;
        }
        let (file, line) = (finding["file"].as_str().unwrap_or("?"), finding["line"].as_u64().unwrap_or(0));
        let message = finding["message"].as_str().unwrap_or("");
        let nearest = from_dns
            .keys()
            .filter_map(|(place, _)| {
                let (path, name_line) = place.rsplit_once(':')?;
                let name_line: u64 = name_line.parse().ok()?;
                (path == file && name_line <= line).then_some((name_line, place.clone()))
            })
            .max();
        let Some((_, place)) = nearest else { continue };
        for (key, codes) in from_check.iter_mut() {
            let named = if key.1.is_empty() { true } else { message.contains(&format!("'{}'", key.1)) };
            if key.0 == place && named {
                codes.push(code.to_owned());
            }
        }
    }
    from_check
}

#[test]
fn dns_link_health_per_build_agrees_with_check() {
    let dir = copy_case("dns-builds");
    let agree = |dir: &Path| {
        let run = run_in(dir, &["dns", "--format", "json", "manifests"], None);
        let from_dns = broken_by_place_and_build(&json(&run.stdout));
        let run = run_in(dir, &["check", "--format", "json", "manifests"], None);
        assert_eq!(from_dns, check_by_place_and_build(&from_dns, &json(&run.stdout)), "{}", run.stdout);
        from_dns
    };
    let key = |build: &str| ("manifests/base/statefulset.yaml:4".to_owned(), build.to_owned());
    let from_dns = agree(dir.path());
    assert_eq!(from_dns[&key("overlays/prod")], ["service-not-headless"]);
    assert_eq!(from_dns[&key("overlays/staging")], Vec::<String>::new());
    assert_eq!(from_dns[&("manifests/loose.yaml:4".to_owned(), String::new())], ["service-not-found"]);

    // An ignore comment in the base hides the build's finding from both.
    let base = dir.path().join("manifests/base/statefulset.yaml");
    let text = fs::read_to_string(&base).expect("read base");
    write(&base, text.replace("  serviceName:", "  # kube-lsp: ignore service-not-headless\n  serviceName:"));
    assert_eq!(agree(dir.path())[&key("overlays/prod")], Vec::<String>::new());
    write(&base, &text);

    // A rule switched off is off for both.
    write(&dir.path().join(".kube-lsp.yaml"), "rules:\n  service-not-headless: off\n");
    assert_eq!(agree(dir.path())[&key("overlays/prod")], Vec::<String>::new());
}
