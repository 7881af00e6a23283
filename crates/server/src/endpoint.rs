//! The HTTP endpoint: one shared world, served in real time to any number of clients.
//!
//! Every request locks the world, moves its clock up to the wall-clock time elapsed since
//! the server started, executes the operation and answers. The lock makes the world
//! linearisable — each request sees every write acknowledged before it — which is what
//! people expect of a local DynamoDB. Nothing is dropped silently: a body over the size
//! limit is refused with 413, and should an operation ever panic the client gets an
//! `InternalServerError` instead of a closed connection, and the server keeps serving.
//!
//! With `--dax-port` a second listener speaks the same protocol through a DAX cluster in
//! front of the same tables ([`dax_router`]): eventually consistent reads come from its
//! caches, writes go through it to the tables, and writes made on the first port bypass
//! it — so an SDK pointed at each port sees DAX and DynamoDB side by side.

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, TryLockError};
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dynaplay_world::dynamo::{DynamoError, ErrorKind, ItemsAs};
use dynaplay_world::{ClusterSpec, Outcome, Realism, SimDuration, SimTime, World};
use tokio::net::TcpListener;

use crate::protocol::{self, Admission, CONTENT_TYPE, DAX_CONTENT_TYPE, MAX_BODY_BYTES, Reply};

/// How the endpoint was asked to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub seed: u64,
}

/// The DAX cluster served on the second port (`--dax-port`): in front of the same tables,
/// speaking the same protocol, so an SDK pointed at it gets DAX's semantics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaxOptions {
    pub nodes: usize,
    pub node_type: String,
    /// The item cache TTL; 0: items never expire by time.
    pub item_ttl_millis: u64,
    /// The query cache TTL; 0: query and scan results are not cached.
    pub query_ttl_millis: u64,
}

/// The name of the cluster behind `--dax-port`.
pub const DAX_CLUSTER: &str = "dynaplay";

impl Default for DaxOptions {
    fn default() -> Self {
        DaxOptions {
            nodes: 3,
            node_type: "dax.r5.large".to_string(),
            item_ttl_millis: 300_000,
            query_ttl_millis: 300_000,
        }
    }
}

/// How many times an async worker finds the world taken, and yields, before it waits for
/// the lock instead — spin, then park. A request holds the world for microseconds, so
/// yielding nearly always wins it soon; the bound is for a long holder (a Scan's megabyte
/// page on the blocking pool), which a worker should not spin against. Measured on two
/// cores shared with the load generator (docs/BENCHMARKS.md): 4–16 yields gave up to 10%
/// more requests per second but a p99 of 2.4–3.4 ms at 64 connections; 256 or no bound
/// keeps it at 1.6–1.9 ms.
const YIELDS_BEFORE_WAITING: u32 = 256;

/// What all connections share.
#[derive(Debug)]
pub struct Shared {
    world: Mutex<World>,
    started: Instant,
    requests: AtomicU64,
}

impl Shared {
    pub fn new(options: &Options) -> Arc<Shared> {
        Shared::with_realism(options, Realism::OFF)
    }

    /// A world whose clients feel `realism` (stale reads, throttling, latency).
    pub fn with_realism(options: &Options, realism: Realism) -> Arc<Shared> {
        Arc::new(Shared {
            world: Mutex::new(World::with_realism(options.seed, realism)),
            started: Instant::now(),
            requests: AtomicU64::new(0),
        })
    }

    /// Runs one operation on the world at the current wall-clock time; returns the reply
    /// and how long the client should wait for it (zero unless latency is realistic).
    /// For threads that may block (Tokio's blocking pool).
    fn execute(&self, operation: &str, body: &serde_json::Value) -> (Reply, std::time::Duration) {
        let now = self.now();
        Self::reply(self.execute_locked(now, operation, body))
    }

    /// The request, once the world's lock is taken (waiting for it if need be).
    fn execute_locked(
        &self,
        now: SimTime,
        operation: &str,
        body: &serde_json::Value,
    ) -> std::thread::Result<Outcome> {
        let mut world = self.world.lock().unwrap_or_else(PoisonError::into_inner);
        Self::request(&mut world, now, operation, body)
    }

    /// [`Shared::execute`] for an async worker. While another request holds the world the
    /// worker does not sleep on the lock — that costs a futex wait and a wake-up per
    /// hand-off, a seventh of a request's CPU when two workers take turns — but yields to
    /// its other connections' I/O and tries again: a request holds the world for a few
    /// microseconds. After [`YIELDS_BEFORE_WAITING`] tries it waits for the lock.
    async fn execute_on_worker(
        &self,
        operation: &str,
        body: &serde_json::Value,
    ) -> (Reply, std::time::Duration) {
        let now = self.now();
        let mut tries = 0;
        let outcome = loop {
            if tries == YIELDS_BEFORE_WAITING {
                // Something holds the world for long (a Scan's megabyte page on the
                // blocking pool): wait for it rather than spin.
                break self.execute_locked(now, operation, body);
            }
            tries += 1;
            // The guard must be gone before the worker yields (it cannot cross an await).
            let attempt = match self.world.try_lock() {
                Ok(mut world) => Some(Self::request(&mut world, now, operation, body)),
                Err(TryLockError::Poisoned(poisoned)) => Some(Self::request(
                    &mut poisoned.into_inner(),
                    now,
                    operation,
                    body,
                )),
                Err(TryLockError::WouldBlock) => None,
            };
            match attempt {
                Some(outcome) => break outcome,
                None => tokio::task::yield_now().await,
            }
        };
        Self::reply(outcome)
    }

    /// The world moved to `now`, then the request. A panicking request must not take the
    /// others down with it; the world's data is only mutated after validation, so it stays
    /// usable.
    fn request(
        world: &mut World,
        now: SimTime,
        operation: &str,
        body: &serde_json::Value,
    ) -> std::thread::Result<Outcome> {
        world.advance_to(now);
        catch_unwind(AssertUnwindSafe(|| {
            world.request_as(operation, body, "endpoint", ItemsAs::Text)
        }))
    }

    /// The reply to a request's outcome. It is written after the lock is released:
    /// serialising a response is a good part of a request's cost and needs nothing from
    /// the world.
    fn reply(outcome: std::thread::Result<Outcome>) -> (Reply, std::time::Duration) {
        match outcome {
            Ok(outcome) => {
                let reply = match &outcome.result {
                    Ok(response) => Reply::ok_with(response, outcome.items.as_ref()),
                    Err(err) => Reply::error(err),
                };
                (reply, outcome.latency.into())
            }
            Err(_) => (
                Reply::error(&DynamoError::new(
                    ErrorKind::InternalServerError,
                    "Internal server error",
                )),
                std::time::Duration::ZERO,
            ),
        }
    }
}

impl Shared {
    /// Runs a DAX management operation (`CreateCluster`, `DescribeClusters`, ...) on the
    /// world's DAX at the current wall-clock time.
    fn manage_dax(&self, operation: &str, body: &serde_json::Value) -> Reply {
        let now = self.now();
        let result = {
            let mut world = self.world.lock().unwrap_or_else(PoisonError::into_inner);
            world.advance_to(now);
            catch_unwind(AssertUnwindSafe(|| world.dax_control(operation, body)))
        };
        match result {
            Ok(Ok(response)) => Reply::ok(&response),
            Ok(Err(fault)) => Reply::dax_error(&fault),
            Err(_) => Reply::error(&DynamoError::new(
                ErrorKind::InternalServerError,
                "Internal server error",
            )),
        }
    }

    /// The simulated instant matching the wall clock: time zero is the server's start.
    fn now(&self) -> SimTime {
        let elapsed = self.started.elapsed();
        SimTime::ZERO
            + SimDuration::from_micros(u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX))
    }

    /// Starts the DAX cluster [`DAX_CLUSTER`] in front of the world's tables, running at once.
    pub fn provision_dax(&self, dax: &DaxOptions) -> Result<(), String> {
        let mut world = self.world.lock().unwrap_or_else(PoisonError::into_inner);
        let mut spec = ClusterSpec::new(DAX_CLUSTER);
        spec.replication_factor = dax.nodes;
        spec.node_type = dax.node_type.clone();
        world.provision_dax(&spec).map_err(|e| e.to_string())?;
        world
            .set_dax_ttls(DAX_CLUSTER, dax.item_ttl_millis, dax.query_ttl_millis)
            .map_err(|e| e.to_string())
    }

    /// [`Shared::execute`] through the DAX cluster: the reply, and how long the client
    /// should wait for it (DAX's sampled latency when latency is realistic, else zero).
    fn execute_dax(
        &self,
        operation: &str,
        body: &serde_json::Value,
    ) -> (Reply, std::time::Duration) {
        let now = self.now();
        let (realistic, outcome) = {
            let mut world = self.world.lock().unwrap_or_else(PoisonError::into_inner);
            world.advance_to(now);
            let realistic = world.realism().latency;
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                world.execute_via_dax(DAX_CLUSTER, operation, body)
            }));
            (realistic, outcome)
        };
        match outcome {
            Ok(outcome) => {
                let reply = match &outcome.result {
                    Ok(response) => Reply::ok(response),
                    Err(err) => Reply::error(err),
                };
                let latency = if realistic {
                    outcome.request.latency.into()
                } else {
                    std::time::Duration::ZERO
                };
                (reply, latency)
            }
            Err(_) => (
                Reply::error(&DynamoError::new(
                    ErrorKind::InternalServerError,
                    "Internal server error",
                )),
                std::time::Duration::ZERO,
            ),
        }
    }
}

/// The DAX port's routes: the same protocol as [`router`], answered through the cluster.
pub fn dax_router(shared: Arc<Shared>) -> Router {
    Router::new()
        .fallback(handle_dax)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(shared)
}

async fn handle_dax(
    State(shared): State<Arc<Shared>>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let sequence = shared.requests.fetch_add(1, Ordering::Relaxed);
    let request_id = protocol::request_id(sequence);
    if method == Method::GET || method == Method::HEAD {
        return (StatusCode::OK, "healthy: dax.us-east-1.amazonaws.com ").into_response();
    }
    let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok());
    let reply = match protocol::admit(target, &body) {
        _ if method != Method::POST => {
            Reply::error(&DynamoError::new(ErrorKind::UnknownOperation, ""))
        }
        Admission::Reject(err) => Reply::error(&err),
        Admission::Manage { operation, body } => {
            return respond_as(
                shared.manage_dax(&operation, &body),
                &request_id,
                DAX_CONTENT_TYPE,
            );
        }
        Admission::Execute { operation, body } => {
            let shared = Arc::clone(&shared);
            tokio::task::spawn_blocking(move || {
                let (reply, latency) = shared.execute_dax(&operation, &body);
                // Waited out on this thread (the world is no longer held), not on tokio's
                // timer: its millisecond ticks would stretch a DAX hit's couple of hundred
                // microseconds to a millisecond or two.
                if !latency.is_zero() {
                    std::thread::sleep(latency);
                }
                reply
            })
            .await
            .unwrap_or_else(|_| {
                let err = DynamoError::new(ErrorKind::InternalServerError, "Internal server error");
                Reply::error(&err)
            })
        }
    };
    respond(reply, &request_id)
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
    let (reply, latency) = if method != Method::POST {
        let err = DynamoError::new(ErrorKind::UnknownOperation, "");
        (Reply::error(&err), std::time::Duration::ZERO)
    } else {
        let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok());
        match protocol::admit(target, &body) {
            Admission::Reject(err) => (Reply::error(&err), std::time::Duration::ZERO),
            Admission::Manage { operation, body } => {
                let reply = shared.manage_dax(&operation, &body);
                return respond_as(reply, &request_id, DAX_CONTENT_TYPE);
            }
            Admission::Execute { operation, body } if runs_inline(&operation) => {
                shared.execute_on_worker(&operation, &body).await
            }
            Admission::Execute { operation, body } => {
                let shared = Arc::clone(&shared);
                tokio::task::spawn_blocking(move || shared.execute(&operation, &body))
                    .await
                    .unwrap_or_else(|_| {
                        let err = DynamoError::new(
                            ErrorKind::InternalServerError,
                            "Internal server error",
                        );
                        (Reply::error(&err), std::time::Duration::ZERO)
                    })
            }
        }
    };
    // The simulated latency (`--latency`) is waited out here, without holding the world.
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
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
    respond_as(reply, request_id, CONTENT_TYPE)
}

fn respond_as(reply: Reply, request_id: &str, content_type: &'static str) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let crc = reply.crc32();
    let mut response = (status, reply.body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
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
    serve_with(listener, options, Realism::OFF, shutdown).await
}

/// [`serve`] with the realistic behaviours `realism` switches on.
pub async fn serve_with(
    listener: TcpListener,
    options: &Options,
    realism: Realism,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(Shared::with_realism(options, realism));
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// [`serve_with`], plus a DAX cluster in front of the same tables on `dax`'s listener;
/// both stop when `shutdown` completes.
pub async fn serve_with_dax(
    listener: TcpListener,
    dax: Option<(TcpListener, DaxOptions)>,
    options: &Options,
    realism: Realism,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let shared = Shared::with_realism(options, realism);
    let Some((dax_listener, dax_options)) = dax else {
        return axum::serve(listener, router(shared))
            .with_graceful_shutdown(shutdown)
            .await;
    };
    shared
        .provision_dax(&dax_options)
        .map_err(std::io::Error::other)?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    let until_stopped = |mut stopped: tokio::sync::watch::Receiver<bool>| async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    };
    let dynamodb = axum::serve(listener, router(Arc::clone(&shared)))
        .with_graceful_shutdown(until_stopped(stopped.clone()));
    let dax = axum::serve(dax_listener, dax_router(shared))
        .with_graceful_shutdown(until_stopped(stopped));
    let (dynamodb, dax) = tokio::join!(dynamodb.into_future(), dax.into_future());
    dynamodb.and(dax)
}

/// Binds `host:port` (port 0 picks a free one) and returns the listener and its address.
pub async fn bind(host: &str, port: u16) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind((host, port)).await?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}
