//! The Frontdesk desktop app: the receptionist's console in a window. Each command is a thin
//! call into [`frontdesk_desk::Console`], run off the window's thread; the rules live there and
//! in the core crates.
//!
//! Environment: `FRONTDESK_DESK_DIR` (the desk's data folder; default: the app data folder),
//! `FRONTDESK_DESK_EXPORT_DIR` (where CSV exports go; default: Downloads), and
//! `FRONTDESK_DESK_TIMING=1`, which prints `first-screen <ms>` when the first screen is drawn
//! (the start-up benchmark reads it), and `FRONTDESK_DESK_MOCK_CAMERA=1`, which gives the page
//! WebKit's mock camera (the kiosk's tests have no camera).
//!
//! `--kiosk` starts the lobby kiosk locked down, whatever the desk's setting (once a PIN exists).

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::Instant;

use frontdesk_api::{
    ArrivalNeeds, Event, FlowAnswers, Host, HostDraft, HostHit, HostPage, ImportReport, InviteView,
    Resent, Summary, WalkInFlow, WalkInPlaces,
};
use frontdesk_core::{LocationSettings, Origin};
use frontdesk_desk::Console;
use frontdesk_desk::{
    BadgePrinted, CreatedInvite, DeskError, DeskState, Devices, EncodedCard, ExportedCsv,
    InviteRow, Kiosk, KioskProblem, KioskSetup, KioskWalkIn, Session, StartInfo, WalkInOutcome,
};
use frontdesk_store::actions::{CardRequest, DirectoryEntry, NewInvite, VisitorPatch};
use frontdesk_sync::{CachedInvite, Conflict};
use tauri::{AppHandle, Manager, State, WebviewWindow};

/// The console opens in the background (the built-in portal and the cache take a moment), so
/// the window draws at once; commands wait for it.
struct Desk {
    console: Mutex<Option<Result<Arc<Console>, String>>>,
    ready: Condvar,
    /// Set once the app's folders are known (in `setup`).
    export_dir: OnceLock<PathBuf>,
    started: Instant,
}

impl Desk {
    fn console(&self) -> Result<Arc<Console>, DeskError> {
        let mut c = self
            .console
            .lock()
            .map_err(|_| DeskError::Local("the desk's lock is poisoned".into()))?;
        while c.is_none() {
            c = self
                .ready
                .wait(c)
                .map_err(|_| DeskError::Local("the desk's lock is poisoned".into()))?;
        }
        match c.as_ref() {
            Some(Ok(console)) => Ok(console.clone()),
            Some(Err(e)) => Err(DeskError::Local(e.clone())),
            None => Err(DeskError::Local("the desk did not start".into())),
        }
    }
}

type Shared<'a> = State<'a, Arc<Desk>>;
type Answer<T> = Result<T, DeskError>;

/// Run `f` on the console, off the window's thread (the console blocks on the network and disk).
async fn on<T: Send + 'static>(
    desk: &Arc<Desk>,
    f: impl FnOnce(&Console) -> Answer<T> + Send + 'static,
) -> Answer<T> {
    let desk = desk.clone();
    tauri::async_runtime::spawn_blocking(move || f(desk.console()?.as_ref()))
        .await
        .map_err(|e| DeskError::Local(e.to_string()))?
}

#[tauri::command]
async fn start_info(desk: Shared<'_>) -> Answer<StartInfo> {
    on(&desk, |c| Ok(c.start_info())).await
}

#[tauri::command]
async fn sign_in(desk: Shared<'_>, email: String, password: String) -> Answer<Session> {
    on(&desk, move |c| c.sign_in(&email, &password)).await
}

#[tauri::command]
async fn sign_in_demo(desk: Shared<'_>, email: String) -> Answer<Session> {
    on(&desk, move |c| c.sign_in_demo(&email)).await
}

#[tauri::command]
async fn connect(
    desk: Shared<'_>,
    server: String,
    email: String,
    password: String,
) -> Answer<Session> {
    on(&desk, move |c| c.connect(&server, &email, &password)).await
}

#[tauri::command]
async fn use_built_in(desk: Shared<'_>) -> Answer<()> {
    on(&desk, |c| c.use_built_in()).await
}

#[tauri::command]
async fn sign_out(desk: Shared<'_>) -> Answer<()> {
    on(&desk, |c| c.sign_out()).await
}

#[tauri::command]
async fn desk_state(desk: Shared<'_>) -> Answer<DeskState> {
    on(&desk, |c| c.state()).await
}

#[tauri::command]
async fn today(desk: Shared<'_>, origin: Option<Origin>) -> Answer<Vec<InviteRow>> {
    on(&desk, move |c| c.today(origin)).await
}

#[tauri::command]
async fn search(desk: Shared<'_>, q: String) -> Answer<Vec<InviteRow>> {
    on(&desk, move |c| c.search(&q)).await
}

#[tauri::command]
async fn scan(desk: Shared<'_>, code: String) -> Answer<CachedInvite> {
    on(&desk, move |c| c.scan(&code)).await
}

#[tauri::command]
async fn invite(desk: Shared<'_>, id: String) -> Answer<CachedInvite> {
    on(&desk, move |c| c.invite(&id)).await
}

#[tauri::command]
async fn arrive(desk: Shared<'_>, id: String) -> Answer<CachedInvite> {
    on(&desk, move |c| c.arrive(&id)).await
}

#[tauri::command]
async fn check_out(desk: Shared<'_>, id: String) -> Answer<CachedInvite> {
    on(&desk, move |c| c.check_out(&id)).await
}

#[tauri::command]
async fn cancel(desk: Shared<'_>, id: String) -> Answer<CachedInvite> {
    on(&desk, move |c| c.cancel(&id)).await
}

#[tauri::command]
async fn conflicts(desk: Shared<'_>) -> Answer<Vec<Conflict>> {
    on(&desk, |c| c.conflicts()).await
}

#[tauri::command]
async fn sync_now(desk: Shared<'_>) -> Answer<()> {
    on(&desk, |c| c.sync_now()).await
}

#[tauri::command]
async fn resend(desk: Shared<'_>, id: String) -> Answer<Resent> {
    on(&desk, move |c| c.resend(&id)).await
}

#[tauri::command]
async fn change_validity(
    desk: Shared<'_>,
    id: String,
    valid_from: String,
    valid_to: String,
) -> Answer<InviteView> {
    on(&desk, move |c| {
        c.change_validity(&id, &valid_from, &valid_to)
    })
    .await
}

#[tauri::command]
async fn update_visitor(desk: Shared<'_>, id: String, patch: VisitorPatch) -> Answer<InviteView> {
    on(&desk, move |c| c.update_visitor(&id, &patch)).await
}

#[tauri::command]
async fn assign_card(desk: Shared<'_>, id: String, card: CardRequest) -> Answer<InviteView> {
    on(&desk, move |c| c.assign_card(&id, &card)).await
}

#[tauri::command]
async fn activity(desk: Shared<'_>, id: String) -> Answer<Vec<Event>> {
    on(&desk, move |c| c.activity(&id)).await
}

#[tauri::command]
async fn summary(desk: Shared<'_>, origin: Option<Origin>) -> Answer<Summary> {
    on(&desk, move |c| c.summary(origin)).await
}

#[tauri::command]
async fn directory(desk: Shared<'_>) -> Answer<Vec<DirectoryEntry>> {
    on(&desk, |c| c.directory()).await
}

#[tauri::command]
async fn hosts(desk: Shared<'_>, q: String) -> Answer<Vec<HostHit>> {
    on(&desk, move |c| c.hosts(&q)).await
}

#[tauri::command]
async fn directory_hosts(desk: Shared<'_>, q: String) -> Answer<HostPage> {
    on(&desk, move |c| c.directory_hosts(&q)).await
}

#[tauri::command]
async fn save_host(desk: Shared<'_>, id: Option<String>, draft: HostDraft) -> Answer<Host> {
    on(&desk, move |c| c.save_host(id.as_deref(), &draft)).await
}

#[tauri::command]
async fn import_hosts(desk: Shared<'_>, csv: String, dry_run: bool) -> Answer<ImportReport> {
    on(&desk, move |c| c.import_hosts(&csv, dry_run)).await
}

#[tauri::command]
async fn create_invite(desk: Shared<'_>, invite: NewInvite) -> Answer<CreatedInvite> {
    on(&desk, move |c| c.create_invite(&invite)).await
}

#[tauri::command]
async fn location_settings(desk: Shared<'_>) -> Answer<LocationSettings> {
    on(&desk, |c| c.location_settings()).await
}

#[tauri::command]
async fn save_location_settings(
    desk: Shared<'_>,
    settings: LocationSettings,
) -> Answer<LocationSettings> {
    on(&desk, move |c| c.save_location_settings(&settings)).await
}

#[tauri::command]
async fn export_csv(desk: Shared<'_>, origin: Option<Origin>) -> Answer<ExportedCsv> {
    let dir = desk.export_dir.get().cloned().unwrap_or_default();
    on(&desk, move |c| c.export_csv(origin, &dir)).await
}

#[tauri::command]
async fn devices(desk: Shared<'_>) -> Answer<Devices> {
    on(&desk, |c| Ok(c.devices())).await
}

#[tauri::command]
async fn set_devices(desk: Shared<'_>, devices: Devices) -> Answer<Devices> {
    on(&desk, move |c| c.set_devices(devices)).await
}

/// The receptionist has a few seconds to put the card on the encoder.
const CARD_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

#[tauri::command]
async fn encode_card(desk: Shared<'_>, facility: u16, number: u32) -> Answer<EncodedCard> {
    on(&desk, move |c| c.encode_card(facility, number, CARD_WAIT)).await
}

#[tauri::command]
async fn print_badge(desk: Shared<'_>, id: String, request: String) -> Answer<BadgePrinted> {
    on(&desk, move |c| c.print_badge_timed(&id, &request)).await
}

#[tauri::command]
async fn kiosk(desk: Shared<'_>) -> Answer<Kiosk> {
    on(&desk, |c| Ok(c.kiosk())).await
}

#[tauri::command]
async fn set_kiosk(app: AppHandle, desk: Shared<'_>, setup: KioskSetup) -> Answer<Kiosk> {
    let k = on(&desk, move |c| c.set_kiosk(setup)).await?;
    lockdown(&app, k.locked);
    Ok(k)
}

#[tauri::command]
async fn leave_kiosk(app: AppHandle, desk: Shared<'_>, pin: String) -> Answer<Kiosk> {
    let k = on(&desk, move |c| c.leave_kiosk(&pin)).await?;
    lockdown(&app, k.locked);
    Ok(k)
}

#[tauri::command]
async fn walk_in_places(desk: Shared<'_>) -> Answer<WalkInPlaces> {
    on(&desk, |c| c.walk_in_places()).await
}

#[tauri::command]
async fn walk_in_flow(
    desk: Shared<'_>,
    location_id: String,
    visitor_type_id: Option<String>,
) -> Answer<WalkInFlow> {
    on(&desk, move |c| {
        c.walk_in_flow(&location_id, visitor_type_id.as_deref())
    })
    .await
}

#[tauri::command]
async fn walk_in(desk: Shared<'_>, walk_in: KioskWalkIn) -> Answer<WalkInOutcome> {
    on(&desk, move |c| c.walk_in(walk_in)).await
}

#[tauri::command]
async fn arrival_needs(desk: Shared<'_>, id: String) -> Answer<ArrivalNeeds> {
    on(&desk, move |c| c.arrival_needs(&id)).await
}

#[tauri::command]
async fn give_arrival_needs(
    desk: Shared<'_>,
    id: String,
    given: FlowAnswers,
) -> Answer<ArrivalNeeds> {
    on(&desk, move |c| c.give_arrival_needs(&id, &given)).await
}

#[tauri::command]
async fn desk_alert(
    desk: Shared<'_>,
    id: String,
    problem: KioskProblem,
    detail: String,
) -> Answer<()> {
    on(&desk, move |c| c.desk_alert(&id, problem, &detail)).await
}

#[tauri::command]
async fn clear_desk_alert(desk: Shared<'_>, id: String) -> Answer<InviteView> {
    on(&desk, move |c| c.clear_desk_alert(&id)).await
}

/// Lock the window down for the kiosk, or give it back to the receptionist: full screen and on
/// top, no title bar to close it by, and no web inspector. Closing is refused in
/// `on_window_event`, leaving the app's pages in `on_navigation`, and the keys and the context
/// menu by the kiosk's page.
fn lockdown(app: &AppHandle, locked: bool) {
    let Some(w) = app.get_webview_window("main") else {
        return;
    };
    let _ = w.set_fullscreen(locked);
    let _ = w.set_always_on_top(locked);
    let _ = w.set_decorations(!locked);
    // Full screen is a request to the window manager, and many kiosk PCs run none: the window
    // also covers its screen itself.
    if locked {
        if let Ok(Some(m)) = w.current_monitor() {
            let _ = w.set_position(*m.position());
            let _ = w.set_size(*m.size());
        }
    } else {
        let _ = w.set_size(tauri::LogicalSize::new(1280.0, 860.0));
        let _ = w.center();
    }
    #[cfg(target_os = "linux")]
    let _ = w.with_webview(move |wv| {
        use webkit2gtk::{SettingsExt, WebViewExt};
        if let Some(settings) = WebViewExt::settings(&wv.inner()) {
            // Debug builds have the inspector (Tauri turns it on); a kiosk never has.
            settings.set_enable_developer_extras(!locked && cfg!(debug_assertions));
        }
    });
}

/// The camera for the visitor's photo: the page may have the camera (video only; no
/// microphone, location or notifications), and tests get WebKit's mock camera.
#[cfg(target_os = "linux")]
fn camera(w: &WebviewWindow) {
    let mock = std::env::var_os("FRONTDESK_DESK_MOCK_CAMERA").is_some();
    let _ = w.with_webview(move |wv| {
        use webkit2gtk::{
            glib::prelude::Cast, PermissionRequestExt, SettingsExt, UserMediaPermissionRequest,
            UserMediaPermissionRequestExt, WebViewExt,
        };
        let view = wv.inner();
        if let Some(settings) = WebViewExt::settings(&view) {
            settings.set_enable_media_stream(true);
            if mock {
                settings.set_enable_mock_capture_devices(true);
            }
        }
        view.connect_permission_request(|_, request| {
            match request.downcast_ref::<UserMediaPermissionRequest>() {
                Some(m) if m.is_for_video_device() && !m.is_for_audio_device() => request.allow(),
                _ => request.deny(),
            }
            true
        });
    });
}

#[cfg(not(target_os = "linux"))]
fn camera(_: &WebviewWindow) {}

/// The app's own pages are the only ones the window shows: a link, a script or a typed address
/// cannot take the console or the kiosk to another site.
fn own_page(url: &tauri::Url) -> bool {
    matches!(
        (url.scheme(), url.host_str()),
        ("tauri", Some("localhost")) | ("http" | "https", Some("tauri.localhost"))
    )
}

/// Whether the desk is a locked kiosk now (not yet known while it opens: then it is not).
fn locked(app: &AppHandle) -> bool {
    let desk = app.state::<Arc<Desk>>();
    let opened = desk.console.try_lock().ok().and_then(|c| match c.as_ref() {
        Some(Ok(c)) => Some(c.clone()),
        _ => None,
    });
    opened.is_some_and(|c| c.kiosk_locked())
}

/// The window has drawn its first screen.
#[tauri::command]
fn first_screen(desk: Shared<'_>) {
    if std::env::var_os("FRONTDESK_DESK_TIMING").is_some() {
        println!("first-screen {}", desk.started.elapsed().as_millis());
    }
}

/// A front-desk PC runs this all day beside other things, so the app keeps its memory small:
/// - glibc otherwise raises its mmap threshold after the first large free (the built-in portal
///   hashes demo passwords with argon2, 19 MiB each) and keeps such blocks in per-thread arenas
///   for good: 50–60 MiB of the app's idle memory;
/// - WebKit's accelerated compositing costs the page's process about 90 MiB, and the console
///   has nothing that needs it. `WEBKIT_DISABLE_COMPOSITING_MODE=0` in the environment keeps it.
fn keep_memory_small() {
    #[cfg(target_os = "linux")]
    // SAFETY: mallopt only changes allocator parameters; called first thing in main, before any
    // other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

/// Files the process creates are its user's alone. The desk creates its own files 0600 anyway
/// (`frontdesk_desk`'s data folder); this covers what it does not create itself, such as
/// WebKit's storage in the same app data folder.
fn private_files() {
    #[cfg(target_os = "linux")]
    // SAFETY: umask only sets this process's file-creation mask; called first thing in main.
    unsafe {
        libc::umask(0o077);
    }
}

fn main() {
    let started = Instant::now();
    private_files();
    keep_memory_small();
    let desk = Arc::new(Desk {
        console: Mutex::new(None),
        ready: Condvar::new(),
        export_dir: OnceLock::new(),
        started,
    });
    let for_setup = desk.clone();
    let kiosk_option = std::env::args().skip(1).any(|a| a == "--kiosk");
    tauri::Builder::default()
        .manage(desk)
        .plugin(
            tauri::plugin::Builder::<tauri::Wry>::new("own-pages")
                .on_navigation(|_, url| own_page(url))
                .build(),
        )
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                if locked(window.app_handle()) {
                    api.prevent_close();
                }
            }
        })
        .setup(move |app| {
            let dir = std::env::var_os("FRONTDESK_DESK_DIR")
                .map(PathBuf::from)
                .or_else(|| app.path().app_data_dir().ok())
                .unwrap_or_else(|| PathBuf::from("frontdesk-desk"));
            let exports = std::env::var_os("FRONTDESK_DESK_EXPORT_DIR")
                .map(PathBuf::from)
                .or_else(|| app.path().download_dir().ok())
                .unwrap_or_else(|| dir.join("exports"));
            let _ = for_setup.export_dir.set(exports);
            if let Some(w) = app.get_webview_window("main") {
                camera(&w);
            }
            let desk = for_setup.clone();
            let handle = app.handle().clone();
            std::thread::Builder::new()
                .name("desk-open".into())
                .spawn(move || {
                    let opened = Console::open(&dir).map(Arc::new).map_err(|e| e.to_string());
                    if let Ok(c) = &opened {
                        if kiosk_option {
                            c.force_kiosk();
                        }
                        if c.kiosk_locked() {
                            lockdown(&handle, true);
                        }
                    }
                    if let Ok(mut c) = desk.console.lock() {
                        *c = Some(opened);
                        desk.ready.notify_all();
                    }
                })?;
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            start_info,
            sign_in,
            sign_in_demo,
            connect,
            use_built_in,
            sign_out,
            desk_state,
            today,
            search,
            scan,
            invite,
            arrive,
            check_out,
            cancel,
            conflicts,
            sync_now,
            resend,
            change_validity,
            update_visitor,
            assign_card,
            activity,
            summary,
            directory,
            hosts,
            directory_hosts,
            save_host,
            import_hosts,
            create_invite,
            location_settings,
            save_location_settings,
            export_csv,
            devices,
            set_devices,
            print_badge,
            encode_card,
            kiosk,
            set_kiosk,
            leave_kiosk,
            walk_in_places,
            walk_in_flow,
            walk_in,
            arrival_needs,
            give_arrival_needs,
            desk_alert,
            clear_desk_alert,
            first_screen,
        ])
        .run(tauri::generate_context!())
        .expect("the desk app failed to start");
}
