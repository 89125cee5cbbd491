//! The Pwned Passwords range API, by k-anonymity.
//!
//! Only the 5-hex prefix of a SHA-1 leaves the machine: `GET {base}/range/{PREFIX}` with
//! `Add-Padding: true`, one request per unique prefix, over one pooled client (keep-alive,
//! HTTP/2 by ALPN, gzip and brotli) with bounded concurrency. Failures are retried with
//! exponential backoff and jitter (429 honouring `Retry-After`, 5xx, timeouts, resets, truncated
//! or malformed bodies) within a bounded total time; a prefix that still fails leaves its hashes
//! [`Verdict::Unchecked`](super::Verdict::Unchecked) with the reason.
//!
//! TLS uses rustls with the bundled Mozilla root store (`webpki-roots`), so it works on a machine
//! without a system certificate store.
//!
//! ```no_run
//! use credaudit::breach::{BreachSource, NoProgress, Sha1Hash};
//! use credaudit::breach::online::{OnlineConfig, OnlineSource};
//! let source = OnlineSource::online(OnlineConfig::default())?;
//! let verdicts = source.lookup(&[Sha1Hash([0; 20])], &NoProgress);
//! # Ok::<(), credaudit::breach::online::OnlineError>(())
//! ```

use super::Prefix;
use super::range::{FetchResult, RangeBody, RangeFetcher, RangeSource};
use futures::StreamExt;
use rand::Rng;
use std::sync::Arc;
use std::time::{Duration, Instant};

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
    /// Limit for establishing a connection.
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
}

impl Default for OnlineConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            concurrency: 8,
            request_timeout: Duration::from_secs(15),
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(600),
            max_retries: 4,
            backoff_base: Duration::from_millis(250),
            backoff_max: Duration::from_secs(30),
        }
    }
}

/// The client could not be set up (bad base URL, TLS or runtime failure).
#[derive(Debug, thiserror::Error)]
pub enum OnlineError {
    /// The base URL is not `http://` or `https://`.
    #[error("invalid HIBP base URL {0:?}: expected http:// or https://")]
    BadUrl(String),
    /// Building the HTTP client failed.
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
    /// Building the async runtime failed.
    #[error("cannot start the I/O runtime: {0}")]
    Runtime(String),
}

/// The range API client: a [`RangeFetcher`].
pub struct OnlineFetcher {
    config: OnlineConfig,
    base: String,
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

impl OnlineFetcher {
    /// Builds the client. No request is made.
    pub fn new(mut config: OnlineConfig) -> Result<Self, OnlineError> {
        let base = config.base_url.trim_end_matches('/').to_owned();
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(OnlineError::BadUrl(config.base_url));
        }
        config.concurrency = config.concurrency.max(1);
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(config.connect_timeout)
            .pool_max_idle_per_host(config.concurrency)
            .pool_idle_timeout(Duration::from_secs(60))
            .tls_backend_preconfigured(bundled_roots_tls())
            .build()
            .map_err(|e| OnlineError::Client(e.to_string()))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| OnlineError::Runtime(e.to_string()))?;
        Ok(Self {
            config,
            base,
            client,
            runtime,
        })
    }

    /// The effective configuration.
    pub fn config(&self) -> &OnlineConfig {
        &self.config
    }
}

/// rustls with the bundled Mozilla roots, offering HTTP/2 and HTTP/1.1 by ALPN.
fn bundled_roots_tls() -> rustls::ClientConfig {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap_or_else(|_| rustls::ClientConfig::builder());
    let mut tls = builder.with_root_certificates(roots).with_no_client_auth();
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    tls
}

impl RangeFetcher for OnlineFetcher {
    fn fetch_all(&self, prefixes: &[Prefix], done: &mut dyn FnMut(usize, FetchResult)) {
        let deadline = Instant::now() + self.config.total_timeout;
        let tokio_deadline = tokio::time::Instant::now() + self.config.total_timeout;
        self.runtime.block_on(async {
            let mut results = futures::stream::iter(prefixes.iter().copied().enumerate())
                .map(|(i, prefix)| async move {
                    (i, self.fetch_one(prefix, deadline, tokio_deadline).await)
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
    /// Not worth retrying.
    Fatal(String),
}

impl OnlineFetcher {
    async fn fetch_one(
        &self,
        prefix: Prefix,
        deadline: Instant,
        tokio_deadline: tokio::time::Instant,
    ) -> FetchResult {
        let url = format!("{}/range/{prefix}", self.base);
        let attempts = self.config.max_retries.saturating_add(1);
        let mut last = String::from("not attempted");
        for attempt in 0..attempts {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(format!(
                    "HIBP check not completed within the total time limit ({}s); last error: {last}",
                    self.config.total_timeout.as_secs()
                ));
            }
            let limit = self.config.request_timeout.min(remaining);
            let outcome = match tokio::time::timeout(limit, self.attempt(&url)).await {
                Ok(outcome) => outcome,
                Err(_) => Attempt::Retry(
                    format!("request timed out after {} ms", limit.as_millis()),
                    None,
                ),
            };
            let retry_after = match outcome {
                Attempt::Done(body) => return Ok(body),
                Attempt::Fatal(reason) => return Err(reason),
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
                return Err(format!(
                    "HIBP check not completed within the total time limit ({}s); last error: {last}",
                    self.config.total_timeout.as_secs()
                ));
            }
            tokio::time::sleep_until((tokio::time::Instant::now() + delay).min(tokio_deadline))
                .await;
        }
        Err(format!(
            "HIBP range request failed after {attempts} attempts: {last}"
        ))
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

    async fn attempt(&self, url: &str) -> Attempt {
        let response = match self
            .client
            .get(url)
            .header("Add-Padding", "true")
            .send()
            .await
        {
            Ok(r) => r,
            Err(e) => return Attempt::Retry(transport_reason(&e), None),
        };
        let status = response.status();
        if !status.is_success() {
            let code = status.as_u16();
            return match code {
                429 => Attempt::Retry(
                    "rate limited by the server (HTTP 429)".to_owned(),
                    retry_after(response.headers()),
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
                _ => Attempt::Fatal(format!("unexpected HTTP status {code}")),
            };
        }
        let bytes = match response.bytes().await {
            Ok(b) => b,
            Err(e) => {
                return Attempt::Retry(
                    format!("response body incomplete ({})", transport_reason(&e)),
                    None,
                );
            }
        };
        match RangeBody::parse(&bytes) {
            Ok(body) => Attempt::Done(body),
            Err(e) => Attempt::Retry(e.to_string(), None),
        }
    }
}

/// `Retry-After` in seconds (HTTP dates are not worth the parser here; they fall back to backoff).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// A short reason for a transport error. reqwest's messages contain the URL, which holds the
/// prefix: keep only the kind.
fn transport_reason(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "connection closed while reading the body"
    } else if e.is_request() {
        "connection reset or closed"
    } else {
        "transport error"
    };
    let mut detail = String::new();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() || detail.contains("/range/") {
        kind.to_owned()
    } else {
        format!("{kind}: {detail}")
    }
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
    fn user_agent_has_version() {
        assert!(USER_AGENT.starts_with("credaudit/"));
        assert!(USER_AGENT.len() > "credaudit/".len());
    }
}
