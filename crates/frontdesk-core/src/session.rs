//! How long a sign-in lasts. A session ends at the first of: its absolute end (set when it was
//! opened), a stretch of idleness, the user being disabled, sign-out, or a password change.

use chrono::Duration;

use crate::Timestamp;

/// The operator's choice of session lengths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session not used for this long ends. A desk's sync keeps its own session in use.
    pub idle: Duration,
    /// No session lasts longer than this from sign-in, however busy.
    pub lifetime: Duration,
}

impl Default for SessionPolicy {
    /// Three days idle covers a weekend (a desk left on Friday still works on Monday); thirty days
    /// at most, so a stolen token does not work forever.
    fn default() -> Self {
        Self {
            idle: Duration::days(3),
            lifetime: Duration::days(30),
        }
    }
}

/// Last-use stamps are written at most this often, so a busy session costs one write a minute,
/// not one per request. The idle limit is therefore exact to within this much.
pub const TOUCH_EVERY: Duration = Duration::seconds(60);

/// What a presented session amounts to now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    Live {
        /// Record the use (the last one recorded is older than [`TOUCH_EVERY`]).
        touch: bool,
    },
    Ended,
}

impl SessionPolicy {
    pub fn expires_at(&self, opened: Timestamp) -> Timestamp {
        opened + self.lifetime
    }

    /// Sessions last used before this instant have ended by idleness.
    pub fn idle_cutoff(&self, now: Timestamp) -> Timestamp {
        now - self.idle
    }

    pub fn state(
        &self,
        now: Timestamp,
        last_seen: Timestamp,
        expires_at: Timestamp,
        user_disabled: bool,
    ) -> SessionState {
        if user_disabled || now >= expires_at || last_seen <= self.idle_cutoff(now) {
            return SessionState::Ended;
        }
        SessionState::Live {
            touch: now - last_seen >= TOUCH_EVERY,
        }
    }

    /// When a live session ends if it is not used again (for closing its open streams on time).
    pub fn ends_at(&self, last_seen: Timestamp, expires_at: Timestamp) -> Timestamp {
        (last_seen + self.idle).min(expires_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn t(h: i64) -> Timestamp {
        Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap() + Duration::hours(h)
    }

    #[test]
    fn a_session_ends_at_its_lifetime_or_when_idle_or_disabled() {
        let p = SessionPolicy {
            idle: Duration::hours(8),
            lifetime: Duration::hours(48),
        };
        let exp = p.expires_at(t(0));
        assert_eq!(
            p.state(t(1), t(0), exp, false),
            SessionState::Live { touch: true }
        );
        assert_eq!(
            p.state(t(0) + Duration::seconds(10), t(0), exp, false),
            SessionState::Live { touch: false }
        );
        assert_eq!(p.state(t(8), t(0), exp, false), SessionState::Ended, "idle");
        assert_eq!(
            p.state(t(47), t(46), exp, false),
            SessionState::Live { touch: true }
        );
        assert_eq!(
            p.state(t(48), t(47), exp, false),
            SessionState::Ended,
            "lifetime"
        );
        assert_eq!(
            p.state(t(1), t(1), exp, true),
            SessionState::Ended,
            "disabled"
        );
        assert_eq!(p.ends_at(t(45), exp), exp);
        assert_eq!(p.ends_at(t(10), exp), t(18));
    }
}
