//! `kabinet-sandbox`: runs the reference portal.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use kabinet_sandbox::{Options, Speed, Storage, SystemClock, Workflow, seed};

/// Kabinet's reference portal: an ESIA-style OpenID Connect provider and the portal API.
#[derive(Debug, Parser)]
#[command(version)]
struct Cli {
    /// Demo mode: applications move every few seconds and clients poll every five.
    #[arg(long)]
    demo: bool,

    /// Address to listen on; port 0 lets the system choose.
    #[arg(long, default_value = "127.0.0.1:8787")]
    listen: SocketAddr,

    /// Keep the database (and the signing key) in this folder; in memory when absent.
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,

    /// Seconds between automatic status changes (20 in demo mode, 600 otherwise).
    #[arg(long, value_name = "SECONDS")]
    step_seconds: Option<u64>,

    /// The admin token; a random one is made and printed when absent.
    #[arg(long, env = "KABINET_SANDBOX_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,kabinet_sandbox=info".into()),
        )
        .init();
    let cli = Cli::parse();
    if !cli.listen.ip().is_loopback() {
        let listen = cli.listen;
        tracing::warn!(%listen, "the sandbox is listening beyond loopback over plain HTTP");
    }

    let options = Options {
        listen: cli.listen,
        storage: cli.data.map_or(Storage::Memory, Storage::Dir),
        speed: if cli.demo { Speed::Demo } else { Speed::Standard },
        workflow: Workflow::Automatic,
        admin_token: cli.admin_token,
        clock: Arc::new(SystemClock),
        adjust: cli.step_seconds.map(|seconds| -> kabinet_sandbox::ConfigAdjustment {
            Box::new(move |config| config.workflow_step = Duration::from_secs(seconds.max(1)))
        }),
    };
    let sandbox = match kabinet_sandbox::start(options).await {
        Ok(sandbox) => sandbox,
        Err(err) => {
            eprintln!("kabinet-sandbox: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };

    print_banner(&sandbox);
    if let Err(err) = tokio::signal::ctrl_c().await {
        eprintln!("kabinet-sandbox: cannot wait for Ctrl+C: {err}");
    }
    sandbox.shutdown().await;
    std::process::ExitCode::SUCCESS
}

/// What a person needs to use the sandbox; printed on standard output, not the log.
fn print_banner(sandbox: &kabinet_sandbox::RunningSandbox) {
    let url = &sandbox.url;
    println!(
        "\nKabinet sandbox portal\n\
         \x20 issuer / base URL   {url}\n\
         \x20 discovery           {url}/.well-known/openid-configuration\n\
         \x20 OpenAPI             {url}/api/v1/openapi.json\n\
         \x20 one-time codes      {url}/dev/outbox?login=<login>\n\
         \x20 admin token         {token}\n\n\
         Demo accounts (password {password}):\n\
         \x20 citizen             {citizen}\n\
         \x20 entrepreneur (ИП)   {entrepreneur}\n\
         \x20 employee with TOTP  SNILS {employee}\n\
         \x20                    (TOTP secret, base32: GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ)\n",
        token = sandbox.admin_token(),
        password = seed::DEMO_PASSWORD,
        citizen = seed::CITIZEN_EMAIL,
        entrepreneur = seed::ENTREPRENEUR_PHONE,
        employee = seed::EMPLOYEE_TOTP_SNILS,
    );
}
