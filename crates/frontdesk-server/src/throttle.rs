//! Sign-in throttling: failed passwords slow down whoever keeps failing, before any password is
//! hashed, so guessing is slow and a login storm costs almost nothing.
//!
//! Three counters, each with a number of free failures and then a delay that doubles with every
//! further failure up to a cap:
//!
//! | key | free | cap | why |
//! |---|---|---|---|
//! | account + address | 5 | 15 min | one client guessing one account |
//! | address | 20 | 15 min | one client spraying many accounts |
//! | account | 10 | 30 s | many clients guessing one account |
//!
//! The account-wide cap is short on purpose: anyone can fail an account's password, so a long
//! account lock would let an attacker keep a real user out. The user waits at most 30 s, from any
//! address that has not itself been failing. A success clears the account's counters, never the
//! address's (else an attacker with an account of their own could reset theirs between guesses).
//! Counters are forgotten an hour after the last failure.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

struct Rule {
    free: u32,
    cap: Duration,
}

const PAIR: Rule = Rule {
    free: 5,
    cap: Duration::from_secs(15 * 60),
};
const ADDRESS: Rule = Rule {
    free: 20,
    cap: Duration::from_secs(15 * 60),
};
const ACCOUNT: Rule = Rule {
    free: 10,
    cap: Duration::from_secs(30),
};
const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);
/// Above this many remembered keys, forgotten ones are swept out on the next failure.
const SWEEP_ABOVE: usize = 10_000;

#[derive(Clone, PartialEq, Eq, Hash)]
enum Key {
    Pair(String, IpAddr),
    Address(IpAddr),
    Account(String),
}

impl Key {
    fn rule(&self) -> &'static Rule {
        match self {
            Key::Pair(..) => &PAIR,
            Key::Address(_) => &ADDRESS,
            Key::Account(_) => &ACCOUNT,
        }
    }
}

struct Count {
    failures: u32,
    last_failure: Instant,
    blocked_until: Option<Instant>,
}

#[derive(Default)]
pub struct LoginThrottle {
    counts: Mutex<HashMap<Key, Count>>,
}

fn keys(email: &str, addr: IpAddr) -> [Key; 3] {
    let account = email.trim().to_lowercase();
    [
        Key::Pair(account.clone(), addr),
        Key::Address(addr),
        Key::Account(account),
    ]
}

impl LoginThrottle {
    /// `Err(wait)` while any counter of this attempt is blocked: answer 429 without checking the
    /// password.
    pub fn check(&self, email: &str, addr: IpAddr, now: Instant) -> Result<(), Duration> {
        let counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let wait = keys(email, addr)
            .iter()
            .filter_map(|k| counts.get(k)?.blocked_until)
            .filter(|until| *until > now)
            .map(|until| until - now)
            .max();
        wait.map_or(Ok(()), Err)
    }

    pub fn failed(&self, email: &str, addr: IpAddr, now: Instant) {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if counts.len() > SWEEP_ABOVE {
            counts.retain(|_, c| now.duration_since(c.last_failure) < FORGET_AFTER);
        }
        for key in keys(email, addr) {
            let rule = key.rule();
            let c = counts.entry(key).or_insert(Count {
                failures: 0,
                last_failure: now,
                blocked_until: None,
            });
            if now.duration_since(c.last_failure) >= FORGET_AFTER {
                c.failures = 0;
            }
            c.failures = c.failures.saturating_add(1);
            c.last_failure = now;
            if c.failures > rule.free {
                // 1 s after the first failure past the free ones, then 2 s, 4 s, … up to the cap.
                let doublings = (c.failures - rule.free - 1).min(20);
                let delay = Duration::from_secs(1u64 << doublings).min(rule.cap);
                c.blocked_until = Some(now + delay);
            }
        }
    }

    pub fn succeeded(&self, email: &str, addr: IpAddr) {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let [pair, _address, account] = keys(email, addr);
        counts.remove(&pair);
        counts.remove(&account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(n: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, n])
    }

    #[test]
    fn free_failures_then_a_doubling_delay_up_to_the_cap() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..5 {
            assert!(t.check("a@x.test", ip(1), now).is_ok());
            t.failed("a@x.test", ip(1), now);
        }
        assert!(t.check("a@x.test", ip(1), now).is_ok(), "five are free");
        t.failed("a@x.test", ip(1), now);
        assert_eq!(
            t.check("A@X.test ", ip(1), now),
            Err(Duration::from_secs(1))
        );
        let later = now + Duration::from_secs(1);
        assert!(t.check("a@x.test", ip(1), later).is_ok());
        t.failed("a@x.test", ip(1), later);
        assert_eq!(
            t.check("a@x.test", ip(1), later),
            Err(Duration::from_secs(2))
        );
        // Far past the free failures the delay stops at the cap.
        let mut at = later;
        for _ in 0..40 {
            at += Duration::from_secs(1);
            t.failed("a@x.test", ip(1), at);
        }
        assert_eq!(t.check("a@x.test", ip(1), at), Err(PAIR.cap));
    }

    #[test]
    fn an_attacker_keeps_a_real_user_out_for_thirty_seconds_at_most() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        // Guesses at one account from many addresses.
        for n in 0..200u8 {
            t.failed("victim@x.test", ip(n), now);
        }
        let wait = t
            .check("victim@x.test", ip(250), now)
            .expect_err("the account is slowed down");
        assert!(wait <= Duration::from_secs(30), "{wait:?}");
        assert!(t
            .check("victim@x.test", ip(250), now + Duration::from_secs(30))
            .is_ok());
        // Other accounts from a clean address are untouched.
        assert!(t.check("other@x.test", ip(250), now).is_ok());
    }

    #[test]
    fn success_clears_the_account_but_not_the_address() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for n in 0..25 {
            t.failed(&format!("u{n}@x.test"), ip(1), now);
        }
        t.succeeded("mine@x.test", ip(1));
        assert!(
            t.check("mine@x.test", ip(1), now).is_err(),
            "a spraying address stays slowed"
        );
        for _ in 0..12 {
            t.failed("b@x.test", ip(2), now);
        }
        t.succeeded("b@x.test", ip(3));
        assert!(t.check("b@x.test", ip(3), now).is_ok());
    }

    #[test]
    fn failures_are_forgotten_after_an_hour() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..6 {
            t.failed("a@x.test", ip(1), now);
        }
        let later = now + FORGET_AFTER;
        t.failed("a@x.test", ip(1), later);
        assert!(t.check("a@x.test", ip(1), later).is_ok());
    }
}
