use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "frontdesk=info,warn".into()),
        )
        .init();
    frontdesk_server::cli::run(frontdesk_server::cli::Args::parse()).await
}
