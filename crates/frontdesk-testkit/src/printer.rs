//! ippeveprinter (CUPS's IPP Everywhere printer simulator) on loopback, started by the test.
//! It needs a D-Bus even with DNS-SD off, so each simulator gets a private one. A hook script
//! "prints" each job; writing a mode into `mode` makes it report an empty roll (`STATE:
//! +media-empty-error`) or jam (exit 1, the job aborts).

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

impl Simulator {
    pub fn start(name: &str) -> Self {
        Self::start_with_formats(name, "application/pdf")
    }

    /// A printer that takes only these document formats: `image/pwg-raster,image/urf` plays a
    /// label printer as AirPrint offers it, which refuses a PDF job.
    pub fn start_with_formats(name: &str, formats: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
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
                "-f",
                formats,
            ])
            .arg("-d")
            .arg(&spool)
            .arg("-c")
            .arg(&hook)
            .args(["-m", "Badge Sim", name])
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

    /// The documents the printer received, oldest first.
    pub fn received(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(self.dir.path().join("spool"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
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
