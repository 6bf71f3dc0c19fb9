//! Encoding access cards through the real PC/SC stack: pcscd, the vpcd virtual reader and a
//! virtual MIFARE Classic card.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::pcsc_sim;

use std::time::Duration;

use frontdesk_devices::encoder::{
    CardEncoder, Credential, EncodeError, PcscEncoder, CREDENTIAL_BLOCK,
};
use pcsc_sim::{Behaviour, Pcscd, VirtualCard, READER};

#[test]
fn a_card_is_encoded_verified_and_a_pulled_card_is_a_clean_failure() {
    let _lock = pcsc_sim::lock();
    let enc = PcscEncoder::default();
    let credential = Credential::h10301(42, 1234).unwrap();

    // No pcscd: a clear message.
    let e = enc.readers().unwrap_err();
    assert_eq!(e, EncodeError::ServiceNotRunning);
    assert!(e.to_string().contains("pcscd"), "{e}");

    let _pcscd = Pcscd::start();
    let readers = enc.readers().unwrap();
    assert!(readers.iter().any(|r| r == READER), "{readers:?}");
    let e = enc
        .wait_for_card("Encoder 9000", Duration::from_millis(100))
        .unwrap_err();
    assert!(
        matches!(e, EncodeError::UnknownReader(..)) && e.to_string().contains(READER),
        "{e}"
    );

    // Nothing on the reader.
    assert_eq!(
        enc.wait_for_card(READER, Duration::from_millis(300))
            .unwrap_err(),
        EncodeError::NoCard
    );

    // A card: its UID, then the credential written and read back.
    let card = VirtualCard::insert([0x04, 0xA1, 0xB2, 0xC3], Behaviour::Good);
    let on = enc.wait_for_card(READER, Duration::from_secs(10)).unwrap();
    assert_eq!(on.uid, "04A1B2C3");
    let done = enc.encode(READER, credential).unwrap();
    assert_eq!(done.uid, "04A1B2C3");
    assert_eq!(done.credential.card_number(), "42-1234");
    let memory = card.remove();
    assert_eq!(
        memory[CREDENTIAL_BLOCK as usize],
        credential.block(),
        "the card holds the credential"
    );

    // A card pulled after authentication, before the write: nothing is encoded.
    let card = VirtualCard::insert([0x04, 0x11, 0x22, 0x33], Behaviour::PulledAfter(3));
    enc.wait_for_card(READER, Duration::from_secs(10)).unwrap();
    let e = enc.encode(READER, credential).unwrap_err();
    assert_eq!(e, EncodeError::CardRemoved, "{e}");
    assert!(e.to_string().contains("taken away"));
    assert_eq!(
        card.remove()[CREDENTIAL_BLOCK as usize],
        [0u8; 16],
        "nothing was written"
    );
}
