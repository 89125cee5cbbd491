//! Minimal URL handling for vault URLs, which are often not valid URLs at all
//! (`example.com`, `androidapp://...`, `htts:/broken`).

/// The lower-cased host of a vault URL, if one can be found: scheme optional, userinfo, port,
/// path and query dropped.
pub fn host(url: &str) -> Option<String> {
    let rest = url.trim();
    let rest = match rest.find("://") {
        Some(i) => &rest[i + 3..],
        None => rest,
    };
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        authority.split(':').next()?
    };
    let host = host.trim_end_matches('.').to_lowercase();
    if host.is_empty() || host.contains(char::is_whitespace) {
        None
    } else {
        Some(host)
    }
}

#[cfg(test)]
mod tests {
    use super::host;

    #[test]
    fn hosts() {
        assert_eq!(
            host("https://www.Mercari.com/jp/login?x=1").as_deref(),
            Some("www.mercari.com")
        );
        assert_eq!(host("example.com").as_deref(), Some("example.com"));
        assert_eq!(host("http://user:pw@host:8080/").as_deref(), Some("host"));
        assert_eq!(host("http://[::1]:80/").as_deref(), Some("::1"));
        assert_eq!(host("").as_deref(), None);
    }
}
