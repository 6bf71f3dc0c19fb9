//! The real PC/SC stack for tests: `pcscd` with the virtual reader from `vsmartcard-vpcd`, and a
//! virtual MIFARE Classic card speaking vpcd's protocol (TCP; each message a big-endian u16
//! length then the payload; a 1-byte payload is a control code, anything else an APDU).
//! One pcscd serves the whole machine, so tests that use it hold a file lock.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const READER: &str = "Virtual PCD 00 00";
/// vpcd's port for the first virtual reader (CHANNELID 0x8C7B in /etc/reader.conf.d/vpcd).
pub const READER_PORT: u16 = 35963;
const ATR: [u8; 20] = [
    0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06, 0x03, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x00, 0x6A,
];

/// Exclusive use of the machine's pcscd for the life of the guard.
pub fn lock() -> std::fs::File {
    let f = std::fs::File::create(std::env::temp_dir().join("frontdesk-pcscd.lock")).unwrap();
    f.lock().unwrap();
    f
}

fn running() -> bool {
    Command::new("pgrep")
        .args(["-x", "pcscd"])
        .output()
        .is_ok_and(|o| o.status.success())
}

pub struct Pcscd {
    child: Child,
}

impl Pcscd {
    pub fn start() -> Self {
        assert!(
            !running(),
            "another pcscd is running; stop it before these tests (they start their own)"
        );
        let child = Command::new("pcscd")
            .args(["-f"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("pcscd is missing: apt-get install pcscd vsmartcard-vpcd");
        // Owned from here, so a failed start still stops it.
        let me = Self { child };
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let ready = pcsc::Context::establish(pcsc::Scope::User)
                .ok()
                .and_then(|c| c.list_readers_owned().ok())
                .is_some_and(|r| r.iter().any(|n| n.to_string_lossy() == READER));
            if ready {
                return me;
            }
            assert!(
                Instant::now() < deadline,
                "pcscd did not offer the virtual reader (is vsmartcard-vpcd installed?)"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Pcscd {
    fn drop(&mut self) {
        // SIGTERM lets pcscd remove its socket and pid file for the next start.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// How the virtual card behaves.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    Good,
    /// Taken off the reader after answering this many APDUs.
    PulledAfter(usize),
}

pub struct VirtualCard {
    /// The card's memory, 16 bytes per block.
    pub blocks: Arc<Mutex<Vec<[u8; 16]>>>,
    stream: Option<TcpStream>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl VirtualCard {
    pub fn insert(uid: [u8; 4], behaviour: Behaviour) -> Self {
        let blocks = Arc::new(Mutex::new(vec![[0u8; 16]; 64]));
        let deadline = Instant::now() + Duration::from_secs(10);
        let stream = loop {
            match TcpStream::connect(("127.0.0.1", READER_PORT)) {
                Ok(s) => break s,
                Err(e) => {
                    assert!(
                        Instant::now() < deadline,
                        "vpcd is not listening on {READER_PORT}: {e}"
                    );
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        };
        let mut s = stream.try_clone().unwrap();
        let mem = blocks.clone();
        let thread = std::thread::spawn(move || {
            let mut answered = 0;
            let mut key_ok = false;
            loop {
                let mut len = [0u8; 2];
                if s.read_exact(&mut len).is_err() {
                    return;
                }
                let mut msg = vec![0u8; u16::from_be_bytes(len) as usize];
                if s.read_exact(&mut msg).is_err() {
                    return;
                }
                let reply: Option<Vec<u8>> = if msg.len() == 1 {
                    // 0 power off, 1 power on, 2 reset: no answer; 4: the ATR.
                    (msg[0] == 4).then(|| ATR.to_vec())
                } else {
                    if behaviour == Behaviour::PulledAfter(answered) {
                        let _ = s.shutdown(std::net::Shutdown::Both);
                        return;
                    }
                    answered += 1;
                    Some(match (msg[0], msg[1]) {
                        (0xFF, 0xCA) => [uid.as_slice(), &[0x90, 0x00]].concat(),
                        (0xFF, 0x82) => {
                            key_ok = msg[5..11] == [0xFF; 6];
                            vec![0x90, 0x00]
                        }
                        (0xFF, 0x86) if key_ok => vec![0x90, 0x00],
                        (0xFF, 0x86) => vec![0x63, 0x00],
                        (0xFF, 0xD6) => {
                            let mut b = [0u8; 16];
                            b.copy_from_slice(&msg[5..21]);
                            mem.lock().unwrap()[msg[3] as usize] = b;
                            vec![0x90, 0x00]
                        }
                        (0xFF, 0xB0) => [
                            mem.lock().unwrap()[msg[3] as usize].as_slice(),
                            &[0x90, 0x00],
                        ]
                        .concat(),
                        _ => vec![0x6D, 0x00],
                    })
                };
                if let Some(r) = reply {
                    let mut out = (r.len() as u16).to_be_bytes().to_vec();
                    out.extend(r);
                    if s.write_all(&out).is_err() {
                        return;
                    }
                }
            }
        });
        Self {
            blocks,
            stream: Some(stream),
            thread: Some(thread),
        }
    }

    /// Take the card off the reader, and wait until the reader sees it gone (as a person
    /// would before putting the next card down).
    pub fn remove(mut self) -> Vec<[u8; 16]> {
        self.pull();
        let ctx = pcsc::Context::establish(pcsc::Scope::User).unwrap();
        let name = std::ffi::CString::new(READER).unwrap();
        let mut states = vec![pcsc::ReaderState::new(name, pcsc::State::UNAWARE)];
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let _ = ctx.get_status_change(Duration::from_millis(500), &mut states);
            if states[0].event_state().contains(pcsc::State::EMPTY) {
                break;
            }
            assert!(Instant::now() < deadline, "the reader still sees a card");
            states[0].sync_current_state();
        }
        self.blocks.lock().unwrap().clone()
    }

    fn pull(&mut self) {
        if let Some(s) = self.stream.take() {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for VirtualCard {
    fn drop(&mut self) {
        self.pull();
    }
}
