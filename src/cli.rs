//! The command line: `airside serve`, `airside demo`, `airside admin …`.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use tokio::net::TcpListener;

use crate::admin::{self, AdminCommand};
use crate::app;
use crate::config::{Config, DEFAULT_DATABASE_URL, DEFAULT_LISTEN};
use crate::demo;
use crate::http::request_log::RequestLog;
use crate::state::AppState;
use crate::storage::Db;

#[derive(Debug, Parser)]
#[command(
    name = "airside",
    version,
    about = "The API layer of an airline's or flight school's operations"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
struct DatabaseArgs {
    /// sqlite://PATH (created when missing) or postgres://…
    #[arg(long, env = "AIRSIDE_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    database_url: String,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server.
    Serve {
        #[arg(long, env = "AIRSIDE_LISTEN", default_value = DEFAULT_LISTEN)]
        listen: SocketAddr,
        #[command(flatten)]
        database: DatabaseArgs,
        /// Seed the demo organisations (idempotent) before serving.
        #[arg(long)]
        demo: bool,
        /// The URL clients reach this server at, e.g. https://api.example.org
        /// (the OAuth issuer). Default: http:// and the listen address.
        #[arg(long, env = "AIRSIDE_PUBLIC_URL")]
        public_url: Option<String>,
        /// The address of a reverse proxy whose X-Forwarded-For is believed
        /// (the request log's client IP). Default: believe none.
        #[arg(long, env = "AIRSIDE_TRUSTED_PROXY")]
        trusted_proxy: Option<std::net::IpAddr>,
        /// Days raw request-log entries are kept; daily counts are kept forever.
        #[arg(long, env = "AIRSIDE_REQUEST_LOG_RETENTION_DAYS", default_value_t = 30)]
        request_log_retention_days: u32,
        /// Minutes an ACARS flight may send nothing before it is cancelled
        /// (a paused flight: 24 hours).
        #[arg(long, env = "AIRSIDE_ACARS_STALE_MINUTES", default_value_t = 120)]
        acars_stale_minutes: u32,
        /// Allow http:// webhook URLs and private or loopback addresses (testing).
        #[arg(long, env = "AIRSIDE_ALLOW_INSECURE_WEBHOOKS")]
        allow_insecure_webhooks: bool,
        /// Serve Prometheus metrics at http://ADDR/metrics (off by default).
        #[arg(long, env = "AIRSIDE_METRICS_LISTEN")]
        metrics_listen: Option<SocketAddr>,
    },
    /// Seed the demo organisations (idempotent) and exit.
    Demo {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Work on the database directly; prints one JSON object.
    Admin {
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(subcommand)]
        command: AdminCommand,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build();
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(cli.command))
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("AIRSIDE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    // Logs go to stderr: stdout is for the admin commands' JSON.
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}

async fn run(command: Command) -> ExitCode {
    match command {
        Command::Serve {
            listen,
            database,
            demo,
            public_url,
            trusted_proxy,
            request_log_retention_days,
            acars_stale_minutes,
            allow_insecure_webhooks,
            metrics_listen,
        } => {
            let config = Config {
                listen,
                database_url: database.database_url,
                demo,
                public_url,
                trusted_proxy,
                request_log_retention_days,
                acars_stale_minutes,
                allow_insecure_webhooks,
                metrics_listen,
            };
            match serve(config).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    tracing::error!("{error:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Demo { database } => match open(&database.database_url).await {
            Ok(db) => match demo::seed(&db).await {
                Ok(report) => {
                    print!("{report}");
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    tracing::error!("{error:#}");
                    ExitCode::FAILURE
                }
            },
            Err(error) => {
                tracing::error!("{error:#}");
                ExitCode::FAILURE
            }
        },
        Command::Admin { database, command } => {
            let outcome = match open(&database.database_url).await {
                Ok(db) => admin::run(&db, command).await,
                Err(error) => Err(error),
            };
            match outcome {
                Ok(value) => {
                    println!("{value}");
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    println!("{}", serde_json::json!({ "error": format!("{error:#}") }));
                    ExitCode::FAILURE
                }
            }
        }
    }
}

async fn open(url: &str) -> anyhow::Result<Db> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    Ok(db)
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let db = open(&config.database_url).await?;
    if config.demo {
        let report = demo::seed(&db).await?;
        tracing::info!("demo data ready\n{report}");
    }
    let listener = TcpListener::bind(config.listen).await?;
    tracing::info!(address = %listener.local_addr()?, "airside listening");
    let (request_log, log_writer) = RequestLog::start(db.clone());
    let state = AppState::with_log(db.clone(), config, request_log);
    let background = app::spawn_background(&state);
    let metrics = state.config.metrics_listen.map(|addr| {
        // Installed before the first request, so none goes uncounted.
        crate::metrics::install();
        let state = state.clone();
        tokio::spawn(async move {
            if let Err(error) = crate::metrics::serve(addr, state).await {
                tracing::error!(%error, "the metrics listener failed");
            }
        })
    });
    app::serve(listener, state, app::shutdown_signal()).await?;
    background.abort();
    if let Some(metrics) = metrics {
        metrics.abort();
        let _ = metrics.await;
    }
    // The writer stops once the last sender is gone, after writing what it holds.
    let _ = log_writer.await;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}
