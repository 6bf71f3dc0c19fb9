//! The `frontdesk-server` command line.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use frontdesk_store::{actions, SqliteStore, Store};

use crate::{auth, demo, AppState, Clock};

#[derive(Debug, Parser)]
#[command(
    name = "frontdesk-server",
    version,
    about = "Frontdesk portal service: Building and Tenant Portals with Reverse Building Sync."
)]
pub struct Args {
    /// SQLite database file (created if missing). Default: frontdesk/frontdesk.db in the user's
    /// data directory.
    #[arg(long, env = "FRONTDESK_DB")]
    pub db: Option<PathBuf>,

    /// Address to listen on.
    #[arg(long, env = "FRONTDESK_LISTEN", default_value = "127.0.0.1:8780")]
    pub listen: SocketAddr,

    /// Create this platform admin if no user has this email yet.
    #[arg(long, env = "FRONTDESK_ADMIN_EMAIL", requires = "admin_password")]
    pub admin_email: Option<String>,

    /// Password of the platform admin created with --admin-email (at least 10 characters).
    #[arg(
        long,
        env = "FRONTDESK_ADMIN_PASSWORD",
        requires = "admin_email",
        hide_env_values = true
    )]
    pub admin_password: Option<String>,

    /// Base URL of the links in invitation messages (what visitors' phones can reach).
    /// Default: http://LISTEN.
    #[arg(long, env = "FRONTDESK_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// SMTP server for invitation emails: smtp://host:25 (plain, local relay),
    /// smtp://user:pass@host:587?tls=required (STARTTLS) or smtps://user:pass@host:465.
    /// Without it, emails are held in the outbox (GET /api/v1/notifications).
    #[arg(long, env = "FRONTDESK_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// Sender of invitation emails.
    #[arg(
        long,
        env = "FRONTDESK_MAIL_FROM",
        default_value = "Frontdesk <no-reply@frontdesk.invalid>"
    )]
    pub mail_from: String,

    /// HTTP endpoint of the SMS gateway; it receives {"to","from","text","reference"} as JSON.
    #[arg(long, env = "FRONTDESK_SMS_URL")]
    pub sms_gateway_url: Option<String>,

    /// Bearer token for the SMS gateway.
    #[arg(long, env = "FRONTDESK_SMS_TOKEN", hide_env_values = true)]
    pub sms_gateway_token: Option<String>,

    /// Seed a demo building with three tenants in every sync state, and print their logins.
    #[arg(long)]
    pub demo: bool,

    /// A session not used for this many hours ends (a desk's sync keeps its own in use).
    #[arg(long, env = "FRONTDESK_SESSION_IDLE_HOURS", default_value_t = 72, value_parser = clap::value_parser!(u32).range(1..))]
    pub session_idle_hours: u32,

    /// No session lasts longer than this many days from sign-in.
    #[arg(long, env = "FRONTDESK_SESSION_MAX_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub session_max_days: u32,

    /// Seconds a client has to send a request's headers; also how long an idle connection stays.
    #[arg(long, env = "FRONTDESK_HEADER_TIMEOUT_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout_secs: u64,

    /// Seconds to send a request and get its answer (120 s is allowed for a registration with its
    /// photo; streamed answers are not limited by this).
    #[arg(long, env = "FRONTDESK_REQUEST_TIMEOUT_SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub request_timeout_secs: u64,

    /// Seconds a response may wait for a client that has stopped reading it.
    #[arg(long, env = "FRONTDESK_STALLED_WRITE_SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub stalled_write_secs: u64,

    /// Open event streams allowed per session, and in all.
    #[arg(long, env = "FRONTDESK_MAX_STREAMS_PER_SESSION", default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_streams_per_session: u64,

    #[arg(long, env = "FRONTDESK_MAX_STREAMS", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_streams: u64,

    /// Bearer token a Prometheus scraper sends to GET /metrics; without it /metrics is off.
    #[arg(long, env = "FRONTDESK_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

    /// Log lines as text for a terminal, or as JSON for a log collector.
    #[arg(long, env = "FRONTDESK_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Logs to stderr, filtered by `RUST_LOG` (default: this service's info and everyone's warnings).
pub fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "frontdesk=info,frontdesk_server=info,warn".into());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => logs.init(),
        // One JSON object a line, with the request's span (its id) on each.
        LogFormat::Json => logs.json().with_current_span(true).init(),
    }
}

impl Args {
    pub fn limits(&self) -> crate::Limits {
        use std::time::Duration;
        crate::Limits {
            header_read: Duration::from_secs(self.header_timeout_secs),
            request: Duration::from_secs(self.request_timeout_secs),
            upload: Duration::from_secs(self.request_timeout_secs.max(120)),
            stalled_write: Duration::from_secs(self.stalled_write_secs),
            streams_per_session: self.max_streams_per_session as usize,
            streams_total: self.max_streams as usize,
        }
    }

    pub fn session_policy(&self) -> crate::SessionPolicy {
        crate::SessionPolicy {
            idle: chrono::Duration::hours(self.session_idle_hours.into()),
            lifetime: chrono::Duration::days(self.session_max_days.into()),
        }
    }
}

pub fn default_db_path() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("frontdesk")
        .join("frontdesk.db")
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let db = args.db.clone().unwrap_or_else(default_db_path);
    // SQLite is the one backend today; from here on the service sees only the Store trait.
    let store: Arc<dyn Store> = Arc::new(
        SqliteStore::open(&db).with_context(|| format!("opening the database {}", db.display()))?,
    );
    let clock = Clock::default();
    if let (Some(email), Some(password)) = (&args.admin_email, &args.admin_password) {
        let created = store
            .write(|tx| {
                actions::ensure_platform_admin(
                    tx,
                    email,
                    password,
                    clock.now(),
                    auth::hash_password,
                )
            })
            .context("creating the platform admin")?;
        if created {
            println!("Created platform admin {email}.");
        }
    }
    if args.demo {
        let logins = demo::seed(&*store, clock.now()).context("seeding the demo data")?;
        println!("Demo data is ready. Sign in with (passwords are new on every start):");
        for l in logins {
            println!("  {:<30} {:<16} {}", l.email, l.password, l.what);
        }
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    println!(
        "Frontdesk portal service on http://{}/api/v1 (database {})",
        listener.local_addr()?,
        db.display()
    );
    let public_url = args.public_url.clone().unwrap_or_else(|| {
        format!(
            "http://{}",
            listener
                .local_addr()
                .map(|a| a.to_string())
                .unwrap_or_default()
        )
    });
    if args.demo && args.smtp_url.is_none() {
        let links = demo::registration_links(&*store, &public_url)?;
        if !links.is_empty() {
            println!(
                "Visitors' registration pages (no mail server is configured, so open them here):"
            );
            for (who, link) in links {
                println!("  {who:<20} {link}");
            }
        }
    }
    let state = AppState::new(store, clock)
        .with_limits(args.limits())
        .with_sessions(args.session_policy())
        .with_metrics_token(args.metrics_token.as_deref())
        .with_public_url(Some(&public_url))
        .with_webhook_key(crate::webhooks::load_or_create_key(&db).with_context(|| {
            format!(
                "reading the webhook key {}",
                crate::webhooks::key_path(&db).display()
            )
        })?);
    let mut delivery = crate::delivery::DeliveryConfig::new(public_url);
    delivery.smtp_url = args.smtp_url.clone();
    delivery.mail_from = args.mail_from.clone();
    delivery.sms_url = args.sms_gateway_url.clone();
    delivery.sms_token = args.sms_gateway_token.clone();
    crate::delivery::spawn(state.clone(), delivery).context("starting message delivery")?;
    crate::serve(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .context("serving")
}
