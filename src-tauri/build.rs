/// The window may call exactly these commands (see capabilities/desk.json); nothing of Tauri's
/// core or of any plugin is granted.
const COMMANDS: &[&str] = &[
    "start_info",
    "sign_in",
    "sign_in_demo",
    "connect",
    "use_built_in",
    "sign_out",
    "desk_state",
    "today",
    "search",
    "scan",
    "invite",
    "arrive",
    "check_out",
    "cancel",
    "conflicts",
    "sync_now",
    "resend",
    "change_validity",
    "update_visitor",
    "assign_card",
    "activity",
    "summary",
    "directory",
    "hosts",
    "directory_hosts",
    "save_host",
    "import_hosts",
    "create_invite",
    "location_settings",
    "save_location_settings",
    "export_csv",
    "devices",
    "set_devices",
    "print_badge",
    "encode_card",
    "kiosk",
    "set_kiosk",
    "leave_kiosk",
    "walk_in_places",
    "walk_in_flow",
    "walk_in",
    "arrival_needs",
    "give_arrival_needs",
    "desk_alert",
    "clear_desk_alert",
    "first_screen",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step failed");
}
