//! Hostile input the server must neither crash nor stall on, over an
//! in-memory connection: random bytes, invalid UTF-8, a 2 MB line, nesting
//! ten thousand deep, an alias bomb, a 50 MiB file, a 2 MiB configuration
//! file, symbolic link loops and links out of the workspace, files deleted
//! or made unreadable while they are read, files changing on disk while
//! open, and what the server may read at all. Each case ends with a hover on a good StatefulSet of the same
//! workspace that must list its pods' DNS names: the server is alive and
//! right, not merely alive.
//!
//! The parser's own limits (nesting, aliases) are unit-tested in
//! `syntax/parse.rs`, the walk's links in `loader/walk.rs`; here they meet
//! the whole server.

use crate::support;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kube_lsp::api::lsp::Exit;
use serde_json::{json, Value};
use support::{
    file_uri, initialize_params, notify_changed, position, workspace_with_good_pair, Client, Rng, GOOD_PAIR,
};

/// A StatefulSet with no Service anywhere: it has a finding when it is read,
/// and a symbol, so a test can tell whether a file was read.
fn orphan(name: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {name}\nspec:\n  serviceName: {name}-peers\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n"
    )
}

/// Sends every request that takes a position, at random positions (some past
/// the end of the text), and asserts each is answered without an internal
/// error.
fn poke(client: &mut Client, uri: &str, rng: &mut Rng) {
    for _ in 0..4 {
        let at = json!({"line": rng.below(40), "character": rng.below(300)});
        let document = json!({"uri": uri});
        let range = json!({"start": at, "end": {"line": rng.below(40), "character": rng.below(300)}});
        let requests = [
            ("textDocument/hover", json!({"textDocument": document, "position": at})),
            ("textDocument/completion", json!({"textDocument": document, "position": at})),
            ("textDocument/definition", json!({"textDocument": document, "position": at})),
            (
                "textDocument/references",
                json!({"textDocument": document, "position": at, "context": {"includeDeclaration": true}}),
            ),
            ("textDocument/prepareRename", json!({"textDocument": document, "position": at})),
            ("textDocument/documentSymbol", json!({"textDocument": document})),
            (
                "textDocument/codeAction",
                json!({"textDocument": document, "range": range, "context": {"diagnostics": []}}),
            ),
        ];
        for (method, params) in requests {
            let answer = client.request(method, params);
            assert!(answer.is_ok(), "`{method}` on {uri}: {answer:?}");
        }
    }
}

// Random bytes and invalid UTF-8.

#[test]
fn random_bytes_on_disk_and_in_buffers() {
    let (folder, good) = workspace_with_good_pair();
    let mut rng = Rng::new(0x5EED_0001);
    let tokens = ["[", "]", "{", "}", ": ", "- ", "&a ", "*a ", "---\n", "\n", "  ", "kind: StatefulSet\n", "\t"];
    for index in 0..24 {
        let len = rng.below(4096);
        let mut bytes = rng.bytes(len);
        match index % 3 {
            // No NUL: not taken for a binary file, so it meets the UTF-8 check.
            0 => bytes.retain(|&byte| byte != 0),
            // Valid UTF-8 made of random chars and YAML punctuation: parsed.
            1 => {
                bytes = (0..rng.below(300))
                    .map(|_| if rng.chance(50) { rng.pick(&tokens).to_string() } else { rng.unicode(3) })
                    .collect::<String>()
                    .into_bytes()
            }
            _ => {}
        }
        std::fs::write(folder.path().join(format!("random-{index}.yaml")), bytes).expect("write");
    }
    let (mut client, _) = Client::initialized(initialize_params(&[folder.path()], Value::Null));
    client.assert_hover_works(&good);

    // Buffers of random text, changed at random positions (some past the
    // end, some reversed), then asked about at random positions.
    for index in 0..6 {
        let uri = format!("untitled:random-{index}.yaml");
        let len = rng.below(2000);
        client.open(&uri, 1, &rng.unicode(len));
        for version in 2..12 {
            let start = json!({"line": rng.below(30), "character": rng.below(200)});
            let end = json!({"line": rng.below(30), "character": rng.below(200)});
            let len = rng.below(40);
            let text = if rng.chance(50) { rng.unicode(len) } else { rng.pick(&tokens).to_string() };
            client.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version},
                       "contentChanges": [{"range": {"start": start, "end": end}, "text": text}]}),
            );
        }
        poke(&mut client, &uri, &mut rng);
    }
    client.assert_hover_works(&good);
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[test]
fn invalid_utf8_on_disk_is_skipped_and_an_open_buffer_of_it_is_analysed() {
    let (folder, good) = workspace_with_good_pair();
    let latin1 = folder.path().join("latin1.yaml");
    let mut bytes = orphan("latin").into_bytes();
    bytes.extend_from_slice(b"# caf\xE9\n");
    std::fs::write(&latin1, &bytes).expect("write");
    // Cut in the middle of a multi-byte char, at the very end.
    let mut truncated = orphan("truncated").into_bytes();
    truncated.extend_from_slice(&"# 😀".as_bytes()[..4]);
    std::fs::write(folder.path().join("truncated.yaml"), truncated).expect("write");
    // UTF-16 with a BOM: not UTF-8, and full of NULs.
    let utf16: Vec<u8> =
        [0xFF, 0xFE].into_iter().chain(orphan("wide").encode_utf16().flat_map(u16::to_le_bytes)).collect();
    std::fs::write(folder.path().join("utf16.yaml"), utf16).expect("write");

    let (mut client, _) = Client::initialized(initialize_params(&[folder.path()], Value::Null));
    assert_eq!(client.symbols(), ["Service/redis", "StatefulSet/redis"]);
    client.assert_hover_works(&good);

    // The editor decodes the file its own way and sends UTF-8: the buffer is
    // analysed; closing it brings back the (skipped) disk copy.
    let uri = file_uri(&latin1);
    client.open(&uri, 1, &format!("{}# café\n", orphan("latin")));
    client.diagnostics(&uri, |diagnostics| diagnostics.iter().any(|d| d["code"] == "service-not-found"));
    assert_eq!(client.symbols(), ["Service/redis", "StatefulSet/latin", "StatefulSet/redis"]);
    client.close(&uri);
    client.diagnostics(&uri, |diagnostics| diagnostics.is_empty());
    assert_eq!(client.symbols(), ["Service/redis", "StatefulSet/redis"]);
    client.assert_hover_works(&good);
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

// Big and deep.

/// One line of about 2 MB: a `kind: List` in JSON (as `kubectl get -o json |
/// jq -c` prints it) of a thousand StatefulSets that each have a finding,
/// with non-ASCII text so that every UTF-16 column must be counted.
fn two_megabyte_line() -> String {
    let mut line = String::from(r#"{"apiVersion":"v1","kind":"List","items":["#);
    let note = "é中😀 text ".repeat(130);
    let mut index = 0;
    while line.len() < 2_000_000 {
        if index > 0 {
            line.push(',');
        }
        line.push_str(&format!(
            r#"{{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{{"name":"db-{index}","annotations":{{"note":"{note}"}}}},"spec":{{"serviceName":"missing-{index}","selector":{{"matchLabels":{{"app":"db"}}}},"template":{{"metadata":{{"labels":{{"app":"db"}}}}}}}}}}"#
        ));
        index += 1;
    }
    line.push_str("]}");
    line
}

#[test]
fn a_two_megabyte_single_line_file() {
    let (folder, good) = workspace_with_good_pair();
    let line = two_megabyte_line();
    let plain = format!("{{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {{\"name\": \"blob\"}}, \"data\": {{\"blob\": \"{}\"}}}}", "x".repeat(2_000_000));
    std::fs::write(folder.path().join("list.json.yaml"), &line).expect("write");
    std::fs::write(folder.path().join("blob.yaml"), &plain).expect("write");
    let started = Instant::now();
    let (mut client, _) = Client::initialized(initialize_params(&[folder.path()], Value::Null));
    client.assert_hover_works(&good);
    // Every finding on the line is published, at the right UTF-16 columns.
    let list_uri = file_uri(&folder.path().join("list.json.yaml"));
    let published = client.diagnostics(&list_uri, |diagnostics| !diagnostics.is_empty());
    let diagnostics = published["diagnostics"].as_array().expect("a list");
    let count = line.matches("\"kind\":\"StatefulSet\"").count();
    assert_eq!(diagnostics.iter().filter(|d| d["code"] == "service-not-found").count(), count);
    let last = line.rfind("missing-").expect("a serviceName");
    let last_diagnostic = diagnostics.iter().rev().find(|d| d["code"] == "service-not-found").expect("one");
    assert_eq!(last_diagnostic["range"]["start"], position(&line, last - 1), "{last_diagnostic}");
    eprintln!("2 MB files on disk: {:?}", started.elapsed());

    // The same line as an open buffer, typed into at its end, and hovered.
    let started = Instant::now();
    let uri = "untitled:one-line.yaml";
    client.open(uri, 1, &line);
    let end = position(&line, line.len());
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"range": {"start": end, "end": end}, "text": " # é"}]}),
    );
    let hover = client.hover(uri, &line, last + 3).expect("a hover answer");
    let markdown = hover["contents"]["value"].as_str().unwrap_or_else(|| panic!("a hover card, got {hover}"));
    assert!(markdown.contains("service-not-found"), "{markdown}");
    assert_eq!(client.server_text(uri).as_deref(), Some(format!("{line} # é").as_str()));
    eprintln!("2 MB buffer: {:?}", started.elapsed());
    client.assert_hover_works(&good);
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[test]
fn nesting_ten_thousand_deep_costs_no_stack() {
    let (folder, good) = workspace_with_good_pair();
    let deep_flow = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_mapping = format!("{}1{}", "{a: ".repeat(10_000), "}".repeat(10_000));
    // Block nesting needs an indent per level: 1,500 levels are 1.1 MB.
    let deep_block: String = (0..1_500).map(|depth| format!("{:width$}- \n", "", width = depth)).collect();
    // Inside an object the model reads, and unclosed.
    let deep_object = format!("{}  labels: {}\n", orphan("deep"), "{a: [".repeat(5_000));
    for (name, text) in
        [("flow", &deep_flow), ("mapping", &deep_mapping), ("block", &deep_block), ("object", &deep_object)]
    {
        std::fs::write(folder.path().join(format!("deep-{name}.yaml")), text).expect("write");
    }
    let (mut client, _) = Client::initialized(initialize_params(&[folder.path()], Value::Null));
    client.assert_hover_works(&good);
    let mut rng = Rng::new(0x5EED_0002);
    for (index, text) in [&deep_flow, &deep_mapping, &deep_block, &deep_object].into_iter().enumerate() {
        let uri = format!("untitled:deep-{index}.yaml");
        client.open(&uri, 1, text);
        client.diagnostics(&uri, |diagnostics| diagnostics.iter().any(|d| d["code"] == "yaml-syntax"));
        poke(&mut client, &uri, &mut rng);
    }
    client.assert_hover_works(&good);
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[test]
fn an_alias_bomb_and_self_referencing_anchors_are_never_expanded() {
    let (folder, good) = workspace_with_good_pair();
    // The billion laughs: 9^9 "lol"s if expanded.
    let laughs = |indent: &str| {
        let mut lines = format!("{indent}a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");
        for (previous, name) in ('a'..='h').zip('b'..='i') {
            lines.push_str(&format!("{indent}{name}: &{name} [{}]\n", vec![format!("*{previous}"); 9].join(",")));
        }
        lines
    };
    let bomb = format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: lol}}\ndata:\n{}", laughs("  "));
    // A StatefulSet whose fields are aliases into the bomb, and anchors whose
    // aliases sit inside themselves.
    let aliased = format!(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: laughs\n  labels: &l {{app: *l, x: y}}\nspec:\n  bomb:\n{}  serviceName: *i\n  replicas: *i\n  selector: {{matchLabels: *l}}\n  template:\n    metadata: {{labels: &t {{app: [*t, *t]}}}}\n    spec: {{containers: *i}}\n  self: &s [*s, *s, {{k: *s}}]\n  map: &m {{k: *m, *m : v}}\n",
        laughs("    ")
    );
    std::fs::write(folder.path().join("bomb.yaml"), &bomb).expect("write");
    std::fs::write(folder.path().join("aliased.yaml"), &aliased).expect("write");
    // A kustomize build reads aliases expanded: within a bound.
    std::fs::write(folder.path().join("kustomization.yaml"), "resources: [bomb.yaml, aliased.yaml]\n").expect("write");
    let started = Instant::now();
    let (mut client, _) = Client::initialized(initialize_params(&[folder.path()], Value::Null));
    client.assert_hover_works(&good);
    let mut rng = Rng::new(0x5EED_0003);
    for (index, text) in [&bomb, &aliased].into_iter().enumerate() {
        let uri = format!("untitled:bomb-{index}.yaml");
        client.open(&uri, 1, text);
        poke(&mut client, &uri, &mut rng);
        // A hover on every line start of the StatefulSet.
        for (offset, _) in text.match_indices('\n') {
            assert!(client.hover(&uri, text, offset).is_ok());
        }
    }
    client.assert_hover_works(&good);
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

// The 50 MiB file, and the log line it gets.

#[test]
fn a_fifty_mib_file_is_skipped_by_its_size_with_one_log_line() {
    let logs = support::captured_logs();
    let (folder, good) = workspace_with_good_pair();
    let huge = folder.path().join("huge.yaml");
    {
        // A real manifest, so that were it read it would show up.
        let mut file = std::io::BufWriter::new(std::fs::File::create(&huge).expect("create"));
        file.write_all(orphan("huge").as_bytes()).expect("write");
        let padding = format!("# {}\n", "x".repeat(1021));
        while file.get_ref().metadata().expect("metadata").len() + (file.buffer().len() as u64) < 50 << 20 {
            file.write_all(padding.as_bytes()).expect("write");
        }
    }
    let size = std::fs::metadata(&huge).expect("metadata").len();
    assert!(size >= 50 << 20);
    let started = Instant::now();
    let (mut client, _) = Client::initialized(initialize_params(&[folder.path()], Value::Null));
    client.assert_hover_works(&good);
    let elapsed = started.elapsed();
    assert_eq!(client.symbols(), ["Service/redis", "StatefulSet/redis"]);
    // Told by its size, not by reading it: no parse of 50 MiB in a debug
    // build could be this quick.
    assert!(elapsed < Duration::from_secs(5), "indexing took {elapsed:?}");
    let logs = support::logged(&logs);
    let lines: Vec<&str> = logs.lines().filter(|line| line.contains(&huge.display().to_string())).collect();
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(lines[0].contains(&format!("{size} bytes, over `maxFileSize`")), "{}", lines[0]);
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[test]
fn a_huge_configuration_file_is_refused_unread() {
    let (folder, good) = workspace_with_good_pair();
    let root = folder.path();
    std::fs::write(root.join("broken.yaml"), orphan("broken")).expect("write");
    // Read, it would switch the finding off; it is over the 1 MiB limit.
    let config = format!("{}rules: {{service-not-found: 'off'}}\n", "# padding padding padding\n".repeat(80_000));
    std::fs::write(root.join(".kube-lsp.yaml"), config).expect("write");
    let (mut client, _) = Client::initialized(initialize_params(&[root], Value::Null));
    let broken_uri = file_uri(&root.join("broken.yaml"));
    client.diagnostics(&broken_uri, |diagnostics| diagnostics.iter().any(|d| d["code"] == "service-not-found"));
    let shown = client.notifications.iter().find(|notification| notification.method == "window/showMessage");
    let message = shown.and_then(|notification| notification.params["message"].as_str()).unwrap_or_default();
    assert!(message.contains("too big for a configuration file"), "{message:?}");
    client.assert_hover_works(&good);
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

// Links, races and the disk changing.

#[cfg(unix)]
#[test]
fn symbolic_link_loops_and_links_out_of_the_workspace_are_not_followed() {
    use std::os::unix::fs::symlink;
    let (folder, good) = workspace_with_good_pair();
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("secret.yaml"), orphan("secret")).expect("write");
    let root = folder.path();
    symlink(outside.path(), root.join("outside")).expect("symlink");
    symlink(outside.path().join("secret.yaml"), root.join("linked.yaml")).expect("symlink");
    std::fs::create_dir(root.join("loop")).expect("mkdir");
    symlink(root, root.join("loop/again")).expect("symlink");
    symlink(root.join("loop/self.yaml"), root.join("loop/self.yaml")).expect("symlink");
    std::fs::write(root.join("regular.yaml"), orphan("regular")).expect("write");

    let (mut client, _) = Client::initialized(initialize_params(&[root], Value::Null));
    let expected = ["Service/redis", "StatefulSet/redis", "StatefulSet/regular"];
    assert_eq!(client.symbols(), expected);
    // The client's watcher reports the links: still not followed.
    let links = [root.join("outside"), root.join("linked.yaml"), root.join("loop/again"), root.join("loop/self.yaml")];
    notify_changed(&mut client, &links);
    notify_changed(&mut client, &[root.join("outside/secret.yaml"), root.join("loop/again/good.yaml")]);
    assert_eq!(client.symbols(), expected);
    // A file of the walk replaced by a link out of the workspace: the link
    // is not read, and the file is gone.
    std::fs::remove_file(root.join("regular.yaml")).expect("remove");
    symlink(outside.path().join("secret.yaml"), root.join("regular.yaml")).expect("symlink");
    notify_changed(&mut client, &[root.join("regular.yaml")]);
    assert_eq!(client.symbols(), ["Service/redis", "StatefulSet/redis"]);
    client.assert_hover_works(&good);
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[test]
fn files_deleted_replaced_or_made_unreadable_while_being_read() {
    let (folder, good) = workspace_with_good_pair();
    let root = folder.path().to_path_buf();
    let churned: Vec<PathBuf> = (0..40).map(|index| root.join(format!("churn-{index}.yaml"))).collect();
    for path in &churned {
        std::fs::write(path, orphan("churn")).expect("write");
    }
    // Another thread deletes, rewrites, truncates, replaces with folders and
    // takes the permissions of the files while the server walks and reads
    // them, and while it re-reads them on the client's change reports.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let churner = {
        let churned = churned.clone();
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut rng = Rng::new(0x5EED_0004);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let path = rng.pick(&churned);
                let _ = std::fs::remove_dir(path);
                let _ = match rng.below(5) {
                    0 => std::fs::remove_file(path),
                    1 => std::fs::write(path, orphan(&format!("churn-{}", rng.below(1000)))),
                    2 => std::fs::File::options().write(true).open(path).and_then(|file| file.set_len(7)),
                    3 => std::fs::remove_file(path).and_then(|()| std::fs::create_dir(path)),
                    _ => set_mode(path, 0o000),
                };
            }
        })
    };
    let mut params = initialize_params(&[&root], Value::Null);
    // The server's own watcher too, reporting what the churn does.
    params["capabilities"]["workspace"]["didChangeWatchedFiles"] = json!({"dynamicRegistration": false});
    let (mut client, _) = Client::initialized(params);
    let mut rng = Rng::new(0x5EED_0005);
    let deadline = Instant::now() + Duration::from_millis(1500);
    while Instant::now() < deadline {
        let batch: Vec<PathBuf> = (0..5).map(|_| rng.pick(&churned).clone()).collect();
        notify_changed(&mut client, &batch);
        client.assert_hover_works(&good);
        client.drain();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    churner.join().expect("the churn thread does not panic");

    // Once the disk is still, one report of every path brings the server to
    // what the disk holds.
    for path in &churned {
        let _ = set_mode(path, 0o644);
    }
    notify_changed(&mut client, &churned);
    let readable = churned
        .iter()
        .filter(|path| {
            path.is_file() && std::fs::read_to_string(path).is_ok_and(|text| text.contains("kind: StatefulSet"))
        })
        .count();
    let deadline = Instant::now() + support::TIMEOUT;
    loop {
        let symbols = client.symbols();
        let churn_symbols = symbols.iter().filter(|name| name.starts_with("StatefulSet/churn")).count();
        if churn_symbols == readable {
            break;
        }
        assert!(Instant::now() < deadline, "{churn_symbols} churn symbols, {readable} readable files: {symbols:#?}");
        std::thread::sleep(Duration::from_millis(50));
        notify_changed(&mut client, &churned);
    }
    client.assert_hover_works(&good);
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
}

#[test]
fn a_file_of_the_walk_turned_into_a_folder_or_unreadable_leaves_the_workspace() {
    let (folder, good) = workspace_with_good_pair();
    let root = folder.path();
    let becomes_folder = root.join("becomes-folder.yaml");
    let unreadable = root.join("unreadable.yaml");
    std::fs::write(&becomes_folder, orphan("folder")).expect("write");
    std::fs::write(&unreadable, orphan("unreadable")).expect("write");
    let (mut client, _) = Client::initialized(initialize_params(&[root], Value::Null));
    assert_eq!(
        client.symbols(),
        ["Service/redis", "StatefulSet/folder", "StatefulSet/redis", "StatefulSet/unreadable"]
    );

    std::fs::remove_file(&becomes_folder).expect("remove");
    std::fs::create_dir(&becomes_folder).expect("mkdir");
    std::fs::write(becomes_folder.join("inside.yaml"), orphan("inside")).expect("write");
    set_mode(&unreadable, 0o000).expect("chmod");
    // Root reads anything: then the file stays, as it should.
    let still_readable = std::fs::read(&unreadable).is_ok();
    notify_changed(&mut client, &[becomes_folder.clone(), unreadable.clone()]);
    let mut expected = vec!["Service/redis", "StatefulSet/inside", "StatefulSet/redis"];
    if still_readable {
        expected.push("StatefulSet/unreadable");
    }
    assert_eq!(client.symbols(), expected);
    client.assert_hover_works(&good);
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

#[test]
fn a_file_changing_on_disk_while_open_keeps_the_buffer() {
    let (folder, good) = workspace_with_good_pair();
    let path = folder.path().join("edited.yaml");
    std::fs::write(&path, orphan("on-disk")).expect("write");
    let (mut client, _) = Client::initialized(initialize_params(&[folder.path()], Value::Null));
    assert!(client.symbols().contains(&"StatefulSet/on-disk".to_owned()));

    let uri = file_uri(&path);
    let buffer = orphan("in-buffer");
    client.open(&uri, 1, &buffer);
    // The disk changes under the open buffer, several times, then goes.
    for round in 0..5 {
        std::fs::write(&path, orphan(&format!("rewritten-{round}"))).expect("write");
        notify_changed(&mut client, std::slice::from_ref(&path));
        assert_eq!(client.server_text(&uri).as_deref(), Some(buffer.as_str()));
    }
    std::fs::remove_file(&path).expect("remove");
    notify_changed(&mut client, std::slice::from_ref(&path));
    assert_eq!(client.server_text(&uri).as_deref(), Some(buffer.as_str()));
    let symbols = client.symbols();
    assert!(symbols.contains(&"StatefulSet/in-buffer".to_owned()), "{symbols:?}");
    assert!(!symbols.iter().any(|name| name.contains("rewritten") || name.contains("on-disk")), "{symbols:?}");
    // Hover positions are the buffer's.
    let offset = buffer.find("name: in-buffer").expect("name") + "name: in".len();
    let hover = client.hover(&uri, &buffer, offset).expect("a hover answer");
    assert!(hover["contents"]["value"]
        .as_str()
        .is_some_and(|markdown| markdown.contains("in-buffer-0.in-buffer-peers")));

    // Written again and closed: the disk copy takes over.
    std::fs::write(&path, orphan("final")).expect("write");
    notify_changed(&mut client, std::slice::from_ref(&path));
    client.close(&uri);
    let symbols = client.symbols();
    assert!(symbols.contains(&"StatefulSet/final".to_owned()), "{symbols:?}");
    assert!(!symbols.contains(&"StatefulSet/in-buffer".to_owned()), "{symbols:?}");
    client.assert_hover_works(&good);
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
}

// What the server reads, writes and keeps.

#[cfg(unix)]
#[test]
fn the_server_reads_only_the_workspace_and_open_buffers_and_writes_nothing() {
    let (folder, good) = workspace_with_good_pair();
    let root = folder.path();
    std::fs::write(root.join("broken.yaml"), orphan("broken")).expect("write");
    // A configuration file that is a link out of the workspace is not read:
    // read, it would switch every rule off.
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("config.yaml"), "rules: {service-not-found: 'off'}\n").expect("write");
    std::os::unix::fs::symlink(outside.path().join("config.yaml"), root.join(".kube-lsp.yaml")).expect("symlink");
    // A file outside the folders, with a neighbour.
    let elsewhere = outside.path().join("opened.yaml");
    std::fs::write(&elsewhere, orphan("on-disk-outside")).expect("write");
    std::fs::write(outside.path().join("neighbour.yaml"), orphan("neighbour")).expect("write");
    let before = disk_state(root);
    let outside_before = disk_state(outside.path());

    let (mut client, _) = Client::initialized(initialize_params(&[root], Value::Null));
    let broken_uri = file_uri(&root.join("broken.yaml"));
    client.diagnostics(&broken_uri, |diagnostics| diagnostics.iter().any(|d| d["code"] == "service-not-found"));
    // Opened, the file outside is read from its buffer alone, and its folder
    // is not read at all.
    let uri = file_uri(&elsewhere);
    client.open(&uri, 1, &orphan("in-buffer"));
    let symbols = client.symbols();
    assert!(symbols.contains(&"StatefulSet/in-buffer".to_owned()), "{symbols:?}");
    assert!(!symbols.iter().any(|name| name.contains("outside") || name.contains("neighbour")), "{symbols:?}");
    client.close(&uri);
    assert!(!client.symbols().contains(&"StatefulSet/in-buffer".to_owned()));

    // Edits are offered, never applied to the disk.
    let text = orphan("broken");
    let offset = text.find("broken-peers").expect("serviceName");
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": broken_uri}, "range": support::range_of(&text, offset, offset),
                   "context": {"diagnostics": []}}),
        )
        .expect("code actions");
    assert!(actions.as_array().is_some_and(|actions| !actions.is_empty()), "{actions}");
    let rename = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": good}, "position": position(GOOD_PAIR, GOOD_PAIR.find("kind: Service\nmetadata:\n  name: redis").expect("name") + 36), "newName": "cache"}),
    );
    assert!(rename.is_ok(), "{rename:?}");

    // An open buffer over `maxFileSize` is held, not analysed.
    client.notify("workspace/didChangeConfiguration", json!({"settings": {"kubeLsp": {"maxFileSize": 4096}}}));
    let big = format!("{}# {}\n", orphan("too-big"), "x".repeat(8192));
    client.open("untitled:big.yaml", 1, &big);
    assert!(!client.symbols().contains(&"StatefulSet/too-big".to_owned()));
    assert_eq!(client.server_text("untitled:big.yaml").as_deref(), Some(big.as_str()));
    client.assert_hover_works(&good);
    assert_eq!(client.shutdown_and_exit(), Exit::AfterShutdown);
    assert_eq!(disk_state(root), before, "the workspace is as it was");
    assert_eq!(disk_state(outside.path()), outside_before, "the folder outside is as it was");
}

/// Every entry under `root` with its contents (a link's target), sorted.
fn disk_state(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut state = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("read folder").flatten() {
            let path = entry.path();
            let file_type = entry.file_type().expect("file type");
            if file_type.is_symlink() {
                let target = std::fs::read_link(&path).expect("link");
                state.push((path, target.into_os_string().into_encoded_bytes()));
            } else if file_type.is_dir() {
                stack.push(path.clone());
                state.push((path, Vec::new()));
            } else {
                let bytes = std::fs::read(&path).expect("read");
                state.push((path, bytes));
            }
        }
    }
    state.sort();
    state
}
