//! Logins: argon2id password hashes, session cookies for browsers and bearer tokens for the
//! API. Only the SHA-256 of a secret is stored, so a stolen database holds no usable token.

use crate::App;
use crate::clock::{parse_stamp, stamp};
use crate::error::{AppError, AppResult};
use crate::rights::Actor;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use baton_catalog::Text;
use baton_domain::role::roles_on;
use baton_store::records::{Employee, RoleAssignmentRow, Session};
use baton_store::{Filter, Tx};
use chrono::Duration;
use sha2::{Digest, Sha256};

/// Argon2id cost. `Strong` is the OWASP profile (19 MiB, t=2); `Fast` is for tests only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordCost {
    Strong,
    Fast,
}

fn argon(cost: PasswordCost) -> AppResult<Argon2<'static>> {
    let params = match cost {
        PasswordCost::Strong => Params::new(19_456, 2, 1, None),
        PasswordCost::Fast => Params::new(256, 1, 1, None),
    }
    .map_err(|e| AppError::invalid("password", hash_failed(e)))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// An argon2 failure (bad parameters, a broken hash) inside a catalog sentence.
fn hash_failed(e: impl std::fmt::Display) -> Text {
    Text::new("err-password-hash").arg("error", e.to_string())
}

/// How long a login lasts. A browser session ends 12 hours after the login whatever the
/// activity (ASVS L2 3.3.2, absolute lifetime); an API token lives 30 days.
pub const SESSION_HOURS: i64 = 12;
pub const TOKEN_DAYS: i64 = 30;

/// A hash of a password nobody has, made once per cost: an unknown or inactive login is
/// verified against it, so it takes as long to refuse as a known one (no timing oracle).
fn dummy_hash(cost: PasswordCost) -> AppResult<&'static str> {
    static STRONG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    static FAST: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let cell = match cost {
        PasswordCost::Strong => &STRONG,
        PasswordCost::Fast => &FAST,
    };
    if let Some(h) = cell.get() {
        return Ok(h.as_str());
    }
    let h = argon(cost)?
        .hash_password_with_salt(b"no password matches this", b"baton-dummy-salt")
        .map_err(|e| AppError::invalid("password", hash_failed(e)))?
        .to_string();
    Ok(cell.get_or_init(|| h).as_str())
}

/// Whether `password` matches `hash` (verified with the parameters stored in the hash).
fn verify(password: &str, hash: &str) -> AppResult<bool> {
    Ok(argon(PasswordCost::Fast)?
        .verify_password(password.as_bytes(), hash)
        .is_ok())
}

pub fn token_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct LoginResult {
    pub token: String,
    pub expires_at: String,
    pub user: Actor,
}

impl App {
    pub fn hash_password(&self, password: &str) -> AppResult<String> {
        if password.chars().count() < 6 {
            return Err(AppError::invalid(
                "password",
                Text::new("err-password-too-short"),
            ));
        }
        let mut salt = [0u8; 16];
        self.ids.bytes(&mut salt);
        argon(self.password_cost)?
            .hash_password_with_salt(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::invalid("password", hash_failed(e)))
    }

    /// Checks the password and opens a session (`kind` = "session" for the browser, "token"
    /// for API clients).
    pub fn login(&self, login: &str, password: &str, kind: &str) -> AppResult<LoginResult> {
        let login = login.trim().to_lowercase();
        let emp: Option<Employee> = self.db.tx(|tx| {
            Ok::<_, AppError>(
                tx.list::<Employee>(&Filter::new().eq("login", login.as_str()))?
                    .into_iter()
                    .next(),
            )
        })?;
        // Every refusal costs one argon2 verification, so the time does not tell a known
        // login from an unknown one.
        let hash = match &emp {
            Some(e) => e.password_hash.as_str(),
            None => dummy_hash(self.password_cost)?,
        };
        let matches = verify(password, hash)?;
        let emp = emp
            .filter(|e| matches && e.active)
            .ok_or(AppError::BadCredentials)?;
        let mut raw = [0u8; 32];
        self.ids.bytes(&mut raw);
        let token = hex::encode(raw);
        let now = self.now();
        let (kind, expires) = if kind == "token" {
            ("token", now + Duration::days(TOKEN_DAYS))
        } else {
            ("session", now + Duration::hours(SESSION_HOURS))
        };
        let session = Session {
            id: token_hash(&token),
            employee_id: emp.id.clone(),
            kind: kind.into(),
            created_at: stamp(now),
            expires_at: stamp(expires),
        };
        let user = self.db.tx(|tx| {
            tx.insert(&session)?;
            self.actor_of(tx, &emp)
        })?;
        Ok(LoginResult {
            token,
            expires_at: stamp(expires),
            user,
        })
    }

    pub fn logout(&self, token: &str) -> AppResult<()> {
        self.db.tx(|tx| {
            tx.exec(
                "DELETE FROM sessions WHERE id = ?",
                &[token_hash(token).into()],
            )?;
            Ok(())
        })
    }

    /// Changes the caller's own password: the current one must match. Every other session and
    /// token of the person ends (a stolen one stops working); `keep` (the secret the request
    /// came with) stays.
    pub fn change_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
        keep: &str,
    ) -> AppResult<()> {
        let emp: Employee = self.db.read(|tx| Ok::<_, AppError>(tx.must(&actor.id)?))?;
        if !verify(current, &emp.password_hash)? {
            return Err(AppError::invalid(
                "current",
                Text::new("err-current-password-wrong"),
            ));
        }
        if new == current {
            return Err(AppError::invalid("new", Text::new("err-password-same")));
        }
        let hash = self.hash_password(new).map_err(|e| match e {
            AppError::Invalid { text, .. } => AppError::invalid("new", text),
            other => other,
        })?;
        self.db.tx(|tx| {
            tx.exec(
                "UPDATE employees SET password_hash = ? WHERE id = ?",
                &[hash.as_str().into(), emp.id.as_str().into()],
            )?;
            tx.exec(
                "DELETE FROM sessions WHERE employee_id = ? AND id <> ?",
                &[emp.id.as_str().into(), token_hash(keep).into()],
            )?;
            self.audit(
                tx,
                Some(actor),
                "employee",
                &emp.id,
                "employee.password_changed",
                None::<&()>,
                None::<&()>,
            )
        })
    }

    /// The person behind a session cookie or bearer token.
    pub fn authenticate(&self, token: &str) -> AppResult<Actor> {
        let now = self.now();
        self.db.read(|tx| {
            let s: Session = tx
                .get(&token_hash(token))?
                .ok_or(AppError::Unauthenticated)?;
            if parse_stamp(&s.expires_at).is_none_or(|e| e <= now) {
                return Err(AppError::Unauthenticated);
            }
            let emp: Employee = tx.must(&s.employee_id)?;
            if !emp.active {
                return Err(AppError::Unauthenticated);
            }
            self.actor_of(tx, &emp)
        })
    }

    /// Acting as a given employee without a login (CLI, demo generator, tests).
    pub fn actor(&self, employee_id: &str) -> AppResult<Actor> {
        self.db.read(|tx| {
            let emp: Employee = tx.must(employee_id)?;
            self.actor_of(tx, &emp)
        })
    }

    /// Acting as the employee with this login (CLI commands that need a person's rights).
    pub fn actor_by_login(&self, login: &str) -> AppResult<Actor> {
        self.db.read(|tx| {
            let emp = tx
                .list::<Employee>(&baton_store::Filter::new().eq("login", login))?
                .into_iter()
                .find(|e| e.active)
                .ok_or_else(|| AppError::not_found("employee", login))?;
            self.actor_of(tx, &emp)
        })
    }

    pub(crate) fn actor_in(&self, tx: &mut Tx<'_>, employee_id: &str) -> AppResult<Actor> {
        let emp: Employee = tx.must(employee_id)?;
        self.actor_of(tx, &emp)
    }

    pub(crate) fn actor_of(&self, tx: &mut Tx<'_>, emp: &Employee) -> AppResult<Actor> {
        let cfg = self.config_in(tx)?;
        let today = self.now().with_timezone(&cfg.tz()).date_naive();
        let rows: Vec<RoleAssignmentRow> =
            tx.list(&Filter::new().eq("employee_id", emp.id.as_str()))?;
        let assignments = crate::conveyor::people::assignments_of(&rows, &emp.id);
        Ok(Actor {
            id: emp.id.clone(),
            login: emp.login.clone(),
            name: emp.name.clone(),
            region_id: emp.region_id.clone(),
            roles: roles_on(&assignments, today),
        })
    }
}
