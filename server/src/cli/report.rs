//! Findings resolved for printing: each with its file's path as given, and
//! 1-based line:column positions (columns count Unicode scalar values).
//! Every output format renders this one list, so they cannot disagree.

use crate::ide::Finding;
use crate::syntax::TextRange;
use crate::text::line_col_chars;
use crate::workspace::{Snapshot, SourceFile};

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// A place in a file, resolved for printing.
#[derive(Clone, Debug)]
pub struct Location<'a> {
    pub file: &'a SourceFile,
    /// The path as given on the command line joined with the path below it.
    pub path: String,
    pub range: TextRange,
    pub start: Position,
    /// The position just after the range's last character.
    pub end: Position,
}

impl<'a> Location<'a> {
    fn new(file: &'a SourceFile, range: TextRange) -> Location<'a> {
        let position = |offset| {
            let (line, column) = line_col_chars(file.line_index(), &file.text, offset);
            Position { line, column }
        };
        Location {
            file,
            path: file.path.display().to_string(),
            range,
            start: position(range.start),
            end: position(range.end),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Entry<'a> {
    pub finding: &'a Finding,
    pub location: Location<'a>,
    pub related: Vec<(Location<'a>, &'a str)>,
}

/// The findings of a run in print order: by file, line and column.
#[derive(Clone, Debug)]
pub struct Report<'a> {
    pub entries: Vec<Entry<'a>>,
    /// Files read and analysed (skipped ones are not counted).
    pub checked_files: usize,
}

impl<'a> Report<'a> {
    pub fn new(snapshot: &'a Snapshot, findings: &'a [Finding], checked_files: usize) -> Report<'a> {
        let mut entries: Vec<Entry<'a>> = findings
            .iter()
            .filter_map(|finding| {
                let file = snapshot.file(finding.file)?;
                let related = finding
                    .related
                    .iter()
                    .filter_map(|related| {
                        let file = snapshot.file(related.file)?;
                        Some((Location::new(file, related.range), related.message.as_str()))
                    })
                    .collect();
                Some(Entry { finding, location: Location::new(file, finding.range), related })
            })
            .collect();
        entries.sort_by(|a, b| {
            (&a.location.path, a.location.start, a.location.end, a.finding.code.as_str()).cmp(&(
                &b.location.path,
                b.location.start,
                b.location.end,
                b.finding.code.as_str(),
            ))
        });
        Report { entries, checked_files }
    }
}
