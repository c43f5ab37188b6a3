//! The reader of the server's input (see `transport`): splits stdin into Content-Length frames
//! and tells a message from something that is not one.
//!
//! Why with care: one malformed message (bad JSON, a body that is not a JSON-RPC message,
//! invalid UTF-8, a missing header) must not end the session — tower-lsp-server 0.23's own
//! reader, tokio-util's `FramedRead`, ends the stream at the first decoding error. Here such a
//! frame is replaced by a `suanpan/invalidMessage` request with id `null`, which the server
//! answers with the JSON-RPC parse error the specification asks for; the next message is
//! served as usual. Garbage between frames is skipped up to the next `Content-Length` header.
//!
//! `Framer` is pure (bytes in, frames out) so it can be tested and fuzzed without IO.

use serde_json::json;
use tower_lsp_server::jsonrpc::{Id, Request, Response};

/// One frame read from the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A body that is a JSON-RPC request, notification or response.
    Message(Vec<u8>),
    /// Something that is not a message, and why.
    Invalid(String),
}

/// Bytes above which a header block or a body is not believed.
const MAX_HEADER: usize = 8 * 1024;
const MAX_BODY: usize = 1 << 30;
const HEADER: &[u8] = b"content-length";

#[derive(Debug, Default)]
pub struct Framer {
    buf: Vec<u8>,
    /// Body length once the header block has been read.
    need: Option<usize>,
    /// Garbage was reported and no message has been read since: more garbage is skipped
    /// silently (a flood of junk yields one error, not one per fragment).
    skipping: bool,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn find_header(hay: &[u8]) -> Option<usize> {
    hay.windows(HEADER.len())
        .position(|w| w.eq_ignore_ascii_case(HEADER))
}

/// Whether skipped bytes are only other header lines (`Content-Type: …`), not garbage.
fn only_headers(skipped: &[u8]) -> bool {
    std::str::from_utf8(skipped).is_ok_and(|s| {
        s.split("\r\n").filter(|l| !l.is_empty()).all(|l| {
            l.split_once(':').is_some_and(|(name, _)| {
                !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
        })
    })
}

/// Whether `body` is a JSON-RPC message: one tower-lsp-server's `Request` or `Response` reads.
pub fn accepted(body: &[u8]) -> bool {
    serde_json::from_slice::<Request>(body).is_ok()
        || serde_json::from_slice::<Response>(body).is_ok()
}

impl Framer {
    pub fn push(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// The next complete frame, if the bytes for one have arrived.
    pub fn next_frame(&mut self) -> Option<Frame> {
        loop {
            if let Some(n) = self.need {
                if self.buf.len() < n {
                    return None;
                }
                let body: Vec<u8> = self.buf.drain(..n).collect();
                self.need = None;
                if body.is_empty() {
                    continue;
                }
                return Some(if accepted(&body) {
                    Frame::Message(body)
                } else if let Some(fixed) = repair_surrogates(&body).filter(|b| accepted(b)) {
                    Frame::Message(fixed)
                } else if std::str::from_utf8(&body).is_err() {
                    Frame::Invalid("the message is not valid UTF-8".into())
                } else if serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err() {
                    Frame::Invalid("the message is not valid JSON".into())
                } else {
                    Frame::Invalid(
                        "the message is not a JSON-RPC 2.0 request, notification or response"
                            .into(),
                    )
                });
            }
            let Some(at) = find_header(&self.buf) else {
                // Keep a tail that may be the start of a header split across reads.
                if self.buf.len() > MAX_HEADER {
                    let drop = self.buf.len() - HEADER.len();
                    self.buf.drain(..drop);
                    if let Some(f) = self.garbage(format!("skipped {drop} bytes without a header"))
                    {
                        return Some(f);
                    }
                }
                return None;
            };
            if at > 0 {
                let skipped: Vec<u8> = self.buf.drain(..at).collect();
                if !only_headers(&skipped) {
                    let why = format!(
                        "skipped {} bytes before a Content-Length header",
                        skipped.len()
                    );
                    if let Some(f) = self.garbage(why) {
                        return Some(f);
                    }
                    continue;
                }
            }
            // A header block is at most MAX_HEADER bytes: never rescan more than that.
            let window = &self.buf[..self.buf.len().min(MAX_HEADER + 4)];
            let Some(end) = find(window, b"\r\n\r\n") else {
                if self.buf.len() > MAX_HEADER {
                    self.buf.drain(..HEADER.len());
                    if let Some(f) = self.garbage("a header block without an end".into()) {
                        return Some(f);
                    }
                    continue;
                }
                return None;
            };
            let block = String::from_utf8_lossy(&self.buf[..end]).into_owned();
            self.buf.drain(..end + 4);
            let len = block.split("\r\n").find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.trim()
                    .eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().ok())
                    .flatten()
            });
            match len {
                Some(n) if n <= MAX_BODY => {
                    self.need = Some(n);
                    self.skipping = false;
                }
                _ => {
                    return Some(Frame::Invalid(format!(
                        "a header without a valid Content-Length: {block:?}"
                    )))
                }
            }
        }
    }
}

impl Framer {
    /// The report for skipped garbage: the first of a run only.
    fn garbage(&mut self, why: String) -> Option<Frame> {
        (!std::mem::replace(&mut self.skipping, true)).then_some(Frame::Invalid(why))
    }
}

/// `body` with every lone surrogate escape (`\ud800` without its pair) replaced by `\ufffd`,
/// if it has any. serde_json refuses lone surrogates, but JavaScript's `JSON.stringify` writes
/// them for a lone surrogate in the editor's text; refusing the message would silently drop
/// an edit and let the document drift. U+FFFD is one UTF-16 unit, like the surrogate, so every
/// position after it stays exact.
pub fn repair_surrogates(body: &[u8]) -> Option<Vec<u8>> {
    fn hex4(b: &[u8]) -> Option<u16> {
        let s = std::str::from_utf8(b.get(..4)?).ok()?;
        u16::from_str_radix(s, 16).ok()
    }
    let mut out = Vec::with_capacity(body.len());
    let mut changed = false;
    let mut i = 0;
    while i < body.len() {
        if body[i] != b'\\' {
            out.push(body[i]);
            i += 1;
            continue;
        }
        match body.get(i + 1) {
            Some(b'u') => match hex4(&body[i + 2..]) {
                Some(0xD800..=0xDBFF) => {
                    let pair = body.get(i + 6..i + 8) == Some(b"\\u")
                        && matches!(
                            hex4(&body[(i + 8).min(body.len())..]),
                            Some(0xDC00..=0xDFFF)
                        );
                    if pair {
                        out.extend_from_slice(&body[i..i + 12]);
                        i += 12;
                    } else {
                        out.extend_from_slice(b"\\ufffd");
                        changed = true;
                        i += 6;
                    }
                }
                Some(0xDC00..=0xDFFF) => {
                    out.extend_from_slice(b"\\ufffd");
                    changed = true;
                    i += 6;
                }
                _ => {
                    out.extend_from_slice(&body[i..(i + 2).min(body.len())]);
                    i += 2;
                }
            },
            _ => {
                out.extend_from_slice(&body[i..(i + 2).min(body.len())]);
                i += 2;
            }
        }
    }
    changed.then_some(out)
}

/// The request that stands for a malformed message: `suanpan/invalidMessage`, id `null`.
pub fn stand_in(why: &str) -> Request {
    Request::build(INVALID_MESSAGE)
        .id(Id::Null)
        .params(json!({ "error": why }))
        .finish()
}

/// `frame` as the message it is read as, with its header (the robustness checks read it back).
pub fn encode(frame: &Frame) -> Vec<u8> {
    let replacement;
    let body: &[u8] = match frame {
        Frame::Message(b) => b,
        Frame::Invalid(why) => {
            replacement = serde_json::to_vec(&stand_in(why)).unwrap_or_default();
            &replacement
        }
    };
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// The request that stands for a malformed message.
pub const INVALID_MESSAGE: &str = "suanpan/invalidMessage";

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    fn all(input: &[u8], chunk: usize) -> Vec<Frame> {
        let mut f = Framer::default();
        let mut out = Vec::new();
        for c in input.chunks(chunk.max(1)) {
            f.push(c);
            while let Some(x) = f.next_frame() {
                out.push(x);
            }
        }
        out
    }

    #[test]
    fn frames_good_and_bad_messages_in_any_chunking() {
        let ok = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = [
            frame(ok),
            frame(r#"{"jsonrpc": "2.0", "id": 9, "method": "#),
            frame("[1, 2, 3]"),
            "garbage\r\n".to_string(),
            format!(
                "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n{}",
                frame(ok)
            ),
            "Content-Length: x\r\n\r\n".to_string(),
            frame("𠮷"),
            frame(ok),
        ]
        .concat();
        for chunk in [1, 2, 7, 64, 100_000] {
            let got = all(input.as_bytes(), chunk);
            let kinds: Vec<&str> = got
                .iter()
                .map(|f| match f {
                    Frame::Message(_) => "ok",
                    Frame::Invalid(_) => "bad",
                })
                .collect();
            assert_eq!(
                kinds,
                ["ok", "bad", "bad", "bad", "ok", "bad", "bad", "ok"],
                "chunk {chunk}: {got:?}"
            );
        }
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let body =
            br#"{"jsonrpc":"2.0","method":"x","params":{"t":"a\ud800b\udc00\ud83d\ude00\\ud800"}}"#;
        let got = all(frame(std::str::from_utf8(body).unwrap()).as_bytes(), 5);
        let [Frame::Message(m)] = got.as_slice() else {
            panic!("{got:?}")
        };
        let v: serde_json::Value = serde_json::from_slice(m).unwrap();
        assert_eq!(v["params"]["t"], "a\u{fffd}b\u{fffd}😀\\ud800");
    }

    #[test]
    fn a_flood_of_garbage_is_one_error() {
        let mut input = "Content-Length: 1\r\n".repeat(5000);
        input.push_str("\r\n}");
        input.push_str(&frame(
            r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
        ));
        for chunk in [7, 4096, 1 << 20] {
            let got = all(input.as_bytes(), chunk);
            assert!(got.len() <= 3, "{chunk}: {} frames", got.len());
            assert!(matches!(got.last(), Some(Frame::Message(_))), "{got:?}");
        }
    }

    #[test]
    fn the_replacement_is_accepted() {
        let e = encode(&Frame::Invalid("x".into()));
        let body = &e[e.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4..];
        assert!(accepted(body));
    }
}
