//! The three threads of a signed-in desk: the sync loop, the event-stream follower and the
//! device checks, and the status they share with the window's status bar.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use frontdesk_sync::{Desk, SyncError};

use crate::devices::check_devices;
use crate::{DeviceState, Devices};

#[derive(Default)]
pub(crate) struct Status {
    pub stop: AtomicBool,
    pub online: AtomicBool,
    pub last_error: Mutex<Option<String>>,
    pub printer: Mutex<Option<DeviceState>>,
    pub encoder: Mutex<Option<DeviceState>>,
    pub devices: Mutex<Devices>,
    /// Set to make the sync loop run now (after a local change).
    nudged: Mutex<bool>,
    wake: Condvar,
}

impl Status {
    pub fn nudge(&self) {
        if let Ok(mut n) = self.nudged.lock() {
            *n = true;
            self.wake.notify_all();
        }
    }

    fn sleep(&self, d: Duration) {
        if let Ok(n) = self.nudged.lock() {
            if let Ok((mut n, _)) = self.wake.wait_timeout_while(n, d, |n| !*n) {
                *n = false;
            }
        }
    }
}

pub(crate) fn record_sync(status: &Status, err: Option<&SyncError>) {
    let (online, msg) = match err {
        None => (true, None),
        Some(SyncError::Offline(e)) => (false, Some(format!("Offline: {e}"))),
        Some(e) => (true, Some(e.to_string())),
    };
    status.online.store(online, Ordering::Relaxed);
    if let Ok(mut m) = status.last_error.lock() {
        *m = msg;
    }
}

/// Push and pull every few seconds, and at once after a local change; offline, retry with
/// backoff up to 10 s.
pub(crate) fn spawn_sync(desk: Arc<Desk>, status: Arc<Status>) {
    let _ = std::thread::Builder::new()
        .name("desk-sync".into())
        .spawn(move || {
            let mut pause = Duration::from_millis(500);
            while !status.stop.load(Ordering::Relaxed) {
                let r = desk.sync();
                record_sync(&status, r.as_ref().err());
                pause = match r {
                    Ok(_) => Duration::from_secs(3),
                    Err(_) => {
                        (pause * 2).clamp(Duration::from_millis(500), Duration::from_secs(10))
                    }
                };
                status.sleep(pause);
            }
        });
}

/// Follow the server's event stream; reconnect with backoff when it breaks.
pub(crate) fn spawn_follow(desk: Arc<Desk>, status: Arc<Status>) {
    let _ = std::thread::Builder::new()
        .name("desk-follow".into())
        .spawn(move || {
            let mut pause = Duration::from_millis(250);
            while !status.stop.load(Ordering::Relaxed) {
                let started = Instant::now();
                let _ = desk.follow(&status.stop);
                if started.elapsed() > Duration::from_secs(5) {
                    pause = Duration::from_millis(250);
                } else {
                    pause = (pause * 2).min(Duration::from_secs(10));
                }
                std::thread::sleep(pause);
            }
        });
}

/// The printer and encoder state, every 10 s, off the sync path (a stuck printer must not
/// hold up arrivals).
pub(crate) fn spawn_devices(status: Arc<Status>) {
    let _ = std::thread::Builder::new()
        .name("desk-devices".into())
        .spawn(move || {
            while !status.stop.load(Ordering::Relaxed) {
                check_devices(&status);
                let deadline = Instant::now() + Duration::from_secs(10);
                while Instant::now() < deadline && !status.stop.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(250));
                }
            }
        });
}
