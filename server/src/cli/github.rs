//! `--format github`: GitHub Actions workflow commands, one per finding, which
//! GitHub shows as annotations on the pull request:
//! `::error file=F,line=L,col=C,endLine=EL,endColumn=EC,title=kube-lsp CODE::MESSAGE`.

use std::io::Write;

use crate::config::Level;

use super::report::Report;

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> anyhow::Result<()> {
    for entry in &report.entries {
        let command = match entry.finding.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Information | Level::Hint | Level::Off => "notice",
        };
        let location = &entry.location;
        let path = location.path.strip_prefix("./").unwrap_or(&location.path);
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(path),
            location.start.line,
            location.start.column,
            location.end.line,
            location.end.column,
            escape_property(&format!("kube-lsp {}", entry.finding.code.as_str())),
            escape_data(&entry.finding.message),
        )?;
    }
    Ok(())
}

/// The message part of a workflow command (GitHub's `escapeData`).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A `key=value` property of a workflow command (GitHub's `escapeProperty`).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_and_line_breaks() {
        assert_eq!(escape_data("100% done\r\nnext: a,b"), "100%25 done%0D%0Anext: a,b");
        assert_eq!(escape_data("%0A"), "%250A", "an escape sequence in the input is not decoded later");
    }

    #[test]
    fn properties_also_escape_colons_and_commas() {
        assert_eq!(escape_property("C:\\a,b%\n.yaml"), "C%3A\\a%2Cb%25%0A.yaml");
        assert_eq!(escape_property("kube-lsp service-not-headless"), "kube-lsp service-not-headless");
    }
}
