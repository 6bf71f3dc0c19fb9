//! Encoding an access card from the desktop app through the real PC/SC stack (pcscd with the
//! vpcd virtual reader and a virtual MIFARE Classic card written in the test), then assigning it
//! to the visit on both portals. One pcscd serves the machine: the test holds its lock.
#![allow(clippy::unwrap_used)]

mod desktop;
use frontdesk_testkit::pcsc_sim;

use desktop::Desktop;
use frontdesk_devices::encoder::{Credential, CREDENTIAL_BLOCK};
use pcsc_sim::{Behaviour, Pcscd, VirtualCard, READER};

#[test]
fn a_card_encoded_at_the_desk_is_assigned_to_the_visit() {
    let _pcsc = pcsc_sim::lock();
    let _pcscd = Pcscd::start();
    let card = VirtualCard::insert([0x04, 0x5E, 0xA7, 0x01], Behaviour::Good);
    let desktop = Desktop::start();
    let app = desktop.open();
    app.click("button.demo[data-email='lobby@harbour.demo']");
    app.wait_until("the encoder ready", 20, |a| {
        a.text("#encoder-state") == format!("Encoder ready ({READER})")
    });
    app.type_into("#search", "Ada Lovelace");
    app.wait_until("the visitor listed", 10, |a| a.exists("#invites .row"));
    app.click("#invites .row");
    app.click("#card-box summary");
    app.type_into("#card-facility", "42");
    app.type_into("#encode-number", "1234");
    app.click("#encode-card");
    app.wait_until("the card assigned", 20, |a| {
        a.text("#detail-card").starts_with("42-1234")
    });
    assert!(
        app.text("#detail-card").contains("on both portals"),
        "{}",
        app.text("#detail-card")
    );
    app.screenshot("15-card-encoded");
    app.quit();
    let memory = card.remove();
    assert_eq!(
        memory[CREDENTIAL_BLOCK as usize],
        Credential::h10301(42, 1234).unwrap().block(),
        "the credential is on the card"
    );
}
