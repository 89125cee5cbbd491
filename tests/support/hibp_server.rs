//! A loopback Pwned-Passwords-style range server for tests and benchmarks.
//!
//! Plain HTTP: `std` (a `TcpListener` and one thread per connection), HTTP/1.1 with keep-alive.
//! HTTPS ([`HibpServer::start_https`]): hyper over tokio-rustls with a certificate made at test
//! time ([`TestPki`], rcgen), HTTP/2 or HTTP/1.1 by ALPN, gzip or brotli bodies on request.
//! It answers `GET /range/{PREFIX}` like the real API: `SUFFIX:COUNT` rows joined by CRLF, no
//! final newline, and 10-209 random `:0` padding rows appended when the request has
//! `Add-Padding: true`. Like a real range, every prefix also has a few hundred real rows (random
//! suffixes, set with [`HibpServer::set_filler_rows`]) besides the corpus given. It records every
//! request (method, path, headers, HTTP version, body length) and can inject latency and faults
//! per request. It also serves the HIBP breach list at `/api/v3/breaches`
//! ([`HibpServer::set_breach_list`], [`HibpServer::fail_breach_list`]).
//!
//! Include it with `#[path = "support/hibp_server.rs"] mod hibp_server;`.
//!
//! ```ignore
//! let server = HibpServer::with_passwords(&[("password", 42)]);
//! server.fail_next("5BAA6", [Fault::Status(503)]);
//! let url = server.url(); // http://127.0.0.1:PORT, pass as the base URL
//! assert_eq!(server.requests().len(), 0);
//! ```
#![allow(dead_code)]

use credaudit::breach::{Sha1Hash, hex_upper};
use credaudit::secret::Secret;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// `GET`, ...
    pub method: String,
    /// Request target, e.g. `/range/5BAA6`.
    pub path: String,
    /// Headers in order, names as sent.
    pub headers: Vec<(String, String)>,
    /// Length of the request body (from `Content-Length`; 0 when absent).
    pub body_len: usize,
    /// `HTTP/1.1` or `HTTP/2.0`.
    pub version: String,
}

impl RecordedRequest {
    /// A header's value, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The prefix requested, if the path is `/range/XXXXX`.
    pub fn prefix(&self) -> Option<&str> {
        self.path.strip_prefix("/range/")
    }
}

/// A fault to inject into one response.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Answer with this status and a short text body.
    Status(u16),
    /// 429 with `Retry-After: secs`.
    RateLimited { retry_after_secs: u64 },
    /// Wait this long before answering normally (past the client's timeout, say).
    Delay(Duration),
    /// Announce the full `Content-Length`, send half the body, close the connection.
    Truncate,
    /// A complete 200 response whose body has a line that is not `SUFFIX:COUNT`.
    Malformed,
    /// A complete 200 response whose body is cut in the middle of a line.
    CutMidLine,
    /// A 200 with an empty body.
    Empty,
    /// Close the connection without answering.
    Close,
    /// A 200 whose body holds only the `:0` padding rows.
    PaddingOnly,
    /// A complete, framed 200 with only the first five real rows (and the padding).
    Short,
    /// A 200 whose rows are full 40-hex hashes of another prefix.
    OtherPrefix,
    /// A 200 `text/html` login page, as a captive portal answers.
    Html,
    /// A 302 to this URL.
    Redirect(String),
    /// 429 with `Retry-After` as an HTTP date.
    RateLimitedUntil(SystemTime),
}

#[derive(Default)]
struct State {
    /// prefix (upper case) -> suffix (upper case) -> count
    corpus: BTreeMap<String, BTreeMap<String, u64>>,
    /// Raw bodies that override the corpus for a prefix.
    raw: HashMap<String, String>,
    requests: Vec<RecordedRequest>,
    faults: HashMap<String, VecDeque<Fault>>,
    sticky: Option<Fault>,
    latency: Duration,
    padding: bool,
    line_ending: String,
    /// Real rows every prefix gets besides the corpus (a real range has hundreds).
    filler_rows: usize,
    /// Content-Encoding the HTTPS server uses when the client accepts it (`gzip`, `br`).
    encoding: Option<String>,
    /// Content-Encoding of every HTTPS response sent (empty string for identity).
    served_encodings: Vec<String>,
    /// Body of `GET /api/v3/breaches` (the HIBP breach list); `None`: 404.
    breach_list: Option<String>,
    /// Status that `/api/v3/breaches` answers instead of the list, while set.
    breach_list_fault: Option<u16>,
}

/// Where the HIBP breach list is served.
pub const BREACH_LIST_PATH: &str = "/api/v3/breaches";

/// Default number of filler rows per prefix.
pub const FILLER_ROWS: usize = 300;

/// What to answer to one request: the fault to apply and the body parts.
struct Planned {
    fault: Option<Fault>,
    latency: Duration,
    /// `None` when the path is not a valid `/range/PREFIX`.
    answer: Option<RangeAnswer>,
}

/// The body of a range answer, real rows and padding apart (some faults use one part only).
struct RangeAnswer {
    prefix: String,
    real: Vec<String>,
    padding: Vec<String>,
    line_ending: String,
}

impl RangeAnswer {
    fn body(&self) -> String {
        let rows: Vec<&String> = self.real.iter().chain(&self.padding).collect();
        rows.iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(&self.line_ending)
    }
}

/// Status, extra headers and body of a response.
type SimpleResponse = (u16, Vec<(&'static str, String)>, Vec<u8>);

/// A response made of status, extra headers and body; `None` for faults that act on the
/// connection instead (truncate, close).
fn simple_response(fault: Option<&Fault>, answer: &RangeAnswer) -> Option<SimpleResponse> {
    let text = |code: u16, body: &str| Some((code, Vec::new(), body.as_bytes().to_vec()));
    match fault {
        None | Some(Fault::Delay(_)) => text(200, &answer.body()),
        Some(Fault::Status(code)) => text(*code, "error"),
        Some(Fault::RateLimited { retry_after_secs }) => Some((
            429,
            vec![("Retry-After", retry_after_secs.to_string())],
            b"Rate limit exceeded".to_vec(),
        )),
        Some(Fault::RateLimitedUntil(at)) => Some((
            429,
            vec![("Retry-After", httpdate::fmt_http_date(*at))],
            b"Rate limit exceeded".to_vec(),
        )),
        Some(Fault::Malformed) => text(
            200,
            &format!("{}\r\nthis is not a range line", answer.body()),
        ),
        Some(Fault::CutMidLine) => {
            let body = answer.body();
            let cut = body.find(':').map_or(3, |i| i.saturating_sub(4)).max(1);
            text(200, body.get(..cut).unwrap_or_default())
        }
        Some(Fault::Empty) => text(200, ""),
        Some(Fault::PaddingOnly) => text(200, &answer.padding.join(&answer.line_ending)),
        Some(Fault::Short) => {
            let rows: Vec<&str> = answer
                .real
                .iter()
                .take(5)
                .chain(&answer.padding)
                .map(String::as_str)
                .collect();
            text(200, &rows.join(&answer.line_ending))
        }
        Some(Fault::OtherPrefix) => {
            let other = if answer.prefix == "FFFFF" {
                "00000"
            } else {
                "FFFFF"
            };
            let rows: Vec<String> = answer.real.iter().map(|r| format!("{other}{r}")).collect();
            text(200, &rows.join(&answer.line_ending))
        }
        Some(Fault::Html) => Some((
            200,
            vec![("Content-Type", "text/html; charset=utf-8".to_owned())],
            b"<!DOCTYPE html><html><body><form>Log in to the hotel Wi-Fi</form></body></html>"
                .to_vec(),
        )),
        Some(Fault::Redirect(to)) => Some((302, vec![("Location", to.clone())], b"".to_vec())),
        Some(Fault::Truncate) | Some(Fault::Close) => None,
    }
}

/// Works out the answer to one request and records it.
fn plan(state: &Mutex<State>, request: &RecordedRequest, seed: &mut u64) -> Planned {
    let prefix = request.prefix().map(str::to_ascii_uppercase);
    let wants_padding = request
        .header("Add-Padding")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
    st.requests.push(request.clone());
    let fault = prefix
        .as_ref()
        .and_then(|p| st.faults.get_mut(p))
        .and_then(VecDeque::pop_front)
        .or_else(|| st.sticky.clone());
    let answer = prefix.filter(|p| valid_prefix(p)).map(|p| {
        let mut real: Vec<String> = match st.raw.get(&p) {
            Some(raw) => raw
                .split('\n')
                .map(|l| l.trim_end_matches('\r').to_owned())
                .filter(|l| !l.is_empty())
                .collect(),
            None => st
                .corpus
                .get(&p)
                .map(|rows| rows.iter().map(|(s, c)| format!("{s}:{c}")).collect())
                .unwrap_or_default(),
        };
        // The same filler for the same prefix on every request, as a real range.
        let mut filler_seed = u64::from_str_radix(&p, 16)
            .unwrap_or(1)
            .wrapping_mul(0x9E37_79B9)
            | 1;
        for _ in 0..st.filler_rows {
            let suffix = random_suffix(&mut filler_seed);
            let count = 1 + xorshift(&mut filler_seed) % 50;
            real.push(format!("{suffix}:{count}"));
        }
        let mut padding = Vec::new();
        if wants_padding && st.padding {
            *seed = seed.wrapping_add(request.path.len() as u64 + 1);
            let rows = 10 + xorshift(seed) % 200;
            for _ in 0..rows {
                padding.push(format!("{}:0", random_suffix(seed)));
            }
        }
        RangeAnswer {
            prefix: p,
            real,
            padding,
            line_ending: st.line_ending.clone(),
        }
    });
    Planned {
        fault,
        latency: st.latency,
        answer,
    }
}

/// The server; stops when dropped.
pub struct HibpServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
    connections: Arc<AtomicU64>,
}

impl HibpServer {
    /// A server with an empty corpus: every prefix answers with padding rows only.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        Self::spawn(addr, move |state, stop, connections| {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                connections.fetch_add(1, Ordering::SeqCst);
                let (state, stop) = (state.clone(), stop.clone());
                std::thread::spawn(move || serve_connection(stream, &state, &stop));
            }
        })
    }

    /// The state both the plain and the HTTPS server start from (empty corpus, padding on),
    /// with `accept_loop` running on its own thread until `stop` is set.
    fn spawn(
        addr: SocketAddr,
        accept_loop: impl FnOnce(Arc<Mutex<State>>, Arc<AtomicBool>, Arc<AtomicU64>) + Send + 'static,
    ) -> Self {
        let state = Arc::new(Mutex::new(State {
            padding: true,
            line_ending: "\r\n".into(),
            filler_rows: FILLER_ROWS,
            ..State::default()
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(AtomicU64::new(0));
        let accept = {
            let (state, stop, connections) = (state.clone(), stop.clone(), connections.clone());
            std::thread::spawn(move || accept_loop(state, stop, connections))
        };
        Self {
            addr,
            state,
            stop,
            accept: Some(accept),
            connections,
        }
    }

    /// A server whose corpus holds these passwords with these counts.
    pub fn with_passwords(passwords: &[(&str, u64)]) -> Self {
        let server = Self::start();
        for (pw, count) in passwords {
            server.add_hash(&hex_upper(&Sha1Hash::of(&Secret::from(*pw)).0), *count);
        }
        server
    }

    /// A server answering these raw bodies (prefix -> body, sent as is, plus padding).
    pub fn with_bodies(bodies: HashMap<String, String>) -> Self {
        let server = Self::start();
        server.lock().raw = bodies
            .into_iter()
            .map(|(k, v)| (k.to_ascii_uppercase(), v))
            .collect();
        server
    }

    /// Adds a full 40-hex SHA-1 with its count to the corpus.
    pub fn add_hash(&self, hash40: &str, count: u64) {
        let hash = hash40.to_ascii_uppercase();
        let (prefix, suffix) = hash.split_at(5);
        self.lock()
            .corpus
            .entry(prefix.to_owned())
            .or_default()
            .insert(suffix.to_owned(), count);
    }

    /// Base URL, `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// Number of requests so far.
    pub fn request_count(&self) -> usize {
        self.lock().requests.len()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.lock().requests.clear();
    }

    /// TCP connections accepted so far (keep-alive reuses them).
    pub fn connection_count(&self) -> u64 {
        self.connections.load(Ordering::SeqCst)
    }

    /// Delay added before every response.
    pub fn set_latency(&self, latency: Duration) {
        self.lock().latency = latency;
    }

    /// Queues faults for the next requests of `prefix` (one per request, in order).
    pub fn fail_next(&self, prefix: &str, faults: impl IntoIterator<Item = Fault>) {
        self.lock()
            .faults
            .entry(prefix.to_ascii_uppercase())
            .or_default()
            .extend(faults);
    }

    /// A fault for every request from now on (`None` to stop).
    pub fn fail_always(&self, fault: Option<Fault>) {
        self.lock().sticky = fault;
    }

    /// Whether `Add-Padding: true` adds padding rows (default on).
    pub fn set_padding(&self, on: bool) {
        self.lock().padding = on;
    }

    /// Real rows every prefix gets besides the corpus (default [`FILLER_ROWS`]; 0 for none).
    pub fn set_filler_rows(&self, rows: usize) {
        self.lock().filler_rows = rows;
    }

    /// Content-Encoding of HTTPS bodies when the client accepts it: `gzip`, `br` or `None`.
    pub fn set_encoding(&self, encoding: Option<&str>) {
        self.lock().encoding = encoding.map(str::to_owned);
    }

    /// Content-Encoding of every HTTPS response so far (`""` for none).
    pub fn served_encodings(&self) -> Vec<String> {
        self.lock().served_encodings.clone()
    }

    /// Line separator of bodies (default CRLF).
    pub fn set_line_ending(&self, ending: &str) {
        self.lock().line_ending = ending.to_owned();
    }

    /// Serves this JSON at `/api/v3/breaches`, as the HIBP breach list.
    pub fn set_breach_list(&self, json: &str) {
        self.lock().breach_list = Some(json.to_owned());
    }

    /// `/api/v3/breaches` answers this status instead of the list (`None`: the list again).
    pub fn fail_breach_list(&self, status: Option<u16>) {
        self.lock().breach_list_fault = status;
    }

    /// The breach list's URL on this server.
    pub fn breach_list_url(&self) -> String {
        format!("{}{BREACH_LIST_PATH}", self.url())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for HibpServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(handle) = self.accept.take() {
            let _ = handle.join();
        }
    }
}

/// The SHA-1 of a password as 40 upper-case hex characters (test helper).
pub fn sha1_hex(password: &str) -> String {
    hex_upper(&Sha1Hash::of(&Secret::from(password)).0)
}

/// Records a request for the breach list and answers it: the list, the fault status set, or
/// 404 for any other path (a query string included).
fn breach_list_response(state: &Mutex<State>, request: &RecordedRequest) -> SimpleResponse {
    let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
    st.requests.push(request.clone());
    match (st.breach_list_fault, &st.breach_list) {
        (Some(code), _) => (code, Vec::new(), b"error".to_vec()),
        (None, Some(list)) if request.path == BREACH_LIST_PATH => (
            200,
            vec![("Content-Type", "application/json".to_owned())],
            list.as_bytes().to_vec(),
        ),
        _ => (404, Vec::new(), b"Not found".to_vec()),
    }
}

fn serve_connection(stream: TcpStream, state: &Mutex<State>, stop: &AtomicBool) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let _ = stream.set_nodelay(true);
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let mut writer = write_half;
    let mut reader = BufReader::new(stream);
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15 ^ u64::from(std::process::id());
    loop {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Some(request) = read_request(&mut reader) else {
            return;
        };
        if request.path.starts_with(BREACH_LIST_PATH) {
            let (code, headers, body) = breach_list_response(state, &request);
            if !respond(&mut writer, code, &headers, &body) {
                return;
            }
            continue;
        }
        let Planned {
            fault,
            latency,
            answer,
        } = plan(state, &request, &mut seed);
        if !latency.is_zero() {
            std::thread::sleep(latency);
        }
        let ok = match (request.method.as_str(), answer) {
            ("GET", Some(answer)) => respond_with_fault(&mut writer, fault, &answer),
            ("GET", None) => respond(
                &mut writer,
                400,
                &[],
                b"The hash prefix was not in a valid format",
            ),
            _ => respond(&mut writer, 405, &[], b"Method not allowed"),
        };
        if !ok {
            let _ = writer.shutdown(Shutdown::Both);
            return;
        }
    }
}

/// Writes the response for `answer`, applying `fault`. False when the connection must close.
fn respond_with_fault(w: &mut TcpStream, fault: Option<Fault>, answer: &RangeAnswer) -> bool {
    match fault {
        Some(Fault::Delay(d)) => {
            std::thread::sleep(d);
            respond(w, 200, &[], answer.body().as_bytes())
        }
        Some(Fault::Truncate) => {
            let body = answer.body();
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            let _ = w.write_all(head.as_bytes());
            let _ = w.write_all(body.as_bytes().get(..body.len() / 2).unwrap_or_default());
            let _ = w.flush();
            false
        }
        Some(Fault::Close) => false,
        fault => match simple_response(fault.as_ref(), answer) {
            Some((code, headers, body)) => respond(w, code, &headers, &body),
            None => false,
        },
    }
}

fn respond(w: &mut TcpStream, code: u16, extra: &[(&'static str, String)], body: &[u8]) -> bool {
    let reason = match code {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        302 => "Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let content_type = extra
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map_or("text/plain", |(_, v)| v.as_str());
    let mut head = format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: keep-alive\r\n",
        body.len()
    );
    for (k, v) in extra
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("content-type"))
    {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    w.write_all(head.as_bytes()).is_ok() && w.write_all(body).is_ok() && w.flush().is_ok()
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<RecordedRequest> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end_matches(['\r', '\n']);
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    let body_len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    if body_len > 0 {
        let mut sink = vec![0u8; body_len];
        reader.read_exact(&mut sink).ok()?;
    }
    Some(RecordedRequest {
        method,
        path,
        headers,
        body_len,
        version: "HTTP/1.1".to_owned(),
    })
}

fn valid_prefix(p: &str) -> bool {
    p.len() == 5 && p.bytes().all(|b| b.is_ascii_hexdigit())
}

fn xorshift(state: &mut u64) -> u64 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    x
}

fn random_suffix(state: &mut u64) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    (0..35)
        .map(|_| char::from(DIGITS[(xorshift(state) % 16) as usize]))
        .collect()
}

/// Certificates made at test time: a CA and server certificates for 127.0.0.1 / localhost.
pub struct TestPki {
    ca: rcgen::CertifiedIssuer<'static, rcgen::KeyPair>,
    dir: tempfile::TempDir,
}

/// A server certificate chain and its key, for [`HibpServer::start_https`].
pub struct ServerCert {
    chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    key_der: Vec<u8>,
}

impl TestPki {
    /// A fresh CA ("credaudit test CA").
    pub fn new() -> Self {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "credaudit test CA");
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
            rcgen::KeyUsagePurpose::DigitalSignature,
        ];
        let key = rcgen::KeyPair::generate().expect("CA key");
        let ca = rcgen::CertifiedIssuer::self_signed(params, key).expect("CA cert");
        Self {
            ca,
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// The CA certificate as a PEM file (for `--ca-file` or `SSL_CERT_FILE`).
    pub fn ca_file(&self) -> std::path::PathBuf {
        let path = self.dir.path().join("test-ca.pem");
        std::fs::write(&path, self.ca.pem()).expect("write CA");
        path
    }

    fn leaf_params(names: &[&str]) -> rcgen::CertificateParams {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut params = rcgen::CertificateParams::new(names).expect("leaf params");
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "credaudit test server");
        params
    }

    /// A server certificate for 127.0.0.1 and localhost, signed by the CA.
    pub fn server_cert(&self) -> ServerCert {
        self.signed(Self::leaf_params(&["127.0.0.1", "localhost"]))
    }

    /// A server certificate for another name only (hostname mismatch).
    pub fn wrong_name_cert(&self) -> ServerCert {
        self.signed(Self::leaf_params(&["mirror.example.net"]))
    }

    /// A server certificate for 127.0.0.1 that expired in 2020.
    pub fn expired_cert(&self) -> ServerCert {
        let mut params = Self::leaf_params(&["127.0.0.1", "localhost"]);
        params.not_before = rcgen::date_time_ymd(2019, 1, 1);
        params.not_after = rcgen::date_time_ymd(2020, 1, 1);
        self.signed(params)
    }

    /// A self-signed certificate for 127.0.0.1 (no CA at all).
    pub fn self_signed_cert() -> ServerCert {
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = Self::leaf_params(&["127.0.0.1", "localhost"])
            .self_signed(&key)
            .expect("self-signed");
        ServerCert {
            chain: vec![cert.der().clone()],
            key_der: key.serialize_der(),
        }
    }

    fn signed(&self, params: rcgen::CertificateParams) -> ServerCert {
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = params.signed_by(&key, &self.ca).expect("sign");
        ServerCert {
            chain: vec![cert.der().clone(), self.ca.der().clone()],
            key_der: key.serialize_der(),
        }
    }
}

impl HibpServer {
    /// An HTTPS server with an empty corpus (filler rows only), presenting `cert` and offering
    /// these ALPN protocols (`["h2", "http/1.1"]`, or `["http/1.1"]` alone).
    pub fn start_https(cert: &ServerCert, alpn: &[&str]) -> Self {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(
            rustls::pki_types::PrivatePkcs8KeyDer::from(cert.key_der.clone()),
        );
        let mut tls = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(cert.chain.clone(), key)
            .expect("server cert");
        tls.alpn_protocols = alpn.iter().map(|p| p.as_bytes().to_vec()).collect();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));

        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("local addr");
        Self::spawn(addr, move |state, stop, connections| {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                loop {
                    let Ok((tcp, _)) = listener.accept().await else {
                        continue;
                    };
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    connections.fetch_add(1, Ordering::SeqCst);
                    // As the plain server: without it, Nagle holds back the TLS record that
                    // ends a response until the client acknowledges the previous one.
                    let _ = tcp.set_nodelay(true);
                    let (acceptor, state) = (acceptor.clone(), state.clone());
                    tokio::spawn(async move {
                        let Ok(stream) = acceptor.accept(tcp).await else {
                            return;
                        };
                        let seed = Arc::new(Mutex::new(
                            0x9E37_79B9_7F4A_7C15 ^ u64::from(std::process::id()),
                        ));
                        let service = hyper::service::service_fn(move |request| {
                            https_answer(request, state.clone(), seed.clone())
                        });
                        let _ = hyper_util::server::conn::auto::Builder::new(
                            hyper_util::rt::TokioExecutor::new(),
                        )
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                    });
                }
            });
        })
    }

    /// `https://127.0.0.1:PORT` (for a server from [`HibpServer::start_https`]).
    pub fn https_url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

type HttpsResponse = hyper::Response<http_body_util::Full<hyper::body::Bytes>>;

/// Answers one HTTPS request like the plain server, compressing the body when asked to.
async fn https_answer(
    request: hyper::Request<hyper::body::Incoming>,
    state: Arc<Mutex<State>>,
    seed: Arc<Mutex<u64>>,
) -> Result<HttpsResponse, std::io::Error> {
    let recorded = RecordedRequest {
        method: request.method().to_string(),
        path: request.uri().path().to_owned(),
        headers: request
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
            .collect(),
        body_len: request
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok()?.parse().ok())
            .unwrap_or(0),
        version: format!("{:?}", request.version()),
    };
    let (code, headers, mut body) = if recorded.path.starts_with(BREACH_LIST_PATH) {
        breach_list_response(&state, &recorded)
    } else {
        let Planned {
            fault,
            latency,
            answer,
        } = {
            let mut seed = seed.lock().unwrap_or_else(|e| e.into_inner());
            plan(&state, &recorded, &mut seed)
        };
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        if let Some(Fault::Delay(d)) = &fault {
            tokio::time::sleep(*d).await;
        }
        match (recorded.method.as_str(), &answer) {
            ("GET", Some(answer)) => simple_response(fault.as_ref(), answer)
                .ok_or_else(|| std::io::Error::other("fault: drop the connection"))?,
            ("GET", None) => (
                400,
                Vec::new(),
                b"The hash prefix was not in a valid format".to_vec(),
            ),
            _ => (405, Vec::new(), b"Method not allowed".to_vec()),
        }
    };
    let accepts = recorded
        .header("accept-encoding")
        .unwrap_or_default()
        .to_owned();
    let encoding = {
        let st = state.lock().unwrap_or_else(|e| e.into_inner());
        st.encoding
            .clone()
            .filter(|e| code == 200 && accepts.split(',').any(|a| a.trim() == e))
    };
    let mut builder = hyper::Response::builder().status(code);
    let mut has_type = false;
    for (k, v) in headers {
        has_type |= k.eq_ignore_ascii_case("content-type");
        builder = builder.header(k, v);
    }
    if !has_type {
        builder = builder.header("Content-Type", "text/plain");
    }
    // Fastest levels: the server shares the CPU with the client under test.
    match encoding.as_deref() {
        Some("gzip") => {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(&body)?;
            body = gz.finish()?;
            builder = builder.header("Content-Encoding", "gzip");
        }
        Some("br") => {
            let mut out = Vec::new();
            {
                let mut br = brotli::CompressorWriter::new(&mut out, 4096, 1, 20);
                br.write_all(&body)?;
            }
            body = out;
            builder = builder.header("Content-Encoding", "br");
        }
        _ => {}
    }
    state
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .served_encodings
        .push(encoding.unwrap_or_default());
    builder
        .body(http_body_util::Full::new(hyper::body::Bytes::from(body)))
        .map_err(std::io::Error::other)
}
