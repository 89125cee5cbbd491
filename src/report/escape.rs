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

/// A Markdown link `[label](url)` to an `http(s)` URL, or the escaped label alone when
/// `url` is not one. Characters that would end the link, the table cell or start markup are
/// percent-encoded (the URL means the same).
pub fn markdown_link(label: &str, url: &str) -> String {
    let Ok(parsed) = url::Url::parse(url) else {
        return markdown_text(label);
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return markdown_text(label);
    }
    let mut target = String::with_capacity(parsed.as_str().len());
    for c in parsed.as_str().chars() {
        match c {
            '(' | ')' | '[' | ']' | '<' | '>' | '|' | '\\' | '`' | '*' | '_' | '!' | ' ' => {
                target.push_str(&format!("%{:02X}", u32::from(c)));
            }
            c => target.push(c),
        }
    }
    format!("[{}]({target})", markdown_text(label))
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

    #[test]
    fn links_cannot_break_out() {
        assert_eq!(
            markdown_link("change", "https://a.example/x)|[y](z"),
            "[change](https://a.example/x%29%7C%5By%5D%28z)"
        );
        assert_eq!(markdown_link("change", "javascript:alert(1)"), "change");
        assert_eq!(markdown_link("a_b", "not a url"), "a\\_b");
    }
}
