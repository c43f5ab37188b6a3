//! stdin and stdout: the server's own transport, in place of tower-lsp-server's `Server`.
//!
//! Why our own: tower-lsp-server writes every message as a `serde_json::Value` — a tree of maps
//! built, serialized and freed for each answer. For a bundle of a thousand reports a changed
//! diagnostic set is 2.6 MB of JSON, and the tree cost ~60 ms per keystroke that changed it
//! (issue 5). Here a message is bytes: a diagnostic set is written from each report's JSON,
//! kept from the last time (see `wire`); other messages are serialized once, directly.
//! Reading is ours too: `framing::Framer` already split stdin into frames to survive malformed
//! messages, and handing its frames to tower-lsp-server's decoder went through an in-memory
//! pipe, one more hop per message.
//!
//! Threads: one blocking thread reads stdin and one writes stdout, so that neither waits on the
//! runtime's blocking pool. The runtime runs the service as tower-lsp-server's `Server` does:
//! requests are called in arrival order (text sync is applied inside the call, see `ordered`)
//! and up to four handlers run at once; what the server sends the client (its requests and
//! notifications) goes out through the same writer. Diagnostics are queued for it directly,
//! the rest through tower-lsp-server's `Client`, so a publication and, say, a log message are
//! not ordered with each other (nothing depends on that: a publication carries its version).

use std::future::Future;
use std::io::{Read, Write};
use std::pin::Pin;

use futures::{SinkExt, StreamExt};
use serde::Serialize;
use tokio::sync::{mpsc, oneshot};
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::ClientSocket;

use super::framing::{stand_in, Frame, Framer};
use super::ordered::Ordered;
use super::wire::Outgoing;

/// How many handlers run at once (tower-lsp-server's default).
const CONCURRENCY: usize = 4;
/// Requests read ahead of the handlers (tower-lsp-server's queue).
const QUEUE: usize = 100;
/// Messages waiting for stdout before a sender waits: a client that stops reading slows the
/// server down instead of making it hoard diagnostic sets.
const OUTPUT_QUEUE: usize = 64;
/// How long the end of a session waits for what is still to be written.
const LAST_WRITES: std::time::Duration = std::time::Duration::from_secs(1);

enum Out {
    Body(Vec<u8>),
    /// Everything before has been written and flushed: say so, and stop.
    End(oneshot::Sender<()>),
}

/// The way to stdout: messages queued here are written whole, in the order sent.
#[derive(Clone)]
pub struct Output(mpsc::Sender<Out>);

impl Output {
    /// A message body (the header is added). False once stdout is gone.
    pub async fn send_body(&self, body: Vec<u8>) -> bool {
        self.0.send(Out::Body(body)).await.is_ok()
    }

    pub async fn send<T: Serialize>(&self, message: &T) -> bool {
        match serde_json::to_vec(message) {
            Ok(body) => self.send_body(body).await,
            Err(_) => false,
        }
    }

    async fn end(&self) {
        let (done, wait) = oneshot::channel();
        if self.0.send(Out::End(done)).await.is_ok() {
            let _ = wait.await;
        }
    }
}

/// Starts the thread that writes stdout; returns the way to it.
pub fn stdout() -> Output {
    widen_pipe();
    let (tx, rx) = mpsc::channel(OUTPUT_QUEUE);
    let spawned = std::thread::Builder::new()
        .name("suanpan-stdout".into())
        // Buffered: stdout is line-buffered, and a header's line breaks would flush it.
        .spawn(move || {
            write_frames(
                rx,
                std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock()),
            )
        });
    if let Err(e) = spawned {
        let _ = writeln!(std::io::stderr(), "suanpan lsp: cannot write stdout: {e}");
    }
    Output(tx)
}

/// When stdout is a pipe, asks Linux for a 1 MiB buffer (the most an unprivileged process may
/// ask, `/proc/sys/fs/pipe-max-size`) instead of 64 KiB: the 2.6 MB diagnostic set of a large
/// bundle then crosses in three writes instead of forty, each a wait for the client to read.
/// Refused or not a pipe: the default stays, nothing else changes.
fn widen_pipe() {
    #[cfg(target_os = "linux")]
    // SAFETY: fcntl on fd 1 with an integer argument; a failure is an error code, ignored.
    unsafe {
        libc::fcntl(1, libc::F_SETPIPE_SZ, 1 << 20);
    }
}

fn write_frames(mut rx: mpsc::Receiver<Out>, mut w: impl Write) {
    fn frame(w: &mut impl Write, body: &[u8]) -> std::io::Result<()> {
        write!(w, "Content-Length: {}\r\n\r\n", body.len())?;
        w.write_all(body)
    }
    let mut next = rx.blocking_recv();
    while let Some(out) = next {
        match out {
            Out::Body(body) => {
                if frame(&mut w, &body).is_err() {
                    return;
                }
            }
            Out::End(done) => {
                let _ = w.flush();
                let _ = done.send(());
                return;
            }
        }
        // Flushed when nothing else is waiting: a burst goes out in one write.
        next = match rx.try_recv() {
            Ok(out) => Some(out),
            Err(_) => {
                if w.flush().is_err() {
                    return;
                }
                rx.blocking_recv()
            }
        };
    }
}

/// A message from the client.
pub enum Incoming {
    Request(Request),
    Response(Response),
}

/// What a frame says: a request, a client's response, or — for a malformed message — a
/// `suanpan/invalidMessage` request with id `null`, which the server answers with the parse
/// error JSON-RPC asks for.
pub fn decode(frame: Frame) -> Incoming {
    let why = match frame {
        Frame::Message(body) => {
            // A message without a method parses as a request whose method is "" (the field
            // has a default): such a message is a response, if it is one. (One with a method
            // and a result is taken as a request; tower-lsp-server took it as a response.)
            let request = match serde_json::from_slice::<Request>(&body) {
                Ok(r) if !r.method().is_empty() => return Incoming::Request(r),
                other => other,
            };
            if let Ok(r) = serde_json::from_slice::<Response>(&body) {
                return Incoming::Response(r);
            }
            if let Ok(r) = request {
                return Incoming::Request(r);
            }
            // `Framer` passes only bodies that parse as one of the two.
            "the message is not a JSON-RPC 2.0 request, notification or response".to_string()
        }
        Frame::Invalid(why) => why,
    };
    Incoming::Request(stand_in(&why))
}

/// Starts the thread that reads stdin; returns its messages.
pub fn stdin() -> mpsc::Receiver<Incoming> {
    let (tx, rx) = mpsc::channel(QUEUE);
    let spawned = std::thread::Builder::new()
        .name("suanpan-stdin".into())
        .spawn(move || {
            let mut stdin = std::io::stdin().lock();
            let mut framer = Framer::default();
            let mut chunk = vec![0u8; 1 << 16];
            loop {
                let n = match stdin.read(&mut chunk) {
                    Ok(0) => return,
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(_) => return,
                };
                framer.push(&chunk[..n]);
                while let Some(frame) = framer.next_frame() {
                    if tx.blocking_send(decode(frame)).is_err() {
                        return;
                    }
                }
            }
        });
    if let Err(e) = spawned {
        let _ = writeln!(std::io::stderr(), "suanpan lsp: cannot read stdin: {e}");
    }
    rx
}

type Task = Pin<Box<dyn Future<Output = Option<Outgoing>> + Send>>;

/// Serves until `exit` or the end of the input; everything answered is written before it
/// returns, unless the client has stopped reading (then it gives up after `LAST_WRITES`).
pub async fn serve(
    mut service: Ordered,
    socket: ClientSocket,
    mut input: mpsc::Receiver<Incoming>,
    out: Output,
) {
    let (client_requests, mut client_responses) = socket.split();
    let (client_requests, client_abort) = futures::stream::abortable(client_requests);
    let (mut tasks_tx, tasks_rx) = futures::channel::mpsc::channel::<Task>(QUEUE);

    let out = &out;
    let answers = tasks_rx
        .buffer_unordered(CONCURRENCY)
        .for_each(|answer| async move {
            match answer {
                Some(Outgoing::Response(r)) => {
                    out.send(&r).await;
                }
                Some(Outgoing::Raw(body)) => {
                    out.send_body(body).await;
                }
                None => {}
            }
        });
    let to_client = client_requests.for_each(|req| async move {
        out.send(&req).await;
    });
    let read = async {
        while let Some(message) = input.recv().await {
            match message {
                Incoming::Request(req) => {
                    if futures::future::poll_fn(|cx| service.poll_ready(cx))
                        .await
                        .is_err()
                    {
                        break;
                    }
                    // The server must stop at `exit`, whether or not the client closes stdin.
                    let exit = req.method() == "exit";
                    let task: Task = Box::pin(service.call(req));
                    if tasks_tx.send(task).await.is_err() || exit {
                        break;
                    }
                }
                Incoming::Response(r) => {
                    if client_responses.send(r).await.is_err() {
                        break;
                    }
                }
            }
        }
        tasks_tx.disconnect();
        client_abort.abort();
    };
    // Polled in this order each time, as tower-lsp-server's `Server` does: answers first.
    futures::join!(answers, to_client, read);
    // A client that has stopped reading would keep the writer waiting, and the process with it.
    let _ = tokio::time::timeout(LAST_WRITES, out.end()).await;
}

#[cfg(test)]
mod tests {
    use super::super::framing::INVALID_MESSAGE;
    use super::*;
    use serde_json::json;
    use tower_lsp_server::jsonrpc::Id;

    fn message(body: &str) -> Incoming {
        decode(Frame::Message(body.as_bytes().to_vec()))
    }

    #[test]
    fn a_message_with_a_method_is_a_request_and_one_without_a_response() {
        let Incoming::Request(r) = message(r#"{"jsonrpc":"2.0","id":3,"method":"shutdown"}"#)
        else {
            panic!("not a request")
        };
        assert_eq!((r.method(), r.id()), ("shutdown", Some(&Id::Number(3))));
        let Incoming::Response(r) = message(r#"{"jsonrpc":"2.0","id":0,"result":null}"#) else {
            panic!("not a response")
        };
        assert_eq!(r.id(), &Id::Number(0));
        let Incoming::Response(r) =
            message(r#"{"jsonrpc":"2.0","id":1,"error":{"code":-1,"message":"no"}}"#)
        else {
            panic!("not a response")
        };
        assert!(r.is_error());
    }

    #[test]
    fn a_malformed_message_becomes_the_invalid_message_request() {
        let Incoming::Request(r) = decode(Frame::Invalid("not JSON".into())) else {
            panic!("not a request")
        };
        assert_eq!(r.method(), INVALID_MESSAGE);
        assert_eq!(r.id(), Some(&Id::Null));
        assert_eq!(r.params().unwrap()["error"], "not JSON");
    }

    #[test]
    fn messages_are_framed_whole_in_order_and_flushed_before_the_end() {
        let (tx, rx) = mpsc::channel(OUTPUT_QUEUE);
        let out = Output(tx);
        let (written_tx, written) = std::sync::mpsc::channel();
        struct Sink(Vec<u8>, std::sync::mpsc::Sender<Vec<u8>>);
        impl Write for Sink {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                self.1.send(self.0.clone()).ok();
                Ok(())
            }
        }
        let writer = std::thread::spawn(move || write_frames(rx, Sink(Vec::new(), written_tx)));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            assert!(out.send_body(b"{\"a\":1}".to_vec()).await);
            assert!(out.send(&json!({"b": "算"})).await);
            out.end().await;
        });
        writer.join().unwrap();
        let last = written.try_iter().last().unwrap();
        assert_eq!(
            String::from_utf8(last).unwrap(),
            "Content-Length: 7\r\n\r\n{\"a\":1}Content-Length: 11\r\n\r\n{\"b\":\"算\"}"
        );
        // Once the writer has stopped, sending fails instead of blocking.
        assert!(!rt.block_on(out.send_body(Vec::new())));
    }
}
