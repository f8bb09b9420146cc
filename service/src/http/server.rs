//! Serving the router: one HTTP/1.1 connection task per client with a header-read timeout (a
//! client that never finishes its headers is cut off, which plain `axum::serve` does not do),
//! and a graceful shutdown that stops accepting, finishes the requests in flight, lets the
//! writer commit what it holds, and closes the database.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

use crate::http::{AppState, Settings, router};
use crate::store::Store;

/// How long a shutdown waits for requests in flight.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves until `shutdown` resolves, then drains.
///
/// # Errors
/// The address cannot be bound, the store cannot be prepared.
pub async fn serve(
    listen: SocketAddr,
    store: Store,
    set: imvo_engine::PolicySet,
    settings: Settings,
    shutdown: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let listener = TcpListener::bind(listen).await?;
    serve_on(listener, store, set, settings, shutdown).await
}

/// As [`serve`], on a bound listener (tests and load runs bind port 0).
///
/// # Errors
/// The store cannot be prepared.
pub async fn serve_on(
    listener: TcpListener,
    store: Store,
    set: imvo_engine::PolicySet,
    settings: Settings,
    shutdown: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let header_timeout = settings.header_read_timeout;
    let (state, writer_task) = AppState::new(store.clone(), set, settings).await?;
    // Uploads cut off by a stop never got an id: give them up. On SQLite this is the only
    // process working the batches, so any lease held is a dead process's: release them all.
    let sqlite = store.backend() == "sqlite";
    let stale = store
        .abandon_stale_uploads(if sqlite { 0 } else { 24 * 3600 })
        .await?;
    if sqlite {
        store.release_leases().await?;
    }
    if stale > 0 {
        tracing::warn!(
            uploads = stale,
            "abandoned uploads left unfinished by a stop"
        );
    }
    let workers = crate::batch::workers::Workers::start(state.batch_context());
    tracing::info!(
        listen = %listener.local_addr()?,
        backend = store.backend(),
        policy_set = state.set.hash(),
        "imvo is serving"
    );
    // Started last, so that no early return leaves it running; aborted after the writer's end.
    let checkpoints = store.start_wal_checkpoints();
    let app = router(Arc::clone(&state));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Out of file descriptors and the like: back off, keep serving.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let service = TowerToHyperService::new(app.clone());
                let conn = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(header_timeout)
                    .keep_alive(true)
                    .serve_connection(TokioIo::new(stream), service);
                let watched = graceful.watch(conn);
                tokio::spawn(async move {
                    if let Err(e) = watched.await {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tracing::info!("shutting down: finishing requests in flight");
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still running after the drain timeout");
    }
    // Batch workers finish the chunk in hand (its lease would otherwise hold it).
    workers.stop(DRAIN_TIMEOUT).await;
    drop(app);
    drop(state);
    // The writer ends once every handle is gone, after committing what it holds.
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, writer_task).await;
    if let Some(task) = checkpoints {
        // A checkpoint cut short is harmless: the pages stay in the WAL.
        task.abort();
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
