//! The HTTP endpoint: one shared world, served in real time to any number of clients.
//!
//! Every request locks the world, moves its clock up to the wall-clock time elapsed since
//! the server started, executes the operation and answers. The lock makes the world
//! linearisable — each request sees every write acknowledged before it — which is what
//! people expect of a local DynamoDB. Nothing is dropped silently: a body over the size
//! limit is refused with 413, and should an operation ever panic the client gets an
//! `InternalServerError` instead of a closed connection, and the server keeps serving.

use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dynaplay_world::dynamo::{DynamoError, ErrorKind};
use dynaplay_world::{SimDuration, SimTime, World};
use tokio::net::TcpListener;

use crate::protocol::{self, Admission, CONTENT_TYPE, MAX_BODY_BYTES, Reply};

/// How the endpoint was asked to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub seed: u64,
}

/// What all connections share.
#[derive(Debug)]
pub struct Shared {
    world: Mutex<World>,
    started: Instant,
    requests: AtomicU64,
}

impl Shared {
    pub fn new(options: &Options) -> Arc<Shared> {
        Arc::new(Shared {
            world: Mutex::new(World::new(options.seed)),
            started: Instant::now(),
            requests: AtomicU64::new(0),
        })
    }

    /// Runs one operation on the world at the current wall-clock time.
    fn execute(&self, operation: &str, body: &serde_json::Value) -> Reply {
        let elapsed = self.started.elapsed();
        let now = SimTime::ZERO
            + SimDuration::from_micros(u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX));
        // A panicking request must not take the others down with it; the world's data is
        // only mutated after validation, so it stays usable.
        let mut world = self.world.lock().unwrap_or_else(PoisonError::into_inner);
        world.advance_to(now);
        let outcome = catch_unwind(AssertUnwindSafe(|| world.execute(operation, body)));
        match outcome {
            Ok(Ok(response)) => Reply::ok(&response),
            Ok(Err(err)) => Reply::error(&err),
            Err(_) => Reply::error(&DynamoError::new(
                ErrorKind::InternalServerError,
                "Internal server error",
            )),
        }
    }
}

/// The endpoint's routes: DynamoDB answers POSTs on any path, and a health line on GET.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .fallback(handle)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(shared)
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let sequence = shared.requests.fetch_add(1, Ordering::Relaxed);
    let request_id = protocol::request_id(sequence);
    if method == Method::GET || method == Method::HEAD {
        return (StatusCode::OK, "healthy: dynamodb.us-east-1.amazonaws.com ").into_response();
    }
    let reply = if method != Method::POST {
        Reply::error(&DynamoError::new(ErrorKind::UnknownOperation, ""))
    } else {
        let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok());
        match protocol::admit(target, &body) {
            Admission::Reject(err) => Reply::error(&err),
            Admission::Execute { operation, body } if runs_inline(&operation) => {
                shared.execute(&operation, &body)
            }
            Admission::Execute { operation, body } => {
                let shared = Arc::clone(&shared);
                tokio::task::spawn_blocking(move || shared.execute(&operation, &body))
                    .await
                    .unwrap_or_else(|_| {
                        Reply::error(&DynamoError::new(
                            ErrorKind::InternalServerError,
                            "Internal server error",
                        ))
                    })
            }
        }
    };
    respond(reply, &request_id)
}

/// Whether `operation` runs on the async worker that received it. The engine is
/// synchronous and one request at a time holds the world, so a thread hop buys no
/// parallelism; it only costs two context switches, which for a GetItem of a few
/// microseconds are most of the request (see docs/BENCHMARKS.md). A Scan reads a
/// megabyte page whatever the request says, so it alone still moves to the blocking pool,
/// where it cannot stall other connections' I/O.
fn runs_inline(operation: &str) -> bool {
    operation != "Scan"
}

fn respond(reply: Reply, request_id: &str) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let crc = reply.crc32();
    let mut response = (status, reply.body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    headers.insert("x-amz-crc32", HeaderValue::from(crc));
    response
}

/// Serves on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    options: &Options,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(Shared::new(options));
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

/// Binds `host:port` (port 0 picks a free one) and returns the listener and its address.
pub async fn bind(host: &str, port: u16) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind((host, port)).await?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}
