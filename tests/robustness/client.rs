//! A small LSP client that drives the real `suanpan lsp` binary over stdio, for the hostile-input,
//! differential and soak tests: raw bytes can be written (malformed frames), every message from
//! the server is kept, and the process' memory can be read from /proc.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub const TIMEOUT: Duration = Duration::from_secs(60);

pub fn uri(name: &str) -> String {
    format!("file:///tmp/suanpan-robustness/{name}")
}

pub struct Client {
    pub child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications and server requests, in arrival order.
    pub notes: Vec<Value>,
    /// Everything the server wrote to stderr so far.
    pub stderr: Arc<Mutex<String>>,
}

impl Client {
    pub fn spawn(debug: bool) -> Client {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_suanpan"));
        cmd.arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if debug {
            cmd.env("SUANPAN_LSP_DEBUG", "1");
        }
        let mut child = cmd.spawn().expect("start suanpan lsp");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stderr);
            let mut line = String::new();
            while r.read_line(&mut line).unwrap_or(0) > 0 {
                let mut s = sink.lock().unwrap();
                if s.len() < 1 << 20 {
                    s.push_str(&line);
                }
                line.clear();
            }
        });
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; len.expect("the server sent no Content-Length")];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                let v: Value = serde_json::from_slice(&body).expect("the server sent bad JSON");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            next_id: 1,
            notes: Vec::new(),
            stderr: log,
        }
    }

    /// Start and initialize a server (push diagnostics, UTF-16 unless `utf8`).
    pub fn start(debug: bool, utf8: bool) -> Client {
        let mut c = Client::spawn(debug);
        let enc = if utf8 { "utf-8" } else { "utf-16" };
        let r = c.request(
            "initialize",
            json!({"processId": null, "rootUri": null,
                   "capabilities": {"general": {"positionEncodings": [enc]}}}),
        );
        assert_eq!(r["result"]["capabilities"]["positionEncoding"], enc);
        c.notify("initialized", json!({}));
        c
    }

    pub fn write_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin closed");
        stdin.write_all(bytes).expect("write to the server");
        stdin.flush().unwrap();
    }

    pub fn send_body(&mut self, body: &[u8]) {
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(body);
        self.write_raw(&frame);
    }

    pub fn send(&mut self, msg: &Value) {
        self.send_body(&serde_json::to_vec(msg).unwrap());
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Send a request; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(id)
    }

    /// One message; server requests are answered (null), notifications kept. Returns the
    /// message if it is a response to us.
    fn recv(&mut self, deadline: Instant) -> Option<Option<Value>> {
        let left = deadline.saturating_duration_since(Instant::now());
        let msg = match self.rx.recv_timeout(left) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => return None,
            Err(RecvTimeoutError::Disconnected) => panic!(
                "the server closed its stdout; stderr:\n{}",
                self.stderr.lock().unwrap()
            ),
        };
        if msg.get("method").is_some() {
            if let Some(id) = msg.get("id").cloned() {
                let n = msg["params"]["items"].as_array().map_or(1, Vec::len);
                let result = if msg["method"] == "workspace/configuration" {
                    Value::Array(vec![Value::Null; n])
                } else {
                    Value::Null
                };
                self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}));
            }
            self.notes.push(msg);
            return Some(None);
        }
        if msg["id"].is_null() {
            self.notes.push(msg);
            return Some(None);
        }
        Some(Some(msg))
    }

    pub fn response(&mut self, id: i64) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            match self.recv(deadline) {
                None => panic!(
                    "no response to request {id}; stderr:\n{}",
                    self.stderr.lock().unwrap()
                ),
                Some(Some(m)) if m["id"] == json!(id) => return m,
                Some(_) => {}
            }
        }
    }

    /// Wait for a notification matching `pred` (among those not yet seen since `from`).
    pub fn wait_for(&mut self, from: usize, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        let mut seen = from;
        loop {
            if let Some(n) = self.notes[seen.min(self.notes.len())..]
                .iter()
                .find(|n| pred(n))
            {
                return n.clone();
            }
            seen = self.notes.len();
            if self.recv(deadline).is_none() {
                panic!("timed out waiting for {what}");
            }
        }
    }

    /// Read whatever arrives for `ms` milliseconds.
    pub fn settle(&mut self, ms: u64) {
        let deadline = Instant::now() + Duration::from_millis(ms);
        while self.recv(deadline).is_some() {}
    }

    /// The diagnostics published for `version` of `uri`. The server does not publish a set
    /// equal to the last one it published, so: pull the set of the current version (which is
    /// `version`: call this after the last edit); if the last publication received has that
    /// set, it stands for `version`; otherwise a publication with that set must still come —
    /// of `version`, or of an earlier version that was sent before `version` was analysed but
    /// arrives after the pull's answer (notifications and responses are not ordered).
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let pulled = self.request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}}),
        );
        let items = pulled["result"]["items"]
            .as_array()
            .unwrap_or_else(|| panic!("pull diagnostics answered {pulled}"))
            .clone();
        let last = self.notes.iter().rev().find(|n| {
            n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri
        });
        if let Some(last) = last {
            let published = last["params"]["diagnostics"].as_array().unwrap();
            if last["params"]["version"] == version || same_set(published, &items) {
                return published.clone();
            }
        }
        let from = self.notes.len();
        let n = self.wait_for(from, &format!("diagnostics of {uri} v{version}"), |n| {
            n["method"] == "textDocument/publishDiagnostics"
                && n["params"]["uri"] == uri
                && (n["params"]["version"] == version
                    || same_set(n["params"]["diagnostics"].as_array().unwrap(), &items))
        });
        n["params"]["diagnostics"].as_array().unwrap().clone()
    }

    pub fn open(&mut self, uri: &str, text: &str, version: i64) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "plaintext",
                                    "version": version, "text": text}}),
        );
    }

    /// `didChange` with one ranged change.
    pub fn change(&mut self, uri: &str, version: i64, range: Value, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"range": range, "text": text}]}),
        );
    }

    /// A request that must always be answered: the outline of `uri`. Proves the server lives.
    pub fn alive(&mut self, uri: &str) -> Value {
        let r = self.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        );
        assert!(r.get("result").is_some() || r.get("error").is_some(), "{r}");
        r
    }

    /// Resident memory of the server, in kB (VmRSS of /proc/PID/status).
    pub fn rss_kb(&self) -> u64 {
        let s = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("read /proc/PID/status");
        s.lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/PID/status")
    }

    /// `shutdown`, `exit`, and the exit status.
    pub fn finish(mut self) -> ExitStatus {
        let r = self.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "shutdown failed: {r}");
        self.notify("exit", Value::Null);
        self.stdin = None;
        self.wait_exit()
    }

    /// Close stdin and wait for the process to end (bounded).
    pub fn wait_exit(&mut self) -> ExitStatus {
        self.stdin = None;
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the server did not exit");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the server logged (window/logMessage) something containing `needle`.
    pub fn logged(&self, needle: &str) -> bool {
        self.notes.iter().any(|n| {
            n["method"] == "window/logMessage"
                && n["params"]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains(needle))
        })
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// LSP range from ((line, character), (line, character)).
pub fn range(a: (u32, u32), b: (u32, u32)) -> Value {
    json!({"start": {"line": a.0, "character": a.1}, "end": {"line": b.0, "character": b.1}})
}

/// Two diagnostic sets equal but for the document version inside each fix's data.
fn same_set(a: &[Value], b: &[Value]) -> bool {
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(d) = v.get_mut("data").and_then(Value::as_object_mut) {
            d.remove("version");
        }
        v
    };
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| strip(x) == strip(y))
}
