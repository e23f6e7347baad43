//! `kabinet-cli`: the command-line client. It shares the client core and the keychain
//! entries with the desktop app.

mod output;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use kabinet_api::ApplicationStatus;
use kabinet_core::browser::{Browser, PrintUrl, SystemBrowser};
use kabinet_core::client::PortalClient;
use kabinet_core::oidc::{self, PageLanguage, SignInOptions};
use kabinet_core::poller::{Language, Notification, Notifier, Poller};
use kabinet_core::session::SessionConfig;
use kabinet_core::store::LocalStore;
use kabinet_core::{Error, PortalProfile, Session};
use kabinet_keychain::{Availability, SecretStore};
use output::{Output, Text};
use url::Url;

/// Kabinet: your account at the public services portal, from the command line.
#[derive(Debug, Parser)]
#[command(version)]
struct Cli {
    /// The portal profile to use (`sandbox` is built in; see `profiles`).
    #[arg(long, global = true, default_value = "sandbox", env = "KABINET_PORTAL")]
    portal: String,

    /// Use the portal whose identity provider is at this issuer URL (its API at the same base
    /// unless --api says otherwise), instead of a saved profile.
    #[arg(long, global = true, value_name = "URL", env = "KABINET_ISSUER")]
    issuer: Option<Url>,

    /// The API base URL, with --issuer.
    #[arg(long, global = true, value_name = "URL")]
    api: Option<Url>,

    /// The client id, with --issuer.
    #[arg(long, global = true, value_name = "ID")]
    client_id: Option<String>,

    /// Where the local database lives (default: the platform's data folder).
    #[arg(long, global = true, value_name = "DIR", env = "KABINET_DATA_DIR")]
    data_dir: Option<PathBuf>,

    /// Machine-readable JSON output.
    #[arg(long, global = true)]
    json: bool,

    /// Language of messages: ru or en (default from LANG, Russian otherwise).
    #[arg(long, global = true, value_name = "LANG")]
    lang: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Sign in through the browser.
    Login {
        /// Print the address instead of opening a browser (for headless machines).
        #[arg(long)]
        no_browser: bool,
        /// Seconds to wait for the browser.
        #[arg(long, default_value_t = 300)]
        timeout: u64,
    },
    /// Sign out: revoke the session and forget it.
    Logout,
    /// Who is signed in.
    Whoami,
    /// List applications.
    Applications {
        /// Only this status: accepted, in_progress, needs_info, approved, rejected.
        #[arg(long)]
        status: Option<String>,
    },
    /// Show one application with its journal.
    Application {
        /// The application id.
        id: String,
    },
    /// Follow changes and print each event; with --notify also show desktop notifications.
    Watch {
        /// Raise a desktop notification for each change.
        #[arg(long)]
        notify: bool,
    },
    /// Manage portal profiles.
    Profiles {
        #[command(subcommand)]
        action: Box<ProfileAction>,
    },
}

// Parsed once per run; the size of the larger variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum ProfileAction {
    /// List the profiles.
    List,
    /// Add or replace a profile.
    Add {
        /// Its name.
        id: String,
        /// The issuer URL of the portal's identity provider.
        #[arg(long)]
        issuer: Url,
        /// The API base URL (default: the issuer).
        #[arg(long)]
        api: Option<Url>,
        /// The client id registered for Kabinet.
        #[arg(long, default_value = kabinet_api::oauth::DESKTOP_CLIENT_ID)]
        client_id: String,
        /// The scopes to ask for.
        #[arg(long, default_value = kabinet_core::profile::DEFAULT_SCOPES)]
        scopes: String,
    },
}

/// What every command works with.
struct Context {
    http: reqwest::Client,
    store: Arc<LocalStore>,
    secrets: Arc<dyn SecretStore>,
    keychain: Availability,
    profile: PortalProfile,
    out: Output,
}

fn language(flag: Option<&str>) -> Language {
    let tag = flag.map(str::to_owned).or_else(|| std::env::var("LANG").ok()).unwrap_or_default();
    if tag.to_ascii_lowercase().starts_with("en") { Language::En } else { Language::Ru }
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

impl Context {
    fn new(cli: &Cli) -> Result<Self, Error> {
        let out = Output::new(cli.json, language(cli.lang.as_deref()));
        let path = match &cli.data_dir {
            Some(dir) => dir.join("kabinet.sqlite3"),
            None => kabinet_core::store::default_path()
                .ok_or_else(|| Error::Storage("no data folder on this system".to_owned()))?,
        };
        let store = Arc::new(LocalStore::open(&path)?);
        let profile = match &cli.issuer {
            Some(issuer) => PortalProfile {
                id: format!("issuer:{}", issuer.as_str().trim_end_matches('/')),
                issuer: issuer.clone(),
                client_id: cli
                    .client_id
                    .clone()
                    .unwrap_or_else(|| kabinet_api::oauth::DESKTOP_CLIENT_ID.to_owned()),
                scopes: kabinet_core::profile::DEFAULT_SCOPES.to_owned(),
                api_base: cli.api.clone().unwrap_or_else(|| issuer.clone()),
            },
            None if cli.portal == "sandbox" => PortalProfile::sandbox(),
            None => {
                store.profiles()?.into_iter().find(|p| p.id == cli.portal).ok_or_else(|| {
                    Error::InvalidProfile(format!("no profile named {}", cli.portal))
                })?
            }
        };
        profile.validate()?;
        let (secrets, keychain) = kabinet_keychain::open();
        Ok(Self { http: kabinet_core::http_client()?, store, secrets, keychain, profile, out })
    }

    fn warn_if_memory_only(&self) {
        if let Availability::MemoryOnly { reason } = &self.keychain {
            self.out.warn(&format!("{}: {reason}", self.out.text(Text::NoKeychain)));
        }
    }

    async fn session(&self) -> Result<Arc<Session>, Error> {
        let subject = self.store.session_subject(&self.profile.id)?.ok_or(Error::SignedOut)?;
        let session = Session::restore(
            self.http.clone(),
            self.profile.clone(),
            self.secrets.clone(),
            &subject,
            SessionConfig { idle_lock: None, ..SessionConfig::default() },
        )
        .await?
        .ok_or(Error::SignedOut)?;
        // The cache is sealed with the person's data key, which lives in the keychain too.
        self.store.unlock_from_keychain(&session.account(), self.secrets.as_ref())?;
        Ok(Arc::new(session))
    }

    async fn client(&self) -> Result<PortalClient, Error> {
        Ok(PortalClient::new(self.http.clone(), self.session().await?))
    }
}

async fn login(ctx: &Context, no_browser: bool, timeout: u64) -> Result<(), Error> {
    ctx.warn_if_memory_only();
    let browser: Box<dyn Browser> =
        if no_browser { Box::new(PrintUrl) } else { Box::new(SystemBrowser) };
    let options = SignInOptions {
        timeout: std::time::Duration::from_secs(timeout),
        language: match ctx.out.language() {
            Language::Ru => PageLanguage::Ru,
            Language::En => PageLanguage::En,
        },
    };
    let cancel = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let signed_in =
        oidc::sign_in(&ctx.http, &ctx.profile, browser.as_ref(), &options, now, cancel).await?;
    let session = Session::start(
        ctx.http.clone(),
        ctx.profile.clone(),
        signed_in,
        ctx.secrets.clone(),
        SessionConfig::default(),
    )
    .await?;
    ctx.store.remember_session(&session.account(), now())?;
    ctx.out.signed_in(session.subject());
    Ok(())
}

async fn logout(ctx: &Context) -> Result<(), Error> {
    match ctx.session().await {
        Ok(session) => session.sign_out().await,
        Err(Error::SignedOut) => {}
        Err(err) => return Err(err),
    }
    ctx.store.forget_session(&ctx.profile.id)?;
    ctx.out.signed_out();
    Ok(())
}

async fn whoami(ctx: &Context) -> Result<(), Error> {
    let client = ctx.client().await?;
    let account = client.session().account();
    match client.me().await {
        Ok(profile) => {
            ctx.store.cache_profile(&account, &profile, now())?;
            ctx.out.profile(&kabinet_core::store::masked(&profile), None);
            Ok(())
        }
        Err(Error::Offline(reason)) => {
            let (profile, at) =
                ctx.store.cached_profile(&account)?.ok_or(Error::Offline(reason))?;
            ctx.out.profile(&profile, Some(at));
            Ok(())
        }
        Err(err) => Err(err),
    }
}

fn parse_status(status: Option<&str>) -> Result<Option<ApplicationStatus>, Error> {
    status
        .map(|code| {
            ApplicationStatus::from_code(code).ok_or_else(|| {
                Error::InvalidProfile(format!(
                    "unknown status {code}; use accepted, in_progress, needs_info, approved \
                     or rejected"
                ))
            })
        })
        .transpose()
}

async fn applications(ctx: &Context, status: Option<&str>) -> Result<(), Error> {
    let status = parse_status(status)?;
    let client = ctx.client().await?;
    let account = client.session().account();
    match client.applications(status).await {
        Ok(items) => {
            ctx.store.cache_applications(&account, &items)?;
            ctx.out.applications(&items, None);
            Ok(())
        }
        Err(Error::Offline(_)) => {
            let items = ctx.store.cached_applications(&account, status)?;
            ctx.out.applications(&items, ctx.store.last_synced(&account)?.or(Some(0)));
            Ok(())
        }
        Err(err) => Err(err),
    }
}

async fn application(ctx: &Context, id: &str) -> Result<(), Error> {
    let client = ctx.client().await?;
    let account = client.session().account();
    match client.application(id).await {
        Ok(application) => {
            ctx.store.cache_application(&account, &application)?;
            ctx.out.application(&application, false);
            Ok(())
        }
        Err(Error::Offline(reason)) => {
            let cached =
                ctx.store.cached_application(&account, id)?.ok_or(Error::Offline(reason))?;
            ctx.out.application(&cached, true);
            Ok(())
        }
        Err(err) => Err(err),
    }
}

/// Prints each notification, and shows it on the desktop when asked.
struct CliNotifier {
    out: Output,
    desktop: Option<kabinet_notify::DesktopNotifier>,
}

impl Notifier for CliNotifier {
    fn notify(&self, notification: &Notification) -> Result<(), String> {
        self.out.event(notification);
        match &self.desktop {
            Some(desktop) => {
                desktop.show(&notification.title, &notification.body).map_err(|e| e.to_string())
            }
            None => Ok(()),
        }
    }
}

async fn watch(ctx: &Context, notify: bool) -> Result<(), Error> {
    let client = ctx.client().await?;
    let notifier = CliNotifier {
        out: ctx.out.clone(),
        desktop: notify.then(kabinet_notify::DesktopNotifier::new),
    };
    let poller = Poller::new(&client, ctx.store.clone(), Arc::new(notifier))
        .with_language(ctx.out.language());
    ctx.out.watching();
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    poller.run(stop).await
}

fn profiles(ctx: &Context, action: &ProfileAction) -> Result<(), Error> {
    match action {
        ProfileAction::List => {
            let mut all = vec![PortalProfile::sandbox()];
            all.extend(ctx.store.profiles()?);
            ctx.out.profiles(&all);
        }
        ProfileAction::Add { id, issuer, api, client_id, scopes } => {
            let profile = PortalProfile {
                id: id.clone(),
                issuer: issuer.clone(),
                client_id: client_id.clone(),
                scopes: scopes.clone(),
                api_base: api.as_ref().unwrap_or(issuer).clone(),
            };
            profile.validate()?;
            ctx.store.save_profile(&profile)?;
            ctx.out.profiles(&[profile]);
        }
    }
    Ok(())
}

async fn run(cli: &Cli, ctx: &Context) -> Result<(), Error> {
    match &cli.command {
        Command::Login { no_browser, timeout } => login(ctx, *no_browser, *timeout).await,
        Command::Logout => logout(ctx).await,
        Command::Whoami => whoami(ctx).await,
        Command::Applications { status } => applications(ctx, status.as_deref()).await,
        Command::Application { id } => application(ctx, id).await,
        Command::Watch { notify } => watch(ctx, *notify).await,
        Command::Profiles { action } => profiles(ctx, action),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let out = Output::new(cli.json, language(cli.lang.as_deref()));
    let result = match Context::new(&cli) {
        Ok(ctx) => run(&cli, &ctx).await,
        Err(err) => Err(err),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            out.error(&err);
            ExitCode::from(output::exit_code(&err))
        }
    }
}
