//! Vault titles, usernames and URLs are untrusted: strip terminal control sequences before
//! they reach a terminal or a report.

/// Removes ESC-introduced sequences and other control characters (tabs and newlines become
/// spaces), so a crafted title cannot move the cursor, retitle the window or hide a row.
pub fn sanitize(text: &str) -> String {
    // Nearly every title, URL and reason is printable ASCII: nothing to strip.
    if text.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 CSI / OSC / DCS introducers and the rest of the C1 range.
            '\u{80}'..='\u{9f}' => {}
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            // Bidi overrides can reorder what is shown (Trojan Source).
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
            c => out.push(c),
        }
    }
    out
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        // CSI: parameters and intermediates, then one final byte in @..~
        Some('[') => {
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        }
        // OSC, DCS, SOS, PM, APC: up to BEL or ST (ESC \)
        Some(']' | 'P' | 'X' | '^' | '_') => {
            while let Some(c) = chars.next() {
                if c == '\u{7}' {
                    break;
                }
                if c == '\u{1b}' {
                    if chars.peek() == Some(&'\\') {
                        chars.next();
                    }
                    break;
                }
            }
        }
        // Two-character sequences (ESC c, ESC 7, ...): drop the second character too.
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn strips_csi_osc_and_controls() {
        for (raw, clean) in [
            ("a\u{1b}[31mred\u{1b}[0m", "ared"),
            ("x\u{1b}]0;title\u{7}y", "xy"),
            (
                "x\u{1b}]8;;http://e\u{1b}\\link\u{1b}]8;;\u{1b}\\y",
                "xlinky",
            ),
            ("tab\there\r\n", "tab here  "),
            ("bell\u{7}\u{9b}2J", "bell2J"),
            ("plain ünïcode 秘密", "plain ünïcode 秘密"),
            ("printable ASCII ~!", "printable ASCII ~!"),
            ("del\u{7f}x", "delx"),
        ] {
            assert_eq!(sanitize(raw), clean, "{raw:?}");
        }
    }
}
