//! The desk's print journal against the real printer simulator: a print request never prints
//! twice, and a job sent just before the app closed is followed up after it opens again rather
//! than sent a second time — the journal lives in the desk's SQLite file, not in memory.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use frontdesk_badge::{BadgeData, Renderer};
use frontdesk_desk::print_journal::SqliteJournal;
use frontdesk_devices::journal::{JournalEntry, PrintJournal, PrintState};
use frontdesk_devices::printer::{self, PdfDocument, PrintQueue};
use frontdesk_testkit::printer::Simulator;

const WAIT: Duration = Duration::from_secs(20);

fn badge() -> PdfDocument {
    let pdf = Renderer::new(None)
        .unwrap()
        .render(
            "label-62x100",
            &BadgeData {
                name: "Zoë Ødegård-李".into(),
                host: "Grace Hopper".into(),
                visitor_type: "Visitor".into(),
                qr: "lookup-1".into(),
                ..BadgeData::default()
            },
        )
        .unwrap();
    PdfDocument::new(pdf)
}

/// The app as it starts: a queue on the printer and the journal file.
fn open_desk(sim: &Simulator, db: &std::path::Path) -> (PrintQueue, Arc<SqliteJournal>) {
    let journal = Arc::new(SqliteJournal::open(db).unwrap());
    let printer = printer::open(&sim.uri, Duration::from_secs(5)).unwrap();
    (
        PrintQueue::with_journal(vec![printer], journal.clone()),
        journal,
    )
}

#[test]
fn a_print_request_prints_once_across_restarts_of_the_app() {
    let sim = Simulator::start("JournalPrinter");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("prints.db");
    let doc = badge();

    let (queue, _) = open_desk(&sim, &db);
    let first = queue.print("press-1", &doc, "badge-1", WAIT).unwrap();
    assert!(!first.already);
    assert_eq!(sim.received().len(), 1);
    // The same press again (a double click, a retry after a slow answer): nothing is sent.
    let again = queue.print("press-1", &doc, "badge-1", WAIT).unwrap();
    assert!(again.already);
    assert_eq!(again.job_id, first.job_id);
    drop(queue);

    // The app is closed and opened again: the journal still knows the request printed.
    let (queue, _) = open_desk(&sim, &db);
    let after_restart = queue.print("press-1", &doc, "badge-1", WAIT).unwrap();
    assert!(after_restart.already);
    assert_eq!(sim.received().len(), 1, "printed twice across a restart");
    // A new press is a new badge.
    assert!(
        !queue
            .print("press-2", &doc, "badge-2", WAIT)
            .unwrap()
            .already
    );
    assert_eq!(sim.received().len(), 2);
}

#[test]
fn a_job_sent_just_before_the_app_closed_is_followed_up_not_sent_again() {
    let sim = Simulator::start("FollowUpPrinter");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("prints.db");
    let doc = badge();

    // The app sent the job and recorded it, then closed before seeing it end.
    {
        let (_, journal) = open_desk(&sim, &db);
        let printer = printer::open(&sim.uri, Duration::from_secs(5)).unwrap();
        let status = printer.status().unwrap();
        let job_id = printer.submit(&doc, &status, "badge-3").unwrap();
        journal
            .record(&JournalEntry {
                request_id: "press-3".into(),
                printer: sim.uri.clone(),
                job_id,
                state: PrintState::Sent,
            })
            .unwrap();
    }

    // Opened again: the follow-up learns the job ended, without sending anything.
    let (queue, journal) = open_desk(&sim, &db);
    let deadline = Instant::now() + WAIT;
    let ended = loop {
        let ended = queue.follow_up().unwrap();
        if !ended.is_empty() || Instant::now() > deadline {
            break ended;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0].state, PrintState::Completed);
    assert!(journal.unfinished().unwrap().is_empty());
    // The receptionist presses Print again on that request: it is already printed.
    assert!(
        queue
            .print("press-3", &doc, "badge-3", WAIT)
            .unwrap()
            .already
    );
    assert_eq!(sim.received().len(), 1, "the badge was sent twice");
}
