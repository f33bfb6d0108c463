//! Patches as kustomize applies them: strategic merge (maps merged key by
//! key, lists of the known kinds merged by their merge key, `null` and
//! `$patch: delete` removing) and JSON 6902 (`add`, `remove`, `replace`,
//! `copy`, `move`; `test` is not checked).
//!
//! It knows the merge keys of the lists in the fields kube-lsp reads; every
//! other list is replaced whole, as strategic merge does for lists without
//! a merge key.

use super::value::{Entry, Node, Value};

/// The merge key of a list, by the key holding it and the key of the list
/// above it (`ports` under `containers` is merged by `containerPort`,
/// under `spec` of a Service by `port`).
fn merge_key(key: &str, parent: &str) -> Option<&'static str> {
    match (key, parent) {
        ("containers" | "initContainers" | "ephemeralContainers", _) => Some("name"),
        ("ports", "containers" | "initContainers" | "ephemeralContainers") => Some("containerPort"),
        ("ports", _) => Some("port"),
        ("env" | "volumes" | "imagePullSecrets" | "hostAliases", _) => Some("name"),
        ("volumeMounts", _) => Some("mountPath"),
        ("volumeDevices", _) => Some("devicePath"),
        _ => None,
    }
}

/// Applies a strategic merge patch to `target`. `path` is the keys from the
/// object's root to `target`, for the merge keys.
pub fn strategic_merge(target: &mut Node, patch: &Node, path: &mut Vec<String>) {
    let (Value::Map(_), Value::Map(patch_entries)) = (&target.value, &patch.value) else {
        *target = patch.clone();
        return;
    };
    if patch.get("$patch").and_then(Node::as_str) == Some("replace") {
        let mut replaced = patch.clone();
        replaced.remove("$patch");
        *target = replaced;
        return;
    }
    for entry in patch_entries {
        if entry.key.starts_with("$") {
            continue;
        }
        if entry.value.is_null() {
            target.remove(&entry.key);
            continue;
        }
        let parent = path.last().cloned().unwrap_or_default();
        match target.get_mut(&entry.key) {
            Some(existing) => match (&mut existing.value, &entry.value.value) {
                (Value::Map(_), Value::Map(_)) => {
                    if entry.value.get("$patch").and_then(Node::as_str) == Some("delete") {
                        target.remove(&entry.key);
                        continue;
                    }
                    path.push(entry.key.clone());
                    strategic_merge(existing, &entry.value, path);
                    path.pop();
                }
                (Value::Seq(items), Value::Seq(patch_items)) => match merge_key(&entry.key, &parent) {
                    Some(key) => {
                        path.push(entry.key.clone());
                        merge_list(items, patch_items, key, path);
                        path.pop();
                    }
                    None => *existing = entry.value.clone(),
                },
                _ => *existing = entry.value.clone(),
            },
            None => {
                let mut value = entry.value.clone();
                strip_directives(&mut value);
                if let Value::Map(entries) = &mut target.value {
                    entries.push(Entry { key: entry.key.clone(), key_origin: entry.key_origin, value });
                }
            }
        }
    }
}

/// Merges a list by its merge key: patch items naming an item merge into
/// it (or delete it with `$patch: delete`), the others are appended.
fn merge_list(items: &mut Vec<Node>, patch_items: &[Node], key: &str, path: &mut Vec<String>) {
    for patch_item in patch_items {
        let Some(wanted) = patch_item.get(key).and_then(Node::as_str) else {
            items.push(patch_item.clone());
            continue;
        };
        let position = items.iter().position(|item| item.get(key).and_then(Node::as_str) == Some(wanted));
        let delete = patch_item.get("$patch").and_then(Node::as_str) == Some("delete");
        match position {
            Some(position) if delete => {
                items.remove(position);
            }
            Some(position) => strategic_merge(&mut items[position], patch_item, path),
            None if delete => {}
            None => {
                let mut item = patch_item.clone();
                strip_directives(&mut item);
                items.push(item);
            }
        }
    }
}

fn strip_directives(node: &mut Node) {
    match &mut node.value {
        Value::Map(entries) => {
            entries.retain(|entry| !entry.key.starts_with('$'));
            for entry in entries {
                strip_directives(&mut entry.value);
            }
        }
        Value::Seq(items) => items.iter_mut().for_each(strip_directives),
        Value::Scalar { .. } => {}
    }
}

/// One JSON 6902 operation.
pub struct Operation<'a> {
    pub op: &'a str,
    pub path: &'a str,
    pub from: Option<&'a str>,
    pub value: Option<&'a Node>,
}

/// Applies one operation; `false` where its path does not exist (kustomize
/// fails the build then; here the operation is skipped).
pub fn json6902(target: &mut Node, operation: &Operation<'_>) -> bool {
    let Some(path) = pointer(operation.path) else { return false };
    match operation.op {
        "add" => operation.value.is_some_and(|value| add(target, &path, value.clone())),
        "replace" => operation.value.is_some_and(|value| match at_mut(target, &path) {
            Some(node) => {
                *node = value.clone();
                true
            }
            None => false,
        }),
        "remove" => remove(target, &path).is_some(),
        "copy" | "move" => {
            let Some(from) = operation.from.and_then(pointer) else { return false };
            let value = if operation.op == "move" {
                remove(target, &from)
            } else {
                at_mut(target, &from).map(|node| node.clone())
            };
            value.is_some_and(|value| add(target, &path, value))
        }
        _ => true,
    }
}

/// A JSON pointer's tokens, `~1` and `~0` unescaped.
fn pointer(text: &str) -> Option<Vec<String>> {
    if text.is_empty() {
        return Some(Vec::new());
    }
    let rest = text.strip_prefix('/')?;
    Some(rest.split('/').map(|token| token.replace("~1", "/").replace("~0", "~")).collect())
}

fn at_mut<'a>(node: &'a mut Node, path: &[String]) -> Option<&'a mut Node> {
    let mut node = node;
    for token in path {
        node = match &mut node.value {
            Value::Map(entries) => {
                entries.iter_mut().rev().find(|entry| entry.key == *token).map(|entry| &mut entry.value)?
            }
            Value::Seq(items) => items.get_mut(token.parse::<usize>().ok()?)?,
            Value::Scalar { .. } => return None,
        };
    }
    Some(node)
}

fn add(target: &mut Node, path: &[String], value: Node) -> bool {
    let Some((last, parent_path)) = path.split_last() else {
        *target = value;
        return true;
    };
    let Some(parent) = at_mut(target, parent_path) else { return false };
    let origin = value.origin;
    match &mut parent.value {
        Value::Map(_) => {
            parent.set(last, origin, value);
            true
        }
        Value::Seq(items) if last == "-" => {
            items.push(value);
            true
        }
        Value::Seq(items) => match last.parse::<usize>() {
            Ok(index) if index <= items.len() => {
                items.insert(index, value);
                true
            }
            _ => false,
        },
        Value::Scalar { .. } => false,
    }
}

fn remove(target: &mut Node, path: &[String]) -> Option<Node> {
    let (last, parent_path) = path.split_last()?;
    let parent = at_mut(target, parent_path)?;
    match &mut parent.value {
        Value::Map(_) => parent.remove(last),
        Value::Seq(items) => {
            let index = last.parse::<usize>().ok()?;
            (index < items.len()).then(|| items.remove(index))
        }
        Value::Scalar { .. } => None,
    }
}
