//! The lobby kiosk: the same app, locked down for walk-in visitors. Whether the desk is a kiosk,
//! the admin PIN that leaves it (kept as an argon2 hash in `desk.json`: the file is the desk's
//! user's alone, and a hash is all anyone needs to check a PIN), how long an idle screen waits
//! before it forgets the last visitor, and what the kiosk writes on a visitor's card.
//!
//! The window cannot leave the kiosk without the PIN: every command that would (turning kiosk
//! mode off, changing its settings) is refused while it is on, and the shell asks [`Console::kiosk_locked`]
//! before it lets the window close or navigate.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Console, DeskError, Result};

/// Wrong PINs in a row before the pad waits.
const PIN_TRIES: u32 = 5;
/// How long the pad waits after too many wrong PINs: long enough that guessing 10,000 PINs
/// takes days, short enough for a receptionist who mistyped.
const PIN_LOCKOUT: Duration = Duration::from_secs(30);

/// What `desk.json` keeps of the kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct KioskSettings {
    #[serde(default)]
    pub enabled: bool,
    /// Argon2id PHC string of the admin PIN.
    #[serde(default)]
    pub pin_hash: Option<String>,
    #[serde(default = "default_idle")]
    pub idle_seconds: u32,
    /// Facility code written on visitors' cards; None: the kiosk encodes no cards.
    #[serde(default)]
    pub card_facility: Option<u16>,
}

fn default_idle() -> u32 {
    60
}

impl Default for KioskSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            pin_hash: None,
            idle_seconds: default_idle(),
            card_facility: None,
        }
    }
}

/// The kiosk as the window sees it (never the PIN's hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Kiosk {
    /// The window shows the kiosk, locked down.
    pub locked: bool,
    /// Kiosk mode is the desk's setting (it starts locked next time too).
    pub enabled: bool,
    /// Started with `--kiosk`: locked for this run whatever the setting, once a PIN exists.
    pub forced: bool,
    pub has_pin: bool,
    pub idle_seconds: u32,
    pub card_facility: Option<u16>,
}

/// An admin's kiosk settings from the Devices screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KioskSetup {
    pub enabled: bool,
    /// A new PIN (4 to 8 digits); None keeps the current one.
    pub pin: Option<String>,
    pub idle_seconds: u32,
    pub card_facility: Option<u16>,
}

/// The idle timeout's bounds: long enough to read an agreement, short enough that the next
/// visitor does not find the last one's details.
pub const IDLE_MIN: u32 = 3;
pub const IDLE_MAX: u32 = 600;

#[derive(Debug, Default)]
pub(crate) struct PinGuard {
    failures: u32,
    until: Option<Instant>,
}

fn refused(code: &str, message: &str) -> DeskError {
    DeskError::Refused {
        code: code.into(),
        message: message.into(),
    }
}

fn check_pin(pin: &str) -> Result<()> {
    if (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(refused(
            "invalid",
            "The kiosk PIN is 4 to 8 digits. Type digits only.",
        ))
    }
}

fn hash_pin(pin: &str) -> Result<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| DeskError::Local(format!("the PIN could not be stored: {e}")))
}

fn pin_matches(hash: &str, pin: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(pin.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

impl Console {
    fn kiosk_settings(&self) -> KioskSettings {
        self.current_settings().kiosk
    }

    /// The kiosk's state for the window.
    pub fn kiosk(&self) -> Kiosk {
        let k = self.kiosk_settings();
        let forced = self.kiosk_forced.load(Ordering::Relaxed);
        Kiosk {
            locked: self.kiosk_locked(),
            enabled: k.enabled,
            forced,
            has_pin: k.pin_hash.is_some(),
            idle_seconds: k.idle_seconds,
            card_facility: k.card_facility,
        }
    }

    /// Whether the window is a locked kiosk now: set on (or started with `--kiosk`) and a PIN
    /// to leave it. A kiosk with no PIN would be a kiosk nobody can leave: the console shows
    /// instead, asking for one.
    pub fn kiosk_locked(&self) -> bool {
        let k = self.kiosk_settings();
        (k.enabled || self.kiosk_forced.load(Ordering::Relaxed)) && k.pin_hash.is_some()
    }

    /// `--kiosk`: lock this run.
    pub fn force_kiosk(&self) {
        self.kiosk_forced.store(true, Ordering::Relaxed);
    }

    /// Turn the kiosk on or off and set its PIN, idle timeout and card facility code. Refused
    /// while the kiosk is locked: only the PIN leaves it.
    pub fn set_kiosk(&self, setup: KioskSetup) -> Result<Kiosk> {
        if self.kiosk_locked() {
            return Err(refused(
                "kiosk_locked",
                "The kiosk is locked. Leave it with the admin PIN first.",
            ));
        }
        if !(IDLE_MIN..=IDLE_MAX).contains(&setup.idle_seconds) {
            return Err(refused(
                "invalid",
                &format!(
                    "The idle timeout is {IDLE_MIN} to {IDLE_MAX} seconds (a minute suits most lobbies)."
                ),
            ));
        }
        let mut s = self.current_settings();
        if let Some(pin) = setup
            .pin
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            check_pin(pin)?;
            s.kiosk.pin_hash = Some(hash_pin(pin)?);
        }
        if setup.enabled && s.kiosk.pin_hash.is_none() {
            return Err(refused(
                "pin_required",
                "Set a PIN first: it is the only way out of the kiosk.",
            ));
        }
        s.kiosk.enabled = setup.enabled;
        s.kiosk.idle_seconds = setup.idle_seconds;
        s.kiosk.card_facility = setup.card_facility;
        self.save_settings(s)?;
        Ok(self.kiosk())
    }

    /// Leave the kiosk with the admin PIN: kiosk mode off (also for a `--kiosk` run). After
    /// [`PIN_TRIES`] wrong PINs the pad waits [`PIN_LOCKOUT`].
    pub fn leave_kiosk(&self, pin: &str) -> Result<Kiosk> {
        let mut guard = self
            .pin_guard
            .lock()
            .map_err(|_| DeskError::Local("the kiosk's lock is poisoned".into()))?;
        if let Some(until) = guard.until {
            if Instant::now() < until {
                let wait = until.saturating_duration_since(Instant::now()).as_secs() + 1;
                return Err(refused(
                    "pin_locked",
                    &format!("Too many wrong PINs. Try again in {wait} seconds."),
                ));
            }
            guard.until = None;
        }
        let k = self.kiosk_settings();
        let ok = k
            .pin_hash
            .as_deref()
            .is_some_and(|h| pin_matches(h, pin.trim()));
        if !ok {
            guard.failures += 1;
            if guard.failures >= PIN_TRIES {
                guard.failures = 0;
                guard.until = Some(Instant::now() + PIN_LOCKOUT);
            }
            return Err(refused("wrong_pin", "That PIN is not right."));
        }
        guard.failures = 0;
        drop(guard);
        self.kiosk_forced.store(false, Ordering::Relaxed);
        let mut s = self.current_settings();
        s.kiosk.enabled = false;
        self.save_settings(s)?;
        Ok(self.kiosk())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::vault::MachineId;

    fn machine(dir: &std::path::Path) -> MachineId {
        let f = dir.join("machine-id");
        std::fs::write(&f, "kiosk-tests\n").unwrap();
        MachineId::from_files(&[f]).unwrap()
    }

    fn console() -> (tempfile::TempDir, Console) {
        let dir = tempfile::tempdir().unwrap();
        let c = Console::open_on(dir.path(), machine(dir.path())).unwrap();
        (dir, c)
    }

    fn setup(enabled: bool, pin: Option<&str>) -> KioskSetup {
        KioskSetup {
            enabled,
            pin: pin.map(String::from),
            idle_seconds: 60,
            card_facility: None,
        }
    }

    #[test]
    fn a_kiosk_needs_a_pin_and_only_the_pin_leaves_it() {
        let (dir, c) = console();
        assert_eq!(
            c.set_kiosk(setup(true, None)).unwrap_err().failure().code,
            "pin_required"
        );
        for bad in ["12", "123456789", "12a4", "١٢٣٤"] {
            assert_eq!(
                c.set_kiosk(setup(true, Some(bad)))
                    .unwrap_err()
                    .failure()
                    .code,
                "invalid",
                "{bad}"
            );
        }
        let k = c.set_kiosk(setup(true, Some("2468"))).unwrap();
        assert!(k.locked && k.has_pin);
        let saved = std::fs::read_to_string(dir.path().join("desk.json")).unwrap();
        assert!(!saved.contains("2468"), "the PIN is kept hashed: {saved}");
        // Locked: nothing but the PIN turns it off.
        assert_eq!(
            c.set_kiosk(setup(false, None)).unwrap_err().failure().code,
            "kiosk_locked"
        );
        assert_eq!(
            c.leave_kiosk("1357").unwrap_err().failure().code,
            "wrong_pin"
        );
        assert!(c.kiosk_locked());
        // A restart keeps it locked.
        drop(c);
        let c = Console::open_on(dir.path(), machine(dir.path())).unwrap();
        assert!(c.kiosk_locked());
        assert!(!c.leave_kiosk("2468").unwrap().locked);
        assert!(!c.kiosk_locked());
        drop(dir);
    }

    #[test]
    fn wrong_pins_in_a_row_make_the_pad_wait() {
        let (_dir, c) = console();
        c.set_kiosk(setup(true, Some("2468"))).unwrap();
        for _ in 0..PIN_TRIES {
            assert_eq!(
                c.leave_kiosk("0000").unwrap_err().failure().code,
                "wrong_pin"
            );
        }
        // Even the right PIN waits now.
        assert_eq!(
            c.leave_kiosk("2468").unwrap_err().failure().code,
            "pin_locked"
        );
        assert!(c.kiosk_locked());
    }

    #[test]
    fn kiosk_started_with_the_option_locks_only_once_a_pin_exists() {
        let (_dir, c) = console();
        c.force_kiosk();
        assert!(!c.kiosk_locked(), "no PIN: nobody could leave it");
        c.set_kiosk(setup(false, Some("97531"))).unwrap();
        assert!(
            c.kiosk_locked(),
            "the option locks it, though the setting is off"
        );
        assert!(!c.leave_kiosk("97531").unwrap().locked);
    }
}
