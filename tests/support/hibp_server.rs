//! A loopback Pwned-Passwords-style range server for tests and benchmarks.
//!
//! Plain `std` (a `TcpListener` and one thread per connection), HTTP/1.1 with keep-alive.
//! It answers `GET /range/{PREFIX}` like the real API: `SUFFIX:COUNT` rows joined by CRLF, no
//! final newline, and 10-209 random `:0` padding rows appended when the request has
//! `Add-Padding: true`. It records every request (method, path, headers, body length) and can
//! inject latency and faults per request.
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
use std::time::Duration;

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
        let state = Arc::new(Mutex::new(State {
            padding: true,
            line_ending: "\r\n".into(),
            ..State::default()
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(AtomicU64::new(0));
        let accept = {
            let (state, stop, connections) = (state.clone(), stop.clone(), connections.clone());
            std::thread::spawn(move || {
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

    /// Line separator of bodies (default CRLF).
    pub fn set_line_ending(&self, ending: &str) {
        self.lock().line_ending = ending.to_owned();
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
        let prefix = request.prefix().map(str::to_ascii_uppercase);
        let wants_padding = request
            .header("Add-Padding")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let (fault, latency, body) = {
            let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
            st.requests.push(request.clone());
            let fault = prefix
                .as_ref()
                .and_then(|p| st.faults.get_mut(p))
                .and_then(VecDeque::pop_front)
                .or_else(|| st.sticky.clone());
            let body = prefix.as_ref().filter(|p| valid_prefix(p)).map(|p| {
                let mut body = match st.raw.get(p) {
                    Some(raw) => raw.clone(),
                    None => st
                        .corpus
                        .get(p)
                        .map(|rows| {
                            rows.iter()
                                .map(|(s, c)| format!("{s}:{c}"))
                                .collect::<Vec<_>>()
                                .join(&st.line_ending)
                        })
                        .unwrap_or_default(),
                };
                if wants_padding && st.padding {
                    seed = seed.wrapping_add(request.path.len() as u64 + 1);
                    let rows = 10 + xorshift(&mut seed) % 200;
                    for _ in 0..rows {
                        if !body.is_empty() {
                            body.push_str(&st.line_ending);
                        }
                        body.push_str(&random_suffix(&mut seed));
                        body.push_str(":0");
                    }
                }
                body
            });
            (fault, st.latency, body)
        };
        if !latency.is_zero() {
            std::thread::sleep(latency);
        }
        let ok = match (request.method.as_str(), body) {
            ("GET", Some(body)) => respond_with_fault(&mut writer, fault, &body),
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

/// Writes the response for `body`, applying `fault`. False when the connection must close.
fn respond_with_fault(w: &mut TcpStream, fault: Option<Fault>, body: &str) -> bool {
    match fault {
        None => respond(w, 200, &[], body.as_bytes()),
        Some(Fault::Status(code)) => respond(w, code, &[], b"error"),
        Some(Fault::RateLimited { retry_after_secs }) => respond(
            w,
            429,
            &[("Retry-After", retry_after_secs.to_string())],
            b"Rate limit exceeded",
        ),
        Some(Fault::Delay(d)) => {
            std::thread::sleep(d);
            respond(w, 200, &[], body.as_bytes())
        }
        Some(Fault::Truncate) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            let _ = w.write_all(head.as_bytes());
            let _ = w.write_all(body.as_bytes().get(..body.len() / 2).unwrap_or_default());
            let _ = w.flush();
            false
        }
        Some(Fault::Malformed) => {
            let bad = format!("{body}\r\nthis is not a range line");
            respond(w, 200, &[], bad.as_bytes())
        }
        Some(Fault::CutMidLine) => {
            let cut = body.find(':').map_or(3, |i| i.saturating_sub(4)).max(1);
            respond(w, 200, &[], body.as_bytes().get(..cut).unwrap_or_default())
        }
        Some(Fault::Empty) => respond(w, 200, &[], b""),
        Some(Fault::Close) => false,
    }
}

fn respond(w: &mut TcpStream, code: u16, extra: &[(&str, String)], body: &[u8]) -> bool {
    let reason = match code {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let mut head = format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: keep-alive\r\n",
        body.len()
    );
    for (k, v) in extra {
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
