//! The language server proper: session state, the open documents, and one handler per LSP
//! method. A handler converts in (`position`), asks `ide` or the analysis, converts out
//! (`convert`).
//!
//! Concurrency (up to four handlers run at once, interleaved, see `transport`): text sync is
//! not done here but in `ordered`, synchronously and in arrival order. A document is analysed
//! by one request at a time (the others wait and use the result): a keystroke's re-analysis in
//! place, a larger one on the blocking pool. A result is published only if the document has not
//! changed meanwhile, under a lock so that an older result can never be sent after a newer one.
//! No `std` lock is ever held across an `.await`.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Response, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::config::Config;
use super::convert::{self, SOURCE};
use super::document::{Document, Snapshot};
use super::position::{byte_of, range_of, span_of};
use super::transport::Output;
use super::wire::{self, Items, Outgoing};
use crate::ide;
use crate::text::encoding::PositionEncoding;
use crate::text::Span;

pub const FIX_ALL_KIND: &str = "source.fixAll.suanpan";

/// Set in tests to make documents containing this marker panic during analysis, and to enable
/// the `suanpan/debugPanic` request (see `SUANPAN_LSP_DEBUG` in docs/lsp.md).
pub const DEBUG_PANIC_MARKER: &str = "<<suanpan-debug-panic>>";

/// The phases of a session (`Shared::phase`).
pub const BEFORE_INITIALIZE: u8 = 0;
pub const SERVING: u8 = 1;
pub const SHUT_DOWN: u8 = 2;
pub const EXITED: u8 = 3;

/// Lock a mutex even if a panicking handler poisoned it: the data is always left consistent
/// (documents are replaced whole), and one panic must not take the server down.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What the client said it can do, as far as we care.
#[derive(Debug, Clone, Default)]
struct ClientCaps {
    pull_diagnostics: bool,
    document_changes: bool,
    configuration: bool,
    dynamic_configuration: bool,
    diagnostic_refresh: bool,
    inlay_refresh: bool,
}

#[derive(Debug, Clone)]
struct Session {
    enc: PositionEncoding,
    config: Config,
    caps: ClientCaps,
    debug: bool,
}

pub struct Shared {
    pub client: Client,
    docs: Mutex<HashMap<Uri, Document>>,
    session: Mutex<Session>,
    /// Bumped on every configuration change; part of pull diagnostics' result ids.
    config_gen: AtomicU64,
    /// Held while checking that a result is current and sending it; holds what was last
    /// published for each document, so an unchanged set is not sent again.
    publish: tokio::sync::Mutex<HashMap<Uri, u64>>,
    /// Each document's diagnostics per report (see `diagnostics_since`).
    converted: Mutex<HashMap<Uri, Converted>>,
    /// Stamps of diagnostic sets, unique across documents; they are pull result ids too.
    stamps: AtomicU64,
    /// Where the session is: `BEFORE_INITIALIZE`, `SERVING`, `SHUT_DOWN` or `EXITED` (kept by
    /// `ordered`, as the messages arrive).
    phase: AtomicU8,
    shutdown: Arc<AtomicBool>,
    /// Where diagnostics are published: written directly, not through `client`.
    out: Output,
}

/// One report's diagnostics, lines counted from its first line.
struct ReportDiagnostics {
    /// Kept alive so that its address, the key, is not reused.
    _analysis: Arc<crate::Analysis>,
    diagnostics: Arc<Vec<Diagnostic>>,
    /// How many lines the report spans: a report's first line is the sum of those before it
    /// (a rope lookup per report per keystroke cost ~1 ms in a bundle of a thousand reports).
    lines: i64,
    /// The diagnostics as JSON, with lines counted from the first line of the document, and
    /// the report's first line they were written for.
    json: Option<(i64, Arc<Vec<u8>>)>,
}

impl ReportDiagnostics {
    /// The diagnostics as comma-separated JSON objects, for the report at `first_line`:
    /// written once, and again only when the report has moved.
    fn json_at(&mut self, first_line: i64) -> Arc<Vec<u8>> {
        if let Some((line, json)) = &self.json {
            if *line == first_line {
                return json.clone();
            }
        }
        let json = Arc::new(wire::piece(self.diagnostics.iter().map(|d| {
            let mut d = d.clone();
            convert::move_lines(&mut d, first_line);
            d
        })));
        self.json = Some((first_line, json.clone()));
        json
    }
}

/// One document's diagnostics per report, lines counted from the report's first line.
#[derive(Default)]
struct Converted {
    config_gen: u64,
    enc: Option<PositionEncoding>,
    /// By the address of a report's analysis (keys are addresses, not document text: Fx).
    reports: rustc_hash::FxHashMap<usize, ReportDiagnostics>,
    /// The last set: per report, its key, first line and diagnostics.
    order: Vec<(usize, i64, Arc<Vec<Diagnostic>>)>,
    stamp: u64,
}

pub struct Backend {
    pub shared: Arc<Shared>,
}

impl Backend {
    pub fn new(client: Client, shutdown: Arc<AtomicBool>, debug: bool, out: Output) -> Backend {
        Backend {
            shared: Arc::new(Shared {
                client,
                docs: Mutex::new(HashMap::new()),
                session: Mutex::new(Session {
                    enc: PositionEncoding::Utf16,
                    config: Config::default(),
                    caps: ClientCaps::default(),
                    debug,
                }),
                config_gen: AtomicU64::new(0),
                publish: tokio::sync::Mutex::new(HashMap::new()),
                converted: Mutex::new(HashMap::new()),
                stamps: AtomicU64::new(0),
                phase: AtomicU8::new(BEFORE_INITIALIZE),
                shutdown,
                out,
            }),
        }
    }

    /// Stands for a message that could not be read (see `framing`): answered with a parse
    /// error, as JSON-RPC asks.
    pub async fn invalid_message(&self, params: Value) -> Result<Value> {
        let why = params["error"]
            .as_str()
            .unwrap_or("invalid message")
            .to_string();
        self.shared.log(
            MessageType::ERROR,
            format!("invalid message from the client: {why}"),
        );
        let mut e = Error::new(ErrorCode::ParseError);
        e.message = why.into();
        Err(e)
    }

    /// `suanpan/debugPanic`: panics, to test that the server survives (only registered when
    /// `SUANPAN_LSP_DEBUG` is set).
    pub async fn debug_panic(&self, _params: Value) -> Result<Value> {
        panic!("suanpan/debugPanic: a deliberate panic");
    }
}

impl Shared {
    fn session(&self) -> Session {
        lock(&self.session).clone()
    }

    /// Moves the session from phase `from` to `to`; false if it was not at `from`.
    pub fn advance(&self, from: u8, to: u8) -> bool {
        self.phase
            .compare_exchange(from, to, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    }

    /// `shutdown` has been received: the exit code will be 0.
    pub fn shutdown_received(&self) {
        self.shutdown.store(true, Ordering::SeqCst);
    }

    pub fn set_phase(&self, to: u8) {
        self.phase.store(to, Ordering::SeqCst);
    }

    /// Between a successful `initialize` and the arrival of `shutdown`: requests are served.
    pub fn serving(&self) -> bool {
        self.phase.load(Ordering::SeqCst) == SERVING
    }

    /// Sends `textDocument/publishDiagnostics`: not before `initialize` nor after `exit`, as
    /// tower-lsp-server's `Client` does with its notifications.
    async fn publish(&self, uri: &Uri, items: &Items, version: Option<i32>) {
        if matches!(self.phase.load(Ordering::SeqCst), SERVING | SHUT_DOWN) {
            self.out
                .send_body(wire::publish_diagnostics(uri, version, items))
                .await;
        }
    }

    /// A message for the user's log (window/logMessage) and stderr. Never stdout.
    pub fn log(self: &Arc<Self>, typ: MessageType, msg: String) {
        let _ = writeln!(std::io::stderr(), "suanpan lsp: {msg}");
        let client = self.client.clone();
        tokio::spawn(async move { client.log_message(typ, msg).await });
    }

    // ---- text sync: called by `ordered`, synchronously, in arrival order ----

    pub fn did_open(self: &Arc<Self>, p: DidOpenTextDocumentParams) {
        let d = p.text_document;
        let doc = Document::new(&d.text, d.version, d.language_id);
        lock(&self.docs).insert(d.uri.clone(), doc);
        self.schedule(d.uri);
    }

    pub fn did_change(self: &Arc<Self>, p: DidChangeTextDocumentParams) {
        let uri = p.text_document.uri;
        let enc = self.session().enc;
        let outcome = {
            let mut docs = lock(&self.docs);
            match docs.get_mut(&uri) {
                None => Some(("the document is not open".to_string(), false)),
                Some(doc) => {
                    let was_in_sync = doc.in_sync;
                    doc.apply(p.text_document.version, &p.content_changes, enc)
                        .err()
                        .map(|e| (e.to_string(), was_in_sync))
                }
            }
        };
        match outcome {
            None => self.schedule(uri),
            Some((msg, just_lost)) => {
                self.log(
                    MessageType::ERROR,
                    format!(
                        "didChange {} (version {}): {msg}",
                        uri.as_str(),
                        p.text_document.version
                    ),
                );
                if just_lost {
                    self.lost_sync(uri);
                }
            }
        }
    }

    pub fn did_close(self: &Arc<Self>, p: DidCloseTextDocumentParams) {
        let uri = p.text_document.uri;
        lock(&self.converted).remove(&uri);
        // A pull client forgets a closed document's diagnostics itself.
        if lock(&self.docs).remove(&uri).is_some() && self.push_mode() {
            let this = self.clone();
            tokio::spawn(async move {
                let mut published = this.publish.lock().await;
                if !lock(&this.docs).contains_key(&uri) {
                    published.remove(&uri);
                    this.publish(&uri, &Items::default(), None).await;
                }
            });
        }
    }

    /// Our copy of the document no longer matches the client's: clear its squiggles (they would
    /// point at the wrong places) and ask the user for the full text. A pull client is not sent
    /// an empty set (it would be a second source of diagnostics): its next pull gets one, and
    /// it is asked to pull now if it can be.
    fn lost_sync(self: &Arc<Self>, uri: Uri) {
        let this = self.clone();
        tokio::spawn(async move {
            let caps = lock(&this.session).caps.clone();
            if !caps.pull_diagnostics {
                let mut published = this.publish.lock().await;
                published.remove(&uri);
                this.publish(&uri, &Items::default(), None).await;
            } else if caps.diagnostic_refresh {
                let _ = this.client.workspace_diagnostic_refresh().await;
            }
            this.client
                .show_message(
                    MessageType::WARNING,
                    format!(
                        "suanpan 与编辑器中的 {} 内容不同步，已暂停检查；请关闭并重新打开该文件。",
                        uri.as_str()
                    ),
                )
                .await;
        });
    }

    fn push_mode(&self) -> bool {
        !lock(&self.session).caps.pull_diagnostics
    }

    /// Analyse and publish the current version of `uri` (push clients only).
    fn schedule(self: &Arc<Self>, uri: Uri) {
        if !self.push_mode() {
            return;
        }
        let Some(version) = lock(&self.docs).get(&uri).map(|d| d.version) else {
            return;
        };
        let this = self.clone();
        tokio::spawn(async move { this.publish_version(uri, version).await });
    }

    async fn publish_version(self: Arc<Self>, uri: Uri, version: i32) {
        let session = self.session();
        if session.config.debounce_ms > 0 {
            tokio::time::sleep(Duration::from_millis(session.config.debounce_ms)).await;
            if self.current_version(&uri) != Some(version) {
                return;
            }
        }
        let snap = if self.is_checked(&uri) {
            let Some(snap) = self.snapshot(&uri).await else {
                return;
            };
            if snap.version != version {
                return;
            }
            Some(snap)
        } else {
            None
        };
        let mut published = self.publish.lock().await;
        // Dropped if a newer edit arrived meanwhile: its own task publishes.
        if self.current_version(&uri) != Some(version) {
            return;
        }
        // Most keystrokes change no finding: send a set only when it differs from the last one
        // sent (as rust-analyzer does). Stamp 0 stands for the empty set of a document that is
        // not checked.
        let known = published.get(&uri).copied();
        let (stamp, diagnostics) = match &snap {
            Some(snap) => self.diagnostics_since(&uri, snap, known),
            None => (0, (known != Some(0)).then(Items::default)),
        };
        let Some(diagnostics) = diagnostics else {
            return;
        };
        published.insert(uri.clone(), stamp);
        self.publish(&uri, &diagnostics, Some(version)).await;
    }

    /// The version of an open, in-sync document.
    fn current_version(&self, uri: &Uri) -> Option<i32> {
        lock(&self.docs)
            .get(uri)
            .filter(|d| d.in_sync)
            .map(|d| d.version)
    }

    fn is_checked(&self, uri: &Uri) -> bool {
        let lang = match lock(&self.docs).get(uri) {
            Some(d) => d.language_id.clone(),
            None => return false,
        };
        lock(&self.session)
            .config
            .checks(uri.path().as_str(), &lang)
    }

    /// The analysis of the document's current version, made if it is not cached (see
    /// `INLINE_ANALYSIS_BYTES` for where). `None` when the document is not open, out of sync,
    /// or its analysis panicked.
    pub async fn snapshot(self: &Arc<Self>, uri: &Uri) -> Option<Arc<Snapshot>> {
        // Settings that change the analysis may change while it runs: then it is made again.
        loop {
            if let Some(found) = self.analyse(uri).await {
                return found;
            }
        }
    }

    /// One attempt of `snapshot`: `None` when the options changed while it ran.
    async fn analyse(self: &Arc<Self>, uri: &Uri) -> Option<Option<Arc<Snapshot>>> {
        // One analysis of a document at a time; whoever waited finds it made.
        let gate = {
            let docs = lock(&self.docs);
            let Some(doc) = docs.get(uri).filter(|d| d.in_sync) else {
                return Some(None);
            };
            if let Some(s) = doc.current_snapshot() {
                return Some(Some(s));
            }
            doc.analysing.clone()
        };
        let _analysing = gate.lock().await;
        // Read after the wait: settings changed meanwhile are those to analyse with.
        let (debug, options) = {
            let s = lock(&self.session);
            (s.debug, s.config.options())
        };
        let (version, rope, mut reports) = {
            let mut docs = lock(&self.docs);
            let Some(doc) = docs.get_mut(uri).filter(|d| d.in_sync) else {
                return Some(None);
            };
            if let Some(s) = doc.current_snapshot() {
                return Some(Some(s));
            }
            // New options: the document's reports are all to be read again, once.
            doc.reports.set_options(options);
            (doc.version, doc.rope.clone(), doc.reports.clone())
        };
        // Only the reports edited since the last analysis are read again (issue 5).
        let pending = reports.unanalysed_bytes();
        let work = move || {
            if debug
                && reports
                    .reports()
                    .any(|(_, r)| r.text.contains(DEBUG_PANIC_MARKER))
            {
                panic!("debug: a deliberate panic in analysis");
            }
            reports.analyze();
            Snapshot {
                version,
                rope,
                reports,
            }
        };
        let job = if pending <= INLINE_ANALYSIS_BYTES {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
                .map_err(|p| crate::panic_text(&*p))
        } else {
            tokio::task::spawn_blocking(work)
                .await
                .map_err(panic_message)
        };
        match job {
            Ok(snap) => {
                let snap = Arc::new(snap);
                let mut docs = lock(&self.docs);
                // Made with options changed meanwhile: stale (checked under the documents'
                // lock, so `apply_config` cannot clear the cache between check and store).
                if lock(&self.session).config.options() != options {
                    return None;
                }
                if let Some(doc) = docs.get_mut(uri) {
                    // Keep the analyses of reports still unchanged, even if the document
                    // moved on meanwhile.
                    doc.reports.adopt(&snap.reports);
                    if doc.version == version {
                        doc.snapshot = Some(snap.clone());
                    }
                }
                Some(Some(snap))
            }
            Err(e) => {
                self.log(
                    MessageType::ERROR,
                    format!(
                        "analysis of {} (version {version}) failed: {}; no findings are shown for this version",
                        uri.as_str(),
                        e
                    ),
                );
                Some(None)
            }
        }
    }

    /// The document's diagnostics as a stamped set: the stamp changes when, and only when, the
    /// set does. Returns the stamp, and the set unless its stamp is `known`. Each report's
    /// diagnostics are converted once and kept with lines counted from the report's first line,
    /// so a keystroke converts only its own report's, and an unchanged set is recognised
    /// without building it.
    fn diagnostics_since(
        &self,
        uri: &Uri,
        snap: &Snapshot,
        known: Option<u64>,
    ) -> (u64, Option<Items>) {
        // The generation first: `apply_config` writes the settings, then bumps it, so settings
        // read after it are at least as new as it says.
        let gen = self.config_gen.load(Ordering::SeqCst);
        let s = self.session();
        let mut cache = lock(&self.converted);
        let cached = cache.entry(uri.clone()).or_default();
        if (cached.config_gen, cached.enc) != (gen, Some(s.enc)) {
            *cached = Converted {
                config_gen: gen,
                enc: Some(s.enc),
                ..Converted::default()
            };
        }
        let mut kept = rustc_hash::FxHashMap::default();
        kept.reserve(cached.reports.len());
        let mut order = Vec::with_capacity(cached.order.len());
        // The first line of the next report, when the lines of those before it are known.
        let mut next_line = Some(0);
        for (start, r) in snap.reports.reports() {
            let Some(a) = &r.analysis else {
                next_line = None;
                continue;
            };
            let first_line = next_line.unwrap_or_else(|| snap.rope.byte_to_line(start) as i64);
            // Keyed by the analysis, which the entry keeps alive: its address is not reused.
            let key = Arc::as_ptr(a) as usize;
            let local = cached.reports.remove(&key).unwrap_or_else(|| {
                let mut findings = a.findings.clone();
                findings.iter_mut().for_each(|f| f.shift(start));
                let mut ds = convert::diagnostics(uri, &snap.rope, &findings, &s.config, s.enc);
                ds.iter_mut()
                    .for_each(|d| convert::move_lines(d, -first_line));
                let end = snap.rope.byte_to_line(start + r.text.len()) as i64;
                ReportDiagnostics {
                    _analysis: a.clone(),
                    diagnostics: Arc::new(ds),
                    lines: end - first_line,
                    json: None,
                }
            });
            next_line = Some(first_line + local.lines);
            order.push((key, first_line, local.diagnostics.clone()));
            kept.insert(key, local);
        }
        let same = cached.stamp != 0
            && cached.order.len() == order.len()
            && cached
                .order
                .iter()
                .zip(&order)
                .all(|(o, n)| o.1 == n.1 && (o.0 == n.0 || o.2 == n.2));
        if !same {
            cached.stamp = self.stamps.fetch_add(1, Ordering::SeqCst) + 1;
        }
        cached.order = order;
        cached.reports = kept;
        if known == Some(cached.stamp) {
            return (cached.stamp, None);
        }
        let Converted { reports, order, .. } = &mut *cached;
        let items = order
            .iter()
            .filter_map(|(key, first_line, _)| Some(reports.get_mut(key)?.json_at(*first_line)))
            .collect();
        (cached.stamp, Some(Items(items)))
    }

    /// Answers `textDocument/diagnostic` (see `ordered`): the document's diagnostics, or
    /// `unchanged` when the client has them already.
    pub async fn pull_diagnostics(
        self: &Arc<Self>,
        id: Id,
        params: DocumentDiagnosticParams,
    ) -> Outgoing {
        let uri = params.text_document.uri;
        let full =
            |stamp: Option<u64>, items: &Items| Outgoing::Raw(wire::full_report(&id, stamp, items));
        if !self.is_checked(&uri) {
            return full(None, &Items::default());
        }
        let Some(snap) = self.snapshot(&uri).await else {
            return full(None, &Items::default());
        };
        if self.current_version(&uri) != Some(snap.version) {
            // Made stale by an edit while it was computed: the client asks again.
            let mut e = Error::new(ErrorCode::ServerError(-32802));
            e.message = "the document changed; ask again".into();
            e.data = Some(serde_json::json!({"retriggerRequest": true}));
            return Outgoing::Response(Response::from_error(id, e));
        }
        // The result id names a set of diagnostics, not a version: after a keystroke that
        // changes no finding the client is told `unchanged` and keeps what it has.
        let known = params
            .previous_result_id
            .as_deref()
            .and_then(|id| id.parse().ok());
        match self.diagnostics_since(&uri, &snap, known) {
            (stamp, Some(items)) => full(Some(stamp), &items),
            (stamp, None) => Outgoing::Response(Response::from_ok(
                id,
                serde_json::json!({"kind": "unchanged", "resultId": stamp.to_string()}),
            )),
        }
    }

    async fn apply_config(self: &Arc<Self>, value: &Value) {
        let (config, warnings) = Config::from_json(value);
        for w in warnings {
            self.log(MessageType::WARNING, format!("settings: {w}"));
        }
        let (caps, reanalyse) = {
            let mut s = lock(&self.session);
            if s.config == config {
                return;
            }
            let reanalyse = s.config.options() != config.options();
            s.config = config;
            (s.caps.clone(), reanalyse)
        };
        if reanalyse {
            // The options change what is read, not only what is shown: drop every analysis.
            for doc in lock(&self.docs).values_mut() {
                doc.snapshot = None;
            }
        }
        self.config_gen.fetch_add(1, Ordering::SeqCst);
        // Applied without a restart: republish (push) or ask the client to pull again.
        let uris: Vec<Uri> = lock(&self.docs).keys().cloned().collect();
        for uri in uris {
            self.schedule(uri);
        }
        if caps.pull_diagnostics && caps.diagnostic_refresh {
            let _ = self.client.workspace_diagnostic_refresh().await;
        }
        if caps.inlay_refresh {
            let _ = self.client.inlay_hint_refresh().await;
        }
    }

    async fn pull_config(self: &Arc<Self>) {
        let items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some("suanpan".into()),
        }];
        match self.client.configuration(items).await {
            Ok(values) => {
                if let Some(v) = values.first() {
                    self.apply_config(v).await;
                }
            }
            Err(e) => self.log(
                MessageType::WARNING,
                format!("workspace/configuration failed: {e}"),
            ),
        }
    }
}

/// Edits up to this many bytes of reports to read again are analysed on the task that asks,
/// not handed to the blocking pool: the hand-over (a thread woken, the result sent back) cost
/// more than a keystroke's analysis of a report (~0.5 ms for 40 KB). Larger ones, such as a
/// bundle just opened, go to the pool so that other requests are answered meanwhile.
const INLINE_ANALYSIS_BYTES: usize = 128 * 1024;

fn panic_message(e: tokio::task::JoinError) -> String {
    match e.try_into_panic() {
        Ok(p) => crate::panic_text(&*p),
        Err(e) => e.to_string(),
    }
}

fn invalid_position(e: impl std::fmt::Display) -> Error {
    Error::invalid_params(format!("position: {e}"))
}

fn kind_matches(action: &str, only: &Option<Vec<CodeActionKind>>) -> bool {
    match only {
        None => true,
        Some(kinds) => kinds.iter().any(|k| {
            let k = k.as_str();
            action == k || action.starts_with(&format!("{k}."))
        }),
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let caps = &params.capabilities;
        let offered = caps
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.clone())
            .unwrap_or_default();
        let enc = if offered.contains(&PositionEncodingKind::UTF8) {
            PositionEncoding::Utf8
        } else {
            PositionEncoding::Utf16
        };
        let text_doc = caps.text_document.as_ref();
        let workspace = caps.workspace.as_ref();
        let client_caps = ClientCaps {
            pull_diagnostics: text_doc.is_some_and(|t| t.diagnostic.is_some()),
            document_changes: workspace
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.document_changes)
                .unwrap_or(false),
            configuration: workspace.and_then(|w| w.configuration).unwrap_or(false),
            dynamic_configuration: workspace
                .and_then(|w| w.did_change_configuration.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            diagnostic_refresh: workspace
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
            inlay_refresh: workspace
                .and_then(|w| w.inlay_hint.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
        };
        let pull = client_caps.pull_diagnostics;
        let (config, warnings) = params
            .initialization_options
            .as_ref()
            .map(Config::from_json)
            .unwrap_or_default();
        for w in warnings {
            self.shared
                .log(MessageType::WARNING, format!("initializationOptions: {w}"));
        }
        {
            let mut s = lock(&self.shared.session);
            s.enc = enc;
            s.config = config;
            s.caps = client_caps;
        }
        let position_encoding = Some(match enc {
            PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
            _ => PositionEncodingKind::UTF16,
        });
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding,
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                inlay_hint_provider: Some(OneOf::Left(true)),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::from(FIX_ALL_KIND.to_string()),
                        ]),
                        ..CodeActionOptions::default()
                    },
                )),
                // Pull for clients that can, push for the others: never both, or editors show
                // every finding twice.
                diagnostic_provider: pull.then(|| {
                    DiagnosticServerCapabilities::Options(DiagnosticOptions {
                        identifier: Some(SOURCE.into()),
                        inter_file_dependencies: false,
                        workspace_diagnostics: false,
                        ..DiagnosticOptions::default()
                    })
                }),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "suanpan".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let caps = self.shared.session().caps;
        if caps.dynamic_configuration {
            let reg = Registration {
                id: "suanpan-configuration".into(),
                method: "workspace/didChangeConfiguration".into(),
                register_options: None,
            };
            if let Err(e) = self.shared.client.register_capability(vec![reg]).await {
                self.shared.log(
                    MessageType::WARNING,
                    format!("could not register for configuration changes: {e}"),
                );
            }
        }
        if caps.configuration {
            self.shared.pull_config().await;
        }
    }

    // The exit code's flag is set by `ordered` when `shutdown` arrives (`shutdown_received`).
    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    // didOpen, didChange and didClose never reach here: `ordered` applies them in arrival order.

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if self.shared.session().caps.configuration {
            // The notification's payload is unreliable across clients (often null): ask.
            self.shared.pull_config().await;
        } else {
            self.shared.apply_config(&params.settings).await;
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        let Some(snap) = self.shared.snapshot(&p.text_document.uri).await else {
            return Ok(None);
        };
        let enc = self.shared.session().enc;
        let offset = byte_of(&snap.rope, p.position, enc).map_err(invalid_position)?;
        let (start, report) = snap.report_at(offset);
        let Some(analysis) = &report.analysis else {
            return Ok(None);
        };
        Ok(
            ide::hover(analysis, &report.text, offset - start).map(|mut h| {
                h.span = h.span.shift(start);
                convert::hover(&snap.rope, h, enc)
            }),
        )
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let Some(snap) = self.shared.snapshot(&params.text_document.uri).await else {
            return Ok(None);
        };
        let enc = self.shared.session().enc;
        let mut tree = Vec::new();
        for (start, r) in snap.reports.reports() {
            let Some(analysis) = &r.analysis else {
                continue;
            };
            let mut part = ide::outline(analysis);
            part.iter_mut().for_each(|s| s.shift(start));
            tree.append(&mut part);
        }
        Ok(Some(DocumentSymbolResponse::Nested(convert::symbols(
            &snap.rope, &tree, enc,
        ))))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let session = self.shared.session();
        if !session.config.inlay_hints {
            return Ok(None);
        }
        let uri = &params.text_document.uri;
        if !self.shared.is_checked(uri) {
            return Ok(None);
        }
        let Some(snap) = self.shared.snapshot(uri).await else {
            return Ok(None);
        };
        let range = span_of(&snap.rope, params.range, session.enc).map_err(invalid_position)?;
        let mut hints = Vec::new();
        for (start, r) in snap.reports.reports_in(range) {
            let Some(analysis) = &r.analysis else {
                continue;
            };
            let local = Span::new(
                range.start.saturating_sub(start).min(r.text.len()),
                range.end.saturating_sub(start).min(r.text.len()),
            );
            hints.extend(
                ide::inlay_hints(analysis, &r.text, local)
                    .into_iter()
                    .map(|mut h| {
                        h.offset += start;
                        convert::inlay_hint(&snap.rope, h, session.enc)
                    }),
            );
        }
        Ok(Some(hints))
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        let uri = p.text_document.uri;
        let Some(snap) = self.shared.snapshot(&uri).await else {
            return Ok(None);
        };
        let enc = self.shared.session().enc;
        let offset = byte_of(&snap.rope, p.position, enc).map_err(invalid_position)?;
        let Some(q) = same_quantity(&snap, offset) else {
            return Ok(None);
        };
        let mut others: Vec<Location> = q
            .all
            .iter()
            .filter(|s| **s != q.at)
            .map(|s| convert::location(&uri, &snap.rope, *s, enc))
            .collect();
        Ok(match others.len() {
            0 => None,
            1 => others.pop().map(GotoDefinitionResponse::Scalar),
            _ => Some(GotoDefinitionResponse::Array(others)),
        })
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let p = params.text_document_position;
        let uri = p.text_document.uri;
        let Some(snap) = self.shared.snapshot(&uri).await else {
            return Ok(None);
        };
        let enc = self.shared.session().enc;
        let offset = byte_of(&snap.rope, p.position, enc).map_err(invalid_position)?;
        let Some(q) = same_quantity(&snap, offset) else {
            return Ok(None);
        };
        let include_self = params.context.include_declaration;
        Ok(Some(
            q.all
                .iter()
                .filter(|s| include_self || **s != q.at)
                .map(|s| convert::location(&uri, &snap.rope, *s, enc))
                .collect(),
        ))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        if !self.shared.is_checked(&uri) {
            return Ok(None);
        }
        let Some(snap) = self.shared.snapshot(&uri).await else {
            return Ok(None);
        };
        let s = self.shared.session();
        let enc = s.enc;
        let only = &params.context.only;
        let range = span_of(&snap.rope, params.range, enc).map_err(invalid_position)?;
        let mut actions: Vec<CodeActionOrCommand> = Vec::new();
        // The file's findings, gathered from its reports once for all the uses below.
        let findings = snap.findings();

        if kind_matches(CodeActionKind::QUICKFIX.as_str(), only) {
            let ours: Vec<&Diagnostic> = params
                .context
                .diagnostics
                .iter()
                .filter(|d| d.source.as_deref() == Some(SOURCE))
                .collect();
            // Each diagnostic's fixes: those of the current analysis's finding with its rule,
            // message and first line — not its columns, which some clients send back in other
            // units than they received (Neovim 0.7 returns byte columns for UTF-16 ones). Of
            // several such findings (one line, one rule, the same words), the one at its exact
            // range. A diagnostic of an older version whose finding moved or went gets none.
            let mut per_diag: Vec<(Diagnostic, Vec<convert::FixDatum>)> = Vec::new();
            for d in ours {
                let rule = match &d.code {
                    Some(NumberOrString::String(r)) => r.as_str(),
                    _ => continue,
                };
                let line = d.range.start.line as usize;
                let same: Vec<&crate::Finding> = findings
                    .iter()
                    .filter(|f| {
                        f.rule == rule
                            && f.message == d.message
                            && snap.rope.try_byte_to_line(f.span.start).ok() == Some(line)
                    })
                    .collect();
                let exact = same
                    .iter()
                    .find(|f| range_of(&snap.rope, f.span, enc) == d.range);
                if let Some(f) = exact.or(same.first()) {
                    per_diag.push((d.clone(), fix_data(&snap, f, enc)));
                }
            }
            if params.context.diagnostics.is_empty() {
                // Clients that do not send the diagnostics under the cursor.
                for f in findings
                    .iter()
                    .filter(|f| f.span.intersects(range) || f.span.touches(range.start))
                {
                    let Some(sev) = s.config.severity_of(f.rule, f.severity) else {
                        continue;
                    };
                    let d = convert::diagnostics(
                        &uri,
                        &snap.rope,
                        std::slice::from_ref(f),
                        &s.config,
                        enc,
                    );
                    if let Some(mut d) = d.into_iter().next() {
                        d.severity = Some(convert::severity(sev));
                        per_diag.push((d, fix_data(&snap, f, enc)));
                    }
                }
            }
            for (d, fixes) in per_diag {
                let only_one = fixes.len() == 1;
                for fx in fixes {
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: fx.title,
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![d.clone()]),
                        edit: Some(convert::workspace_edit(
                            &uri,
                            snap.version,
                            fx.edits,
                            s.caps.document_changes,
                        )),
                        is_preferred: Some(only_one),
                        ..CodeAction::default()
                    }));
                }
            }
        }

        if kind_matches(FIX_ALL_KIND, only) {
            let within = (!range.is_empty()).then_some(range);
            let enabled = findings
                .iter()
                .filter(|f| s.config.severity_of(f.rule, f.severity).is_some());
            let all = ide::fix_all(enabled, within);
            if all.fixed > 0 {
                let title = match within {
                    None => format!("修复全部可自动修复的问题（{} 处）", all.fixed),
                    Some(_) => format!("修复所选范围内可自动修复的问题（{} 处）", all.fixed),
                };
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title,
                    kind: Some(CodeActionKind::from(FIX_ALL_KIND.to_string())),
                    edit: Some(convert::workspace_edit(
                        &uri,
                        snap.version,
                        convert::text_edits(&snap.rope, &all.edits, enc),
                        s.caps.document_changes,
                    )),
                    ..CodeAction::default()
                }));
            }
        }
        Ok(Some(actions))
    }

    // textDocument/diagnostic never reaches here while serving: `ordered` answers it.
}

/// The statements of the same quantity as the figure at `offset`, within its report.
fn same_quantity(snap: &Snapshot, offset: usize) -> Option<ide::SameQuantity> {
    let (start, r) = snap.report_at(offset);
    let mut q = ide::same_quantity(r.analysis.as_ref()?, offset - start)?;
    q.at = q.at.shift(start);
    q.all.iter_mut().for_each(|s| *s = s.shift(start));
    Some(q)
}

fn fix_data(snap: &Snapshot, f: &crate::Finding, enc: PositionEncoding) -> Vec<convert::FixDatum> {
    f.fixes
        .iter()
        .map(|fx| convert::FixDatum {
            title: fx.title.clone(),
            edits: convert::text_edits(&snap.rope, &fx.edits, enc),
        })
        .collect()
}
