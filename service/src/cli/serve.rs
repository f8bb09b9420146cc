//! `imvo serve`: the HTTP service, with its batch workers, on the policy set in force.

use super::error::{Failure, exit};
use super::{Cli, load_policies, open_store, runtime};

/// `imvo serve`'s options.
#[derive(Debug, clap::Args)]
pub(super) struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "IMVO_LISTEN", default_value = "127.0.0.1:8080")]
    pub(super) listen: std::net::SocketAddr,
    /// Requests handled at once; more are answered 503 at once.
    #[arg(long, env = "IMVO_CONCURRENCY", default_value_t = 512)]
    pub(super) concurrency: usize,
    /// Screenings evaluated at once (default: twice the number of cores, so that a core has the
    /// next screening while one is handed over).
    #[arg(long, env = "IMVO_SCREENING_SLOTS")]
    pub(super) screening_slots: Option<usize>,
    /// Batch workers in this process (default: twice the number of cores, so that one commits
    /// while another screens; 0: take no batch work).
    #[arg(long, env = "IMVO_BATCH_WORKERS")]
    pub(super) batch_workers: Option<usize>,
    /// Seconds a worker holds a claimed chunk of a batch before another may take it over
    /// (after a crash, the chunk waits this long).
    #[arg(long, env = "IMVO_BATCH_LEASE_SECS", default_value_t = 60)]
    pub(super) batch_lease_secs: u64,
    /// Largest batch upload in bytes.
    #[arg(long, env = "IMVO_BATCH_MAX_BYTES", default_value_t = 2 << 30)]
    pub(super) batch_max_bytes: u64,
    /// Batch uploads received at once by this process (more are answered 503).
    #[arg(long, env = "IMVO_BATCH_UPLOADS", default_value_t = 4)]
    pub(super) batch_uploads: usize,
    /// The address people reach the service at, as they type it (`https://imvo.example.org`):
    /// with `https` the pages' session cookie is sent over HTTPS only (`Secure`).
    #[arg(long, env = "IMVO_PUBLIC_URL")]
    pub(super) public_url: Option<String>,
}

/// Runs the service until it is told to stop (SIGINT or SIGTERM).
pub(super) fn run(cli: &Cli, args: &ServeArgs) -> Result<u8, Failure> {
    if let Some(url) = &args.public_url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        return Err(Failure {
            code: exit::USAGE_OR_IO,
            kind: "usage",
            message: format!(
                "--public-url `{url}` is not an address people reach the service at: expected https://... (or http://...)"
            ),
            details: serde_json::json!(null),
        });
    }
    let defaults = imvo_service::http::Settings::default();
    let settings = imvo_service::http::Settings {
        concurrency: args.concurrency.max(1),
        screening_slots: args
            .screening_slots
            .map_or(defaults.screening_slots, |n| n.max(1)),
        batch_workers: args.batch_workers.unwrap_or(defaults.batch_workers),
        batch_lease: std::time::Duration::from_secs(args.batch_lease_secs.max(1)),
        batch_max_bytes: args.batch_max_bytes,
        batch_uploads: args.batch_uploads.max(1),
        public_url: args.public_url.clone(),
        ..defaults
    };
    let listen = args.listen;
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("IMVO_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_span_list(false)
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
    let (set, source) = load_policies(cli)?;
    tracing::info!(policy_set = set.hash(), from = %source, "policy set in force");
    runtime()?.block_on(async {
        let store = open_store(&cli.database).await?;
        imvo_service::http::server::serve(
            listen,
            store,
            set,
            settings,
            imvo_service::http::server::shutdown_signal(),
        )
        .await
        .map_err(|e| Failure::io(format!("the service stopped: {e}")))?;
        Ok(exit::OK)
    })
}
