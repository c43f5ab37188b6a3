//! The language server (`suanpan lsp`): the only module that knows LSP types, JSON-RPC and
//! tokio. See docs/lsp.md for what it offers and how to configure it.
//!
//! - `transport`: stdin and stdout — frames in, messages out, diagnostic sets written as JSON.
//! - `ordered`: wraps the tower-lsp-server service — text sync in arrival order, panics caught,
//!   diagnostics pulled.
//! - `server`: session state and one handler per method.
//! - `document`: a rope per open document, edits applied all or nothing.
//! - `position`: LSP positions ⇄ byte offsets, UTF-8/UTF-16/UTF-32.
//! - `convert`: findings and `ide` results → LSP types.
//! - `config`: the `suanpan` settings section.
//!
//! Architecture invariant: stdout is the protocol channel. Nothing in this module prints; logs go
//! to stderr and to the client's log (window/logMessage).
#![deny(clippy::print_stdout, clippy::print_stderr, clippy::dbg_macro)]

mod config;
mod convert;
// `document` and `position` are public only so that the robustness tests and fuzz targets
// (tests/robustness_*.rs, fuzz/) drive the very code the server uses; not an API.
#[doc(hidden)]
pub mod document;
pub mod framing;
mod ordered;
#[doc(hidden)]
pub mod position;
mod server;
mod transport;
mod wire;

use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tower_lsp_server::LspService;

/// Serve LSP on stdin/stdout; returns the process exit code: 0 after `shutdown` then `exit`,
/// 1 when the stream ended or `exit` came without `shutdown` (as the specification asks).
pub fn serve() -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "suanpan lsp: cannot start: {e}");
            return 2;
        }
    };
    let shutdown = Arc::new(AtomicBool::new(false));
    let debug = std::env::var_os("SUANPAN_LSP_DEBUG").is_some();
    let flag = shutdown.clone();
    runtime.block_on(async move {
        let out = transport::stdout();
        let input = transport::stdin();
        let to_client = out.clone();
        let mut builder =
            LspService::build(move |client| server::Backend::new(client, flag, debug, to_client))
                .custom_method(framing::INVALID_MESSAGE, server::Backend::invalid_message);
        if debug {
            builder = builder.custom_method("suanpan/debugPanic", server::Backend::debug_panic);
        }
        let (service, socket) = builder.finish();
        transport::serve(ordered::Ordered::new(service), socket, input, out).await;
    });
    // Analyses still running on the blocking pool are abandoned, not awaited.
    runtime.shutdown_timeout(Duration::from_millis(100));
    if shutdown.load(Ordering::SeqCst) {
        0
    } else {
        1
    }
}
