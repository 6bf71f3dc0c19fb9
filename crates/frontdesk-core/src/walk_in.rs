//! Walk-ins and short check-in codes: the rules a lobby kiosk and the portal share.
//!
//! - A visit's **short code** is what a visitor types at the kiosk when they cannot scan their
//!   QR code: six characters from an alphabet without the look-alikes (0/O, 1/I/L, 5/S, 2/Z),
//!   shared by both invites of a pair. [`normalise_short_code`] is how a typed code is read, by
//!   the portal and by the desk's cache alike.
//! - A **walk-in**'s time is when the visitor arrived on the desk, which may push it later
//!   (after being offline): never in the future, and refused once too old ([`walk_in_time`]).
//!   Its invite is valid from then to the end of the building's local day
//!   ([`walk_in_validity`]).

use chrono::{Duration, NaiveTime, TimeZone};

use crate::{to_stored_precision, DomainError, Timestamp};

/// The characters of a short code: no 0/O, 1/I/L, 5/S, 2/Z (nor B/8), so a code read aloud or
/// in a poor font is never mistaken.
pub const SHORT_CODE_ALPHABET: &[u8; 25] = b"ACDEFGHJKMNPQRTUVWXY34679";
pub const SHORT_CODE_LEN: usize = 6;

/// A short code from random bytes (from the operating system's source, as secrets are): each
/// byte below the largest multiple of the alphabet's size picks one character, so every
/// character is equally likely. None when the bytes ran out first.
pub fn short_code_from(random: impl IntoIterator<Item = u8>) -> Option<String> {
    let n = SHORT_CODE_ALPHABET.len();
    let limit = (256 / n * n) as u8;
    let code: String = random
        .into_iter()
        .filter(|b| *b < limit)
        .take(SHORT_CODE_LEN)
        .map(|b| SHORT_CODE_ALPHABET[usize::from(b) % n] as char)
        .collect();
    (code.len() == SHORT_CODE_LEN).then_some(code)
}

/// A typed code as it is stored: case ignored, spaces and dashes dropped (`"k7m-4qx "` reads
/// `K7M4QX`). None when what remains cannot be a code (wrong length, a character outside the
/// alphabet), so a search can tell a code from a name.
pub fn normalise_short_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '‐' | '‑' | '–' | '—'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let fits =
        code.len() == SHORT_CODE_LEN && code.bytes().all(|b| SHORT_CODE_ALPHABET.contains(&b));
    fits.then_some(code)
}

/// How old a walk-in a desk pushes may be.
pub const WALK_IN_MAX_AGE_HOURS: i64 = 24;

/// The time a walk-in is recorded at: when the desk says the visitor arrived, never later than
/// `now`, refused when more than [`WALK_IN_MAX_AGE_HOURS`] old.
pub fn walk_in_time(arrived_at: Timestamp, now: Timestamp) -> Result<Timestamp, DomainError> {
    let at = to_stored_precision(arrived_at.min(now));
    if at < now - Duration::hours(WALK_IN_MAX_AGE_HOURS) {
        return Err(DomainError::invalid(
            "walk_in_too_old",
            format!(
                "This walk-in arrived more than {WALK_IN_MAX_AGE_HOURS} hours ago and can no longer be recorded: invite the visitor instead."
            ),
        ));
    }
    Ok(at)
}

/// A walk-in's invite is valid from its arrival to the end of that day in the building's time
/// zone (the next local midnight; `tz` as the building stores it, UTC when unknown).
pub fn walk_in_validity(at: Timestamp, tz: &str) -> (Timestamp, Timestamp) {
    let zone = crate::messages::zone(tz);
    let next_day = at.with_timezone(&zone).date_naive() + Duration::days(1);
    let midnight = next_day.and_time(NaiveTime::MIN);
    // A zone whose midnight is skipped (a change of clocks at 00:00) ends the day at the first
    // instant after it.
    let end = zone
        .from_local_datetime(&midnight)
        .earliest()
        .or_else(|| {
            zone.from_local_datetime(&(midnight + Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or(at + Duration::hours(24));
    (at, to_stored_precision(end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn codes_use_the_alphabet_evenly_and_need_enough_bytes() {
        let code = short_code_from([0u8, 24, 25, 249, 250, 255, 7, 8]).expect("enough bytes");
        // 250 and 255 are above the last whole round of the alphabet: skipped.
        assert_eq!(code, "A9A9JK");
        assert_eq!(short_code_from([1u8, 2, 3]), None);
        assert_eq!(short_code_from([255u8; 40]), None);
        for c in ['0', 'O', '1', 'I', 'L', '5', 'S', '2', 'Z'] {
            assert!(!SHORT_CODE_ALPHABET.contains(&(c as u8)), "{c}");
        }
    }

    #[test]
    fn typed_codes_ignore_case_spaces_and_dashes() {
        assert_eq!(normalise_short_code("k7m-4qx ").as_deref(), Some("K7M4QX"));
        assert_eq!(normalise_short_code(" K7M 4QX").as_deref(), Some("K7M4QX"));
        assert_eq!(normalise_short_code("k7m–4qx").as_deref(), Some("K7M4QX"));
        assert_eq!(normalise_short_code("K7M4Q"), None, "too short");
        assert_eq!(normalise_short_code("K7M4QXA"), None, "too long");
        assert_eq!(normalise_short_code("K0M4QX"), None, "0 is never in a code");
        assert_eq!(normalise_short_code("Zoë"), None);
        assert_eq!(normalise_short_code("ÄCDEFG"), None);
    }

    #[test]
    fn a_walk_in_is_never_in_the_future_nor_a_day_old() {
        let now = Utc::now();
        assert_eq!(
            walk_in_time(now + Duration::minutes(5), now).expect("clamped"),
            to_stored_precision(now)
        );
        let late = now - Duration::hours(3);
        assert_eq!(
            walk_in_time(late, now).expect("pushed late"),
            to_stored_precision(late)
        );
        let e = walk_in_time(now - Duration::days(2), now).expect_err("too old");
        assert_eq!(e.code(), "walk_in_too_old");
        assert!(e.to_string().contains("24 hours"), "{e}");
    }

    #[test]
    fn valid_to_the_end_of_the_buildings_day() {
        let utc = |d, h| {
            Utc.with_ymd_and_hms(2026, 3, d, h, 0, 0)
                .single()
                .expect("t")
        };
        let at = utc(10, 22) + Duration::minutes(30);
        // 22:30 in London (still GMT in early March): the day ends at midnight. Already the
        // 11th in Tokyo (07:30): the 11th's local midnight. An unknown zone is UTC.
        for (tz, end) in [
            ("Europe/London", utc(11, 0)),
            ("Asia/Tokyo", utc(11, 15)),
            ("Not/AZone", utc(11, 0)),
        ] {
            assert_eq!(walk_in_validity(at, tz), (at, end), "{tz}");
        }
    }
}
