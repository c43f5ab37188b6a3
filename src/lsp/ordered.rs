//! A wrapper around the LSP service that (1) applies text sync in the order the messages
//! arrived and (2) turns a panic in any handler into an error response.
//!
//! (1) tower-lsp-server polls up to four handlers at once (`buffer_unordered`), so two
//! `didChange`s may run interleaved. But the server calls `Service::call` synchronously, once
//! per message, in the order they are read from stdin. Applying `didOpen`/`didChange`/`didClose`
//! inside `call` therefore makes "edits in version order" a property of the code, not of the
//! scheduler. Those three notifications are consumed here and never reach the handlers.
//!
//! (2) A handler future is polled under `catch_unwind`; a panic becomes a JSON-RPC internal
//! error for that request (a notification is dropped), is logged, and the server keeps serving.

use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use serde::de::DeserializeOwned;
use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Request, Response};
use tower_lsp_server::ls_types::MessageType;
use tower_lsp_server::{ExitedError, LspService};
use tower_service::Service;

use super::server::{Backend, Shared};

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

pub struct Ordered {
    inner: LspService<Backend>,
    shared: Arc<Shared>,
}

impl Ordered {
    pub fn new(inner: LspService<Backend>) -> Ordered {
        let shared = inner.inner().shared.clone();
        Ordered { inner, shared }
    }
}

/// The text of a panic payload.
pub fn payload_text(p: &(dyn Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic".to_string()
    }
}

fn parse<P: DeserializeOwned>(params: Option<Value>) -> Result<P, String> {
    serde_json::from_value(params.unwrap_or(Value::Null)).map_err(|e| e.to_string())
}

impl Ordered {
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
}

impl Service<Request> for Ordered {
    type Response = Option<Response>;
    type Error = ExitedError;
    type Future = BoxFuture<Result<Option<Response>, ExitedError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), ExitedError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let method = req.method().to_string();
        if matches!(
            method.as_str(),
            "textDocument/didOpen" | "textDocument/didChange" | "textDocument/didClose"
        ) {
            let (_, _, params) = req.into_parts();
            if let Err(p) = catch_unwind(AssertUnwindSafe(|| self.sync(&method, params))) {
                self.shared.log(
                    MessageType::ERROR,
                    format!("{method} panicked: {}", payload_text(&*p)),
                );
            }
            return Box::pin(std::future::ready(Ok(None)));
        }
        let id = req.id().cloned();
        let fut = match catch_unwind(AssertUnwindSafe(|| self.inner.call(req))) {
            Ok(fut) => fut,
            Err(p) => {
                let msg = payload_text(&*p);
                return Box::pin(std::future::ready(Ok(panic_response(
                    &self.shared,
                    &method,
                    id,
                    msg,
                ))));
            }
        };
        let shared = self.shared.clone();
        Box::pin(async move {
            match CatchUnwind(fut).await {
                Ok(r) => r,
                Err(p) => Ok(panic_response(&shared, &method, id, payload_text(&*p))),
            }
        })
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
