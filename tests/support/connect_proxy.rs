//! A loopback HTTP proxy that only speaks `CONNECT` (as HTTPS goes through a proxy), for tests.
//!
//! It records the target of every CONNECT and whether credentials came with it, then either
//! tunnels the bytes both ways or refuses with a status.
//!
//! Include it with `#[path = "support/connect_proxy.rs"] mod connect_proxy;`.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// One CONNECT the proxy received.
#[derive(Clone, Debug)]
pub struct Connect {
    /// `host:port` asked for.
    pub target: String,
    /// The `Proxy-Authorization` header, if any.
    pub authorization: Option<String>,
}

/// The proxy; stops when dropped.
pub struct ConnectProxy {
    addr: SocketAddr,
    connects: Arc<Mutex<Vec<Connect>>>,
    stop: Arc<AtomicBool>,
}

impl ConnectProxy {
    /// A proxy that tunnels every CONNECT.
    pub fn start() -> Self {
        Self::with_answer(None)
    }

    /// A proxy that answers every CONNECT with this status (403: policy, 407: needs login).
    pub fn refusing(status: u16) -> Self {
        Self::with_answer(Some(status))
    }

    fn with_answer(refuse: Option<u16>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("addr");
        let connects = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        {
            let (connects, stop) = (connects.clone(), stop.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let connects = connects.clone();
                    std::thread::spawn(move || serve(stream, refuse, &connects));
                }
            });
        }
        Self {
            addr,
            connects,
            stop,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://user:password@127.0.0.1:PORT`.
    pub fn url_with_credentials(&self, user: &str, password: &str) -> String {
        format!("http://{user}:{password}@{}", self.addr)
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every CONNECT so far.
    pub fn connects(&self) -> Vec<Connect> {
        self.connects
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl Drop for ConnectProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

/// Reads the request head byte by byte, so no tunnelled byte is swallowed.
fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).ok()? == 0 || head.len() > 16 * 1024 {
            return None;
        }
        head.push(byte[0]);
    }
    String::from_utf8(head).ok()
}

fn serve(mut client: TcpStream, refuse: Option<u16>, connects: &Mutex<Vec<Connect>>) {
    let Some(head) = read_head(&mut client) else {
        return;
    };
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split_whitespace();
    let (method, target) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let authorization = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("proxy-authorization"))
        .map(|(_, v)| v.trim().to_owned());
    if method != "CONNECT" {
        let _ = client.write_all(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
        return;
    }
    connects
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Connect {
            target: target.to_owned(),
            authorization,
        });
    if let Some(status) = refuse {
        let reason = if status == 407 {
            "Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\""
        } else {
            "Forbidden"
        };
        let _ = client.write_all(
            format!("HTTP/1.1 {status} {reason}\r\nContent-Length: 0\r\n\r\n").as_bytes(),
        );
        return;
    }
    let Ok(upstream) = TcpStream::connect(target) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        .is_err()
    {
        return;
    }
    let (Ok(mut client_read), Ok(mut upstream_write)) = (client.try_clone(), upstream.try_clone())
    else {
        return;
    };
    let up = std::thread::spawn(move || {
        let _ = std::io::copy(&mut client_read, &mut upstream_write);
        let _ = upstream_write.shutdown(Shutdown::Write);
    });
    let mut upstream_read = upstream;
    let _ = std::io::copy(&mut upstream_read, &mut client);
    let _ = client.shutdown(Shutdown::Write);
    let _ = up.join();
}
