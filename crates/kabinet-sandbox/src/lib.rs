//! The sandbox: Kabinet's reference portal.
//!
//! A real HTTP server with an ESIA-style OpenID Connect provider (authorization code flow with
//! PKCE, server-rendered sign-in pages with a second factor and consent, rotating refresh
//! tokens, revocation, end-session), the portal API of [`kabinet_api`], a SQLite database, and
//! a workflow engine that moves applications through their statuses. It is the default portal
//! in demo mode and the peer of every integration test.
//!
//! [`router`] builds the whole application without opening a port, for tests that call it
//! directly; [`start`] binds a listener and runs the server and the workflow.
//!
//! The crate must not depend on the Kabinet client or on Tauri: it stands in for the portal,
//! which knows nothing of its clients beyond the contract.

mod accounts;
mod admin;
mod api;
mod applications;
mod catalog;
mod clients;
pub mod clock;
pub mod config;
mod crypto;
mod documents;
mod feed;
mod idempotency;
mod keys;
mod oidc;
mod openapi;
mod outcomes;
mod pages;
pub mod password;
mod portal;
pub mod seed;
mod store;
mod submissions;
mod tokens;
mod workflow;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::Config;
pub use openapi::document as openapi_document;
pub use portal::{Portal, StartError, SubmissionHold};
pub use store::Store;

/// Builds the portal's HTTP application. Tests can drive it without a port; admin endpoints
/// then refuse, since they need to see a loopback peer.
pub fn router(portal: Portal) -> Router {
    Router::new()
        .merge(oidc::router())
        .merge(api::router())
        .merge(admin::router())
        .fallback(|| async { api::ApiError::not_found().into_response() })
        .layer(middleware::from_fn(trace_request))
        .with_state(portal)
}

/// Logs each request by its route, never by its query string, which may hold codes.
async fn trace_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(unmatched)".to_owned(), |path| path.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    tracing::debug!(
        %method,
        route,
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}

/// Where the portal keeps its data.
#[derive(Debug, Clone)]
pub enum Storage {
    /// In memory; gone when the process ends.
    Memory,
    /// A SQLite file in this folder, kept across restarts.
    Dir(PathBuf),
}

/// How fast the portal moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speed {
    /// Production-like: minutes between status changes.
    Standard,
    /// Demonstrations: seconds between status changes.
    Demo,
}

/// Whether the workflow engine runs on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workflow {
    /// A background task moves applications on schedule.
    Automatic,
    /// Nothing moves unless a test calls [`RunningSandbox::workflow_step`] or the admin
    /// endpoint.
    Manual,
}

/// A last change to a sandbox's configuration before it starts.
pub type ConfigAdjustment = Box<dyn FnOnce(&mut Config) + Send>;

/// How to start a sandbox.
pub struct Options {
    /// Where to listen; port 0 lets the OS choose.
    pub listen: SocketAddr,
    /// Where to keep data.
    pub storage: Storage,
    /// How fast things move.
    pub speed: Speed,
    /// Whether the workflow runs on its own.
    pub workflow: Workflow,
    /// The admin token; a random one when `None`.
    pub admin_token: Option<String>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// A last change to the configuration (lifetimes in tests, say).
    pub adjust: Option<ConfigAdjustment>,
}

impl Options {
    /// A demo portal on a loopback port the OS picks, in memory, with the workflow running.
    pub fn demo() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            storage: Storage::Memory,
            speed: Speed::Demo,
            workflow: Workflow::Automatic,
            admin_token: None,
            clock: Arc::new(SystemClock),
            adjust: None,
        }
    }
}

/// Why the sandbox could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The portal could not start.
    #[error(transparent)]
    Start(#[from] StartError),
    /// The data folder could not be created.
    #[error("cannot use the data folder: {0}")]
    DataDir(std::io::Error),
}

/// A sandbox serving on a port.
pub struct RunningSandbox {
    /// The base URL, which is also the issuer: `http://127.0.0.1:PORT`.
    pub url: String,
    /// The bound address.
    pub addr: SocketAddr,
    /// The portal, for tests that look inside.
    pub portal: Portal,
    shutdown: tokio::sync::watch::Sender<bool>,
    server: tokio::task::JoinHandle<()>,
    workflow: Option<tokio::task::JoinHandle<()>>,
}

impl RunningSandbox {
    /// The admin token.
    pub fn admin_token(&self) -> &str {
        &self.portal.config().admin_token
    }

    /// Moves every application that is due, as one tick of the workflow would. Returns how
    /// many moved.
    ///
    /// # Errors
    /// When the store fails.
    pub fn workflow_step(&self) -> Result<usize, StartError> {
        workflow::step(&self.portal).map_err(|err| StartError::Store(err.into()))
    }

    /// Deletes what can no longer be used, as the workflow does now and then: expired sign-ins
    /// and codes, and idempotency keys past their retention. Returns the rows deleted.
    ///
    /// # Errors
    /// When the store fails.
    pub fn sweep(&self) -> Result<usize, StartError> {
        workflow::sweep(&self.portal).map_err(|err| StartError::Store(err.into()))
    }

    /// Stops serving and waits for the server to finish.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        if let Some(workflow) = self.workflow {
            workflow.abort();
        }
        let _ = self.server.await;
    }
}

/// Binds the listener, starts the portal, and serves until [`RunningSandbox::shutdown`].
///
/// # Errors
/// When the address cannot be bound or the portal cannot start.
pub async fn start(options: Options) -> Result<RunningSandbox, ServeError> {
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|source| ServeError::Bind { addr: options.listen, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| ServeError::Bind { addr: options.listen, source })?;
    let url = format!("http://{addr}");

    let mut config = match options.speed {
        Speed::Standard => Config::new(&url),
        Speed::Demo => Config::demo(&url),
    };
    if let Some(token) = options.admin_token {
        config.admin_token = token;
    }
    if let Some(adjust) = options.adjust {
        adjust(&mut config);
    }
    let store = match &options.storage {
        Storage::Memory => Store::open_in_memory().map_err(StartError::from)?,
        Storage::Dir(dir) => {
            std::fs::create_dir_all(dir).map_err(ServeError::DataDir)?;
            Store::open_dir(dir).map_err(StartError::from)?
        }
    };
    let portal = Portal::new(config, store, options.clock)?;

    let (shutdown, mut stopped) = tokio::sync::watch::channel(false);
    let app = router(portal.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move {
        let graceful = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        });
        if let Err(err) = graceful.await {
            tracing::error!(error = %err, "the sandbox server stopped");
        }
    });
    let workflow = (options.workflow == Workflow::Automatic)
        .then(|| tokio::spawn(workflow::run(portal.clone())));
    tracing::info!(%url, "sandbox portal listening");
    Ok(RunningSandbox { url, addr, portal, shutdown, server, workflow })
}
