//! A wrapper around the LSP service that (1) applies text sync in the order the messages
//! arrived, (2) turns a panic in any handler into an error response and (3) answers
//! `textDocument/diagnostic` with JSON it writes itself.
//!
//! (1) tower-lsp-server polls up to four handlers at once (`buffer_unordered`), so two
//! `didChange`s may run interleaved. But the server calls `Service::call` synchronously, once
//! per message, in the order they are read from stdin. Applying `didOpen`/`didChange`/`didClose`
//! inside `call` therefore makes "edits in version order" a property of the code, not of the
//! scheduler. Those three notifications are consumed here and never reach the handlers.
//!
//! (2) A handler future is polled under `catch_unwind`; a panic becomes a JSON-RPC internal
//! error for that request (a notification is dropped), is logged, and the server keeps serving.
//!
//! (3) A document's diagnostics are kept as JSON per report (`wire::Items`); a changed set is
//! written from it. tower-lsp-server would take the answer as a `serde_json::Value` and build a
//! tree of it. What tower-lsp-server does for the requests it answers is done here for these:
//! the session's phase is followed as messages arrive (`initialize` answered without error,
//! `shutdown` received, `exit` received), and outside `SERVING` the request goes to
//! tower-lsp-server, which answers with the error that phase calls for; `$/cancelRequest`
//! aborts a pull, answered with `RequestCancelled`; `exit` aborts every pull.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures::future::{AbortHandle, Abortable};

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response};
use tower_lsp_server::ls_types::MessageType;
use tower_lsp_server::{ExitedError, LspService};
use tower_service::Service;

use super::server::{lock, Backend, Shared, BEFORE_INITIALIZE, EXITED, SERVING, SHUT_DOWN};
use super::wire::Outgoing;

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

pub struct Ordered {
    inner: LspService<Backend>,
    shared: Arc<Shared>,
    /// The pulls being answered here, by request id, to cancel them.
    pulls: Arc<Mutex<HashMap<Id, AbortHandle>>>,
}

fn parse<P: DeserializeOwned>(params: Option<Value>) -> Result<P, String> {
    serde_json::from_value(params.unwrap_or(Value::Null)).map_err(|e| e.to_string())
}

impl Ordered {
    pub fn new(inner: LspService<Backend>) -> Ordered {
        let shared = inner.inner().shared.clone();
        Ordered {
            inner,
            shared,
            pulls: Arc::default(),
        }
    }

    fn sync(&self, method: &str, params: Option<Value>) {
        let s = &self.shared;
        let bad = |e: String| s.log(MessageType::ERROR, format!("{method}: invalid params: {e}"));
        match method {
            "textDocument/didOpen" => match parse(params) {
                Ok(p) => s.did_open(p),
                Err(e) => bad(e),
            },
            "textDocument/didChange" => match parse(params) {
                Ok(p) => s.did_change(p),
                Err(e) => bad(e),
            },
            "textDocument/didClose" => match parse(params) {
                Ok(p) => s.did_close(p),
                Err(e) => bad(e),
            },
            _ => {}
        }
    }

    pub fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), ExitedError>> {
        self.inner.poll_ready(cx)
    }

    /// Handles one message from the client; the future gives the answer, if any.
    pub fn call(&mut self, req: Request) -> BoxFuture<Option<Outgoing>> {
        let method = req.method().to_string();
        if matches!(
            method.as_str(),
            "textDocument/didOpen" | "textDocument/didChange" | "textDocument/didClose"
        ) {
            let (_, _, params) = req.into_parts();
            if let Err(p) = catch_unwind(AssertUnwindSafe(|| self.sync(&method, params))) {
                self.shared.log(
                    MessageType::ERROR,
                    format!("{method} panicked: {}", crate::panic_text(&*p)),
                );
            }
            return Box::pin(std::future::ready(None));
        }
        let id = req.id().cloned();
        let shared = self.shared.clone();
        match method.as_str() {
            "textDocument/diagnostic" if shared.serving() => {
                if let Some(id) = id {
                    let (_, _, params) = req.into_parts();
                    return self.pull(id, params);
                }
            }
            "$/cancelRequest" => {
                if let Some(id) = req.params().and_then(|p| Id::deserialize(&p["id"]).ok()) {
                    if let Some(pull) = lock(&self.pulls).remove(&id) {
                        pull.abort();
                    }
                }
            }
            // The guard moves the session on: requests that arrive after it are refused (by
            // tower-lsp-server), whatever the handlers are doing, and `exit` ends with 0 even
            // if it comes before the answer (and cancels the handler), as the specification
            // words it ("if the shutdown request has been received").
            "shutdown" if shared.advance(SERVING, SHUT_DOWN) => shared.shutdown_received(),
            "exit" => {
                shared.set_phase(EXITED);
                for (_, pull) in lock(&self.pulls).drain() {
                    pull.abort();
                }
            }
            _ => {}
        }
        let fut = match catch_unwind(AssertUnwindSafe(|| self.inner.call(req))) {
            Ok(fut) => fut,
            Err(p) => {
                let msg = crate::panic_text(&*p);
                return Box::pin(std::future::ready(
                    panic_response(&shared, &method, id, msg).map(Outgoing::Response),
                ));
            }
        };
        Box::pin(async move {
            match CatchUnwind(fut).await {
                Ok(Ok(r)) => {
                    if method == "initialize" && r.as_ref().is_some_and(Response::is_ok) {
                        shared.advance(BEFORE_INITIALIZE, SERVING);
                    }
                    r.map(Outgoing::Response)
                }
                // The service has exited: nothing more is answered.
                Ok(Err(_)) => None,
                Err(p) => panic_response(&shared, &method, id, crate::panic_text(&*p))
                    .map(Outgoing::Response),
            }
        })
    }

    /// `textDocument/diagnostic`, answered here (see (3) above), under `catch_unwind`, until
    /// it is cancelled.
    fn pull(&self, id: Id, params: Option<Value>) -> BoxFuture<Option<Outgoing>> {
        let (abort, registration) = AbortHandle::new_pair();
        lock(&self.pulls).insert(id.clone(), abort);
        let shared = self.shared.clone();
        let pulls = self.pulls.clone();
        let answer = Abortable::new(
            CatchUnwind(Box::pin(diagnostic(shared.clone(), id.clone(), params))),
            registration,
        );
        Box::pin(async move {
            let answer = answer.await;
            lock(&pulls).remove(&id);
            match answer {
                Ok(Ok(out)) => Some(out),
                Ok(Err(p)) => panic_response(
                    &shared,
                    "textDocument/diagnostic",
                    Some(id),
                    crate::panic_text(&*p),
                )
                .map(Outgoing::Response),
                Err(_aborted) => Some(Outgoing::Response(Response::from_error(
                    id,
                    Error::new(ErrorCode::RequestCancelled),
                ))),
            }
        })
    }
}

/// `textDocument/diagnostic`, answered from the document's diagnostics as JSON.
async fn diagnostic(shared: Arc<Shared>, id: Id, params: Option<Value>) -> Outgoing {
    match parse(params) {
        Ok(p) => shared.pull_diagnostics(id, p).await,
        Err(e) => Outgoing::Response(Response::from_error(id, Error::invalid_params(e))),
    }
}

fn panic_response(
    shared: &Arc<Shared>,
    method: &str,
    id: Option<tower_lsp_server::jsonrpc::Id>,
    msg: String,
) -> Option<Response> {
    shared.log(
        MessageType::ERROR,
        format!("{method} panicked: {msg}; the server keeps running"),
    );
    let id = id?;
    let mut e = Error::internal_error();
    e.message = format!("suanpan: {method} failed: {msg}").into();
    Some(Response::from_error(id, e))
}

/// Polls a future under `catch_unwind`.
struct CatchUnwind<T>(BoxFuture<T>);

impl<T> Future for CatchUnwind<T> {
    type Output = Result<T, Box<dyn Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let fut = &mut self.0;
        match catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(cx))) {
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(p) => Poll::Ready(Err(p)),
        }
    }
}
