//! `airside admin …`: operator commands that work on the database directly.
//! Each prints one JSON object.

use crate::storage::Table;
use anyhow::{anyhow, bail, Context};
use clap::Subcommand;
use serde_json::{json, Value};

use crate::credentials;
use crate::domain::client;
use crate::domain::org::{OrgKind, Plan};
use crate::domain::pilot::{parse_pilot_ident, PilotState};
use crate::domain::staff::Permissions;
use crate::domain::usage::CredentialKind;
use crate::security;
use crate::storage::clients::{self, ClientKind};
use crate::storage::{self, airlines, audit, orgs, pilots, resource, staff, webhooks, Db};

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Organisations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Pilots.
    Pilot {
        #[command(subcommand)]
        command: PilotCommand,
    },
    /// Legacy API tokens (unrestricted Operations API credentials).
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Org API keys for the Public API.
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// OAuth clients.
    Client {
        #[command(subcommand)]
        command: ClientCommand,
    },
    /// Requests per minute, for an org's credentials or one credential.
    RateLimit {
        #[command(subcommand)]
        command: RateLimitCommand,
    },
    /// Webhook endpoints.
    Webhook {
        #[command(subcommand)]
        command: WebhookCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum RateLimitCommand {
    /// Set the org's default, or with --credential one credential's limit.
    Set {
        #[arg(long)]
        org: String,
        /// KIND:ID, KIND one of operations_client, pilot_client, legacy_token, org_key.
        #[arg(long)]
        credential: Option<String>,
        /// Requests per minute; 0 removes the setting (the next level decides).
        #[arg(long)]
        per_minute: u32,
    },
}

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Register an endpoint; prints its id and signing secret (shown this once).
    Create {
        #[arg(long)]
        org: String,
        #[arg(long)]
        url: String,
        /// An event type from the catalog; repeat for several.
        #[arg(long = "event", required = true)]
        events: Vec<String>,
        #[arg(long, default_value = "")]
        description: String,
        /// Allow http:// and private or loopback addresses (testing).
        #[arg(long)]
        allow_insecure: bool,
    },
    /// Write a `webhook.test` event for one endpoint; a running server sends it.
    Ping {
        #[arg(long)]
        org: String,
        #[arg(long)]
        endpoint_id: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token; prints it (shown this once).
    Create {
        #[arg(long)]
        org: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Create an org API key; prints it (shown this once) and the org's id.
    Create {
        #[arg(long)]
        org: String,
        #[arg(long)]
        name: String,
        /// A `public.*:read` scope; repeat for several.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Create an API client; prints its id and secret (shown this once).
    Create {
        #[arg(long)]
        org: String,
        #[arg(long, value_parser = ["operations", "pilot"])]
        kind: String,
        #[arg(long)]
        name: String,
        /// A scope the client may use; repeat for several. Operations
        /// clients with none are unrestricted.
        #[arg(long = "scope")]
        scopes: Vec<String>,
        /// Pilot clients: a redirect URI; repeat for several.
        #[arg(long = "redirect-uri")]
        redirect_uris: Vec<String>,
        /// Pilot clients: the app's privacy policy (https).
        #[arg(long)]
        privacy_policy_url: Option<String>,
        /// Pilot clients: a public client, with no secret (PKCE only).
        #[arg(long)]
        public: bool,
    },
    /// Attest a Pilot client as the org's owner, so pilots can authorise it.
    Attest {
        #[arg(long)]
        org: String,
        #[arg(long)]
        client_id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organisation with its owner.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        slug: String,
        #[arg(long, default_value = "active", value_parser = ["active", "trial"])]
        plan: String,
        #[arg(long, default_value = "airline", value_parser = ["airline", "flight_school"])]
        kind: String,
        /// ICAO code of the org's first airline (default: from the slug).
        #[arg(long)]
        airline_icao: Option<String>,
        #[arg(long)]
        owner_email: String,
        #[arg(long)]
        owner_password: String,
    },
    /// Change an organisation's plan (a trial org has no API access).
    SetPlan {
        #[arg(long)]
        slug: String,
        #[arg(long, value_parser = ["active", "trial"])]
        plan: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PilotCommand {
    /// Create a pilot and mint their ACARS API key.
    Create {
        /// The org's slug.
        #[arg(long)]
        org: String,
        /// Airline ICAO and number, such as AIR0002.
        #[arg(long)]
        pilot_id: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        #[arg(long)]
        first_name: Option<String>,
        #[arg(long)]
        last_name: Option<String>,
    },
}

pub async fn run(db: &Db, command: AdminCommand) -> anyhow::Result<Value> {
    match command {
        AdminCommand::Org {
            command:
                OrgCommand::Create { name, slug, plan, kind, airline_icao, owner_email, owner_password },
        } => {
            create_org(
                db,
                &name,
                &slug,
                &plan,
                &kind,
                airline_icao.as_deref(),
                &owner_email,
                &owner_password,
            )
            .await
        }
        AdminCommand::Org { command: OrgCommand::SetPlan { slug, plan } } => {
            let org = org_by_slug(db, &slug).await?;
            let plan: Plan = plan.parse()?;
            let mut tx = db.begin().await?;
            orgs::set_plan(&mut tx, org.id, plan).await?;
            let change = json!({ "from": org.plan.as_str(), "to": plan.as_str() });
            audit::record(
                &mut tx,
                org.id,
                "admin-cli",
                "org.plan",
                "org",
                &org.uuid.to_string(),
                change,
            )
            .await?;
            tx.commit().await?;
            Ok(json!({ "slug": slug, "plan": plan.as_str() }))
        }
        AdminCommand::Pilot {
            command: PilotCommand::Create { org, pilot_id, email, password, first_name, last_name },
        } => {
            create_pilot(
                db,
                &org,
                &pilot_id,
                &email,
                &password,
                first_name.as_deref(),
                last_name.as_deref(),
            )
            .await
        }
        AdminCommand::Client {
            command:
                ClientCommand::Create {
                    org,
                    kind,
                    name,
                    scopes,
                    redirect_uris,
                    privacy_policy_url,
                    public,
                },
        } => {
            let registration =
                client::Registration { name, scopes, redirect_uris, privacy_policy_url };
            create_client(db, &org, &kind, registration, public).await
        }
        AdminCommand::RateLimit {
            command: RateLimitCommand::Set { org, credential, per_minute },
        } => {
            let org = org_by_slug(db, &org).await?;
            let value = (per_minute > 0).then_some(i64::from(per_minute));
            let credential = match credential.as_deref() {
                None => None,
                Some(text) => {
                    let (kind, id) = text.split_once(':').context("--credential is KIND:ID")?;
                    let kind = CredentialKind::parse(kind).context("unknown credential kind")?;
                    Some((kind, id.parse().context("the id is a number")?))
                }
            };
            if !storage::rate_limits::set(db, org.id, credential, value).await? {
                bail!("no such credential in this org");
            }
            Ok(json!({ "rate_limit_per_minute": value }))
        }
        AdminCommand::Webhook {
            command: WebhookCommand::Create { org, url, events, description, allow_insecure },
        } => {
            let org = org_by_slug(db, &org).await?;
            let url = crate::webhooks::check_url(&url, allow_insecure)
                .await
                .map_err(|why| anyhow!("url {why}"))?;
            let events = crate::webhooks::check_event_types(&events)
                .map_err(|unknown| anyhow!("unknown event types: {}", unknown.join(", ")))?;
            let mut tx = db.begin().await?;
            let (id, secret) =
                webhooks::create(&mut tx, org.id, &url, &description, &events, true).await?;
            let detail = json!({ "url": url, "event_types": events });
            let target = id.to_string();
            audit::record(
                &mut tx,
                org.id,
                "admin-cli",
                "webhook.created",
                "webhook_endpoint",
                &target,
                detail,
            )
            .await?;
            tx.commit().await?;
            Ok(json!({ "endpoint_id": id, "secret": secret }))
        }
        AdminCommand::Webhook { command: WebhookCommand::Ping { org, endpoint_id } } => {
            let org = org_by_slug(db, &org).await?;
            let mut tx = db.begin().await?;
            if !resource::exists(&mut tx, org.id, Table::WebhookEndpoints, endpoint_id).await? {
                bail!("no webhook endpoint {endpoint_id} in this org");
            }
            let event_id = webhooks::ping(&mut tx, org.id, endpoint_id).await?;
            tx.commit().await?;
            Ok(json!({ "event_id": event_id }))
        }
        AdminCommand::Token { command: TokenCommand::Create { org, name } } => {
            let org = api_org_by_slug(db, &org).await?;
            let made = credentials::create_token(db, org.id, "admin-cli", &name);
            let (id, token) = made.await.map_err(cli_error)?;
            Ok(json!({ "token": token.expose(), "id": id }))
        }
        AdminCommand::Key { command: KeyCommand::Create { org, name, scopes } } => {
            let org = api_org_by_slug(db, &org).await?;
            let made = credentials::create_key(db, org.id, "admin-cli", &name, &scopes);
            let (id, key) = made.await.map_err(cli_error)?;
            Ok(json!({ "key": key.expose(), "org_id": org.uuid, "id": id }))
        }
        AdminCommand::Client { command: ClientCommand::Attest { org, client_id } } => {
            attest_client(db, &org, &client_id).await
        }
    }
}

fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 64
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[allow(clippy::too_many_arguments)]
async fn create_org(
    db: &Db,
    name: &str,
    slug: &str,
    plan: &str,
    kind: &str,
    airline_icao: Option<&str>,
    owner_email: &str,
    owner_password: &str,
) -> anyhow::Result<Value> {
    if !valid_slug(slug) {
        bail!("slug must be 1-64 characters of a-z, 0-9 and -");
    }
    if !owner_email.contains('@') {
        bail!("owner email is not an email address");
    }
    if owner_password.len() < 8 {
        bail!("owner password must have at least 8 characters");
    }
    let plan: Plan = plan.parse()?;
    let kind: OrgKind = kind.parse()?;
    let icao = match airline_icao {
        Some(icao) => icao.to_ascii_uppercase(),
        None => slug
            .chars()
            .filter(char::is_ascii_alphabetic)
            .take(3)
            .collect::<String>()
            .to_ascii_uppercase(),
    };
    if icao.len() < 2 || !icao.chars().all(|c| c.is_ascii_alphabetic()) {
        bail!("airline ICAO must be letters; pass --airline-icao");
    }
    let mut tx = db.begin().await?;
    let org = orgs::create(&mut tx, &orgs::NewOrg { name, slug, kind, plan })
        .await
        .map_err(|e| conflict_or(e, "an org with this slug already exists"))?;
    airlines::create(&mut tx, org.id, &icao[..2], &icao, name).await?;
    let hash = security::hash_password(owner_password);
    let owner = staff::NewStaff {
        email: owner_email,
        name: "Owner",
        password_hash: &hash,
        permissions: Permissions::owner(),
    };
    staff::create(&mut tx, org.id, &owner)
        .await
        .map_err(|e| conflict_or(e, "a staff user with this email already exists"))?;
    tx.commit().await?;
    Ok(json!({ "org_id": org.uuid, "slug": org.slug, "airline_icao": icao }))
}

async fn create_pilot(
    db: &Db,
    org_slug: &str,
    ident: &str,
    email: &str,
    password: &str,
    first_name: Option<&str>,
    last_name: Option<&str>,
) -> anyhow::Result<Value> {
    let org = org_by_slug(db, org_slug).await?;
    let (icao, number) = parse_pilot_ident(ident)
        .ok_or_else(|| anyhow!("pilot id must look like AIR0001: airline ICAO, then digits"))?;
    if !email.contains('@') {
        bail!("email is not an email address");
    }
    if password.len() < 8 {
        bail!("password must have at least 8 characters");
    }
    let mut tx = db.begin().await?;
    let airline = airlines::by_icao(&mut tx, org.id, &icao)
        .await?
        .ok_or_else(|| anyhow!("org {org_slug} has no airline with ICAO {icao}"))?;
    let local = email.split('@').next().unwrap_or("pilot");
    let hash = security::hash_password(password);
    let new = pilots::NewPilot {
        airline: airline.id,
        airline_icao: &airline.icao,
        number,
        first_name: first_name.unwrap_or(local),
        last_name: last_name.unwrap_or(""),
        email,
        password_hash: &hash,
        state: PilotState::Active,
        rank: None,
        hub: None,
        airport: None,
    };
    let pilot = pilots::create(&mut tx, org.id, &new)
        .await
        .map_err(|e| conflict_or(e, "a pilot with this pilot id or email already exists"))?;
    let key = pilots::create_api_key(&mut tx, org.id, pilot, "admin").await?;
    tx.commit().await?;
    Ok(
        json!({ "pilot_id": crate::domain::pilot::pilot_ident(&airline.icao, number), "id": pilot, "api_key": key.expose() }),
    )
}

async fn create_client(
    db: &Db,
    org_slug: &str,
    kind: &str,
    registration: client::Registration,
    public: bool,
) -> anyhow::Result<Value> {
    let org = api_org_by_slug(db, org_slug).await?;
    let kind: ClientKind = kind.parse()?;
    let made = credentials::create_client(db, org.id, "admin-cli", kind, registration, public);
    let (client, secret) = made.await.map_err(cli_error)?;
    let id = client.id;
    Ok(json!({
        "client_id": client.client_id,
        "client_secret": secret.map(|s| s.expose().to_string()),
        "id": id,
    }))
}

/// Attests a Pilot client in the owner's name.
async fn attest_client(db: &Db, org_slug: &str, client_id: &str) -> anyhow::Result<Value> {
    let org = org_by_slug(db, org_slug).await?;
    let Some((client_org, client)) = clients::by_client_id(db, client_id).await? else {
        bail!("no client {client_id} in org {org_slug}");
    };
    if client_org != org.id {
        bail!("no client {client_id} in org {org_slug}");
    }
    if client.kind != ClientKind::Pilot {
        bail!("only Pilot clients are attested");
    }
    let owner = staff::owner(db, org.id).await?.context("the org has no owner")?;
    let mut tx = db.begin().await?;
    clients::attest(&mut tx, org.id, client.id, owner.id).await?;
    let actor = format!("admin-cli as staff:{}", owner.email);
    audit::record(&mut tx, org.id, &actor, "client.attested", "client", client_id, json!({}))
        .await?;
    tx.commit().await?;
    Ok(json!({ "attested": true }))
}

pub async fn org_by_slug(db: &Db, slug: &str) -> anyhow::Result<crate::domain::org::Org> {
    orgs::by_slug(db, slug).await?.with_context(|| format!("no org with slug {slug}"))
}

/// A credential refused, as the CLI says it: each field and why.
fn cli_error(error: crate::credentials::CredentialError) -> anyhow::Error {
    match error {
        crate::credentials::CredentialError::Invalid(problems) => {
            let all: Vec<String> = problems.into_iter().map(|(f, m)| format!("{f}: {m}")).collect();
            anyhow!("{}", all.join("; "))
        }
        crate::credentials::CredentialError::Database(e) => e.into(),
    }
}

/// An org that may have API credentials: not one on the trial plan.
async fn api_org_by_slug(db: &Db, slug: &str) -> anyhow::Result<crate::domain::org::Org> {
    let org = org_by_slug(db, slug).await?;
    if org.plan == Plan::Trial {
        bail!(
            "{slug} is on the trial plan, which has no API settings: its clients, tokens and keys \
             would not work; change its plan first (airside admin org set-plan --slug {slug} --plan active)"
        );
    }
    Ok(org)
}

fn conflict_or(error: sqlx::Error, message: &str) -> anyhow::Error {
    if storage::is_unique_violation(&error) {
        anyhow!("{message}")
    } else {
        error.into()
    }
}
