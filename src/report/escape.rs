//! Escaping of untrusted vault text for the text formats (terminal escapes are already gone:
//! [`crate::sanitize`] runs when the report is built).

/// A CSV cell starting with `=`, `+`, `-`, `@`, tab or CR would run as a formula when the CSV is
/// opened in a spreadsheet, so it gets a leading apostrophe (OWASP advice).
pub fn csv_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// Markdown text for a table cell: [`markdown_text`], and pipes, which would end the cell.
pub fn markdown_cell(s: &str) -> String {
    markdown_text(s).replace('|', "\\|")
}

/// Escapes Markdown and HTML metacharacters.
pub fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untrusted_text_is_defused() {
        type Escape = fn(&str) -> String;
        let cases: [(Escape, &str, &str); 4] = [
            (csv_cell, "=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            (csv_cell, "Mercari", "Mercari"),
            (markdown_cell, "a|b", "a\\|b"),
            (markdown_text, "[x](http://evil)", "\\[x\\](http://evil)"),
        ];
        for (escape, input, expected) in cases {
            assert_eq!(escape(input), expected);
        }
    }
}
