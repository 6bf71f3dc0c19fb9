//! `frontdesk`: badges, printers and card encoders from a terminal, for installers wiring a desk.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use frontdesk_api::{BadgeParams, CardRequest};
use frontdesk_badge::{BadgeData, Renderer};
use frontdesk_client::{Client, ClientError, Transport};
use frontdesk_devices::encoder::{CardEncoder, Credential, PcscEncoder};
use frontdesk_devices::printer::{self, PdfDocument, PrintDocument, PrintQueue, RasterPage};

#[derive(Parser)]
#[command(
    name = "frontdesk",
    version,
    about = "Frontdesk badges and desk hardware"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Badges.
    Badge {
        #[command(subcommand)]
        command: BadgeCommand,
    },
    /// Badge printers.
    Printers {
        #[command(subcommand)]
        command: PrinterCommand,
    },
    /// Card encoders.
    Encoders {
        #[command(subcommand)]
        command: EncoderCommand,
    },
    /// Encode an H10301 access card on an encoder, and assign it to a visit when asked to.
    Encode {
        /// The encoder (a PC/SC reader name, see `frontdesk encoders list`).
        #[arg(long)]
        reader: String,
        #[arg(long)]
        facility: u16,
        #[arg(long)]
        number: u32,
        /// Seconds to wait for a card on the encoder.
        #[arg(long, default_value_t = 30)]
        wait: u64,
        /// Assign the encoded card to this invite on the portal service.
        #[arg(long)]
        invite: Option<String>,
        #[command(flatten)]
        portal: Portal,
        #[arg(long, env = "FRONTDESK_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// Assign on this portal's invite only when card sync is off ("Save" in the desk's prompt).
        #[arg(long)]
        local_only: bool,
    },
    /// Print a PDF on a badge printer and wait for the job to finish.
    Print {
        file: PathBuf,
        /// ipp://host:port/path of the printer.
        #[arg(long)]
        printer: String,
        /// A printer to use when the first is down.
        #[arg(long)]
        fallback: Option<String>,
        /// Seconds to wait for the job to finish.
        #[arg(long, default_value_t = 60)]
        wait: u64,
    },
}

#[derive(Subcommand)]
enum BadgeCommand {
    /// Fetch a visit's badge from the portal service.
    Render {
        invite_id: String,
        #[command(flatten)]
        portal: Portal,
        /// A bearer token (POST /api/v1/auth/login).
        #[arg(long, env = "FRONTDESK_TOKEN", hide_env_values = true)]
        token: String,
        /// Template name; default: the visitor type's.
        #[arg(long)]
        template: Option<String>,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Render a sample badge locally, to test a printer without a server: to a file (`.pdf`, or
    /// `.png` for the black-and-white raster a label printer gets), or printed on `--printer` in
    /// whatever form it takes.
    Sample {
        #[arg(long, default_value = "label-62x100")]
        template: String,
        #[arg(long, default_value = "Zoë Ødegård-李")]
        name: String,
        #[arg(short, long, required_unless_present = "printer")]
        output: Option<PathBuf>,
        /// Print it here (ipp://…, zpl://host:9100).
        #[arg(long)]
        printer: Option<String>,
        /// The raster's resolution for a `.png` output.
        #[arg(long, default_value_t = 300)]
        dpi: u32,
    },
    /// List the badge templates.
    Templates,
}

/// Where the portal service is.
#[derive(clap::Args)]
struct Portal {
    /// The portal service, e.g. http://127.0.0.1:8780.
    #[arg(
        long,
        env = "FRONTDESK_SERVER",
        default_value = "http://127.0.0.1:8780"
    )]
    server: String,
}

#[derive(Subcommand)]
enum EncoderCommand {
    /// List the card encoders (PC/SC readers) attached.
    List,
}

#[derive(Subcommand)]
enum PrinterCommand {
    /// Show printers: those a CUPS server offers, and any given by address.
    List {
        /// A CUPS server to ask, e.g. ipp://localhost:631/.
        #[arg(long)]
        cups: Option<String>,
        /// A printer address to query (repeatable).
        #[arg(long)]
        printer: Vec<String>,
    },
}

/// Errors go to stderr as one line and the exit status is 1. Returning the error from `main`
/// would print anyhow's report instead: its `Debug` form, with a stack backtrace whenever
/// `RUST_BACKTRACE` is set (as it often is on machines where Rust is built).
fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("frontdesk: {}", sentence(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error as one line: what failed, then the first cause that says why in plain words.
/// The whole chain (`{:#}`) of an HTTP error reads like "error sending request for url (…):
/// client error (Connect): tcp connect error: Connection refused"; its last link is the part
/// an installer can act on.
fn sentence(e: &anyhow::Error) -> String {
    let top = e.to_string();
    let root = e.root_cause().to_string();
    let line = if e.chain().count() > 1 && !top.contains(&root) {
        format!("{top}: {root}")
    } else {
        top
    };
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Badge { command } => badge(command),
        Command::Printers {
            command: PrinterCommand::List { cups, printer },
        } => list_printers(cups, printer),
        Command::Print {
            file,
            printer,
            fallback,
            wait,
        } => print(file, printer, fallback, wait),
        Command::Encoders {
            command: EncoderCommand::List,
        } => {
            for r in PcscEncoder::default().readers()? {
                println!("{r}");
            }
            Ok(())
        }
        Command::Encode {
            reader,
            facility,
            number,
            wait,
            invite,
            portal,
            token,
            local_only,
        } => encode(Encode {
            reader,
            credential: Credential::h10301(facility, number)?,
            wait: Duration::from_secs(wait),
            invite,
            server: portal.server,
            token,
            local_only,
        }),
    }
}

struct Encode {
    reader: String,
    credential: Credential,
    wait: Duration,
    invite: Option<String>,
    server: String,
    token: Option<String>,
    local_only: bool,
}

fn encode(e: Encode) -> anyhow::Result<()> {
    if e.invite.is_some() && e.token.is_none() {
        bail!("--invite needs --token (or FRONTDESK_TOKEN) to reach the portal service");
    }
    let encoder = PcscEncoder::default();
    println!("Place a card on {} …", e.reader);
    let card = encoder.wait_for_card(&e.reader, e.wait)?;
    println!(
        "Card {} found; encoding {} …",
        card.uid,
        e.credential.card_number()
    );
    let done = encoder.encode(&e.reader, e.credential)?;
    println!(
        "Encoded and verified card {} as {} {}",
        done.uid,
        Credential::FORMAT,
        done.credential.card_number()
    );
    let (Some(invite), Some(token)) = (e.invite, e.token) else {
        return Ok(());
    };
    let card = CardRequest {
        number: done.credential.card_number(),
        format: Credential::FORMAT.into(),
        local_only: e.local_only,
    };
    match portal(&e.server, &token)?.assign_card(&invite, &card) {
        Ok(_) => println!("Assigned to invite {invite}."),
        Err(ClientError::Offline(why)) => bail!(
            "the card is encoded, but the portal service at {} cannot be reached to assign it: {why}",
            e.server
        ),
        Err(ClientError::Refused { message, .. }) => {
            bail!("the card is encoded, but the portal did not assign it: {message}")
        }
        Err(other) => {
            return Err(anyhow::Error::new(other).context("the card is encoded, but not assigned"))
        }
    }
    Ok(())
}

/// The portal service at `server`, signed in with `token`. An installer's one-off command waits
/// up to 30 s for the whole exchange, as it always has.
fn portal(server: &str, token: &str) -> anyhow::Result<Client> {
    let wait = Duration::from_secs(30);
    Ok(Client::new(&Transport::new(wait, Some(wait))?, server)?.signed_in(token))
}

fn badge(command: BadgeCommand) -> anyhow::Result<()> {
    match command {
        BadgeCommand::Render {
            invite_id,
            portal: Portal { server },
            token,
            template,
            output,
        } => {
            let params = BadgeParams {
                template,
                dpi: None,
            };
            let pdf = match portal(&server, &token)?.badge(&invite_id, &params, false) {
                Ok(file) => file.bytes,
                Err(ClientError::Offline(why)) => {
                    bail!("cannot reach the portal service at {server}: {why}")
                }
                Err(ClientError::Refused {
                    status, message, ..
                }) => bail!("the portal refused ({status}): {message}"),
                Err(other) => return Err(other.into()),
            };
            std::fs::write(&output, &pdf)
                .with_context(|| format!("cannot write {}", output.display()))?;
            println!(
                "Badge written to {} ({} KB)",
                output.display(),
                pdf.len() / 1024
            );
        }
        BadgeCommand::Sample {
            template,
            name,
            output,
            printer,
            dpi,
        } => {
            let renderer = Renderer::new(None)?;
            let data = BadgeData {
                name,
                company: Some("Sample Company".into()),
                host: "Front desk test".into(),
                tenant: "Sample tenant".into(),
                building: "Sample building".into(),
                visitor_type: "Visitor".into(),
                validity: "Today 09:00 – 18:00".into(),
                photo: None,
                qr: "frontdesk-sample".into(),
            };
            let page = renderer.lay_out(&template, &data)?;
            if let Some(output) = output {
                let png = output
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("png"));
                if png {
                    renderer
                        .raster(&page, dpi, frontdesk_badge::Tone::Bilevel)?
                        .save(&output)
                        .with_context(|| format!("cannot write {}", output.display()))?;
                } else {
                    std::fs::write(&output, renderer.pdf(&page)?)
                        .with_context(|| format!("cannot write {}", output.display()))?;
                }
                println!("Sample badge written to {}", output.display());
            }
            if let Some(uri) = printer {
                let queue = PrintQueue::new(vec![printer::open(&uri, Duration::from_secs(10))?]);
                let doc = LocalBadge {
                    renderer: &renderer,
                    page: &page,
                };
                let done = queue.print(
                    &format!("cli-sample-{}", std::process::id()),
                    &doc,
                    "badge-sample",
                    Duration::from_secs(60),
                )?;
                println!(
                    "Sample badge printed on {} (job {})",
                    done.printer, done.job_id
                );
            }
        }
        BadgeCommand::Templates => {
            for t in Renderer::new(None)?.templates() {
                println!("{:<16} {}", t.name, t.description);
            }
        }
    }
    Ok(())
}

/// A badge rendered here, in whichever form the printer takes.
struct LocalBadge<'a> {
    renderer: &'a Renderer,
    page: &'a frontdesk_badge::Page,
}

impl PrintDocument for LocalBadge<'_> {
    fn size_mm(&self) -> (f32, f32) {
        (self.page.width_mm, self.page.height_mm)
    }

    fn pdf(&self) -> Result<Vec<u8>, String> {
        self.renderer.pdf(self.page).map_err(|e| e.to_string())
    }

    fn raster(&self, dpi: u32) -> Result<RasterPage, String> {
        let img = self
            .renderer
            .raster(self.page, dpi, frontdesk_badge::Tone::Bilevel)
            .map_err(|e| e.to_string())?;
        Ok(RasterPage {
            width: img.width(),
            height: img.height(),
            dpi,
            pixels: img.into_raw(),
        })
    }
}

fn list_printers(cups: Option<String>, addresses: Vec<String>) -> anyhow::Result<()> {
    let timeout = Duration::from_secs(5);
    let mut found = vec![];
    if let Some(server) = cups {
        found.extend(printer::discover_cups(&server, timeout)?);
    }
    for a in addresses {
        match printer::open(&a, timeout).and_then(|p| p.status()) {
            Ok(s) => found.push(s),
            Err(e) => println!("{a}\n  not usable: {e}"),
        }
    }
    if found.is_empty() {
        println!(
            "No printers found. Give --cups ipp://host:631/ or --printer ipp://host/ipp/print."
        );
    }
    for s in found {
        println!("{} {}", s.uri, s.name.as_deref().unwrap_or(""));
        if let Some(model) = &s.model {
            println!("  model: {model}");
        }
        println!(
            "  state {:?}, reasons {}, accepting jobs: {}",
            s.state,
            s.reasons.join(", "),
            if s.accepting { "yes" } else { "no" }
        );
        match &s.send_as {
            Some(f) => println!("  badges are sent as: {f}"),
            None => println!("  badges are sent as: nothing it takes"),
        }
        println!("  labels loaded: {}", s.loaded_text());
        println!("  formats: {}", s.formats.join(", "));
        println!("  media: {}", s.media.join(", "));
        match s.problem() {
            Some(p) => println!("  NOT READY: {p}"),
            None => println!("  ready for badges"),
        }
    }
    Ok(())
}

fn print(
    file: PathBuf,
    printer: String,
    fallback: Option<String>,
    wait: u64,
) -> anyhow::Result<()> {
    let pdf = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    if !pdf.starts_with(b"%PDF") {
        bail!("{} is not a PDF", file.display());
    }
    let timeout = Duration::from_secs(10);
    let mut printers = vec![printer::open(&printer, timeout)?];
    if let Some(f) = fallback {
        printers.push(printer::open(&f, timeout)?);
    }
    let name = file
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "badge".into());
    let request = format!("cli-{}-{}", std::process::id(), name);
    let done = PrintQueue::new(printers).print(
        &request,
        &PdfDocument::new(pdf),
        &name,
        Duration::from_secs(wait),
    )?;
    println!(
        "Printed on {} (job {}){} in {:.1} s",
        done.printer,
        done.job_id,
        if done.fell_back {
            ", the fallback printer"
        } else {
            ""
        },
        done.completed_after.as_secs_f64()
    );
    Ok(())
}
