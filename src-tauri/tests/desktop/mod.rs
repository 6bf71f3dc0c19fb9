//! Driving the real desktop app headless: an X server (Xvfb), `tauri-driver` in front of
//! `WebKitWebDriver`, and a small W3C WebDriver client over HTTP. One app at a time on this
//! machine (a file lock), each with its own data folder. Missing pieces fail loudly: these
//! tests never pass by skipping.
#![allow(dead_code, clippy::unwrap_used)]

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub const APP: &str = env!("CARGO_BIN_EXE_frontdesk-desk");
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Where the tests' screenshots go.
pub fn output_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/test-output/desk-app");
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub fn tool(name: &str) -> PathBuf {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    for dir in std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .map(PathBuf::from)
        .chain([home.join(".cargo/bin")])
    {
        let p = dir.join(name);
        if p.is_file() {
            return p;
        }
    }
    panic!("{name} is not installed: run scripts/install-deps desktop (it installs Xvfb, WebKitWebDriver and tauri-driver)");
}

/// A child started in its own process group; dropping it kills the whole group, so what it
/// started (tauri-driver starts WebKitWebDriver, which starts the app and WebKit's processes)
/// goes with it.
pub struct Killed(pub Child);

impl Killed {
    pub fn spawn(cmd: &mut Command) -> Self {
        use std::os::unix::process::CommandExt;
        // Not on the terminal: a background process group that touches it would be stopped.
        Self(cmd.process_group(0).stdin(Stdio::null()).spawn().unwrap())
    }
}

impl Drop for Killed {
    fn drop(&mut self) {
        // TERM first, so an X server removes its socket and lock file; then KILL what is left.
        let group = format!("-{}", self.0.id());
        for signal in ["-TERM", "-KILL"] {
            let _ = Command::new("kill")
                .args([signal, "--", &group])
                .stderr(Stdio::null())
                .status();
            let deadline = Instant::now() + Duration::from_secs(2);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.0.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.0.wait();
    }
}

/// A private X server (Xvfb) on a free display.
pub struct Xvfb {
    pub display: String,
    _x: Killed,
}

impl Xvfb {
    pub fn start() -> Self {
        let display = (0..200)
            .map(|i| 120 + (std::process::id() as usize + i) % 700)
            .find(|n| {
                !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                    && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
            })
            .unwrap();
        let x = Killed::spawn(
            Command::new(tool("Xvfb"))
                .args([
                    format!(":{display}").as_str(),
                    "-screen",
                    "0",
                    "1280x900x24",
                    "-nolisten",
                    "tcp",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        while !Path::new(&format!("/tmp/.X11-unix/X{display}")).exists() {
            assert!(
                Instant::now() < deadline,
                "Xvfb did not start on :{display}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            display: format!(":{display}"),
            _x: x,
        }
    }
}

/// An X server, `tauri-driver`, and a data folder for one desk. Dropping it stops them.
pub struct Desktop {
    pub data: tempfile::TempDir,
    pub exports: tempfile::TempDir,
    driver_url: String,
    http: reqwest::blocking::Client,
    // Dropped in this order: the driver (and the app) before the X server, then the lock.
    _driver: Killed,
    _x: Xvfb,
    _lock: File,
}

impl Desktop {
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// `env` is given to the app (through the driver, which starts it).
    pub fn start_with(env: &[(&str, &str)]) -> Self {
        let lock =
            File::create(std::env::temp_dir().join("frontdesk-desk-app-tests.lock")).unwrap();
        lock.lock().unwrap();
        let x = Xvfb::start();
        let display = x.display.clone();
        tool("WebKitWebDriver");
        let data = tempfile::tempdir().unwrap();
        let exports = tempfile::tempdir().unwrap();
        let (port, native) = (free_port(), free_port());
        let mut cmd = Command::new(tool("tauri-driver"));
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native.to_string(),
        ])
        .env("DISPLAY", &display)
        .env("NO_AT_BRIDGE", "1")
        // The app turns WebKit's compositing off to save memory, but WebKitWebDriver takes
        // screenshots from the compositor: without it a screenshot never returns. The tests
        // keep it on; the benchmark measures the app as it ships.
        .env("WEBKIT_DISABLE_COMPOSITING_MODE", "0")
        .env("FRONTDESK_DESK_DIR", data.path())
        .env("FRONTDESK_DESK_EXPORT_DIR", exports.path())
        .stdout(Stdio::null())
        // The driver's and the app's messages, for when a session does not start.
        .stderr(File::create(output_dir().join("tauri-driver.log")).unwrap());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let driver = Killed::spawn(&mut cmd);
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let driver_url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(15);
        while http.get(format!("{driver_url}/status")).send().is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            data,
            exports,
            driver_url,
            http,
            _driver: driver,
            _x: x,
            _lock: lock,
        }
    }

    /// Start the app and a WebDriver session on it.
    pub fn open(&self) -> App {
        let r: Value = self
            .http
            .post(format!("{}/session", self.driver_url))
            .json(
                &json!({"capabilities": {"alwaysMatch": {"tauri:options": {"application": APP}}}}),
            )
            .send()
            .unwrap()
            .json()
            .unwrap();
        let id = r["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {r}"))
            .to_string();
        App {
            base: format!("{}/session/{id}", self.driver_url),
            http: self.http.clone(),
            data: self.data.path().to_path_buf(),
        }
    }
}

/// The running app, seen through WebDriver.
pub struct App {
    base: String,
    http: reqwest::blocking::Client,
    data: PathBuf,
}

impl App {
    fn cmd(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut r = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            r = r.json(&b);
        }
        let v: Value = r.send().unwrap().json().unwrap();
        v["value"].clone()
    }

    fn try_find(&self, css: &str) -> Option<String> {
        let v = self.cmd(
            reqwest::Method::POST,
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT].as_str().map(String::from)
    }

    /// Wait for an element; on time-out, save a screenshot and fail saying what was missing.
    pub fn find(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(e) = self.try_find(css) {
                return e;
            }
            if Instant::now() > deadline {
                self.screenshot(&format!(
                    "missing-{}",
                    css.replace(|c: char| !c.is_alphanumeric(), "_")
                ));
                panic!("{css} did not appear; the page says:\n{}", self.page_text());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn exists(&self, css: &str) -> bool {
        self.try_find(css).is_some()
    }

    /// Act on an element; the console redraws parts of the page as changes sync, so an
    /// element that went stale between finding and acting is found again.
    fn on_element(&self, css: &str, what: &str, f: impl Fn(&str) -> Value) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let v = f(&self.find(css));
            if v["error"] == "stale element reference" && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
            assert!(v.get("error").is_none(), "{what} {css}: {v}");
            return v;
        }
    }

    pub fn click(&self, css: &str) {
        self.on_element(css, "clicking", |e| {
            self.cmd(
                reqwest::Method::POST,
                &format!("/element/{e}/click"),
                Some(json!({})),
            )
        });
    }

    /// Type as a keyboard does (a keyboard-wedge scanner types the same way, only faster).
    pub fn type_into(&self, css: &str, text: &str) {
        self.on_element(css, "typing into", |e| {
            self.cmd(
                reqwest::Method::POST,
                &format!("/element/{e}/value"),
                Some(json!({"text": text})),
            )
        });
    }

    pub fn clear(&self, css: &str) {
        self.on_element(css, "clearing", |e| {
            self.cmd(
                reqwest::Method::POST,
                &format!("/element/{e}/clear"),
                Some(json!({})),
            )
        });
    }

    pub fn text(&self, css: &str) -> String {
        self.on_element(css, "reading", |e| {
            self.cmd(reqwest::Method::GET, &format!("/element/{e}/text"), None)
        })
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    pub fn js(&self, script: &str, args: Value) -> Value {
        self.cmd(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Run `body` in the page as an async function with `args` (the last argument is `done`,
    /// to call with the result).
    pub fn js_async(&self, body: &str, args: Value) -> Value {
        let script = format!(
            "const args = [...arguments]; const done = args[args.length - 1]; \
             (async function() {{ {body} }}).apply(null, args).catch(e => done({{error: String(e)}}));"
        );
        self.cmd(
            reqwest::Method::POST,
            "/execute/async",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Call one of the app's own commands the way its window does (through Tauri's IPC).
    pub fn invoke(&self, cmd: &str, args: Value) -> Value {
        self.cmd(
            reqwest::Method::POST,
            "/execute/async",
            Some(json!({
                "script": "const [cmd, args, done] = arguments; window.__TAURI_INTERNALS__.invoke(cmd, args).then(v => done({ok: v}), e => done({err: e}));",
                "args": [cmd, args],
            })),
        )
    }

    pub fn page_text(&self) -> String {
        self.js("return document.body.innerText", json!([]))
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn wait_until(&self, what: &str, secs: u64, mut f: impl FnMut(&App) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while !f(self) {
            if Instant::now() > deadline {
                self.screenshot(&format!(
                    "timeout-{}",
                    what.replace(|c: char| !c.is_alphanumeric(), "_")
                ));
                panic!(
                    "timed out waiting for {what}; the page says:\n{}",
                    self.page_text()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn screenshot(&self, name: &str) -> PathBuf {
        self.screenshot_to(&output_dir(), name)
    }

    /// A screenshot in `dir` (the kiosk's go to target/test-output/kiosk/).
    pub fn screenshot_to(&self, dir: &Path, name: &str) -> PathBuf {
        use base64::Engine;
        let v = self.cmd(reqwest::Method::GET, "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap_or_default())
            .unwrap_or_default();
        std::fs::create_dir_all(dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Press keys together as a person does (each chord: modifiers held, the last key pressed),
    /// through WebDriver's input actions, so they reach the page as real key events.
    pub fn press(&self, chord: &[&str]) {
        let mut actions = vec![];
        for k in chord {
            actions.push(json!({"type": "keyDown", "value": k}));
        }
        for k in chord.iter().rev() {
            actions.push(json!({"type": "keyUp", "value": k}));
        }
        let v = self.cmd(
            reqwest::Method::POST,
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        );
        assert!(v.get("error").is_none(), "pressing {chord:?}: {v}");
        let _ = self.http.delete(format!("{}/actions", self.base)).send();
    }

    /// The lobby kiosk's screen shown (its `<body data-kiosk-screen>`), empty outside the kiosk.
    pub fn kiosk_screen(&self) -> String {
        self.js("return document.body.dataset.kioskScreen || ''", json!([]))
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn wait_kiosk_screen(&self, name: &str) {
        self.wait_until(&format!("the kiosk's {name} screen"), 30, |a| {
            a.kiosk_screen() == name
        });
    }

    /// The window's size and place, as the window manager sees it.
    pub fn window_rect(&self) -> Value {
        self.cmd(reqwest::Method::GET, "/window/rect", None)
    }

    pub fn window_handles(&self) -> usize {
        self.cmd(reqwest::Method::GET, "/window/handles", None)
            .as_array()
            .map_or(0, Vec::len)
    }

    /// The app's process (found by its binary and its data folder).
    pub fn pid(&self) -> u32 {
        let want = format!("FRONTDESK_DESK_DIR={}", self.data.display());
        let app = std::fs::canonicalize(APP).unwrap();
        for e in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let exe = std::fs::read_link(e.path().join("exe")).ok();
            if exe.as_deref() != Some(app.as_path()) {
                continue;
            }
            let env = std::fs::read(e.path().join("environ")).unwrap_or_default();
            if env.split(|b| *b == 0).any(|kv| kv == want.as_bytes()) {
                return pid;
            }
        }
        panic!("the app's process was not found");
    }

    /// SIGKILL the app: no clean shutdown, like pulling the plug.
    pub fn kill(self) {
        let pid = self.pid();
        let ok = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        while Path::new(&format!("/proc/{pid}/exe")).exists() {
            assert!(Instant::now() < deadline, "the app did not die");
            std::thread::sleep(Duration::from_millis(20));
        }
        // The driver notices the session is gone; ending it frees the driver for the next one.
        let _ = self.http.delete(&self.base).send();
    }

    pub fn quit(self) {
        let _ = self.http.delete(&self.base).send();
    }
}
