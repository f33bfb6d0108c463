//! Conversions between the server's values (byte offsets, `FileId`s, paths,
//! findings) and the protocol's (positions in the negotiated encoding, URIs,
//! diagnostics).
//!
//! Only this file and its callers in `lsp` know LSP positions; it knows
//! nothing of how the values were computed.

use std::cell::Cell;
use std::path::PathBuf;

use lsp_types::{
    ClientCapabilities, CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Position, PositionEncodingKind, Range, SymbolKind, Url,
};

use crate::config::Level;
use crate::ide::Finding;
use crate::text::{LineCol, LineIndex, PositionEncoding, TextRange};
use crate::workspace::SourceFile;

pub(crate) const SOURCE: &str = "kube-lsp";

/// UTF-8 when the client offers it, else UTF-16, which every client must
/// support.
pub(crate) fn negotiate_encoding(capabilities: &ClientCapabilities) -> PositionEncoding {
    let offered = capabilities.general.as_ref().and_then(|general| general.position_encodings.as_ref());
    match offered {
        Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => PositionEncoding::Utf8,
        _ => PositionEncoding::Utf16,
    }
}

pub(crate) fn encoding_kind(encoding: PositionEncoding) -> PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

/// The path a URI stands for: the file path of a `file:` URI, else a
/// synthetic path made of the URI itself (`untitled:Untitled-1`), so that
/// every document has a key. `Documents` keeps the way back.
pub(crate) fn uri_to_path(uri: &Url) -> PathBuf {
    if uri.scheme() == "file" {
        if let Ok(path) = uri.to_file_path() {
            return path;
        }
    }
    PathBuf::from(uri.as_str())
}

/// Positions of one file's text in the client's terms.
///
/// `bom` is set for an open buffer whose text, as the client sent it, starts
/// with a byte order mark: the server's text has it stripped, but the
/// client's columns on the first line count it.
#[derive(Clone)]
pub(crate) struct LineMap<'a> {
    text: &'a str,
    line_index: &'a LineIndex,
    encoding: PositionEncoding,
    bom_columns: u32,
    /// The last offset converted on a long line, and its position: the next
    /// one on that line is counted from there when that is nearer than the
    /// line's start. Findings come sorted, so converting the thousands of
    /// them a minified one-line file can hold stays linear, not quadratic.
    last_on_long_line: Cell<Option<(usize, LineCol)>>,
    /// The line of the last offset converted: the next line is searched
    /// from there (`LineIndex::line_of_near`).
    last_line: Cell<u32>,
}

/// Lines at least this long (in bytes) have their columns counted from the
/// last position converted on them, where that is nearer.
const LONG_LINE: usize = 4096;

impl<'a> LineMap<'a> {
    pub(crate) fn new(text: &'a str, line_index: &'a LineIndex, encoding: PositionEncoding, bom: bool) -> LineMap<'a> {
        let bom_columns = match (bom, encoding) {
            (false, _) => 0,
            (true, PositionEncoding::Utf8) => '\u{FEFF}'.len_utf8() as u32,
            (true, PositionEncoding::Utf16 | PositionEncoding::Utf32) => 1,
        };
        LineMap { text, line_index, encoding, bom_columns, last_on_long_line: Cell::new(None), last_line: Cell::new(0) }
    }

    pub(crate) fn of_file(file: &'a SourceFile, encoding: PositionEncoding, bom: bool) -> LineMap<'a> {
        LineMap::new(&file.text, file.line_index(), encoding, bom)
    }

    pub(crate) fn offset(&self, position: Position) -> usize {
        let col =
            if position.line == 0 { position.character.saturating_sub(self.bom_columns) } else { position.character };
        self.line_index.offset(self.text, LineCol { line: position.line, col }, self.encoding)
    }

    pub(crate) fn position(&self, offset: usize) -> Position {
        let LineCol { line, col } = self.line_col(offset);
        let col = if line == 0 { col.saturating_add(self.bom_columns) } else { col };
        Position { line, character: col }
    }

    /// `LineIndex::position`, counting on a long line from the last offset
    /// converted there when that is nearer than the line's start.
    fn line_col(&self, offset: usize) -> LineCol {
        let line = self.line_of(offset);
        let content = match self.line_index.line_range(self.text, line) {
            Some(content) if content.len() >= LONG_LINE && self.encoding != PositionEncoding::Utf8 => content,
            _ => return self.line_index.position_on_line(self.text, offset, line, self.encoding),
        };
        // As `LineIndex::position`: on the line's content, on a char boundary.
        let mut offset = offset.clamp(content.start, content.end);
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let (from, from_col) = match self.last_on_long_line.get() {
            Some((last, position)) if position.line == line && last.abs_diff(offset) < offset - content.start => {
                (last, position.col as usize)
            }
            _ => (content.start, 0),
        };
        let units = |start: usize, end: usize| -> usize {
            let chars = self.text.get(start..end).unwrap_or("").chars();
            match self.encoding {
                PositionEncoding::Utf16 => chars.map(char::len_utf16).sum(),
                PositionEncoding::Utf32 | PositionEncoding::Utf8 => chars.count(),
            }
        };
        let col =
            if from <= offset { from_col + units(from, offset) } else { from_col.saturating_sub(units(offset, from)) };
        let position = LineCol { line, col: u32::try_from(col).unwrap_or(u32::MAX) };
        self.last_on_long_line.set(Some((offset, position)));
        position
    }

    /// The line of `offset`, searched from the last line converted.
    pub(crate) fn line_of(&self, offset: usize) -> u32 {
        let line = self.line_index.line_of_near(offset, self.last_line.get());
        self.last_line.set(line);
        line
    }

    pub(crate) fn line_start(&self, line: u32) -> Option<usize> {
        self.line_index.line_start(line)
    }

    pub(crate) fn range(&self, range: TextRange) -> Range {
        Range { start: self.position(range.start), end: self.position(range.end) }
    }

    /// A client range as a byte range; a reversed range is put in order
    /// rather than refused.
    pub(crate) fn text_range(&self, range: Range) -> TextRange {
        let start = self.offset(range.start);
        let end = self.offset(range.end);
        TextRange::new(start.min(end), start.max(end))
    }
}

pub(crate) fn severity(level: Level) -> DiagnosticSeverity {
    match level {
        Level::Error => DiagnosticSeverity::ERROR,
        Level::Warning => DiagnosticSeverity::WARNING,
        Level::Information => DiagnosticSeverity::INFORMATION,
        // `Off` findings are dropped by `checks`; a hint is the mildest
        // thing to show should one ever come through.
        Level::Hint | Level::Off => DiagnosticSeverity::HINT,
    }
}

/// A finding as a diagnostic. `locate` turns a related place (in any file)
/// into a location, or `None` when that file is gone.
pub(crate) fn diagnostic(
    finding: &Finding,
    line_map: &LineMap<'_>,
    locate: impl Fn(&crate::ide::Related) -> Option<Location>,
) -> Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .filter_map(|related| {
            Some(DiagnosticRelatedInformation { location: locate(related)?, message: related.message.clone() })
        })
        .collect();
    Diagnostic {
        range: line_map.range(finding.range),
        severity: Some(severity(finding.level)),
        code: Some(NumberOrString::String(finding.code.as_str().to_owned())),
        code_description: Url::parse(&finding.code.url()).ok().map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_owned()),
        message: finding.message.clone(),
        related_information: if related.is_empty() { None } else { Some(related) },
        tags: None,
        data: None,
    }
}

/// An icon for a Kubernetes kind: the two kinds kube-lsp is about stand out.
pub(crate) fn symbol_kind(kind: &str) -> SymbolKind {
    match kind {
        "StatefulSet" => SymbolKind::CLASS,
        "Service" => SymbolKind::INTERFACE,
        "Namespace" => SymbolKind::NAMESPACE,
        "ConfigMap" | "Secret" => SymbolKind::CONSTANT,
        "Kustomization" => SymbolKind::PACKAGE,
        _ => SymbolKind::STRUCT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip_on_non_ascii_lines() {
        let text = "a: é😀\nb: 中x\n";
        let index = LineIndex::new(text);
        let offset_of_x = text.find('x').unwrap_or(0);
        let utf16 = LineMap::new(text, &index, PositionEncoding::Utf16, false);
        assert_eq!(utf16.position(offset_of_x), Position { line: 1, character: 4 });
        assert_eq!(utf16.offset(Position { line: 1, character: 4 }), offset_of_x);
        let utf8 = LineMap::new(text, &index, PositionEncoding::Utf8, false);
        assert_eq!(utf8.position(offset_of_x), Position { line: 1, character: 6 });
        assert_eq!(utf8.offset(Position { line: 1, character: 6 }), offset_of_x);
    }

    #[test]
    fn positions_on_a_long_line_in_any_order_match_the_line_index() {
        let line: String = (0..3000).map(|index| ["a", "é", "中", "😀", " "][index % 5]).collect();
        let text = format!("x\r\n{line}\r\n{line}\ny");
        let index = LineIndex::new(&text);
        // Forward, backward, inside chars and line breaks, past the end.
        let mut offsets: Vec<usize> = (0..text.len() + 3).step_by(7).collect();
        offsets.extend((0..text.len()).rev().step_by(13));
        offsets.extend([text.len() / 2, 4, text.len() / 3, text.len(), 3, 3 + line.len() + 1]);
        for encoding in [PositionEncoding::Utf16, PositionEncoding::Utf32, PositionEncoding::Utf8] {
            let map = LineMap::new(&text, &index, encoding, false);
            for &offset in &offsets {
                let expected = index.position(&text, offset, encoding);
                assert_eq!(map.line_col(offset), expected, "offset {offset} in {encoding:?}");
            }
        }
    }

    #[test]
    fn a_stripped_bom_still_counts_on_the_first_line() {
        let text = "a: 1\nb: 2\n";
        let index = LineIndex::new(text);
        let map = LineMap::new(text, &index, PositionEncoding::Utf16, true);
        assert_eq!(map.position(1), Position { line: 0, character: 2 });
        assert_eq!(map.offset(Position { line: 0, character: 2 }), 1);
        assert_eq!(map.offset(Position { line: 0, character: 0 }), 0);
        assert_eq!(map.position(6), Position { line: 1, character: 1 });
        let utf8 = LineMap::new(text, &index, PositionEncoding::Utf8, true);
        assert_eq!(utf8.position(1), Position { line: 0, character: 4 });
    }

    #[test]
    fn reversed_ranges_are_put_in_order() {
        let text = "abc";
        let index = LineIndex::new(text);
        let map = LineMap::new(text, &index, PositionEncoding::Utf16, false);
        let range = Range { start: Position { line: 0, character: 3 }, end: Position { line: 0, character: 1 } };
        assert_eq!(map.text_range(range), TextRange::new(1, 3));
    }

    #[test]
    fn non_file_uris_keep_their_text_as_a_path() {
        let uri = Url::parse("untitled:Untitled-1").expect("valid URI");
        assert_eq!(uri_to_path(&uri), PathBuf::from("untitled:Untitled-1"));
        let uri = Url::parse("file:///tmp/a%20b.yaml").expect("valid URI");
        assert_eq!(uri_to_path(&uri), PathBuf::from("/tmp/a b.yaml"));
    }
}
