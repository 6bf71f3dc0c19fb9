//! Card encoders over PC/SC: list readers, wait for a card, read its UID, write the visitor's
//! credential and read it back. The PC/SC one speaks the contactless pseudo-APDUs that USB
//! encoders (ACR122 class and PC/SC 2.01 part 3 readers) offer for MIFARE Classic cards.
//! A card taken away mid-way is a clean failure: nothing is reported as encoded.

use std::ffi::CString;
use std::time::Duration;

use pcsc::{
    Context, Disposition, Protocols, ReaderState, Scope, ShareMode, State, MAX_BUFFER_SIZE,
};
use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum EncodeError {
    #[error(
        "The card reader service is not running. Start it (systemctl start pcscd) and try again."
    )]
    ServiceNotRunning,
    #[error("No card encoder is connected. Plug it in and try again.")]
    NoReaders,
    #[error("There is no card encoder called {0:?}. Choose one of: {1}.")]
    UnknownReader(String, String),
    #[error("No card was put on the encoder. Place a card on it and try again.")]
    NoCard,
    #[error("The card was taken away before encoding finished. Put it back on the encoder and try again.")]
    CardRemoved,
    #[error("This card cannot be used: {0}. Try another card.")]
    CardRefused(String),
    #[error(
        "What was written to the card did not read back the same. Try again, or use another card."
    )]
    VerifyFailed,
    #[error("The credential is not valid: {0}")]
    InvalidCredential(String),
    #[error("The card encoder failed: {0}")]
    Reader(String),
}

/// A physical access credential in the building's card format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Credential {
    /// HID H10301 26-bit: facility code 0–255, card number 0–65535.
    pub facility: u16,
    pub number: u32,
}

impl Credential {
    pub const FORMAT: &'static str = "H10301";

    pub fn h10301(facility: u16, number: u32) -> Result<Self, EncodeError> {
        if facility > 255 || number > 65_535 {
            return Err(EncodeError::InvalidCredential(
                "H10301 takes a facility code of 0 to 255 and a card number of 0 to 65535".into(),
            ));
        }
        Ok(Self { facility, number })
    }

    /// The card's block: "FD", layout version, format 1 (H10301), facility, number, CRC-16.
    pub fn block(&self) -> [u8; 16] {
        let mut b = [0u8; 16];
        b[0..2].copy_from_slice(b"FD");
        b[2] = 1;
        b[3] = 1;
        b[4..6].copy_from_slice(&self.facility.to_be_bytes());
        b[6..10].copy_from_slice(&self.number.to_be_bytes());
        let crc = crc16(&b[..14]);
        b[14..16].copy_from_slice(&crc.to_be_bytes());
        b
    }

    /// The number the portal's card endpoint records: "facility-number".
    pub fn card_number(&self) -> String {
        format!("{}-{}", self.facility, self.number)
    }
}

/// CRC-16/CCITT-FALSE.
fn crc16(data: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &byte in data {
        crc ^= (byte as u16) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardOnReader {
    pub reader: String,
    /// The card's UID in hex.
    pub uid: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    pub uid: String,
    pub credential: Credential,
}

/// A card encoder family. PC/SC is the real one; others (vendor SDKs) can sit behind the same trait.
pub trait CardEncoder {
    fn readers(&self) -> Result<Vec<String>, EncodeError>;
    fn wait_for_card(&self, reader: &str, timeout: Duration) -> Result<CardOnReader, EncodeError>;
    fn encode(&self, reader: &str, credential: Credential) -> Result<Encoded, EncodeError>;
}

/// The sector trailer's factory key; buildings that use their own keys configure them here.
pub const DEFAULT_KEY: [u8; 6] = [0xFF; 6];
/// Sector 1, block 0: clear of the manufacturer block and of any sector trailer.
pub const CREDENTIAL_BLOCK: u8 = 4;

pub struct PcscEncoder {
    key: [u8; 6],
    block: u8,
}

impl Default for PcscEncoder {
    fn default() -> Self {
        Self {
            key: DEFAULT_KEY,
            block: CREDENTIAL_BLOCK,
        }
    }
}

fn map(e: pcsc::Error) -> EncodeError {
    match e {
        pcsc::Error::NoService | pcsc::Error::ServiceStopped => EncodeError::ServiceNotRunning,
        pcsc::Error::NoReadersAvailable => EncodeError::NoReaders,
        pcsc::Error::NoSmartcard | pcsc::Error::Timeout => EncodeError::NoCard,
        pcsc::Error::RemovedCard | pcsc::Error::ResetCard | pcsc::Error::UnpoweredCard => {
            EncodeError::CardRemoved
        }
        pcsc::Error::UnknownReader | pcsc::Error::ReaderUnavailable => EncodeError::NoReaders,
        other => EncodeError::Reader(other.to_string()),
    }
}

impl PcscEncoder {
    fn context() -> Result<Context, EncodeError> {
        Context::establish(Scope::User).map_err(map)
    }

    fn reader_name(&self, ctx: &Context, reader: &str) -> Result<CString, EncodeError> {
        let readers = self.readers_in(ctx)?;
        if !readers.iter().any(|r| r == reader) {
            return Err(EncodeError::UnknownReader(
                reader.into(),
                readers.join(", "),
            ));
        }
        CString::new(reader)
            .map_err(|_| EncodeError::UnknownReader(reader.into(), readers.join(", ")))
    }

    fn readers_in(&self, ctx: &Context) -> Result<Vec<String>, EncodeError> {
        let mut buf = [0u8; 4096];
        match ctx.list_readers(&mut buf) {
            Ok(names) => Ok(names.map(|n| n.to_string_lossy().into_owned()).collect()),
            Err(pcsc::Error::NoReadersAvailable) => Err(EncodeError::NoReaders),
            Err(e) => Err(map(e)),
        }
    }
}

/// Send one APDU; anything but data + 90 00 is a failure. An answer shorter than the status
/// word is what a card pulled mid-command gives.
fn apdu(card: &pcsc::Card, cmd: &[u8]) -> Result<Vec<u8>, EncodeError> {
    let mut buf = [0u8; MAX_BUFFER_SIZE];
    let resp = card.transmit(cmd, &mut buf).map_err(map)?;
    if resp.len() < 2 {
        return Err(EncodeError::CardRemoved);
    }
    let (data, sw) = resp.split_at(resp.len() - 2);
    if sw != [0x90, 0x00] {
        return Err(EncodeError::CardRefused(format!(
            "status {:02X}{:02X}",
            sw[0], sw[1]
        )));
    }
    Ok(data.to_vec())
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

impl CardEncoder for PcscEncoder {
    fn readers(&self) -> Result<Vec<String>, EncodeError> {
        self.readers_in(&Self::context()?)
    }

    fn wait_for_card(&self, reader: &str, timeout: Duration) -> Result<CardOnReader, EncodeError> {
        let ctx = Self::context()?;
        let name = self.reader_name(&ctx, reader)?;
        let mut states = vec![ReaderState::new(name.clone(), State::UNAWARE)];
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            ctx.get_status_change(left, &mut states).map_err(map)?;
            let ev = states[0].event_state();
            if ev.contains(State::PRESENT) && !ev.contains(State::MUTE) {
                break;
            }
            if left.is_zero() {
                return Err(EncodeError::NoCard);
            }
            states[0].sync_current_state();
        }
        let card = ctx
            .connect(&name, ShareMode::Shared, Protocols::ANY)
            .map_err(map)?;
        let uid = apdu(&card, &[0xFF, 0xCA, 0x00, 0x00, 0x00])?;
        let _ = card.disconnect(Disposition::LeaveCard);
        Ok(CardOnReader {
            reader: reader.into(),
            uid: hex(&uid),
        })
    }

    #[tracing::instrument(skip(self, credential), err(Display))]
    fn encode(&self, reader: &str, credential: Credential) -> Result<Encoded, EncodeError> {
        let ctx = Self::context()?;
        let name = self.reader_name(&ctx, reader)?;
        // Exclusive: no other program talks to the card between authentication and read-back.
        let card = ctx
            .connect(&name, ShareMode::Exclusive, Protocols::ANY)
            .map_err(map)?;
        let uid = apdu(&card, &[0xFF, 0xCA, 0x00, 0x00, 0x00])?;
        let mut load = vec![0xFF, 0x82, 0x00, 0x00, 0x06];
        load.extend(self.key);
        apdu(&card, &load)?;
        apdu(
            &card,
            &[
                0xFF, 0x86, 0x00, 0x00, 0x05, 0x01, 0x00, self.block, 0x60, 0x00,
            ],
        )?;
        let block = credential.block();
        let mut write = vec![0xFF, 0xD6, 0x00, self.block, 0x10];
        write.extend(block);
        apdu(&card, &write)?;
        let back = apdu(&card, &[0xFF, 0xB0, 0x00, self.block, 0x10])?;
        if back != block {
            return Err(EncodeError::VerifyFailed);
        }
        let _ = card.disconnect(Disposition::LeaveCard);
        Ok(Encoded {
            uid: hex(&uid),
            credential,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_credential_block_carries_format_facility_number_and_a_checksum() {
        let c = Credential::h10301(42, 1234).expect("valid");
        let b = c.block();
        assert_eq!(&b[..4], b"FD\x01\x01");
        assert_eq!(u16::from_be_bytes([b[4], b[5]]), 42);
        assert_eq!(u32::from_be_bytes([b[6], b[7], b[8], b[9]]), 1234);
        assert_eq!(u16::from_be_bytes([b[14], b[15]]), crc16(&b[..14]));
        assert_eq!(
            crc16(b"123456789"),
            0x29B1,
            "CRC-16/CCITT-FALSE check value"
        );
        assert!(Credential::h10301(256, 1).is_err());
        assert!(Credential::h10301(1, 65_536).is_err());
    }
}
