//! A file's text as read from disk: UTF-8 decoding, the byte order mark and
//! the dominant line ending. Knows nothing of YAML or of where bytes come from.

/// A line break to write when generating text, chosen to match the file's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineEnding {
    Lf,
    CrLf,
}

impl LineEnding {
    pub fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::CrLf => "\r\n",
        }
    }
}

/// The file's dominant line ending: `CrLf` if its first line break is
/// `"\r\n"`, `Lf` otherwise, and for text without breaks. A lone `"\r"` is
/// read as a break but never written, since no current editor defaults to it.
pub fn detect_line_ending(text: &str) -> LineEnding {
    let bytes = text.as_bytes();
    match bytes.iter().position(|&byte| byte == b'\n' || byte == b'\r') {
        Some(index) if bytes.get(index..index + 2) == Some(b"\r\n") => LineEnding::CrLf,
        _ => LineEnding::Lf,
    }
}

const BOM: char = '\u{FEFF}';

/// Removes a leading UTF-8 byte order mark (U+FEFF); returns whether one was
/// there. Every byte offset in the server is into the text without it.
pub fn strip_bom(text: &mut String) -> bool {
    let had_bom = text.starts_with(BOM);
    if had_bom {
        text.drain(..BOM.len_utf8());
    }
    had_bom
}

/// Decodes bytes read from disk, stripping a byte order mark. Invalid UTF-8
/// gives `None`, and the caller skips the file rather than guessing.
pub fn decode(bytes: Vec<u8>) -> Option<String> {
    let mut text = String::from_utf8(bytes).ok()?;
    strip_bom(&mut text);
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ending_follows_the_first_break() {
        assert_eq!(detect_line_ending(""), LineEnding::Lf);
        assert_eq!(detect_line_ending("a"), LineEnding::Lf);
        assert_eq!(detect_line_ending("a\nb\r\n"), LineEnding::Lf);
        assert_eq!(detect_line_ending("a\r\nb\n"), LineEnding::CrLf);
        assert_eq!(detect_line_ending("a\rb\r\n"), LineEnding::Lf);
        assert_eq!(detect_line_ending("a\r"), LineEnding::Lf);
        assert_eq!(LineEnding::Lf.as_str(), "\n");
        assert_eq!(LineEnding::CrLf.as_str(), "\r\n");
    }

    #[test]
    fn bom_is_stripped_once() {
        let mut text = String::from("\u{FEFF}\u{FEFF}a");
        assert!(strip_bom(&mut text));
        assert_eq!(text, "\u{FEFF}a");
        let mut text = String::from("a\u{FEFF}");
        assert!(!strip_bom(&mut text));
        assert_eq!(text, "a\u{FEFF}");
        let mut text = String::new();
        assert!(!strip_bom(&mut text));
    }

    #[test]
    fn decode_strips_bom_and_rejects_invalid_utf8() {
        assert_eq!(decode(b"\xEF\xBB\xBFkind: Service\r\n".to_vec()).as_deref(), Some("kind: Service\r\n"));
        assert_eq!(decode(b"kind: Service".to_vec()).as_deref(), Some("kind: Service"));
        assert_eq!(decode(Vec::new()).as_deref(), Some(""));
        assert_eq!(decode(b"\xEF\xBB".to_vec()), None);
        assert_eq!(decode(b"a: \xFF".to_vec()), None);
        // UTF-16 with its BOM is not UTF-8: skipped rather than misread.
        assert_eq!(decode(b"\xFF\xFEa\x00".to_vec()), None);
    }
}
