//! Any bytes as a YAML file: split into documents, each parsed into a span
//! tree and read into Kubernetes objects. Nothing may panic, and every range
//! must lie in its text, on char boundaries.

#![no_main]

use kube_lsp::api::syntax::{self, TextRange};
use kube_lsp::api::{loader, model};
use libfuzzer_sys::fuzz_target;

fn in_text(text: &str, range: TextRange) -> bool {
    range.start <= range.end
        && range.end <= text.len()
        && text.is_char_boundary(range.start)
        && text.is_char_boundary(range.end)
}

fuzz_target!(|bytes: &[u8]| {
    // The loader's way in: size, binary and UTF-8 checks.
    let config = kube_lsp::api::config::Config::default();
    let _ = loader::load_bytes("/fuzz/input.yaml".into(), bytes.to_vec(), &config);
    let text = String::from_utf8_lossy(bytes);
    for range in syntax::split_documents(&text) {
        assert!(in_text(&text, range), "document {range:?}");
        let document_text = &text[range.as_range()];
        let document = syntax::parse_document(document_text);
        for node in &document.nodes {
            assert!(in_text(document_text, node.range()), "node {node:?}");
        }
        for error in &document.errors {
            assert!(in_text(document_text, error.range), "error {error:?}");
        }
        for comment in &document.comments {
            assert!(in_text(document_text, comment.range), "comment {comment:?}");
        }
        for object in model::objects_of_document(&document, document_text) {
            assert!(in_text(document_text, object.range), "object {object:?}");
            for address in &object.addresses {
                assert!(in_text(document_text, address.range), "address {address:?}");
            }
        }
        let _ = model::kustomization_of_document(&document);
    }
});
