use ts_rs::TS;

use crate::logs::LogPage;
use crate::*;

/// The TypeScript declarations of every type on the wire, in one module
/// (`ui/src/generated/api-types.ts`).
pub fn typescript() -> String {
    let decls = [
        // The core's types, as they travel.
        PortalKind::decl(),
        Portal::decl(),
        Origin::decl(),
        InviteStatus::decl(),
        VisitAction::decl(),
        Role::decl(),
        Visitor::decl(),
        CardStatus::decl(),
        LocationSettings::decl(),
        NotSyncedReason::decl(),
        QuestionKind::decl(),
        Question::decl(),
        QuestionDraft::decl(),
        VisitorType::decl(),
        FlowQuestion::decl(),
        FlowNda::decl(),
        Flow::decl(),
        Answer::decl(),
        // This crate's.
        ErrorBody::decl(),
        ErrorDetail::decl(),
        Login::decl(),
        User::decl(),
        SignedIn::decl(),
        PasswordChange::decl(),
        PasswordChanged::decl(),
        NewUser::decl(),
        AccountState::decl(),
        Building::decl(),
        Tenant::decl(),
        Location::decl(),
        DirectoryEntry::decl(),
        TenantLink::decl(),
        NewBuilding::decl(),
        NewTenant::decl(),
        NewLocation::decl(),
        NewLink::decl(),
        NewVisitorType::decl(),
        Profile::decl(),
        CardView::decl(),
        InviteView::decl(),
        Event::decl(),
        NotificationState::decl(),
        Notification::decl(),
        VisitorInput::decl(),
        NewInvite::decl(),
        SyncStatus::decl(),
        SyncReason::decl(),
        SyncOutcome::decl(),
        Created::decl(),
        VisitorUpdateScope::decl(),
        VisitorPatch::decl(),
        CardRequest::decl(),
        Validity::decl(),
        Cancel::decl(),
        Resent::decl(),
        LogEntry::decl(),
        LogPage::decl(),
        Summary::decl(),
        ReportRow::decl(),
        Change::decl(),
        ChangesPage::decl(),
        ClientMutation::decl(),
        Push::decl(),
        MutationResult::decl(),
        MutationOutcome::decl(),
        Applied::decl(),
        PushResults::decl(),
        VisitorFields::decl(),
        RegistrationView::decl(),
        SubmittedVisitor::decl(),
        Submission::decl(),
        Submitted::decl(),
        StoredAnswer::decl(),
        NdaAcceptance::decl(),
        RegistrationRecord::decl(),
        Printed::decl(),
    ];
    let mut out = String::from(
        "// Generated from the Rust types of frontdesk-api by `cargo test -p frontdesk-api --test typescript`\n\
         // (FRONTDESK_WRITE_TYPES=1 rewrites it). Do not edit by hand.\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out
}
