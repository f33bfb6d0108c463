//! YAML text editing that knows no Kubernetes: values rendered in block or
//! flow style, scalars quoted only where a plain scalar would read back
//! differently, a file's own indentation step, and line boundaries.
//!
//! It renders text; it does not decide what to write or where (that is the
//! fixes' `DocumentEditor` in `checks`).

/// A value to write: a scalar as it should appear (already quoted if need be),
/// or a map of such scalars.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Scalar(String),
    Map(Vec<(String, Value)>),
    List(Vec<Value>),
}

impl Value {
    pub fn render_flow(&self) -> String {
        match self {
            Value::Scalar(text) => text.clone(),
            Value::Map(entries) => format!(
                "{{{}}}",
                entries.iter().map(|(k, v)| format!("{k}: {}", v.render_flow())).collect::<Vec<_>>().join(", ")
            ),
            Value::List(items) => {
                format!("[{}]", items.iter().map(Value::render_flow).collect::<Vec<_>>().join(", "))
            }
        }
    }

    /// `key: value` lines at `indent`, without a final line break.
    pub fn render_entry(&self, key: &str, indent: usize, step: usize, eol: &str) -> String {
        let pad = " ".repeat(indent);
        match self {
            Value::Scalar(text) => format!("{pad}{key}: {text}"),
            Value::Map(entries) if entries.is_empty() => format!("{pad}{key}: {{}}"),
            Value::List(items) if items.is_empty() => format!("{pad}{key}: []"),
            Value::Map(entries) => {
                let mut out = format!("{pad}{key}:");
                for (k, v) in entries {
                    out.push_str(eol);
                    out.push_str(&v.render_entry(k, indent + step, step, eol));
                }
                out
            }
            Value::List(items) => {
                let mut out = format!("{pad}{key}:");
                for item in items {
                    out.push_str(eol);
                    out.push_str(&item.render_item(indent + step, step, eol));
                }
                out
            }
        }
    }

    /// `- item` at `indent`.
    fn render_item(&self, indent: usize, step: usize, eol: &str) -> String {
        let pad = " ".repeat(indent);
        match self {
            Value::Map(entries) if !entries.is_empty() => {
                let mut out = String::new();
                for (position, (k, v)) in entries.iter().enumerate() {
                    if position == 0 {
                        let rendered = v.render_entry(k, indent + 2, step, eol);
                        out.push_str(&format!("{pad}- {}", rendered.trim_start()));
                    } else {
                        out.push_str(eol);
                        out.push_str(&v.render_entry(k, indent + 2, step, eol));
                    }
                }
                out
            }
            other => format!("{pad}- {}", other.render_flow()),
        }
    }
}

/// A string as a YAML scalar: plain when it reads back as the same string,
/// double-quoted otherwise.
pub fn quote(text: &str) -> String {
    let plain_ok = !text.is_empty()
        && text.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        && !matches!(text, "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "~")
        && text.parse::<f64>().is_err()
        && !text.starts_with(['-', '.']);
    if plain_ok {
        text.to_owned()
    } else {
        format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

pub fn quote_key(text: &str) -> String {
    let plain_ok = !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c));
    if plain_ok {
        text.to_owned()
    } else {
        quote(text)
    }
}

pub fn line_start(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].rfind(['\n', '\r']).map_or(0, |position| position + 1)
}

pub fn line_end(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text[offset..].find(['\n', '\r']).map_or(text.len(), |position| offset + position)
}

pub fn column(text: &str, offset: usize) -> usize {
    offset - line_start(text, offset)
}

/// The file's indentation step, read off its own nesting (2 when unknown).
pub fn indent_step(text: &str) -> usize {
    let mut smallest = usize::MAX;
    for line in text.lines().take(2000) {
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        if indent > 0 && !trimmed.is_empty() && !trimmed.starts_with('#') {
            smallest = smallest.min(indent);
        }
    }
    if smallest == usize::MAX || smallest > 8 {
        2
    } else {
        smallest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_keeps_plain_strings_plain() {
        assert_eq!(quote("redis"), "redis");
        assert_eq!(quote("app.kubernetes.io/name"), "app.kubernetes.io/name");
        assert_eq!(quote("true"), "\"true\"");
        assert_eq!(quote("6379"), "\"6379\"");
        assert_eq!(quote(""), "\"\"");
        assert_eq!(quote("a b"), "\"a b\"");
    }

    #[test]
    fn indent_step_follows_the_file() {
        assert_eq!(indent_step("a:\n    b: 1\n"), 4);
        assert_eq!(indent_step("a:\n  b:\n    c: 1\n"), 2);
        assert_eq!(indent_step("a: 1\n"), 2);
    }

    #[test]
    fn values_render_in_block_and_flow() {
        let value = Value::Map(vec![
            ("app".to_owned(), Value::Scalar("redis".to_owned())),
            (
                "ports".to_owned(),
                Value::List(vec![Value::Map(vec![
                    ("name".to_owned(), Value::Scalar("redis".to_owned())),
                    ("port".to_owned(), Value::Scalar("6379".to_owned())),
                ])]),
            ),
        ]);
        assert_eq!(
            value.render_entry("spec", 0, 2, "\n"),
            "spec:\n  app: redis\n  ports:\n    - name: redis\n      port: 6379"
        );
        assert_eq!(value.render_flow(), "{app: redis, ports: [{name: redis, port: 6379}]}");
    }
}
