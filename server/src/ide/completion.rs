//! Completion of `spec.serviceName`: the Services of the StatefulSet's
//! namespace, headless ones first.

use super::cursor::{Cursor, FieldName};
use crate::syntax::TextRange;
use crate::workspace::{FileId, Snapshot};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    /// `headless Service in cache` and the like.
    pub detail: String,
    /// Sorts headless Services first.
    pub sort_text: String,
    /// What the item replaces: the current value.
    pub replace_range: TextRange,
}

pub fn completions(snapshot: &Snapshot, file: FileId, offset: usize) -> Vec<CompletionItem> {
    let Some(cursor) = Cursor::at(snapshot, file, offset) else { return Vec::new() };
    // The value, or, for `serviceName:` with no value yet, the rest of its line.
    let Some(field) = cursor.typing_value_of(FieldName::ServiceName) else { return Vec::new() };
    let stateful_set = cursor.object;
    let value = stateful_set.absolute(field.value);
    let replace_range = if value.is_empty() { TextRange::empty(offset) } else { value };
    let namespace = stateful_set.namespace();
    let mut items: Vec<CompletionItem> = snapshot
        .index
        .all_services()
        .filter(|service| service.namespace == namespace)
        .filter_map(|service| snapshot.view(service))
        .map(|service| {
            let headless = service.service().is_some_and(|spec| spec.is_headless());
            CompletionItem {
                label: service.name().to_owned(),
                detail: format!("{} Service in `{namespace}`", if headless { "headless" } else { "not headless" }),
                sort_text: format!("{}{}", if headless { 0 } else { 1 }, service.name()),
                replace_range,
            }
        })
        .collect();
    items.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
    items.dedup_by(|a, b| a.label == b.label);
    items
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture::cursor_snapshot;

    #[test]
    fn offers_services_of_the_namespace_headless_first() {
        let (snapshot, file, offset) = cursor_snapshot(
            r#"
#- /app/all.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}}
---
apiVersion: v1
kind: Service
metadata: {name: web-peers}
spec: {clusterIP: None, selector: {app: web}}
---
apiVersion: v1
kind: Service
metadata: {name: other, namespace: elsewhere}
spec: {clusterIP: None}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: w$0
"#,
        );
        let items = super::completions(&snapshot, file, offset);
        let labels: Vec<(&str, &str)> = items.iter().map(|item| (item.label.as_str(), item.detail.as_str())).collect();
        assert_eq!(
            labels,
            vec![("web-peers", "headless Service in `default`"), ("web", "not headless Service in `default`")]
        );
    }

    #[test]
    fn offers_after_an_empty_key() {
        let (snapshot, file, offset) = cursor_snapshot(
            r#"
#- /app/all.yaml
apiVersion: v1
kind: Service
metadata: {name: web-peers}
spec: {clusterIP: None}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: $0
  replicas: 1
"#,
        );
        let items = super::completions(&snapshot, file, offset);
        assert_eq!(items.iter().map(|item| item.label.as_str()).collect::<Vec<_>>(), vec!["web-peers"]);
        assert!(items[0].replace_range.is_empty());
    }
}
