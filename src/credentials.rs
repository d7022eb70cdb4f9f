//! Making credentials, whoever makes them (staff in the console, an
//! operator with the admin CLI): the same checks, the same audit record,
//! one transaction each. The value of a new secret is returned once.

use serde_json::json;

use crate::domain::client::{self, Problems, Registration};
use crate::domain::scope::{Scopes, PUBLIC};
use crate::domain::OrgId;
use crate::security::Secret;
use crate::storage::clients::{self, Client, ClientKind, NewClient};
use crate::storage::{api_tokens, audit, org_keys, Db};

#[derive(Debug)]
pub enum CredentialError {
    /// What is wrong, field by field.
    Invalid(Problems),
    Database(sqlx::Error),
}

impl From<sqlx::Error> for CredentialError {
    fn from(error: sqlx::Error) -> CredentialError {
        CredentialError::Database(error)
    }
}

fn invalid(field: &'static str, message: impl Into<String>) -> CredentialError {
    CredentialError::Invalid(vec![(field.to_string(), message.into())])
}

/// A credential's name: 1-100 characters, trimmed.
pub fn check_name(name: &str) -> Result<String, CredentialError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(invalid("name", "must be 1-100 characters"));
    }
    Ok(name.to_string())
}

/// An org key's scopes: known, Public API ones, at least one.
pub fn public_scopes(list: &[String]) -> Result<Scopes, CredentialError> {
    let scopes = Scopes::from_list(list)
        .map_err(|unknown| invalid("scopes", format!("unknown scopes: {}", unknown.join(", "))))?;
    let foreign = scopes.outside(&PUBLIC);
    if !foreign.is_empty() {
        return Err(invalid("scopes", format!("not Public API scopes: {}", foreign.join(", "))));
    }
    if scopes.is_empty() {
        return Err(invalid("scopes", "name at least one public.*:read scope"));
    }
    Ok(scopes)
}

/// A legacy API token; its id and value.
pub async fn create_token(
    db: &Db,
    org: OrgId,
    actor: &str,
    name: &str,
) -> Result<(i64, Secret), CredentialError> {
    let name = check_name(name)?;
    let mut tx = db.begin().await?;
    let (id, value) = api_tokens::create(&mut tx, org, &name).await?;
    let detail = json!({ "name": name });
    audit::record(&mut tx, org, actor, "token.created", "api_token", &id.to_string(), detail)
        .await?;
    tx.commit().await?;
    Ok((id, value))
}

/// An org API key for the Public API; its id and value.
pub async fn create_key(
    db: &Db,
    org: OrgId,
    actor: &str,
    name: &str,
    scopes: &[String],
) -> Result<(i64, Secret), CredentialError> {
    let name = check_name(name)?;
    let scopes = public_scopes(scopes)?;
    let mut tx = db.begin().await?;
    let (id, value) = org_keys::create(&mut tx, org, &name, &scopes).await?;
    let detail = json!({ "name": name, "scopes": scopes });
    audit::record(&mut tx, org, actor, "key.created", "org_key", &id.to_string(), detail).await?;
    tx.commit().await?;
    Ok((id, value))
}

/// An OAuth client; it and, for a confidential one, its secret.
pub async fn create_client(
    db: &Db,
    org: OrgId,
    actor: &str,
    kind: ClientKind,
    registration: Registration,
    public: bool,
) -> Result<(Client, Option<Secret>), CredentialError> {
    let checked = match kind {
        ClientKind::Operations if public => {
            return Err(invalid("public", "Operations clients always have a secret"))
        }
        ClientKind::Operations => client::check_operations(&registration),
        ClientKind::Pilot => client::check_pilot(&registration),
    }
    .map_err(CredentialError::Invalid)?;
    let new = NewClient {
        kind,
        name: &checked.name,
        scopes: &checked.scopes,
        redirect_uris: &checked.redirect_uris,
        privacy_policy_url: checked.privacy_policy_url.as_deref(),
        confidential: !public,
    };
    let mut tx = db.begin().await?;
    let (id, secret) = clients::create(&mut tx, org, &new).await?;
    let client = clients::get(&mut tx, org, id).await?.ok_or(sqlx::Error::RowNotFound)?;
    let detail = json!({ "name": client.name, "kind": kind.as_str(), "scopes": checked.scopes, "redirect_uris": checked.redirect_uris });
    audit::record(&mut tx, org, actor, "client.created", "client", &client.client_id, detail)
        .await?;
    tx.commit().await?;
    Ok((client, secret))
}
