//! One keep-alive HTTP/1.1 connection to a DynamoDB endpoint.
//!
//! Each simulated client of a timed phase owns one [`Connection`] and sends its requests
//! one after another, as an SDK with a connection pool of one does: the latency of a
//! request is the time from handing it to the socket until its whole response body has
//! arrived. `TCP_NODELAY` is set, as SDKs set it, so small requests are not held back by
//! Nagle's algorithm and delayed ACKs. A connection that fails is dropped and the next
//! request opens a new one; the failure itself is reported to the caller and counted.

use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderValue};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::amz;

/// What an endpoint answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: Bytes,
}

impl Answer {
    pub fn is_ok(&self) -> bool {
        self.status == 200
    }

    /// The body as text, for error messages.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A client connection that reconnects after a failure.
pub struct Connection {
    addr: SocketAddr,
    host: HeaderValue,
    sender: Option<SendRequest<Full<Bytes>>>,
    /// `X-Amz-Date`, refreshed once per second of wall time at most.
    date: (u64, HeaderValue),
}

impl Connection {
    pub fn new(addr: SocketAddr) -> Connection {
        let host = HeaderValue::from_str(&addr.to_string())
            .unwrap_or_else(|_| HeaderValue::from_static("localhost"));
        Connection {
            addr,
            host,
            sender: None,
            date: (u64::MAX, HeaderValue::from_static("")),
        }
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, String> {
        let stream = TcpStream::connect(self.addr)
            .await
            .map_err(|e| format!("cannot connect to {}: {e}", self.addr))?;
        stream
            .set_nodelay(true)
            .map_err(|e| format!("TCP_NODELAY: {e}"))?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("HTTP handshake with {}: {e}", self.addr))?;
        // The connection task ends when the sender is dropped or the server hangs up.
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(sender)
    }

    fn date_header(&mut self) -> HeaderValue {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        if self.date.0 != now {
            let value = HeaderValue::from_str(&amz::amz_date(now))
                .unwrap_or_else(|_| HeaderValue::from_static("20260101T000000Z"));
            self.date = (now, value);
        }
        self.date.1.clone()
    }

    /// Sends one DynamoDB request and reads the whole response.
    pub async fn call(&mut self, operation: &str, body: Bytes) -> Result<Answer, String> {
        let date = self.date_header();
        let request = Request::builder()
            .method(Method::POST)
            .uri("/")
            .header(HOST, self.host.clone())
            .header(CONTENT_TYPE, amz::CONTENT_TYPE)
            .header("x-amz-target", amz::target(operation))
            .header("x-amz-date", date)
            .header(AUTHORIZATION, amz::AUTHORIZATION)
            .body(Full::new(body))
            .map_err(|e| format!("building the request: {e}"))?;
        let mut sender = match self.sender.take() {
            Some(sender) => sender,
            None => self.connect().await?,
        };
        let outcome = async {
            sender
                .ready()
                .await
                .map_err(|e| format!("connection lost: {e}"))?;
            let response = sender
                .send_request(request)
                .await
                .map_err(|e| format!("request failed: {e}"))?;
            let status = response.status().as_u16();
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|e| format!("reading the response: {e}"))?
                .to_bytes();
            Ok::<Answer, String>(Answer { status, body })
        }
        .await;
        if outcome.is_ok() {
            self.sender = Some(sender);
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// A one-connection HTTP server that records each request head and answers `200 {}`.
    async fn recording_server(
        requests: usize,
    ) -> (SocketAddr, tokio::task::JoinHandle<Vec<String>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let handle = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut heads = Vec::new();
            let mut buffer = Vec::new();
            while heads.len() < requests {
                let mut chunk = [0u8; 4096];
                let n = socket.read(&mut chunk).await.unwrap();
                assert!(n > 0, "the client closed the connection early");
                buffer.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buffer).into_owned();
                let Some(end) = text.find("\r\n\r\n") else {
                    continue;
                };
                let head = text[..end].to_string();
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length: ")
                            .map(|v| v.trim().parse().unwrap())
                    })
                    .unwrap();
                if buffer.len() < end + 4 + length {
                    continue;
                }
                buffer.drain(..end + 4 + length);
                heads.push(head);
                socket
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
                    .await
                    .unwrap();
            }
            heads
        });
        (addr, handle)
    }

    #[tokio::test(flavor = "current_thread")]
    async fn requests_share_one_connection_and_carry_the_aws_headers() {
        let (addr, server) = recording_server(2).await;
        let mut connection = Connection::new(addr);
        for _ in 0..2 {
            let answer = connection
                .call("GetItem", Bytes::from_static(b"{\"a\":1}"))
                .await
                .unwrap();
            assert!(answer.is_ok());
            assert_eq!(answer.text(), "{}");
        }
        // Both requests arrived on the one accepted connection.
        let heads = server.await.unwrap();
        assert_eq!(heads.len(), 2);
        let head = heads[0].to_ascii_lowercase();
        assert!(head.starts_with("post / http/1.1"), "{head}");
        assert!(
            head.contains("x-amz-target: dynamodb_20120810.getitem"),
            "{head}"
        );
        assert!(
            head.contains("content-type: application/x-amz-json-1.0"),
            "{head}"
        );
        assert!(
            head.contains("authorization: aws4-hmac-sha256 credential=fake/"),
            "{head}"
        );
        assert!(head.contains("x-amz-date: 20"), "{head}");
        assert!(head.contains(&format!("host: {addr}")), "{head}");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_refused_connection_is_an_error_not_a_panic() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let mut connection = Connection::new(addr);
        let err = connection.call("GetItem", Bytes::new()).await.unwrap_err();
        assert!(err.contains("cannot connect"), "{err}");
    }
}
