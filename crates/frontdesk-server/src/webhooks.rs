//! Signing webhook deliveries.
//!
//! Each endpoint's signing secret is derived, never stored: `HMAC-SHA256(key, "{id}.{salt}")`,
//! hex, where `salt` is random and kept in the endpoint's row and `key` is the server's webhook
//! key, 32 random bytes in a file next to the database (`<db>.webhook-key`, created 0600 on first
//! start). A copy of the database alone reveals no secret; losing the key file changes every
//! endpoint's secret (register the endpoints again).
//!
//! A delivery carries `Frontdesk-Webhook-Id` (the delivery's id), `Frontdesk-Webhook-Timestamp`
//! (Unix seconds) and `Frontdesk-Signature: v1=<hex HMAC-SHA256(secret, "{timestamp}.{body}")>`.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The server's webhook key.
pub type WebhookKey = [u8; 32];

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// An endpoint's signing secret, as given to its owner once and used at every delivery.
pub fn endpoint_secret(key: &WebhookKey, endpoint_id: &str, salt: &str) -> String {
    hex::encode(hmac_sha256(key, format!("{endpoint_id}.{salt}").as_bytes()))
}

/// `Frontdesk-Signature`'s value for a body sent at `timestamp`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    format!(
        "v1={}",
        hex::encode(hmac_sha256(
            secret.as_bytes(),
            format!("{timestamp}.{body}").as_bytes()
        ))
    )
}

/// Where the key of the database at `db` is kept.
pub fn key_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".webhook-key");
    PathBuf::from(name)
}

/// A key that lives as long as the process (for a portal that keeps no key file).
pub fn ephemeral_key() -> WebhookKey {
    rand::random()
}

/// Read the key next to the database, or create it (32 random bytes, readable by this user
/// only) on first start.
pub fn load_or_create_key(db: &Path) -> std::io::Result<WebhookKey> {
    let path = key_path(db);
    match std::fs::read(&path) {
        Ok(bytes) => bytes.try_into().map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "{} is not a webhook key (32 bytes): restore it, or delete it to make a new \
                     one (every webhook endpoint's secret then changes)",
                    path.display()
                ),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = ephemeral_key();
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut f = opts.open(&path)?;
            f.write_all(&key)?;
            f.sync_all()?;
            Ok(key)
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231, test case 2.
    #[test]
    fn hmac_matches_the_rfc() {
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn the_key_file_is_private_and_kept() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let db = dir.path().join("f.db");
        let a = load_or_create_key(&db).unwrap_or_else(|e| panic!("{e}"));
        let b = load_or_create_key(&db).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a, b);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(key_path(&db))
                .unwrap_or_else(|e| panic!("{e}"))
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
