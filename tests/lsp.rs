//! Protocol tests through the real binary: `suanpan lsp` is started as an editor starts it, and
//! spoken to in JSON-RPC with Content-Length framing over its stdin/stdout.
//!
//! The client here is deliberately small and independent of the server's code: its own framing,
//! its own UTF-16/UTF-8 position arithmetic, its own application of text edits. Where the
//! engine does not yet produce something (relations, the outline), the test says so on stderr
//! and checks what it can; it starts checking the rest as soon as the engine does.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(30);

fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/lsp")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Position encoding the test client counts columns in.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Enc {
    Utf8,
    Utf16,
}

/// Byte offset of a line/column position, counted independently of the server.
fn offset(text: &str, line: u64, col: u64, enc: Enc) -> usize {
    let mut start = 0;
    for _ in 0..line {
        start += text[start..].find('\n').expect("line past the end") + 1;
    }
    let line_text = &text[start..];
    let line_text = &line_text[..line_text.find(['\r', '\n']).unwrap_or(line_text.len())];
    let mut units = 0u64;
    for (i, ch) in line_text.char_indices() {
        if units >= col {
            return start + i;
        }
        units += match enc {
            Enc::Utf8 => ch.len_utf8() as u64,
            Enc::Utf16 => ch.len_utf16() as u64,
        };
    }
    start + line_text.len()
}

fn position(text: &str, byte: usize, enc: Enc) -> Value {
    let before = &text[..byte];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col: usize = match enc {
        Enc::Utf8 => byte - line_start,
        Enc::Utf16 => text[line_start..byte].chars().map(char::len_utf16).sum(),
    };
    json!({"line": line, "character": col})
}

fn range(text: &str, a: usize, b: usize, enc: Enc) -> Value {
    json!({"start": position(text, a, enc), "end": position(text, b, enc)})
}

/// Apply LSP text edits (`[{range, newText}]`, all relative to `text`) as an editor does.
fn apply_text_edits(text: &str, edits: &[Value], enc: Enc) -> String {
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let r = &e["range"];
            let a = offset(
                text,
                r["start"]["line"].as_u64().unwrap(),
                r["start"]["character"].as_u64().unwrap(),
                enc,
            );
            let b = offset(
                text,
                r["end"]["line"].as_u64().unwrap(),
                r["end"]["character"].as_u64().unwrap(),
                enc,
            );
            (a, b, e["newText"].as_str().unwrap().to_string())
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (a, b, t) in spans {
        out.replace_range(a..b, &t);
    }
    out
}

/// The text edits of a workspace edit for one document (`changes` or `documentChanges`).
fn edits_of(edit: &Value) -> Vec<Value> {
    if let Some(changes) = edit["changes"].as_object() {
        return changes
            .values()
            .flat_map(|v| v.as_array().unwrap().clone())
            .collect();
    }
    edit["documentChanges"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["edits"].as_array().unwrap().clone())
        .collect()
}

struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications from the server, in arrival order.
    notes: Vec<Value>,
    /// What `workspace/configuration` answers.
    settings: Value,
    pub enc: Enc,
}

fn uri(name: &str) -> String {
    format!("file:///tmp/suanpan-lsp-test/{name}")
}

impl Client {
    fn spawn(debug: bool) -> Client {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_suanpan"));
        cmd.arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(if std::env::var_os("SUANPAN_TEST_STDERR").is_some() {
                Stdio::inherit()
            } else {
                Stdio::piped()
            });
        if debug {
            cmd.env("SUANPAN_LSP_DEBUG", "1");
        }
        let mut child = cmd.spawn().expect("start suanpan lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        if let Some(stderr) = child.stderr.take() {
            // Drain stderr so the server never blocks on it.
            std::thread::spawn(move || {
                let mut s = String::new();
                let _ = BufReader::new(stderr).read_to_string(&mut s);
            });
        }
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
                let mut body = vec![0; len.expect("Content-Length header")];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                let v: Value = serde_json::from_slice(&body).expect("server sent invalid JSON");
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
            settings: Value::Null,
            enc: Enc::Utf16,
        }
    }

    /// Start a server and initialize it offering `encodings` and the given capabilities.
    fn start_with(
        encodings: &[&str],
        capabilities: Value,
        init_options: Value,
        debug: bool,
    ) -> Client {
        let mut c = Client::spawn(debug);
        let mut caps = capabilities;
        caps["general"] = json!({"positionEncodings": encodings});
        let r = c.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": caps,
                   "initializationOptions": init_options}),
        );
        let enc = r["result"]["capabilities"]["positionEncoding"]
            .as_str()
            .unwrap_or("utf-16");
        c.enc = if enc == "utf-8" {
            Enc::Utf8
        } else {
            Enc::Utf16
        };
        c.notify("initialized", json!({}));
        c
    }

    fn start() -> Client {
        Client::start_with(&["utf-16"], json!({}), Value::Null, false)
    }

    fn send(&mut self, msg: &Value) {
        let body = serde_json::to_vec(msg).unwrap();
        self.send_raw(&body);
    }

    fn send_raw(&mut self, body: &[u8]) {
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(body);
        self.stdin.write_all(&frame).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Handle one message from the server: answer its requests, keep its notifications.
    /// Returns responses to our requests.
    fn recv(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        let msg = match self.rx.recv_timeout(left) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => return None,
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its stdout"),
        };
        if msg.get("method").is_some() {
            if let Some(id) = msg.get("id").cloned() {
                let result = match msg["method"].as_str().unwrap() {
                    "workspace/configuration" => {
                        let n = msg["params"]["items"].as_array().map_or(1, Vec::len);
                        Value::Array(vec![self.settings.clone(); n])
                    }
                    _ => Value::Null,
                };
                self.notes.push(msg.clone());
                self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}));
            } else {
                self.notes.push(msg);
            }
            return Some(Value::Null);
        }
        if msg["id"].is_null() {
            // An error about a message that had no usable id (a parse error).
            self.notes.push(msg);
            return Some(Value::Null);
        }
        Some(msg)
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.response(id)
    }

    fn response(&mut self, id: i64) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            match self.recv(deadline) {
                None => panic!("no response to request {id}"),
                Some(m) if m.get("id") == Some(&json!(id)) => return m,
                Some(_) => {}
            }
        }
    }

    /// Wait until a notification matches; returns it (and keeps it in `notes`).
    fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        let mut seen = 0;
        loop {
            if let Some(n) = self.notes[seen..].iter().find(|n| pred(n)) {
                return n.clone();
            }
            seen = self.notes.len();
            if self.recv(deadline).is_none() {
                panic!("timed out waiting for {what}; got {:#?}", self.notes);
            }
        }
    }

    /// Wait for the diagnostics of `uri` at `version`, and return them.
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let n = self.wait_for(&format!("diagnostics of {uri} v{version}"), |n| {
            n["method"] == "textDocument/publishDiagnostics"
                && n["params"]["uri"] == uri
                && n["params"]["version"] == version
        });
        n["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// Read messages for a while (to see what else arrives).
    fn settle(&mut self, ms: u64) {
        let deadline = Instant::now() + Duration::from_millis(ms);
        while self.recv(deadline).is_some() {}
    }

    fn open(&mut self, uri: &str, text: &str, version: i64) {
        let lang = if uri.ends_with(".md") {
            "markdown"
        } else {
            "plaintext"
        };
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": lang, "version": version, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    fn shutdown_exit(mut self) -> ExitStatus {
        let r = self.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// (rule, range) of LSP diagnostics or of `suanpan check --format json` entries.
fn keys(diags: &[Value], code_field: &str) -> Vec<(String, Value)> {
    let mut k: Vec<(String, Value)> = diags
        .iter()
        .map(|d| {
            (
                d[code_field].as_str().unwrap().to_string(),
                d["range"].clone(),
            )
        })
        .collect();
    k.sort_by_key(|(r, v)| (v.to_string(), r.clone()));
    k
}

fn check_json(path: &Path) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_suanpan"))
        .args(["check", "--format", "json"])
        .arg(path)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("check --format json");
    v["files"][0]["diagnostics"].as_array().unwrap().clone()
}

fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("suanpan-lsp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Open `text`, and check the server publishes what `suanpan check` reports (rule and range).
fn same_as_check(name: &str, text: &str) {
    let path = temp_file(name, text);
    let want = keys(&check_json(&path), "rule");
    let mut c = Client::start();
    let u = uri(name);
    c.open(&u, text, 1);
    let got = keys(&c.diagnostics(&u, 1), "code");
    assert_eq!(got, want, "{name}: LSP vs check");
    assert_eq!(c.shutdown_exit().code(), Some(0));
}

#[test]
fn initialize_negotiates_utf8_and_utf16() {
    let text = fixture("report.txt");
    // The finding on the line with 𠮷: columns differ between the encodings.
    let at = text.find("减少-6,500.00").unwrap();
    for (offered, want) in [
        (vec!["utf-16"], Enc::Utf16),
        (vec!["utf-8", "utf-16"], Enc::Utf8),
        (vec!["utf-32", "utf-16"], Enc::Utf16),
        (vec![], Enc::Utf16),
    ] {
        let mut c = Client::start_with(&offered, json!({}), Value::Null, false);
        assert_eq!(c.enc, want, "offered {offered:?}");
        let u = uri("enc.txt");
        c.open(&u, &text, 1);
        let diags = c.diagnostics(&u, 1);
        let d = diags
            .iter()
            .find(|d| d["range"]["start"]["line"] == 10)
            .expect("the finding on the 𠮷 line");
        assert_eq!(d["range"]["start"], position(&text, at, want), "{want:?}");
        assert_eq!(d["code"], "sign-after-direction");
        assert_eq!(d["source"], "suanpan");
        assert!(d["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("sign_after_direction.rs"));
        assert_eq!(c.shutdown_exit().code(), Some(0));
    }
}

#[test]
fn did_open_publishes_what_check_reports_lf_and_crlf() {
    let text = fixture("report.txt");
    same_as_check("report.txt", &text);
    same_as_check("report-crlf.txt", &text.replace('\n', "\r\n"));
    same_as_check("report.md", &fixture("report.md"));
}

#[test]
fn seed_report_publishes_what_check_reports() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed/000_bb02fe7c04ed6dc1.txt");
    let Ok(text) = std::fs::read_to_string(&p) else {
        eprintln!("skipped: {} is absent", p.display());
        return;
    };
    let want = keys(&check_json(&p), "rule");
    let mut c = Client::start();
    let u = uri("seed.txt");
    c.open(&u, &text, 1);
    assert_eq!(keys(&c.diagnostics(&u, 1), "code"), want);
    assert_eq!(c.shutdown_exit().code(), Some(0));
}

/// The editor's side of incremental sync: keeps its own text and sends each edit.
struct Editor<'c> {
    c: &'c mut Client,
    uri: String,
    text: String,
    version: i64,
}

impl Editor<'_> {
    fn edit(&mut self, a: usize, b: usize, new: &str) {
        let r = range(&self.text, a, b, self.c.enc);
        self.text.replace_range(a..b, new);
        self.version += 1;
        let (u, v) = (self.uri.clone(), self.version);
        self.c.change(&u, v, json!([{"range": r, "text": new}]));
    }

    fn type_at(&mut self, mut at: usize, s: &str) {
        for ch in s.chars() {
            self.edit(at, at, &ch.to_string());
            at += ch.len_utf8();
        }
    }
}

/// Text edits as didChange content changes.
fn as_changes(edits: &[Value]) -> Value {
    // Last first: each change applies to the text left by the previous one.
    let mut e = edits.to_vec();
    e.sort_by_key(|e| {
        std::cmp::Reverse((
            e["range"]["start"]["line"].as_u64(),
            e["range"]["start"]["character"].as_u64(),
        ))
    });
    Value::Array(
        e.iter()
            .map(|e| json!({"range": e["range"], "text": e["newText"]}))
            .collect(),
    )
}

fn comparable(diags: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = diags
        .iter()
        .map(|d| {
            // Related places without their URI: the same text may be open under two names.
            let related: Vec<String> = d["relatedInformation"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| format!("{} {}", r["location"]["range"], r["message"]))
                .collect();
            format!("{} {} {} {related:?}", d["code"], d["range"], d["message"])
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_hundred_incremental_edits_end_where_a_fresh_open_does() {
    for (encs, crlf) in [(vec!["utf-16"], false), (vec!["utf-8"], true)] {
        let mut c = Client::start_with(&encs, json!({}), Value::Null, false);
        let mut text = fixture("report.txt");
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        let u = uri("edits.txt");
        c.open(&u, &text, 1);
        c.diagnostics(&u, 1);
        let mut ed = Editor {
            c: &mut c,
            uri: u.clone(),
            text,
            version: 1,
        };
        let nl = if crlf { "\r\n" } else { "\n" };

        // Type a sentence with a number digit by digit, right after the 𠮷 line's sentence.
        let at = ed.text.find("3个科室").unwrap();
        ed.type_at(at, "（全年支出减少-1，234.50元）");
        // Fix a typo by backspacing the last few characters one at a time and retyping.
        for _ in 0..3 {
            let end = ed.text.find("元）").unwrap();
            let p = ed.text[..end].char_indices().last().unwrap().0;
            ed.edit(p, end, "");
        }
        let end_now = ed.text.find("元）").unwrap();
        ed.type_at(end_now, "9.99");
        // Delete a whole paragraph (and its blank line).
        let p = ed.text.find("（一）总体情况").unwrap();
        let q = ed.text[p..].find("（二）").unwrap() + p;
        ed.edit(p, q, "");
        // Paste a table in one edit.
        let table = [
            "",
            "| 科目 | 决算数 |",
            "| --- | ---: |",
            "| 办公费 | 12，000.00 |",
            "| 印刷费 | 8,500.00 |",
            "| 合计 | 20,500.00 |",
            "",
        ]
        .join(nl);
        let at = ed.text.find("四、").unwrap();
        ed.edit(at, at, &table);
        // Type 60 more characters into a narrative paragraph, one at a time.
        let at = ed.text.find("主要用于群众文化活动").unwrap();
        ed.type_at(at, &"其中文艺演出减少-3,000.00元，".repeat(4));
        // Replace a number digit by digit.
        let p = ed.text.find("28,600.00").unwrap();
        ed.edit(p, p + "28,600.00".len(), "");
        ed.type_at(p, "28，601.00");
        // An edit replacing text across a line break.
        let p = ed.text.find("（报表另附）").unwrap();
        ed.edit(p, p + "（报表另附）".len() + nl.len(), "（报表见附件）");

        let (final_text, final_version) = (ed.text.clone(), ed.version);
        assert!(final_version > 100, "only {final_version} versions");
        let incremental = c.diagnostics(&u, final_version);

        // A fresh open of the final text, in the same server and in a new one.
        let u2 = uri("fresh.txt");
        c.open(&u2, &final_text, 1);
        let fresh = c.diagnostics(&u2, 1);
        assert_eq!(comparable(&incremental), comparable(&fresh));
        assert!(
            incremental.iter().any(|d| d["code"] == "number-format"),
            "the typed full-width comma is found: {incremental:#?}"
        );
        // The server's copy is the editor's: a full fix-all computed on it applies cleanly.
        let r = c.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": u}, "range": range(&final_text, 0, 0, c.enc),
                   "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
        );
        let action = &r["result"][0];
        let fixed = apply_text_edits(&final_text, &edits_of(&action["edit"]), c.enc);
        assert!(!fixed.contains("减少-"), "{fixed}");
        assert_eq!(c.shutdown_exit().code(), Some(0));
    }
}

#[test]
fn code_action_quickfix_and_fix_all() {
    let mut c = Client::start_with(
        &["utf-16"],
        json!({"workspace": {"workspaceEdit": {"documentChanges": true}}}),
        Value::Null,
        false,
    );
    let text = fixture("report.txt");
    let u = uri("fix.txt");
    c.open(&u, &text, 1);
    let diags = c.diagnostics(&u, 1);
    let comma = diags
        .iter()
        .find(|d| d["code"] == "number-format")
        .expect("full-width comma")
        .clone();
    // Fixes are not carried in the diagnostic: codeAction takes them from the analysis.
    assert!(comma.get("data").is_none(), "{comma}");

    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": comma["range"],
               "context": {"diagnostics": [comma.clone()], "only": ["quickfix"]}}),
    );
    let actions = r["result"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "{r}");
    let a = &actions[0];
    assert_eq!(a["kind"], "quickfix");
    assert_eq!(a["isPreferred"], true);
    // Versioned: the client refuses it if the document changed meanwhile.
    assert_eq!(
        a["edit"]["documentChanges"][0]["textDocument"]["version"],
        1
    );
    let edits = edits_of(&a["edit"]);
    let fixed = apply_text_edits(&text, &edits, c.enc);
    assert!(fixed.contains("3,456.70元"));
    c.change(&u, 2, as_changes(&edits));
    let after = c.diagnostics(&u, 2);
    assert!(
        !after.iter().any(|d| d["code"] == "number-format"),
        "{after:#?}"
    );
    assert_eq!(after.len(), diags.len() - 1);

    // fixAll on a selection: only the finding inside it.
    let p = fixed.find("比年初预算减少-85,400.00元").unwrap();
    let sel = range(&fixed, p, p + "比年初预算减少-85,400.00元".len(), c.enc);
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": sel,
               "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    let a = &r["result"][0];
    assert_eq!(a["kind"], "source.fixAll.suanpan", "{r}");
    let partly = apply_text_edits(&fixed, &edits_of(&a["edit"]), c.enc);
    assert!(partly.contains("比年初预算减少85,400.00元"));
    assert!(partly.contains("减少-152,300.00元"));

    // fixAll on the whole document (an empty range: the cursor).
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": range(&fixed, 0, 0, c.enc),
               "context": {"diagnostics": [], "only": ["source.fixAll.suanpan"]}}),
    );
    let a = &r["result"][0];
    let edits = edits_of(&a["edit"]);
    let all = apply_text_edits(&fixed, &edits, c.enc);
    c.change(&u, 3, as_changes(&edits));
    assert!(!all.contains("减少-"));
    // Nothing safe left to fix: no fix-all action.
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": range(&all, 0, 0, c.enc),
               "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    assert_eq!(r["result"], json!([]));
    assert_eq!(c.shutdown_exit().code(), Some(0));
}

/// Neovim 0.7 sends a diagnostic back with byte columns where it received UTF-16 ones: the
/// fix is found by rule, message and line.
#[test]
fn quick_fix_of_a_diagnostic_whose_columns_came_back_in_other_units() {
    let mut c = Client::start_with(&["utf-16"], json!({}), Value::Null, false);
    let text = fixture("report.txt");
    let u = uri("columns.txt");
    c.open(&u, &text, 1);
    let diags = c.diagnostics(&u, 1);
    let mut comma = diags
        .iter()
        .find(|d| d["code"] == "number-format")
        .expect("full-width comma")
        .clone();
    let line = comma["range"]["start"]["line"].as_u64().unwrap() as usize;
    let line_text = text.lines().nth(line).unwrap();
    let utf16 = comma["range"]["start"]["character"].as_u64().unwrap() as usize;
    // The same column counted in bytes, as Neovim 0.7 sends it.
    let prefix: String = line_text
        .chars()
        .scan(0, |n, ch| {
            let before = *n;
            *n += ch.len_utf16();
            (before < utf16).then_some(ch)
        })
        .collect();
    assert_ne!(
        prefix.len(),
        utf16,
        "the line must have non-ASCII text before the slip"
    );
    comma["range"]["start"]["character"] = json!(prefix.len());
    comma["range"]["end"]["character"] = json!(prefix.len() + 9);
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": comma["range"],
               "context": {"diagnostics": [comma], "only": ["quickfix"]}}),
    );
    let actions = r["result"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "{r}");
    let fixed = apply_text_edits(&text, &edits_of(&actions[0]["edit"]), c.enc);
    assert!(fixed.contains("3,456.70元"), "{fixed}");
    assert_eq!(c.shutdown_exit().code(), Some(0));
}

#[test]
fn hover_on_a_total_shows_its_parts() {
    let text = fixture("report.txt");
    let total = "4,300,000.00";
    let at = text.find(total).unwrap();
    // Starts checking the table as soon as the engine relates 基本支出 to its parts.
    let analysis = suanpan::analyze(&text);
    let related = analysis
        .relations
        .iter()
        .any(|r| r.target.span.start == at && r.kind == suanpan::RelationKind::Sum);
    let mut c = Client::start();
    let u = uri("hover.txt");
    c.open(&u, &text, 1);
    c.diagnostics(&u, 1);
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": position(&text, at + 3, c.enc)}),
    );
    assert!(r.get("error").is_none(), "{r}");
    if !related {
        eprintln!("note: the engine does not relate 基本支出 to its parts yet; hover not checked");
        assert_eq!(c.shutdown_exit().code(), Some(0));
        return;
    }
    let md = r["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    for want in [
        "人员经费",
        "3,850,120.00",
        "公用经费",
        "512,345.67",
        "4,362,465.67",
    ] {
        assert!(md.contains(want), "{want} not in hover:\n{md}");
    }
    // The figure, with or without its unit.
    let r_range = &r["result"]["range"];
    assert_eq!(r_range["start"], position(&text, at, c.enc));
    assert!(
        r_range["end"] == position(&text, at + total.len(), c.enc)
            || r_range["end"] == position(&text, at + total.len() + "元".len(), c.enc),
        "{r_range}"
    );
    // On the unit: the value in 万元.
    let unit_at = at + total.len();
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": position(&text, unit_at, c.enc)}),
    );
    let md = r["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(md.contains("430 万元"), "{md}");
    // And the inlay hint beside the inconsistent total.
    let r = c.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": u}, "range": range(&text, 0, text.len(), c.enc)}),
    );
    let hints = r["result"].as_array().unwrap();
    assert!(
        hints.iter().any(|h| h["label"] == "= 4,362,465.67"),
        "{hints:#?}"
    );
    assert_eq!(c.shutdown_exit().code(), Some(0));
}

#[test]
fn document_symbols_outline() {
    let text = fixture("report.txt");
    let outline = suanpan::analyze(&text).outline;
    let mut c = Client::start();
    let u = uri("outline.txt");
    c.open(&u, &text, 1);
    let r = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": u}}),
    );
    let syms = r["result"].as_array().expect("a list of symbols");
    if outline.is_empty() {
        eprintln!("note: the engine produces no outline yet; only the shape is checked");
        assert!(syms.is_empty());
    } else {
        fn names(s: &[Value], out: &mut Vec<String>) {
            for x in s {
                out.push(x["name"].as_str().unwrap().to_string());
                if let Some(ch) = x["children"].as_array() {
                    names(ch, out);
                }
            }
        }
        let mut got = Vec::new();
        names(syms, &mut got);
        for h in &outline {
            assert!(got.contains(&h.title), "{} missing from {got:?}", h.title);
        }
        assert!(got.iter().any(|n| n.contains("第二部分")), "{got:?}");
    }
    assert_eq!(c.shutdown_exit().code(), Some(0));
}

#[test]
fn shutdown_and_exit_codes() {
    let c = Client::start();
    assert_eq!(c.shutdown_exit().code(), Some(0));
    // exit without shutdown: 1, as the specification asks
    let mut c = Client::start();
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit().code(), Some(1));
}

#[test]
fn bad_input_does_not_kill_the_server() {
    let mut c = Client::start_with(&["utf-16"], json!({}), Value::Null, true);
    let text = fixture("report.txt");
    let u = uri("robust.txt");
    c.open(&u, &text, 1);
    let first = c.diagnostics(&u, 1);

    // Malformed JSON, a body that is not a message, an unknown method, a request for an
    // unopened document.
    c.send_raw(b"{\"jsonrpc\": \"2.0\", \"id\": 99, \"method\": ");
    c.send_raw(b"[1, 2, 3]");
    // One error answer (id null) per bad message: -32700, or -32600 when two arrive at once
    // (tower-lsp-server refuses a second pending request with the same id, null).
    let parse_error = |n: &Value| n["id"].is_null() && n["error"]["code"].is_i64();
    let deadline = Instant::now() + TIMEOUT;
    while c.notes.iter().filter(|n| parse_error(n)).count() < 2 {
        assert!(
            c.recv(deadline).is_some(),
            "two parse errors: {:#?}",
            c.notes
        );
    }
    let r = c.request("suanpan/noSuchMethod", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri("never-opened.txt")}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(r["result"], Value::Null);
    // A position far past the end: an error answer, not a crash.
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": {"line": 100000, "character": 5}}),
    );
    assert!(r.get("error").is_some(), "{r}");
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": {"line": 0, "character": 4000000000u64}}),
    );
    assert!(r.get("error").is_none(), "{r}");

    // A panic in a request is answered as an error; the server keeps serving.
    let r = c.request("suanpan/debugPanic", json!({}));
    assert_eq!(r["error"]["code"], -32603, "{r}");
    let r = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": u}}),
    );
    assert!(r["result"].is_array(), "{r}");

    // A panic in an analysis: logged, nothing published for that document, others served.
    let bad = uri("panics.txt");
    c.open(&bad, "<<suanpan-debug-panic>>", 1);
    c.wait_for("a log of the analysis panic", |n| {
        n["method"] == "window/logMessage"
            && n["params"]["message"].as_str().unwrap().contains("panic")
    });

    // An edit past the end: logged, refused, squiggles cleared, the document not corrupted.
    c.change(
        &u,
        2,
        json!([{"range": {"start": {"line": 5000, "character": 0}, "end": {"line": 5000, "character": 3}}, "text": "x"}]),
    );
    c.wait_for("a logged error for the edit past the end", |n| {
        n["method"] == "window/logMessage"
            && n["params"]["type"] == 1
            && n["params"]["message"]
                .as_str()
                .unwrap()
                .contains("past the end")
    });
    c.wait_for("cleared diagnostics", |n| {
        n["method"] == "textDocument/publishDiagnostics"
            && n["params"]["uri"] == u
            && n["params"]["diagnostics"] == json!([])
    });
    c.wait_for("a request to reopen", |n| {
        n["method"] == "window/showMessage"
    });
    // A version going backwards is refused too.
    c.change(&u, 1, json!([{"text": "whatever"}]));
    // The full text brings it back in sync.
    c.change(&u, 3, json!([{"text": text}]));
    let again = c.diagnostics(&u, 3);
    assert_eq!(comparable(&again).len(), comparable(&first).len());
    assert_eq!(
        keys(&again, "code"),
        keys(&first, "code"),
        "same findings after resync"
    );

    // Other documents were served throughout.
    let other = uri("other.md");
    c.open(&other, &fixture("report.md"), 7);
    assert!(!c.diagnostics(&other, 7).is_empty());
    assert_eq!(c.shutdown_exit().code(), Some(0));
}

#[test]
fn pull_diagnostics_for_clients_that_ask() {
    let mut c = Client::start_with(
        &["utf-8", "utf-16"],
        json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}}),
        Value::Null,
        false,
    );
    let text = fixture("report.md");
    let u = uri("pull.md");
    c.open(&u, &text, 1);
    let r = c.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": u}}),
    );
    assert_eq!(r["result"]["kind"], "full", "{r}");
    let items = r["result"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{r}");
    let id = r["result"]["resultId"].clone();
    let r = c.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": u}, "previousResultId": id}),
    );
    assert_eq!(r["result"]["kind"], "unchanged", "{r}");
    // A keystroke that changes no finding: still unchanged (the id names the set).
    let end = text.len();
    c.change(
        &u,
        2,
        json!([{"range": range(&text, end, end, Enc::Utf16), "text": "\n附注。\n"}]),
    );
    let r = c.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": u}, "previousResultId": id}),
    );
    assert_eq!(r["result"]["kind"], "unchanged", "{r}");
    // One that adds a finding: the full new set, under a new id.
    let text2 = format!("{text}\n附注。\n");
    let end = text2.len();
    c.change(
        &u,
        3,
        json!([{"range": range(&text2, end, end, Enc::Utf16), "text": "基本支出100.00万元，其中：人员经费60.00万元，公用经费30.00万元。\n"}]),
    );
    let r = c.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": u}, "previousResultId": id}),
    );
    assert_eq!(r["result"]["kind"], "full", "{r}");
    // The sum slip, and its 基本支出 differs from the one stated before.
    assert_eq!(r["result"]["items"].as_array().unwrap().len(), 4, "{r}");
    assert_ne!(r["result"]["resultId"], id);
    // An edit that cannot be placed: the document is paused, and its next pull is empty.
    c.change(
        &u,
        4,
        json!([{"range": {"start": {"line": 9000, "character": 0}, "end": {"line": 9000, "character": 1}}, "text": "x"}]),
    );
    c.wait_for("a request to reopen", |n| {
        n["method"] == "window/showMessage"
    });
    let r = c.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": u}, "previousResultId": r["result"]["resultId"]}),
    );
    assert_eq!(r["result"]["kind"], "full", "{r}");
    assert_eq!(r["result"]["items"], json!([]), "{r}");
    // Pull clients get no pushes (or every finding would show twice), not even the clearing of
    // a paused or a closed document.
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
    c.settle(300);
    assert!(
        !c.notes
            .iter()
            .any(|n| n["method"] == "textDocument/publishDiagnostics"),
        "{:#?}",
        c.notes
    );
    assert_eq!(c.shutdown_exit().code(), Some(0));
}

#[test]
fn configuration_applies_without_restart() {
    let text = fixture("report.txt");
    // initializationOptions: number-format off, sign-after-direction as a hint.
    let mut c = Client::start_with(
        &["utf-16"],
        json!({}),
        json!({"rules": {"number-format": false}, "severity": {"sign-after-direction": "hint"}}),
        false,
    );
    let u = uri("config.txt");
    c.open(&u, &text, 1);
    let d = c.diagnostics(&u, 1);
    assert!(d.iter().any(|d| d["code"] == "sign-after-direction"));
    assert!(
        d.iter().all(|d| d["code"] != "number-format"
            && (d["code"] != "sign-after-direction" || d["severity"] == 4)),
        "{d:#?}"
    );
    c.notes.clear();
    // Pushed settings (a client without workspace/configuration).
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"suanpan": {"rules": {"sign-after-direction": "off"}}}}),
    );
    let d = c.diagnostics(&u, 1);
    assert!(
        d.iter().all(|d| d["code"] != "sign-after-direction"),
        "{d:#?}"
    );
    assert!(d.iter().any(|d| d["code"] == "number-format"), "{d:#?}");
    // File types: .txt no longer checked → its diagnostics are cleared.
    c.notes.clear();
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"suanpan": {"fileTypes": ["md"]}}}),
    );
    assert!(c.diagnostics(&u, 1).is_empty());
    assert_eq!(c.shutdown_exit().code(), Some(0));

    // A client with workspace/configuration: the server asks for the section.
    let mut c = Client::spawn(false);
    c.settings = json!({"rules": {"sign-after-direction": false}});
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": null,
               "capabilities": {"workspace": {"configuration": true,
                   "didChangeConfiguration": {"dynamicRegistration": true}}}}),
    );
    c.notify("initialized", json!({}));
    c.wait_for("workspace/configuration", |n| {
        n["method"] == "workspace/configuration"
    });
    c.wait_for("registration", |n| {
        n["method"] == "client/registerCapability"
    });
    // Let the server apply the answer before the document comes.
    c.settle(300);
    let u = uri("config2.txt");
    c.open(&u, &text, 1);
    // The answer is applied asynchronously: wait for a publication made with it (the server
    // republishes when the configuration changes).
    let has_sign = |n: &Value| {
        n["params"]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "sign-after-direction")
    };
    let published =
        |n: &Value| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == u;
    c.wait_for("diagnostics without sign-after-direction", |n| {
        published(n) && !has_sign(n) && n["params"]["diagnostics"] != json!([])
    });
    c.settings = json!({});
    c.notes.clear();
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    );
    c.wait_for("diagnostics with sign-after-direction again", |n| {
        published(n) && has_sign(n)
    });
    assert_eq!(c.shutdown_exit().code(), Some(0));
}

/// A table with no 单位 whose total disagrees with the text only if it is read in 万元.
const UNITLESS: &str = "本年支出合计300.00万元。\n\n项目\t决算数\n本年支出合计\t310.00\n";

fn value_mismatch_lines(diags: &[Value]) -> Vec<u64> {
    diags
        .iter()
        .filter(|d| d["code"] == "value-mismatch")
        .map(|d| d["range"]["start"]["line"].as_u64().unwrap())
        .collect()
}

#[test]
fn assumed_unit_applies_without_restart() {
    // Pushed settings (a client without workspace/configuration).
    let mut c = Client::start();
    let u = uri("unitless.txt");
    c.open(&u, UNITLESS, 1);
    assert_eq!(
        value_mismatch_lines(&c.diagnostics(&u, 1)),
        Vec::<u64>::new()
    );
    let hover_on_total = |c: &mut Client| {
        c.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": u}, "position": {"line": 3, "character": 8}}),
        )["result"]
            .clone()
    };
    // Unread: the bare figure has no hover.
    assert!(hover_on_total(&mut c).is_null());
    c.notes.clear();
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"suanpan": {"assumedUnit": "万元"}}}),
    );
    assert_eq!(value_mismatch_lines(&c.diagnostics(&u, 1)), vec![3]);
    // Hover and the other requests see the new analysis too, not a cached one.
    let h = hover_on_total(&mut c);
    assert!(
        h.to_string().contains("300.00"),
        "hover on the table's total: {h:#}"
    );
    c.notes.clear();
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"suanpan": {"assumedUnit": "none"}}}),
    );
    assert_eq!(
        value_mismatch_lines(&c.diagnostics(&u, 1)),
        Vec::<u64>::new()
    );
    // A bad value: a warning in the log, as for the other keys.
    c.notes.clear();
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"suanpan": {"assumedUnit": "美元"}}}),
    );
    c.wait_for("a warning about assumedUnit", |n| {
        n["method"] == "window/logMessage"
            && n["params"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("assumedUnit"))
    });
    assert_eq!(c.shutdown_exit().code(), Some(0));

    // A client with workspace/configuration and pull diagnostics (as Neovim 0.11 and VS Code):
    // the server asks for the section, then asks the client to pull again.
    let mut c = Client::spawn(false);
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": null,
               "capabilities": {"workspace": {"configuration": true,
                   "diagnostics": {"refreshSupport": true}},
                   "textDocument": {"diagnostic": {}}}}),
    );
    c.notify("initialized", json!({}));
    c.wait_for("workspace/configuration", |n| {
        n["method"] == "workspace/configuration"
    });
    c.settle(300);
    let u = uri("unitless-pull.txt");
    c.open(&u, UNITLESS, 1);
    let pull = |c: &mut Client| {
        let r = c.request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": u}}),
        );
        value_mismatch_lines(r["result"]["items"].as_array().unwrap())
    };
    assert_eq!(pull(&mut c), Vec::<u64>::new());
    for (unit, want) in [("万元", vec![3]), ("none", vec![])] {
        c.settings = json!({ "assumedUnit": unit });
        c.notes.clear();
        c.notify(
            "workspace/didChangeConfiguration",
            json!({"settings": null}),
        );
        c.wait_for("workspace/diagnostic/refresh", |n| {
            n["method"] == "workspace/diagnostic/refresh"
        });
        assert_eq!(pull(&mut c), want, "assumedUnit {unit}");
    }
    assert_eq!(c.shutdown_exit().code(), Some(0));
}

#[test]
fn definition_and_references_join_statements_of_one_quantity() {
    let text = fixture("report.txt");
    let first = text.find("支出总计6,210,430.50").unwrap() + "支出总计".len();
    let again = text.rfind("支出总计6,210,430.50").unwrap() + "支出总计".len();
    let keyed = suanpan::analyze(&text)
        .amounts
        .iter()
        .filter(|a| {
            a.key
                .as_ref()
                .is_some_and(|k| k.to_string() == "支出总计|本年")
        })
        .count();
    let mut c = Client::start();
    let u = uri("refs.txt");
    c.open(&u, &text, 1);
    let r = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": u}, "position": position(&text, again + 2, c.enc)}),
    );
    assert!(r.get("error").is_none(), "{r}");
    if keyed < 2 {
        eprintln!("note: the engine does not key 支出总计 as one quantity; not checked");
        assert_eq!(c.shutdown_exit().code(), Some(0));
        return;
    }
    assert_eq!(r["result"]["uri"], u, "{r}");
    assert_eq!(r["result"]["range"]["start"], position(&text, first, c.enc));
    let r = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": u}, "position": position(&text, first, c.enc),
               "context": {"includeDeclaration": true}}),
    );
    let locs = r["result"].as_array().unwrap();
    assert_eq!(locs.len(), keyed, "{r}");
    assert_eq!(locs[1]["range"]["start"], position(&text, again, c.enc));
    assert_eq!(c.shutdown_exit().code(), Some(0));
}

/// A keystroke that changes no finding publishes nothing: the client already has the set.
#[test]
fn unchanged_diagnostics_are_not_published_again() {
    let mut c = Client::start();
    let u = uri("quiet.txt");
    let text =
        "基本支出100.00万元，其中：人员经费60.00万元，公用经费30.00万元。\n这是一段说明文字。\n";
    c.open(&u, text, 1);
    assert_eq!(c.diagnostics(&u, 1).len(), 1);
    // Type in the narrative line: the finding stays where it is.
    let at = text.find("说明").unwrap();
    c.change(
        &u,
        2,
        json!([{"range": range(text, at, at, Enc::Utf16), "text": "很"}]),
    );
    let text2 = format!("{}很{}", &text[..at], &text[at..]);
    // Correct the slip: a new set, published.
    let at = text2.find("30.00").unwrap();
    c.change(
        &u,
        3,
        json!([{"range": range(&text2, at, at + 1, Enc::Utf16), "text": "4"}]),
    );
    assert!(c.diagnostics(&u, 3).is_empty());
    let versions: Vec<&Value> = c
        .notes
        .iter()
        .filter(|n| n["method"] == "textDocument/publishDiagnostics")
        .map(|n| &n["params"]["version"])
        .collect();
    assert_eq!(versions, [&json!(1), &json!(3)]);
    assert_eq!(c.shutdown_exit().code(), Some(0));
}
