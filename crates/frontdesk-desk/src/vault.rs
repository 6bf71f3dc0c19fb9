//! Secrets the desk keeps on disk — its credentials (which server, who signed in, the session
//! token) and the built-in portal's demo passwords — in files encrypted with ChaCha20-Poly1305,
//! never in the plain settings.
//!
//! Headless front-desk PCs and kiosks often have no unlocked OS keyring, so the key is derived
//! from this machine's id and a random salt stored with the file: a copied data folder (a
//! backup, a support bundle) does not open on another machine. It does not protect against
//! someone who can already read files as the desk's user on this machine; signing out deletes
//! the file and the server forgets the token.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::DeskError;

const SALT: usize = 16;
const NONCE: usize = 12;
/// The file format's first bytes, so a future format can be told apart.
const MAGIC: &[u8; 4] = b"FDV1";

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    pub server: String,
    pub email: String,
    pub token: String,
    /// Who is signed in and for which place, as the portal last said: what lets the desk open
    /// signed in while its portal is down. Kept here, encrypted, and gone with the rest at
    /// sign-out (earlier versions left it in a plain `session.json`).
    #[serde(default)]
    pub session: Option<crate::Session>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("server", &self.server)
            .field("email", &self.email)
            .field("token", &"<secret>")
            .field("session", &self.session.as_ref().map(|s| &s.place_name))
            .finish()
    }
}

/// Where this machine's id is read from: systemd's, then D-Bus's (older or minimal systems).
pub const MACHINE_ID_FILES: [&str; 2] = ["/etc/machine-id", "/var/lib/dbus/machine-id"];

/// This machine's id, the half of the vault's key that does not travel with the data folder.
#[derive(Clone)]
pub struct MachineId(Vec<u8>);

impl MachineId {
    pub fn of_this_machine() -> Result<Self, DeskError> {
        Self::from_files(&MACHINE_ID_FILES)
    }

    /// The first of `files` that holds an id. None of them is an error, never an empty id: a
    /// key derived from the salt alone would open on any machine the folder is copied to.
    /// systemd writes `uninitialized` there during a first boot, which is no id either.
    pub fn from_files<P: AsRef<Path>>(files: &[P]) -> Result<Self, DeskError> {
        files
            .iter()
            .filter_map(|p| fs::read(p).ok())
            .find(|id| {
                let t = String::from_utf8_lossy(id);
                !t.trim().is_empty() && t.trim() != "uninitialized"
            })
            // The bytes as read, newline included: the key of vaults written before this check.
            .map(Self)
            .ok_or_else(|| {
                let names: Vec<String> = files
                    .iter()
                    .map(|p| p.as_ref().display().to_string())
                    .collect();
                DeskError::Local(format!(
                    "This computer has no machine id ({} missing or empty), and the desk locks its \
                     saved sign-in to it. Ask an administrator to create one \
                     (systemd-machine-id-setup, or dbus-uuidgen --ensure), then start the desk again.",
                    match names.as_slice() {
                        [one] => format!("{one} is"),
                        _ => format!("{} are", names.join(" and ")),
                    }
                ))
            })
    }
}

pub struct Vault {
    path: PathBuf,
    machine: Vec<u8>,
}

impl Vault {
    pub fn new(dir: &Path, file: &str, machine: &MachineId) -> Self {
        Self {
            path: dir.join(file),
            machine: machine.0.clone(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn key(&self, salt: &[u8]) -> Key {
        let mut h = Sha256::new();
        h.update(b"frontdesk desk credentials v1");
        h.update(&self.machine);
        h.update(salt);
        Key::clone_from_slice(&h.finalize())
    }

    pub fn save<T: Serialize>(&self, c: &T) -> Result<(), DeskError> {
        let mut salt = [0u8; SALT];
        OsRng.fill_bytes(&mut salt);
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let plain = serde_json::to_vec(c).map_err(|e| DeskError::Local(e.to_string()))?;
        let sealed = ChaCha20Poly1305::new(&self.key(&salt))
            .encrypt(&nonce, plain.as_slice())
            .map_err(|_| DeskError::Local("could not encrypt the desk's credentials".into()))?;
        let mut out = Vec::with_capacity(4 + SALT + NONCE + sealed.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&salt);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        write_private(&self.path, &out)
    }

    /// What is stored; None when there is nothing or it cannot be opened here (another
    /// machine's file, or a damaged one), in which case the desk asks to sign in again.
    pub fn load<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        let bytes = fs::read(&self.path).ok()?;
        if bytes.len() < 4 + SALT + NONCE || &bytes[..4] != MAGIC {
            return None;
        }
        let (salt, rest) = bytes[4..].split_at(SALT);
        let (nonce, sealed) = rest.split_at(NONCE);
        let plain = ChaCha20Poly1305::new(&self.key(salt))
            .decrypt(Nonce::from_slice(nonce), sealed)
            .ok()?;
        serde_json::from_slice(&plain).ok()
    }

    pub fn clear(&self) -> Result<(), DeskError> {
        remove_if_there(&self.path)
    }
}

pub(crate) fn remove_if_there(path: &Path) -> Result<(), DeskError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(DeskError::Local(format!(
            "could not delete {}: {e}",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// Write a file readable by its owner only, whole or not at all (temp file, then rename).
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> Result<(), DeskError> {
    let tmp = path.with_extension("tmp");
    let fail =
        |e: std::io::Error| DeskError::Local(format!("could not write {}: {e}", path.display()));
    {
        let mut o = fs::OpenOptions::new();
        o.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600);
        }
        let mut f = o.open(&tmp).map_err(fail)?;
        // The mode above applies only to a new file: a temp file left by a crash keeps its own.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(fs::Permissions::from_mode(0o600))
                .map_err(fail)?;
        }
        f.write_all(bytes).map_err(fail)?;
        f.sync_all().map_err(fail)?;
    }
    fs::rename(&tmp, path).map_err(fail)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn here() -> MachineId {
        MachineId(b"3d1219c7c4c5404aaa1f6d2a48adfda4\n".to_vec())
    }

    fn creds() -> Credentials {
        Credentials {
            server: "http://127.0.0.1:8780".into(),
            email: "lobby@harbour.demo".into(),
            token: "s3cret-token-value".into(),
            session: None,
        }
    }

    #[test]
    fn round_trip_and_no_plain_text_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let v = Vault::new(dir.path(), "credentials.enc", &here());
        assert_eq!(v.load::<Credentials>(), None);
        v.save(&creds()).unwrap();
        let raw = fs::read(v.path()).unwrap();
        for secret in ["s3cret-token-value", "lobby@harbour.demo"] {
            assert!(
                !raw.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} is readable in the file"
            );
        }
        assert_eq!(v.load(), Some(creds()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(v.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "readable by others: {mode:o}");
        }
        v.clear().unwrap();
        assert_eq!(v.load::<Credentials>(), None);
    }

    #[test]
    fn another_machine_or_a_damaged_file_does_not_open() {
        let dir = tempfile::tempdir().unwrap();
        let v = Vault::new(dir.path(), "credentials.enc", &here());
        v.save(&creds()).unwrap();
        let elsewhere = Vault {
            path: v.path.clone(),
            machine: b"another machine".to_vec(),
        };
        assert_eq!(elsewhere.load::<Credentials>(), None);
        let mut raw = fs::read(v.path()).unwrap();
        let last = raw.len() - 1;
        raw[last] ^= 1;
        fs::write(v.path(), raw).unwrap();
        assert_eq!(v.load::<Credentials>(), None);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod machine_id {
    use super::*;

    #[test]
    fn a_missing_or_empty_machine_id_is_an_error_not_a_weaker_key() {
        let dir = tempfile::tempdir().unwrap();
        let etc = dir.path().join("etc-machine-id");
        let dbus = dir.path().join("dbus-machine-id");
        let files = [&etc, &dbus];

        let e = MachineId::from_files(&files).err().unwrap();
        let msg = e.to_string();
        assert!(msg.contains("no machine id"), "{msg}");
        assert!(msg.contains(&etc.display().to_string()), "{msg}");
        assert!(msg.contains("systemd-machine-id-setup"), "{msg}");

        fs::write(&etc, "\n").unwrap();
        fs::write(&dbus, "").unwrap();
        assert!(MachineId::from_files(&files).is_err(), "empty files");
        fs::write(&etc, "uninitialized\n").unwrap();
        assert!(MachineId::from_files(&files).is_err(), "first boot");

        // The D-Bus id stands in when systemd's is missing; systemd's wins when both exist.
        fs::write(&dbus, "aaaa\n").unwrap();
        assert_eq!(MachineId::from_files(&files).unwrap().0, b"aaaa\n");
        fs::write(&etc, "bbbb\n").unwrap();
        assert_eq!(MachineId::from_files(&files).unwrap().0, b"bbbb\n");
    }

    #[test]
    fn the_key_is_the_one_earlier_versions_derived() {
        // Earlier versions hashed the file's bytes as read; a vault they wrote still opens.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("machine-id");
        fs::write(&file, "0123456789abcdef0123456789abcdef\n").unwrap();
        let v = Vault::new(
            dir.path(),
            "x.enc",
            &MachineId::from_files(&[&file]).unwrap(),
        );
        assert_eq!(v.machine, b"0123456789abcdef0123456789abcdef\n");
    }
}
