//! ippeveprinter (CUPS's IPP Everywhere printer simulator) on loopback, started by the test.
//! It needs a D-Bus even with DNS-SD off, so each simulator gets a private one. A hook script
//! "prints" each job; writing a mode into `mode` makes it report an empty roll (`STATE:
//! +media-empty-error`) or jam (exit 1, the job aborts).
//!
//! The simulator plays a label printer through an attributes file (`-a`, ipptool syntax): its
//! formats, resolution, raster types and the labels loaded ([`Label`]). ippeveprinter takes
//! `-a` only without `-f`/`-m`, and then still lists its built-in formats (PWG raster, URF) as
//! a second `document-format-supported`; both it and IPP clients use the first one, the file's.
//!
//! Also here: a private `cupsd` with queues made by `lpadmin` (IPP Everywhere, or a Debian
//! driver's PPD), and [`RawPort`], a TCP listener that catches what a driver or a ZPL printer
//! would receive.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Simulator {
    pub uri: String,
    pub port: u16,
    pub dir: tempfile::TempDir,
    printer: Child,
    dbus_pid: Option<u32>,
}

pub use crate::free_port;

/// The labels a simulated printer reports as loaded.
#[derive(Debug, Clone)]
pub enum Label {
    /// Die-cut labels (or cards): `media-ready` keyword, width and length in mm.
    DieCut(&'static str, f32, f32),
    /// A continuous roll of this width (mm): `media-col-ready` has a range for its length.
    Roll(&'static str, f32),
    /// The printer says nothing of what is loaded.
    Unreported,
}

/// What a simulated printer offers.
#[derive(Debug, Clone)]
pub struct Config {
    pub model: &'static str,
    /// `document-format-supported`.
    pub formats: &'static str,
    pub dpi: u32,
    /// `pwg-raster-document-type-supported`.
    pub pwg_types: &'static str,
    pub loaded: Label,
}

/// The Brother label every test badge is: 62 × 100 mm die-cut.
pub const DK_11202: Label = Label::DieCut("om_dk-11202_62x100mm", 62.0, 100.0);

impl Config {
    /// An IPP Everywhere printer that takes PDF, with 62 × 100 mm labels.
    pub fn pdf() -> Self {
        Self {
            model: "Badge Sim PDF",
            formats: "application/pdf,image/pwg-raster",
            dpi: 300,
            pwg_types: "black_1,sgray_8",
            loaded: DK_11202,
        }
    }

    /// A label printer as AirPrint offers it: raster only, 300 dpi, black_1.
    pub fn raster() -> Self {
        Self {
            model: "Brother QL-820NWB",
            formats: "image/pwg-raster,image/urf",
            dpi: 300,
            pwg_types: "black_1,sgray_8",
            loaded: DK_11202,
        }
    }

    /// A QL-820NWB's own AirPrint: Apple raster only.
    pub fn urf_only() -> Self {
        Self {
            formats: "image/urf",
            ..Self::raster()
        }
    }

    pub fn loaded(self, loaded: Label) -> Self {
        Self { loaded, ..self }
    }

    /// The ipptool-syntax attributes file ippeveprinter loads with `-a`.
    fn attributes(&self) -> String {
        let dpi = self.dpi;
        let mut media = vec![
            "om_dk-11202_62x100mm".to_string(),
            "om_dk-11201_29x90mm".to_string(),
            "roll_dk-22205_62x30480mm".to_string(),
        ];
        let mut a = format!(
            "ATTR textWithoutLanguage printer-make-and-model \"{model}\"\n\
             ATTR mimeMediaType document-format-supported {formats}\n\
             ATTR resolution printer-resolution-default {dpi}dpi\n\
             ATTR resolution printer-resolution-supported {dpi}dpi\n\
             ATTR resolution pwg-raster-document-resolution-supported {dpi}dpi\n\
             ATTR keyword pwg-raster-document-type-supported {types}\n\
             ATTR keyword urf-supported V1.4,W8,RS{dpi},CP1,IS1,MT1,DM1\n",
            model = self.model,
            formats = self.formats,
            types = self.pwg_types,
        );
        let hundredths = |mm: f32| (mm * 100.0).round() as u32;
        let size = |w: f32, y: String| {
            format!(
                "ATTR collection media-col-ready {{\n  MEMBER collection media-size {{\n    \
                 MEMBER integer x-dimension {}\n    MEMBER {y}\n  }}\n  \
                 MEMBER keyword media-source main-roll\n}}\n",
                hundredths(w)
            )
        };
        match &self.loaded {
            Label::DieCut(name, w, h) => {
                a += &format!("ATTR keyword media-ready {name}\n");
                a += &size(*w, format!("integer y-dimension {}", hundredths(*h)));
                media.push(name.to_string());
            }
            Label::Roll(name, w) => {
                a += &format!("ATTR keyword media-ready {name}\n");
                a += &size(*w, "rangeOfInteger y-dimension 2540-3048000".into());
                media.push(name.to_string());
            }
            Label::Unreported => {}
        }
        media.dedup();
        media.sort();
        media.dedup();
        a += &format!("ATTR keyword media-supported {}\n", media.join(","));
        a
    }
}

impl Simulator {
    /// A printer that takes PDF, with 62 × 100 mm labels loaded.
    pub fn start(name: &str) -> Self {
        Self::start_with(name, &Config::pdf())
    }

    pub fn start_with(name: &str, config: &Config) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let attrs = dir.path().join("printer.conf");
        std::fs::write(&attrs, config.attributes()).unwrap();
        let port = free_port();
        let spool = dir.path().join("spool");
        std::fs::create_dir_all(&spool).unwrap();
        let hook = dir.path().join("hook.sh");
        std::fs::write(
            &hook,
            format!(
                "#!/bin/sh\nmode=$(cat '{d}/mode' 2>/dev/null || echo ok)\ncat \"$1\" > /dev/null\n\
                 case \"$mode\" in\n  media-empty) echo 'STATE: +media-empty-error' >&2; exit 0;;\n  jam) exit 1;;\nesac\nexit 0\n",
                d = dir.path().display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        let bus = dir.path().join("bus");
        let out = Command::new("dbus-daemon")
            .args([
                "--session",
                &format!("--address=unix:path={}", bus.display()),
                "--fork",
                "--print-pid",
            ])
            .output()
            .expect("dbus-daemon is missing: apt-get install dbus");
        assert!(
            out.status.success(),
            "dbus-daemon failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let dbus_pid = String::from_utf8_lossy(&out.stdout).trim().parse().ok();
        let printer = Command::new("ippeveprinter")
            .env(
                "DBUS_SYSTEM_BUS_ADDRESS",
                format!("unix:path={}", bus.display()),
            )
            .args([
                "-r",
                "off",
                "-n",
                "localhost",
                "-p",
                &port.to_string(),
                "-k",
            ])
            .arg("-a")
            .arg(&attrs)
            .arg("-d")
            .arg(&spool)
            .arg("-c")
            .arg(&hook)
            .arg(name)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("ippeveprinter is missing: apt-get install cups-ipp-utils");
        let s = Self {
            uri: format!("ipp://localhost:{port}/ipp/print"),
            port,
            dir,
            printer,
            dbus_pid,
        };
        let deadline = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "ippeveprinter did not start on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        s
    }

    pub fn set_mode(&self, mode: &str) {
        std::fs::write(self.dir.path().join("mode"), mode).unwrap();
    }

    /// The documents the printer received, oldest first, named `<job-id>-<job-name>.<ext>`
    /// by the format it was sent as (pdf, pwg, urf, png).
    pub fn received(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(self.dir.path().join("spool"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.extension()
                    .is_some_and(|x| ["pdf", "pwg", "urf", "png"].iter().any(|e| x == *e))
            })
            .collect();
        v.sort_by_key(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .split('-')
                .next()
                .unwrap()
                .parse::<u32>()
                .unwrap_or(0)
        });
        v
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.printer.kill();
        let _ = self.printer.wait();
        if let Some(pid) = self.dbus_pid {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
    }
}

/// A private CUPS server (cupsd with its own configuration and spool) on a free port.
pub struct Cups {
    pub uri: String,
    pub port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

impl Cups {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let d = dir.path();
        for sub in ["spool", "tmp", "cache", "state"] {
            std::fs::create_dir_all(d.join(sub)).unwrap();
        }
        // Filters (gstoraster) run as lp, and write their temporary files here.
        std::fs::set_permissions(
            d.join("tmp"),
            std::os::unix::fs::PermissionsExt::from_mode(0o1777),
        )
        .unwrap();
        std::fs::write(
            d.join("cupsd.conf"),
            format!(
                "Listen 127.0.0.1:{port}\nDefaultAuthType None\nWebInterface No\nBrowsing No\n\
                 <Location />\n  Order allow,deny\n  Allow all\n</Location>\n\
                 <Location /admin>\n  Order allow,deny\n  Allow all\n</Location>\n\
                 <Policy default>\n  <Limit All>\n    Order deny,allow\n    Allow all\n  </Limit>\n</Policy>\n"
            ),
        )
        .unwrap();
        std::fs::write(
            d.join("cups-files.conf"),
            format!(
                "ServerRoot {r}\nRequestRoot {r}/spool\nTempDir {r}/tmp\nCacheDir {r}/cache\nStateDir {r}/state\n\
                 ErrorLog {r}/error_log\nAccessLog {r}/access_log\nPageLog {r}/page_log\n\
                 DataDir /usr/share/cups\nServerBin /usr/lib/cups\nSystemGroup root\n",
                r = d.display()
            ),
        )
        .unwrap();
        let child = Command::new("cupsd")
            .arg("-f")
            .arg("-c")
            .arg(d.join("cupsd.conf"))
            .arg("-s")
            .arg(d.join("cups-files.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cupsd is missing: apt-get install cups cups-client");
        let s = Self {
            uri: format!("ipp://127.0.0.1:{port}/"),
            port,
            dir,
            child,
        };
        let deadline = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "cupsd did not start: {:?}",
                std::fs::read_to_string(s.dir.path().join("error_log"))
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        s
    }

    /// Add a queue for an IPP Everywhere printer, as an installer would with lpadmin.
    pub fn add_queue(&self, name: &str, device: &str) {
        let out = Command::new("lpadmin")
            .args([
                "-h",
                &format!("127.0.0.1:{}", self.port),
                "-p",
                name,
                "-E",
                "-v",
                device,
                "-m",
                "everywhere",
            ])
            .output()
            .expect("lpadmin is missing: apt-get install cups-client");
        // lpadmin can exit 0 without making the queue; the discovery test checks it is there.
        assert!(
            out.status.success(),
            "lpadmin: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Cups {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Cups {
    /// Add a queue for a label printer with its Debian driver (`-m` a PPD from
    /// `lpinfo -m`, e.g. `ptouch:0/ppd/ptouch-driver/Brother-QL-820NWB-ptouch-ql.ppd`) on
    /// `device` (a [`RawPort`]'s `socket://` address), with `options` (`PageSize=…`) as the
    /// queue's defaults. Checks that the queue exists: lpadmin can exit 0 without making it.
    pub fn add_driver_queue(&self, name: &str, model: &str, device: &str, options: &[&str]) {
        let mut cmd = Command::new("lpadmin");
        cmd.args(["-h", &format!("127.0.0.1:{}", self.port), "-p", name, "-E"])
            .args(["-v", device, "-m", model]);
        for o in options {
            cmd.args(["-o", o]);
        }
        let out = cmd
            .output()
            .expect("lpadmin is missing: apt-get install cups-client");
        assert!(
            out.status.success(),
            "lpadmin {model}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ppd = self.dir.path().join("ppd").join(format!("{name}.ppd"));
        assert!(
            ppd.exists(),
            "lpadmin made no queue for {model} (is its driver package installed? \
             printer-driver-ptouch, printer-driver-dymo): {}",
            self.log()
        );
    }

    /// CUPS's error log, for a failed test's message.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error_log")).unwrap_or_default()
    }

    /// Run `cupsdisable`/`cupsenable`-like admin commands against this server.
    pub fn admin(&self, program: &str, args: &[&str]) {
        let out = Command::new(program)
            .args(["-h", &format!("127.0.0.1:{}", self.port)])
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{program} is missing ({e}): apt-get install cups-client"));
        assert!(
            out.status.success(),
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A TCP listener on loopback that keeps what each connection sent: a printer's raw port (9100)
/// as CUPS's `socket://` backend or a ZPL printer client writes to it.
pub struct RawPort {
    pub port: u16,
    received: std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>,
}

impl RawPort {
    pub fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = std::sync::Arc::new(std::sync::Mutex::new(vec![]));
        let keep = received.clone();
        std::thread::spawn(move || {
            for mut s in listener.incoming().flatten() {
                let keep = keep.clone();
                std::thread::spawn(move || {
                    let mut buf = vec![];
                    let _ = std::io::Read::read_to_end(&mut s, &mut buf);
                    if !buf.is_empty() {
                        keep.lock().unwrap().push(buf);
                    }
                });
            }
        });
        Self { port, received }
    }

    /// `socket://127.0.0.1:PORT`, for a CUPS queue's device.
    pub fn socket_uri(&self) -> String {
        format!("socket://127.0.0.1:{}", self.port)
    }

    /// What the connections so far sent, one entry a connection that sent anything.
    pub fn received(&self) -> Vec<Vec<u8>> {
        self.received.lock().unwrap().clone()
    }

    /// Wait until `n` connections have sent something and closed.
    pub fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Vec<u8>> {
        let deadline = Instant::now() + timeout;
        loop {
            let r = self.received();
            if r.len() >= n {
                return r;
            }
            assert!(
                Instant::now() < deadline,
                "the printer port got {} of {n} jobs in {timeout:?}",
                r.len()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
