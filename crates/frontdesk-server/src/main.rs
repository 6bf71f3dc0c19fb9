use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = frontdesk_server::cli::Args::parse();
    frontdesk_server::cli::init_logging(args.log_format);
    frontdesk_server::cli::run(args).await
}
