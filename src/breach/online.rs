//! The Pwned Passwords range API, by k-anonymity.
//!
//! Only the 5-hex prefix of a SHA-1 leaves the machine: `GET {base}/range/{PREFIX}` with
//! `Add-Padding: true`, one request per unique prefix, over one pooled client (keep-alive,
//! HTTP/2 by ALPN, gzip and brotli) with bounded concurrency. Failures are retried with
//! exponential backoff and jitter (429 honouring `Retry-After` in seconds or as an HTTP date,
//! 5xx, timeouts, resets, truncated or malformed bodies) within a bounded total time; a prefix
//! that still fails leaves its hashes [`Verdict::Unchecked`](super::Verdict::Unchecked) with a
//! one-line reason that names the cause and the way out. The same cause gives the same text, so a
//! report can group them.
//!
//! The client does not trust what it cannot check:
//! - TLS is verified against the operating system's trust store (`rustls-platform-verifier`, as
//!   cargo and rustup do), with the bundled Mozilla roots where the system has none; `--ca-file`
//!   adds an internal CA. There is no switch that turns verification off.
//! - No redirect is followed and no `Referer` is sent: a redirect is a failed request.
//! - A body that cannot be a real range (padding only, far too short, lines for another
//!   prefix, an HTML page) is a failure, never "not breached".
//! - When the source is down (DNS, refused connections, TLS or proxy failures several times in a
//!   row, or once for the deterministic ones), the remaining prefixes are not tried: they are
//!   unchecked with that cause at once.
//!
//! Proxies: `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` / `NO_PROXY` (upper or lower case) as
//! reqwest reads them, or `--proxy URL`. Proxy credentials are never part of a message.
//!
//! ```no_run
//! use credaudit::breach::{BreachSource, NoProgress, Sha1Hash};
//! use credaudit::breach::online::{OnlineConfig, OnlineSource};
//! let source = OnlineSource::online(OnlineConfig::default())?;
//! let verdicts = source.lookup(&[Sha1Hash([0; 20])], &NoProgress);
//! # Ok::<(), credaudit::breach::online::OnlineError>(())
//! ```

use super::Prefix;
use super::range::{
    FetchResult, RangeBody, RangeFetcher, RangeSource, foreign_rows, implausibility,
};
use futures::StreamExt;
use rand::Rng;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// The public Pwned Passwords API.
pub const DEFAULT_BASE_URL: &str = "https://api.pwnedpasswords.com";

/// The `User-Agent` sent with every request.
pub const USER_AGENT: &str = concat!("credaudit/", env!("CARGO_PKG_VERSION"));

/// Settings of the range client.
#[derive(Clone, Debug)]
pub struct OnlineConfig {
    /// Base URL without `/range` (`--hibp-url`), e.g. an internal mirror or a test server.
    pub base_url: String,
    /// Requests in flight at once (`--concurrency`).
    pub concurrency: usize,
    /// Limit for one attempt (connect, headers and body).
    pub request_timeout: Duration,
    /// Limit for establishing a connection (TCP, proxy tunnel and TLS handshake).
    pub connect_timeout: Duration,
    /// Limit for the whole lookup; prefixes not answered by then are unchecked.
    pub total_timeout: Duration,
    /// Retries after the first attempt of a prefix.
    pub max_retries: u32,
    /// First backoff delay; doubles on each retry, with jitter.
    pub backoff_base: Duration,
    /// Largest backoff delay. A `Retry-After` is honoured as sent, unless it would pass the
    /// total time limit (then the prefix is unchecked at once).
    pub backoff_max: Duration,
    /// PEM file of extra trusted CA certificates (`--ca-file`), e.g. for an internal mirror.
    pub ca_file: Option<PathBuf>,
    /// Proxy for every request (`--proxy`); without it the `*_PROXY` variables apply.
    pub proxy: Option<String>,
    /// Consecutive connection-level failures (DNS, refused, timed-out connects) after which the
    /// source counts as down and the remaining prefixes are not tried.
    pub down_after: u32,
}

impl Default for OnlineConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            concurrency: 8,
            request_timeout: Duration::from_secs(15),
            connect_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(600),
            max_retries: 4,
            backoff_base: Duration::from_millis(250),
            backoff_max: Duration::from_secs(30),
            ca_file: None,
            proxy: None,
            down_after: 3,
        }
    }
}

/// The client could not be set up (bad base URL, CA file, proxy, TLS or runtime failure).
#[derive(Debug, thiserror::Error)]
pub enum OnlineError {
    /// The base URL is not `http://` or `https://`.
    #[error("invalid HIBP base URL {0:?}: expected http:// or https://")]
    BadUrl(String),
    /// The `--ca-file` could not be read or holds no certificate.
    #[error("--ca-file {path}: {reason}")]
    CaFile {
        /// The file as given.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The proxy URL is not usable (shown without credentials).
    #[error("invalid proxy URL {0:?}: expected http://[user:password@]host:port")]
    BadProxy(String),
    /// Building the HTTP client failed.
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
    /// Building the async runtime failed.
    #[error("cannot start the I/O runtime: {0}")]
    Runtime(String),
}

/// Where the certificates the client trusts come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrustRoots {
    /// The operating system's trust store (plus any `--ca-file`).
    System,
    /// The bundled Mozilla roots, because the system has none (plus any `--ca-file`).
    Bundled,
}

/// The range API client: a [`RangeFetcher`].
pub struct OnlineFetcher {
    config: OnlineConfig,
    base: String,
    target: Target,
    trust: TrustRoots,
    client: reqwest::Client,
    runtime: tokio::runtime::Runtime,
}

/// The range API as a [`BreachSource`](super::BreachSource) (no cache).
pub type OnlineSource = RangeSource<OnlineFetcher>;

impl OnlineSource {
    /// An uncached range-API source.
    pub fn online(config: OnlineConfig) -> Result<Self, OnlineError> {
        Ok(RangeSource::new(OnlineFetcher::new(config)?))
    }
}

/// The server and the proxy in the way, for naming them in reasons.
#[derive(Clone, Debug)]
struct Target {
    /// `host` of the base URL.
    host: String,
    /// `host:port` of the base URL.
    host_port: String,
    /// `host:port` of the proxy the requests go through, if any (never its credentials).
    proxy: Option<String>,
    /// Whether the proxy came from `--proxy` (else from the environment).
    proxy_from_flag: bool,
    https: bool,
}

impl OnlineFetcher {
    /// Builds the client. No request is made.
    pub fn new(mut config: OnlineConfig) -> Result<Self, OnlineError> {
        let base = config.base_url.trim_end_matches('/').to_owned();
        let url = reqwest::Url::parse(&base)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
            .ok_or_else(|| OnlineError::BadUrl(redact_credentials(&config.base_url)))?;
        config.concurrency = config.concurrency.max(1);
        config.down_after = config.down_after.max(1);
        let extra_roots = match &config.ca_file {
            Some(path) => load_ca_file(path)?,
            None => Vec::new(),
        };
        let (tls, trust) = tls_config(extra_roots)?;
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(config.connect_timeout)
            .pool_max_idle_per_host(config.concurrency)
            .pool_idle_timeout(Duration::from_secs(60))
            // A redirect is a failed request (it may lead to another host, or to http://), and
            // the prefix URL must not travel on in a Referer.
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .tls_backend_preconfigured(tls);
        let proxy_matcher = match &config.proxy {
            Some(given) => {
                // `host:port` means an HTTP proxy, as curl and the *_PROXY variables read it.
                let proxy = &if given.contains("://") {
                    given.clone()
                } else {
                    format!("http://{given}")
                };
                let bad = || OnlineError::BadProxy(redact_credentials(given));
                let parsed = reqwest::Url::parse(proxy).map_err(|_| bad())?;
                if parsed.host_str().is_none() {
                    return Err(bad());
                }
                let no_proxy = reqwest::NoProxy::from_env();
                builder = builder.proxy(
                    reqwest::Proxy::all(proxy)
                        .map_err(|_| bad())?
                        .no_proxy(no_proxy),
                );
                let no = std::env::var("NO_PROXY")
                    .or_else(|_| std::env::var("no_proxy"))
                    .unwrap_or_default();
                hyper_util::client::proxy::matcher::Matcher::builder()
                    .all(proxy.clone())
                    .no(no)
                    .build()
            }
            None => hyper_util::client::proxy::matcher::Matcher::from_env(),
        };
        let proxy = base
            .parse::<http::Uri>()
            .ok()
            .and_then(|uri| proxy_matcher.intercept(&uri))
            .map(|intercept| authority_without_credentials(intercept.uri()));
        let target = Target {
            host: url.host_str().unwrap_or_default().to_owned(),
            host_port: format!(
                "{}:{}",
                url.host_str().unwrap_or_default(),
                url.port_or_known_default().unwrap_or(443)
            ),
            proxy,
            proxy_from_flag: config.proxy.is_some(),
            https: url.scheme() == "https",
        };
        let client = builder
            .build()
            .map_err(|e| OnlineError::Client(redact_credentials(&e.to_string())))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| OnlineError::Runtime(e.to_string()))?;
        Ok(Self {
            config,
            base,
            target,
            trust,
            client,
            runtime,
        })
    }

    /// The effective configuration.
    pub fn config(&self) -> &OnlineConfig {
        &self.config
    }

    /// Where the trusted certificates come from.
    pub fn trust_roots(&self) -> TrustRoots {
        self.trust
    }

    /// `host:port` of the proxy requests go through, if any (without credentials).
    pub fn proxy(&self) -> Option<&str> {
        self.target.proxy.as_deref()
    }
}

/// Reads every certificate of a PEM file.
fn load_ca_file(
    path: &std::path::Path,
) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, OnlineError> {
    use rustls::pki_types::pem::PemObject;
    let err = |reason: String| OnlineError::CaFile {
        path: path.to_owned(),
        reason,
    };
    let pem = std::fs::read(path).map_err(|e| err(e.to_string()))?;
    let certs = rustls::pki_types::CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| err(format!("not a PEM certificate file ({e})")))?;
    if certs.is_empty() {
        return Err(err(
            "no PEM certificate (BEGIN CERTIFICATE) in the file".to_owned()
        ));
    }
    Ok(certs)
}

/// rustls verifying against the system's trust store (the bundled roots where it has none) plus
/// `extra_roots`, offering HTTP/2 and HTTP/1.1 by ALPN.
fn tls_config(
    extra_roots: Vec<rustls::pki_types::CertificateDer<'static>>,
) -> Result<(rustls::ClientConfig, TrustRoots), OnlineError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| OnlineError::Client(e.to_string()))?;
    // On Linux the platform verifier fails to build when no system certificate loads; that is
    // the "no trust store" case (minimal containers), where the bundled roots take over.
    let system = rustls_platform_verifier::Verifier::new(provider.clone()).is_ok();
    let (mut tls, trust) = if system {
        let verifier = if extra_roots.is_empty() {
            rustls_platform_verifier::Verifier::new(provider)
        } else {
            rustls_platform_verifier::Verifier::new_with_extra_roots(extra_roots, provider)
        }
        .map_err(|e| OnlineError::Client(format!("trust store: {e}")))?;
        (
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verifier))
                .with_no_client_auth(),
            TrustRoots::System,
        )
    } else {
        let mut roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        for cert in extra_roots {
            roots
                .add(cert)
                .map_err(|e| OnlineError::Client(format!("--ca-file: {e}")))?;
        }
        (
            builder.with_root_certificates(roots).with_no_client_auth(),
            TrustRoots::Bundled,
        )
    };
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok((tls, trust))
}

/// A URL with any `user:password@` replaced by `***@`, for messages and `credaudit config`.
/// Text that is not a URL is returned with anything that looks like userinfo masked.
pub fn redact_credentials(text: &str) -> String {
    if let Ok(mut url) = reqwest::Url::parse(text)
        && url.has_host()
    {
        if !url.username().is_empty() || url.password().is_some() {
            let _ = url.set_password(None);
            let _ = url.set_username("***");
            return url.to_string();
        }
        return text.to_owned();
    }
    // Not parseable: mask everything between "://" and the last '@' before the host.
    match (text.find("://"), text.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}***{}", &text[..scheme_end + 3], &text[at..])
        }
        (None, Some(at)) => format!("***{}", &text[at..]),
        _ => text.to_owned(),
    }
}

/// `host:port` of a proxy URI, never its userinfo.
fn authority_without_credentials(uri: &http::Uri) -> String {
    let host = uri.host().unwrap_or("?");
    let port = uri
        .port_u16()
        .unwrap_or(if uri.scheme_str() == Some("https") {
            443
        } else {
            80
        });
    format!("{host}:{port}")
}

/// How the fetch of one run is going: counts connection-level failures in a row across all
/// prefixes and, once the source is down, holds the cause every remaining prefix gets.
struct RunState {
    failures_in_a_row: AtomicU32,
    down: Mutex<Option<String>>,
}

impl RunState {
    fn new() -> Self {
        Self {
            failures_in_a_row: AtomicU32::new(0),
            down: Mutex::new(None),
        }
    }

    fn down_cause(&self) -> Option<String> {
        self.down.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn mark_down(&self, cause: &str) {
        let mut down = self.down.lock().unwrap_or_else(|e| e.into_inner());
        if down.is_none() {
            *down = Some(cause.to_owned());
        }
    }
}

impl RangeFetcher for OnlineFetcher {
    fn fetch_all(&self, prefixes: &[Prefix], done: &mut dyn FnMut(usize, FetchResult)) {
        let deadline = Instant::now() + self.config.total_timeout;
        let tokio_deadline = tokio::time::Instant::now() + self.config.total_timeout;
        let run = RunState::new();
        self.runtime.block_on(async {
            let run = &run;
            let mut results = futures::stream::iter(prefixes.iter().copied().enumerate())
                .map(|(i, prefix)| async move {
                    (
                        i,
                        self.fetch_one(prefix, run, deadline, tokio_deadline).await,
                    )
                })
                .buffer_unordered(self.config.concurrency);
            while let Some((i, result)) = results.next().await {
                done(i, result);
            }
        });
    }
}

/// What one attempt produced.
enum Attempt {
    Done(RangeBody),
    /// Worth retrying; `Some(delay)` when the server asked for one (`Retry-After`).
    Retry(String, Option<Duration>),
    /// Could not reach the source (DNS, refused, connect timeout): retried, and several in a
    /// row mean the source is down.
    Unreachable(String),
    /// The way to the source is blocked in a way retrying cannot fix (certificate, proxy,
    /// captive portal, redirect): the source is down at once.
    Blocked(String),
    /// Not worth retrying, but says nothing about other prefixes.
    Fatal(String),
}

impl OnlineFetcher {
    async fn fetch_one(
        &self,
        prefix: Prefix,
        run: &RunState,
        deadline: Instant,
        tokio_deadline: tokio::time::Instant,
    ) -> FetchResult {
        let url = format!("{}/range/{prefix}", self.base);
        let attempts = self.config.max_retries.saturating_add(1);
        let mut last = String::from("not attempted");
        let over_time = |last: &str| {
            format!(
                "not completed within the total time limit ({}s); last error: {last}",
                self.config.total_timeout.as_secs()
            )
        };
        for attempt in 0..attempts {
            if let Some(cause) = run.down_cause() {
                return Err(cause);
            }
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(over_time(&last));
            }
            let limit = self.config.request_timeout.min(remaining);
            let outcome = match tokio::time::timeout(limit, self.attempt(&url, prefix)).await {
                Ok(outcome) => outcome,
                Err(_) => Attempt::Retry(
                    format!("request timed out after {} ms", limit.as_millis()),
                    None,
                ),
            };
            let retry_after = match outcome {
                Attempt::Done(body) => {
                    run.failures_in_a_row.store(0, Ordering::SeqCst);
                    return Ok(body);
                }
                Attempt::Fatal(reason) => return Err(reason),
                Attempt::Blocked(reason) => {
                    run.mark_down(&reason);
                    return Err(reason);
                }
                Attempt::Unreachable(reason) => {
                    let in_a_row = run.failures_in_a_row.fetch_add(1, Ordering::SeqCst) + 1;
                    if in_a_row >= self.config.down_after {
                        run.mark_down(&reason);
                        return Err(reason);
                    }
                    last = reason;
                    None
                }
                Attempt::Retry(reason, retry_after) => {
                    last = reason;
                    retry_after
                }
            };
            if attempt + 1 == attempts {
                break;
            }
            let delay = match retry_after {
                Some(asked) => asked.max(self.backoff(0)),
                None => self.backoff(attempt),
            };
            if Instant::now() + delay >= deadline {
                return Err(over_time(&last));
            }
            tokio::time::sleep_until((tokio::time::Instant::now() + delay).min(tokio_deadline))
                .await;
        }
        Err(run
            .down_cause()
            .unwrap_or_else(|| format!("{last} (gave up after {attempts} attempts)")))
    }

    /// Exponential backoff with jitter: a random delay in [d/2, d], d = base * 2^attempt.
    fn backoff(&self, attempt: u32) -> Duration {
        let full = self
            .config
            .backoff_base
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.config.backoff_max);
        let half = full / 2;
        let jitter_ms = u64::try_from(half.as_millis()).unwrap_or(u64::MAX);
        let extra = if jitter_ms == 0 {
            0
        } else {
            rand::rng().random_range(0..=jitter_ms)
        };
        half + Duration::from_millis(extra)
    }

    async fn attempt(&self, url: &str, prefix: Prefix) -> Attempt {
        let response = match self
            .client
            .get(url)
            .header("Add-Padding", "true")
            .send()
            .await
        {
            Ok(r) => r,
            Err(e) => return self.transport_failure(&e, e.is_connect(), e.is_timeout()),
        };
        let status = response.status();
        if status.is_redirection() {
            let to = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|l| reqwest::Url::parse(url).ok()?.join(l).ok())
                .and_then(|u| u.host_str().map(str::to_owned));
            return Attempt::Blocked(match to {
                Some(host) if host != self.target.host => format!(
                    "redirected to {host} instead of answering (captive portal? log in to the network, or use --hibp-file)"
                ),
                _ => format!(
                    "{} answered with a redirect (HTTP {}), not range data: check --hibp-url",
                    self.target.host,
                    status.as_u16()
                ),
            });
        }
        let is_html = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().contains("html"));
        if !status.is_success() {
            let code = status.as_u16();
            return match code {
                429 => Attempt::Retry(
                    "rate limited by the server (HTTP 429)".to_owned(),
                    retry_after(response.headers(), SystemTime::now()),
                ),
                408 | 500..=599 => Attempt::Retry(format!("server error (HTTP {code})"), None),
                400 => Attempt::Fatal(
                    "the server rejected the range request (HTTP 400 bad request): check --hibp-url"
                        .to_owned(),
                ),
                403 => Attempt::Fatal(
                    "access denied by the server (HTTP 403 forbidden): check --hibp-url, proxy or firewall"
                        .to_owned(),
                ),
                404 => Attempt::Fatal(
                    "no range endpoint at this address (HTTP 404): check --hibp-url".to_owned(),
                ),
                407 => Attempt::Blocked(self.proxy_auth_reason()),
                _ => Attempt::Fatal(format!("unexpected HTTP status {code}")),
            };
        }
        let bytes = match response.bytes().await {
            Ok(b) => b,
            Err(e) => {
                return Attempt::Retry(
                    format!("response body incomplete ({})", transport_kind(&e)),
                    None,
                );
            }
        };
        if is_html || looks_like_html(&bytes) {
            return Attempt::Blocked(
                "got an HTML page instead of range data (captive portal? log in to the network, or use --hibp-file)"
                    .to_owned(),
            );
        }
        if let Some(why) = foreign_rows(&bytes, prefix) {
            return Attempt::Retry(why, None);
        }
        match RangeBody::parse(&bytes) {
            Ok(body) => match implausibility(&body) {
                None => Attempt::Done(body),
                Some(why) => Attempt::Retry(why, None),
            },
            Err(e) => Attempt::Retry(e.to_string(), None),
        }
    }

    /// One GET of the base URL itself (the HIBP breach list), with this client's settings and
    /// retries. `Err` is a one-line cause, as for a range.
    pub fn get_base(&self, max_bytes: u64) -> Result<Vec<u8>, String> {
        let attempts = self.config.max_retries.saturating_add(1);
        let deadline = Instant::now() + self.config.total_timeout;
        self.runtime.block_on(async {
            let mut last = String::from("not attempted");
            for attempt in 0..attempts {
                let limit = self
                    .config
                    .request_timeout
                    .min(deadline.saturating_duration_since(Instant::now()));
                let outcome = match tokio::time::timeout(limit, self.attempt_base(max_bytes)).await
                {
                    Ok(outcome) => outcome,
                    Err(_) => Err((
                        format!("request timed out after {} ms", limit.as_millis()),
                        true,
                    )),
                };
                match outcome {
                    Ok(bytes) => return Ok(bytes),
                    Err((reason, retry)) => {
                        if !retry || attempt + 1 == attempts {
                            return Err(reason);
                        }
                        last = reason;
                    }
                }
                let delay = self.backoff(attempt);
                if Instant::now() + delay >= deadline {
                    break;
                }
                tokio::time::sleep(delay).await;
            }
            Err(format!("{last} (gave up after {attempts} attempts)"))
        })
    }

    /// One attempt of [`Self::get_base`]: the body, or the cause and whether to retry.
    async fn attempt_base(&self, max_bytes: u64) -> Result<Vec<u8>, (String, bool)> {
        let response = match self.client.get(&self.base).send().await {
            Ok(r) => r,
            Err(e) => {
                return Err(
                    match self.transport_failure(&e, e.is_connect(), e.is_timeout()) {
                        Attempt::Retry(why, _) => (why, true),
                        // No network answers at once, as the range check does: one list a
                        // day is not worth seconds of retries (a cached copy stands in).
                        Attempt::Unreachable(why) | Attempt::Blocked(why) | Attempt::Fatal(why) => {
                            (why, false)
                        }
                        Attempt::Done(_) => ("unexpected answer".to_owned(), false),
                    },
                );
            }
        };
        let status = response.status();
        let host = &self.target.host;
        if status.is_redirection() {
            return Err((
                format!(
                    "{host} answered with a redirect (HTTP {}) instead of the list (captive portal?)",
                    status.as_u16()
                ),
                false,
            ));
        }
        if !status.is_success() {
            let code = status.as_u16();
            let retry = code == 429 || code == 408 || status.is_server_error();
            return Err((
                format!("{host} answered HTTP {code} for the breach list"),
                retry,
            ));
        }
        if response.content_length().is_some_and(|n| n > max_bytes) {
            return Err((
                format!(
                    "the breach list from {host} is over {} MiB",
                    max_bytes >> 20
                ),
                false,
            ));
        }
        match response.bytes().await {
            Ok(b) if b.len() as u64 > max_bytes => Err((
                format!(
                    "the breach list from {host} is over {} MiB",
                    max_bytes >> 20
                ),
                false,
            )),
            Ok(b) => Ok(b.to_vec()),
            Err(e) => Err((
                format!("response body incomplete ({})", transport_kind(&e)),
                true,
            )),
        }
    }

    fn proxy_auth_reason(&self) -> String {
        let proxy = self.target.proxy.as_deref().unwrap_or("the proxy");
        format!(
            "proxy {proxy} requires authentication (give http://user:password@host:port in {})",
            self.proxy_setting()
        )
    }

    /// Where the user sets the proxy in use.
    fn proxy_setting(&self) -> &'static str {
        if self.target.proxy_from_flag {
            "--proxy"
        } else if self.target.https {
            "HTTPS_PROXY or --proxy"
        } else {
            "HTTP_PROXY or --proxy"
        }
    }

    /// A one-line cause for a request that got no response. reqwest's messages hold the URL
    /// (and so the prefix): only the classified cause and, at most, the innermost error text
    /// are kept.
    fn transport_failure(
        &self,
        e: &(dyn std::error::Error + 'static),
        is_connect: bool,
        is_timeout: bool,
    ) -> Attempt {
        let t = &self.target;
        let via_proxy = t.proxy.as_deref();
        let chain = error_chain(e);
        let mut innermost = String::new();
        for s in chain {
            if let Some(tls) = s.downcast_ref::<rustls::Error>() {
                return Attempt::Blocked(self.tls_reason(tls));
            }
            if let Some(io) = s.downcast_ref::<std::io::Error>()
                && io.kind() == std::io::ErrorKind::ConnectionRefused
            {
                return Attempt::Unreachable(match via_proxy {
                    Some(p) => format!(
                        "connection refused by proxy {p} (check {})",
                        self.proxy_setting()
                    ),
                    None => format!("connection refused by {}", t.host_port),
                });
            }
            let text = s.to_string();
            if text.contains("tunnel error: unsuccessful") {
                return Attempt::Blocked(format!(
                    "proxy {} refused CONNECT to {} (check {})",
                    via_proxy.unwrap_or("?"),
                    t.host_port,
                    self.proxy_setting()
                ));
            }
            if text.contains("proxy authorization required") {
                return Attempt::Blocked(self.proxy_auth_reason());
            }
            if text.starts_with("dns error") || text.contains("failed to lookup address") {
                return Attempt::Unreachable(match via_proxy {
                    Some(p) => format!("cannot resolve proxy {p} (check {})", self.proxy_setting()),
                    None => format!("cannot resolve {}", t.host),
                });
            }
            if !text.contains("/range/") {
                innermost = redact_credentials(&text);
            }
        }
        if is_connect {
            let to = via_proxy.map_or_else(|| t.host_port.clone(), |p| format!("proxy {p}"));
            return Attempt::Unreachable(if is_timeout || innermost.contains("timed out") {
                format!("cannot connect to {to} (timed out)")
            } else if innermost.is_empty() {
                format!("cannot connect to {to}")
            } else {
                format!("cannot connect to {to}: {innermost}")
            });
        }
        Attempt::Retry(
            if is_timeout {
                "timed out".to_owned()
            } else {
                "connection reset or closed".to_owned()
            },
            None,
        )
    }

    /// The cause of a TLS failure and what to do about it.
    fn tls_reason(&self, e: &rustls::Error) -> String {
        use rustls::CertificateError as C;
        let host = &self.target.host;
        match e {
            rustls::Error::InvalidCertificate(cert) => match cert {
                C::UnknownIssuer | C::BadSignature | C::UnknownRevocationStatus => format!(
                    "certificate of {host} not trusted (internal CA or TLS-inspecting proxy? use --ca-file PEM)"
                ),
                C::NotValidForName | C::NotValidForNameContext { .. } => format!(
                    "certificate is not valid for {host} (wrong --hibp-url, or an intercepting proxy? use --ca-file PEM for its CA)"
                ),
                C::Expired | C::ExpiredContext { .. } => {
                    format!("certificate of {host} has expired (or the system clock is wrong)")
                }
                C::NotValidYet | C::NotValidYetContext { .. } => {
                    format!("certificate of {host} is not valid yet (is the system clock right?)")
                }
                C::Revoked => format!("certificate of {host} has been revoked"),
                C::Other(other) if format!("{other:?}").contains("CaUsedAsEndEntity") => {
                    format!("certificate of {host} not trusted (self-signed? use --ca-file PEM)")
                }
                other => format!("certificate of {host} rejected ({other:?})"),
            },
            other => format!("TLS handshake with {host} failed ({other})"),
        }
    }
}

/// Every error under `e`, outermost first, including the errors an `io::Error` wraps (its
/// `source()` skips them, and TLS failures arrive as io errors inside io errors).
fn error_chain<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> Vec<&'a (dyn std::error::Error + 'static)> {
    let mut out = Vec::new();
    let mut next = std::error::Error::source(e);
    while let Some(s) = next {
        out.push(s);
        next = match s
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => s.source(),
        };
        if out.len() > 32 {
            break;
        }
    }
    out
}

/// True when a body is markup rather than `SUFFIX:COUNT` lines.
fn looks_like_html(body: &[u8]) -> bool {
    body.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'<')
}

/// `Retry-After` as seconds or as an HTTP date (relative to `now`).
fn retry_after(headers: &reqwest::header::HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The kind of a transport error that is not a connection failure. reqwest's messages contain
/// the URL, which holds the prefix: keep only the kind.
fn transport_kind(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out"
    } else if e.is_body() || e.is_decode() {
        "connection closed while reading the body"
    } else if e.is_request() {
        "connection reset or closed"
    } else {
        "transport error"
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_http_base() {
        let cfg = OnlineConfig {
            base_url: "ftp://example".into(),
            ..OnlineConfig::default()
        };
        assert!(matches!(
            OnlineFetcher::new(cfg),
            Err(OnlineError::BadUrl(_))
        ));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let f = OnlineFetcher::new(OnlineConfig {
            backoff_base: Duration::from_millis(100),
            backoff_max: Duration::from_millis(1000),
            ..OnlineConfig::default()
        })
        .unwrap();
        for attempt in 0..10 {
            let d = f.backoff(attempt);
            let full = (100u64 << attempt).min(1000);
            assert!(d.as_millis() as u64 >= full / 2 && d.as_millis() as u64 <= full);
        }
    }

    #[test]
    fn retry_after_takes_seconds_or_an_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_784_000_000);
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        headers.insert(reqwest::header::RETRY_AFTER, later.parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(30)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        headers.insert(reqwest::header::RETRY_AFTER, past.parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert(reqwest::header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn credentials_are_redacted_from_urls() {
        assert_eq!(
            redact_credentials("http://hana:s3cret@proxy.example:3128"),
            "http://***@proxy.example:3128/"
        );
        assert_eq!(
            redact_credentials("http://proxy.example:3128"),
            "http://proxy.example:3128"
        );
        assert_eq!(
            redact_credentials("hana:s3cret@proxy.example:3128"),
            "***@proxy.example:3128"
        );
        let cfg = OnlineConfig {
            proxy: Some("http://hana:s3cret@[bad".to_owned()),
            ..OnlineConfig::default()
        };
        let err = OnlineFetcher::new(cfg).err().expect("bad proxy");
        assert!(!err.to_string().contains("s3cret"), "{err}");
    }

    #[test]
    fn html_is_recognised() {
        assert!(looks_like_html(b"  \r\n<!DOCTYPE html><html>"));
        assert!(!looks_like_html(b"0018A45C4D1DEF81644B54AB7F969B88D65:1"));
    }

    #[test]
    fn user_agent_has_version() {
        assert!(USER_AGENT.starts_with("credaudit/"));
        assert!(USER_AGENT.len() > "credaudit/".len());
    }
}
