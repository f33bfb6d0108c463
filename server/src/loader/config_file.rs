//! The `.kube-lsp.yaml` configuration file: finding it, reading it through
//! our own syntax layer, and turning its tree into the JSON value that
//! `Config::apply` validates.
//!
//! It does not know what the settings mean (that is `config`) nor which rule
//! codes exist (callers pass `Code::all_strs()` to `Config::apply`, so this
//! layer stays below `checks`).

use std::io::Read as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde_json::{Map, Number, Value};

use crate::syntax::{self, Document, NodeId, NodeKind, ScalarStyle};

pub const CONFIG_FILE_NAME: &str = ".kube-lsp.yaml";

/// Deeper nesting than this is refused rather than followed: the settings are
/// three levels deep at most.
const MAX_DEPTH: usize = 64;

/// At most this many values are produced, so that aliases to aliases (the
/// "billion laughs") cannot blow up the conversion.
const MAX_VALUES: usize = 100_000;

/// A configuration file is a few lines; a bigger one than this is refused
/// unread.
const MAX_CONFIG_FILE_SIZE: u64 = 1 << 20;

/// The nearest `.kube-lsp.yaml` in `start` or one of its parents.
pub fn find_config_file(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).or_else(|_| std::path::absolute(start)).ok()?;
    start.ancestors().map(|folder| folder.join(CONFIG_FILE_NAME)).find(|candidate| candidate.is_file())
}

/// Reads a configuration file as JSON. I/O errors keep their `io::Error` as
/// the source (callers may downcast to tell a missing file); syntax errors
/// name the file and line.
pub fn read_config_file(path: &Path) -> anyhow::Result<Value> {
    let name = path.display();
    // Read at most one byte over the limit: a huge file (or an endless one)
    // is refused without filling the memory.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_CONFIG_FILE_SIZE + 1).read_to_end(&mut bytes))
        .with_context(|| format!("cannot read `{name}`"))?;
    if bytes.len() as u64 > MAX_CONFIG_FILE_SIZE {
        bail!("`{name}` is over {MAX_CONFIG_FILE_SIZE} bytes: too big for a configuration file");
    }
    let Some(text) = crate::text::decode(bytes) else { bail!("`{name}` is not valid UTF-8") };
    config_text_to_json(&text).map_err(|error| anyhow::anyhow!("`{name}` {error}"))
}

/// Converts the text of a configuration file; errors start with `line N:`
/// (1-based) so that the caller can put the file name in front.
fn config_text_to_json(text: &str) -> Result<Value, String> {
    let mut value = None;
    for range in syntax::split_documents(text) {
        let document_text = text.get(range.as_range()).unwrap_or("");
        let document = syntax::parse_document(document_text);
        let line_of = |offset: usize| line_number(text, range.start + offset);
        if let Some(error) = document.errors.first() {
            return Err(format!("line {}: {}", line_of(error.range.start), error.message));
        }
        let Some(root) = document.root else { continue };
        if value.is_some() {
            let start = document.raw_node(root).range().start;
            return Err(format!("line {}: a configuration file holds one YAML document", line_of(start)));
        }
        value = Some(
            tree_to_json(&document, root)
                .map_err(|(offset, message)| format!("line {}: {message}", line_of(offset)))?,
        );
    }
    Ok(value.unwrap_or(Value::Null))
}

fn line_number(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset].iter().filter(|&&byte| byte == b'\n').count() + 1
}

/// A node converted to JSON, aliases followed. Iterative (an explicit stack)
/// and bounded in depth and size, so that no input can overflow the stack or
/// the memory. Errors carry the offending node's offset in the document.
pub fn tree_to_json(document: &Document, root: NodeId) -> Result<Value, (usize, String)> {
    /// A container being filled: its partial value and the children still to
    /// convert.
    enum Frame<'a> {
        Sequence { values: Vec<Value>, rest: std::slice::Iter<'a, NodeId> },
        Mapping { values: Map<String, Value>, rest: std::slice::Iter<'a, (NodeId, NodeId)>, key: Option<String> },
    }

    let mut produced = 0usize;
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut next = Some(root);
    loop {
        // Convert `next` if there is one: a scalar becomes a finished value, a
        // container opens a frame.
        let mut finished = None;
        if let Some(id) = next.take() {
            produced += 1;
            if produced > MAX_VALUES {
                return Err((document.raw_node(id).range().start, format!("more than {MAX_VALUES} values")));
            }
            if stack.len() >= MAX_DEPTH {
                return Err((document.raw_node(id).range().start, format!("nested deeper than {MAX_DEPTH} levels")));
            }
            match document.node(id).kind {
                NodeKind::Scalar { .. } => {
                    let (value, style) = document.scalar_with_style(id).unwrap_or(("", ScalarStyle::Plain));
                    finished = Some(scalar_to_json(value, style));
                }
                NodeKind::Sequence { .. } => {
                    let items = document.sequence_items(id).unwrap_or(&[]);
                    stack.push(Frame::Sequence { values: Vec::with_capacity(items.len()), rest: items.iter() })
                }
                NodeKind::Mapping { .. } => {
                    let entries = document.mapping_entries(id).unwrap_or(&[]);
                    stack.push(Frame::Mapping { values: Map::new(), rest: entries.iter(), key: None })
                }
                NodeKind::Alias { .. } => {
                    return Err((document.raw_node(id).range().start, "an alias to an unknown anchor".to_owned()))
                }
            }
        }
        // Hand a finished value to its parent, closing every frame that it
        // completes; then pick the next child to convert.
        loop {
            let Some(frame) = stack.last_mut() else {
                return match finished {
                    Some(value) => Ok(value),
                    // Unreachable: the root is either finished or a frame.
                    None => Ok(Value::Null),
                };
            };
            match frame {
                Frame::Sequence { values, rest } => {
                    if let Some(value) = finished.take() {
                        values.push(value);
                    }
                    if let Some(item) = rest.next() {
                        next = Some(*item);
                        break;
                    }
                }
                Frame::Mapping { values, rest, key } => {
                    if let (Some(value), Some(key)) = (finished.take(), key.take()) {
                        // Duplicate keys: the last one wins, as in the API
                        // server's decoder and the rest of the model.
                        values.insert(key, value);
                    }
                    if let Some((key_id, value_id)) = rest.next() {
                        *key = Some(key_string(document, *key_id)?);
                        next = Some(*value_id);
                        break;
                    }
                }
            }
            finished = match stack.pop() {
                Some(Frame::Sequence { values, .. }) => Some(Value::Array(values)),
                Some(Frame::Mapping { values, .. }) => Some(Value::Object(values)),
                None => None,
            };
        }
    }
}

fn key_string(document: &Document, key: NodeId) -> Result<String, (usize, String)> {
    match document.scalar(key) {
        Some(value) => Ok(value.to_owned()),
        None => Err((document.raw_node(key).range().start, "a mapping key must be a scalar".to_owned())),
    }
}

/// A scalar as the YAML 1.2 core schema reads it: plain scalars may be null,
/// booleans, integers or floats; quoted and block scalars are strings.
pub fn scalar_to_json(value: &str, style: ScalarStyle) -> Value {
    if style != ScalarStyle::Plain {
        return Value::String(value.to_owned());
    }
    match value {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(number) = core_schema_number(value) {
        return Value::Number(number);
    }
    Value::String(value.to_owned())
}

fn core_schema_number(value: &str) -> Option<Number> {
    if let Some(octal) = value.strip_prefix("0o") {
        return integer_digits(octal, 8);
    }
    if let Some(hex) = value.strip_prefix("0x") {
        return integer_digits(hex, 16);
    }
    let unsigned = value.strip_prefix(['-', '+']).unwrap_or(value);
    if !unsigned.is_empty() && unsigned.bytes().all(|byte| byte.is_ascii_digit()) {
        if let Ok(number) = value.parse::<i64>() {
            return Some(number.into());
        }
        if let Ok(number) = unsigned.parse::<u64>() {
            if !value.starts_with('-') {
                return Some(number.into());
            }
        }
        // Too big for 64 bits: a float, as in JSON.
        return value.parse::<f64>().ok().and_then(Number::from_f64);
    }
    if is_core_schema_float(unsigned) {
        // Infinity and NaN (`.inf`, `.nan`) have no JSON number: they stay
        // strings, which no setting accepts anyway.
        return value.parse::<f64>().ok().and_then(Number::from_f64);
    }
    None
}

fn integer_digits(digits: &str, radix: u32) -> Option<Number> {
    if digits.is_empty() || !digits.chars().all(|digit| digit.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok().map(Number::from)
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` without its sign.
fn is_core_schema_float(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(position) => (&text[..position], Some(&text[position + 1..])),
        None => (text, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (mantissa, None),
    };
    let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    let mantissa_ok = match fraction {
        Some(fraction) => digits(whole) && digits(fraction) && (!whole.is_empty() || !fraction.is_empty()),
        None => !whole.is_empty() && digits(whole),
    };
    let exponent_ok = match exponent {
        Some(exponent) => {
            let exponent = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
            !exponent.is_empty() && digits(exponent)
        }
        None => true,
    };
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use serde_json::json;

    fn convert(text: &str) -> Result<Value, String> {
        config_text_to_json(text)
    }

    #[test]
    fn a_configuration_file_becomes_json() {
        let text = "\
# kube-lsp settings
clusterDomain: example.org
defaultNamespace: 'cache'
maxFileSize: 0x100
rules:
  yaml-syntax: off
  service-not-found: error
exclude: [charts/**, \"*.tmpl.yaml\"]
flags: {a: true, b: False, c: ~, d: NULL, e: \"true\"}
numbers: [1, -2, +3, 0o17, 1.5, .5, 1e3, -1.5E-2, 12345678901234567890, 99999999999999999999, .inf, 1_000, 1.2.3]
text: |
  two
  lines
";
        assert_eq!(
            convert(text),
            Ok(json!({
                "clusterDomain": "example.org",
                "defaultNamespace": "cache",
                "maxFileSize": 256,
                "rules": {"yaml-syntax": "off", "service-not-found": "error"},
                "exclude": ["charts/**", "*.tmpl.yaml"],
                "flags": {"a": true, "b": false, "c": null, "d": null, "e": "true"},
                "numbers": [1, -2, 3, 15, 1.5, 0.5, 1000.0, -0.015, 12345678901234567890u64, 1e20, ".inf", "1_000", "1.2.3"],
                "text": "two\nlines\n",
            }))
        );
    }

    #[test]
    fn anchors_and_aliases_are_followed() {
        let text = "levels: &levels {a: error}\nrules: *levels\n";
        assert_eq!(convert(text), Ok(json!({"levels": {"a": "error"}, "rules": {"a": "error"}})));
    }

    #[test]
    fn empty_files_and_leading_separators() {
        assert_eq!(convert(""), Ok(Value::Null));
        assert_eq!(convert("# only a comment\n"), Ok(Value::Null));
        assert_eq!(convert("---\nclusterDomain: a.b\n"), Ok(json!({"clusterDomain": "a.b"})));
    }

    #[test]
    fn errors_name_the_line() {
        let error = convert("clusterDomain: a\nrules:\n  - [unclosed\n").expect_err("a syntax error");
        assert!(error.starts_with("line "), "{error}");
        let error = convert("a: 1\n---\nb: 2\n").expect_err("two documents");
        assert_eq!(error, "line 3: a configuration file holds one YAML document");
        let error = convert("? [a, b]\n: 1\n").expect_err("complex key");
        assert_eq!(error, "line 1: a mapping key must be a scalar");
    }

    #[test]
    fn depth_and_alias_expansion_are_bounded() {
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        let error = convert(&deep).expect_err("too deep");
        assert!(error.ends_with("nested deeper than 64 levels"), "{error}");
        let ok = format!("{}{}", "[".repeat(60), "]".repeat(60));
        assert!(convert(&ok).is_ok());

        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (name, previous) in ["b", "c", "d", "e", "f", "g"].iter().zip(["a", "b", "c", "d", "e", "f"]) {
            bomb.push_str(&format!("{name}: &{name} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"));
        }
        let error = convert(&bomb).expect_err("too many values");
        assert!(error.ends_with("more than 100000 values"), "{error}");
    }

    #[test]
    fn files_are_found_in_parents_and_loaded_with_problems() {
        let dir = tempfile::tempdir().expect("temp dir");
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).expect("create folders");
        assert_eq!(find_config_file(&nested), None);
        let file = dir.path().join("a").join(CONFIG_FILE_NAME);
        std::fs::write(&file, "rules: {yaml-syntax: off, nope: error}\nmaxFileSize: 10\n").expect("write");
        let found = find_config_file(&nested).expect("found in a parent");
        assert_eq!(std::fs::canonicalize(&found).ok(), std::fs::canonicalize(&file).ok());

        let value = read_config_file(&file).expect("read");
        let mut config = Config::default();
        assert_eq!(config.apply(&value, &["yaml-syntax"]), ["unknown rule `nope` in `rules`"]);
        assert_eq!(config.max_file_size, 10);
        assert_eq!(config.rules.get("yaml-syntax"), Some(&crate::config::Level::Off));

        let error = read_config_file(&dir.path().join("missing.yaml")).expect_err("missing");
        assert!(error.downcast_ref::<std::io::Error>().is_some());
        assert!(format!("{error:#}").starts_with("cannot read `"), "{error:#}");

        std::fs::write(&file, "rules: [\n").expect("write");
        let error = read_config_file(&file).expect_err("invalid");
        assert!(format!("{error:#}").starts_with(&format!("`{}` line ", file.display())), "{error:#}");
    }
}
