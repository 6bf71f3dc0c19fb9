//! What people read in messages: the strings of each language (kept in `locales/*.json`, one
//! file per language, every file with the same keys), and times in the building's time zone,
//! the zone named as people know it ("09:00–13:00, New York time"), never UTC.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{Datelike, Timelike};
use chrono_tz::Tz;

use crate::Timestamp;

/// The languages messages are written in; a building chooses one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    En,
    Fr,
}

const FILES: [(Language, &str, &str); 2] = [
    (Language::En, "en", include_str!("../locales/en.json")),
    (Language::Fr, "fr", include_str!("../locales/fr.json")),
];

impl Language {
    pub const ALL: [Language; 2] = [Language::En, Language::Fr];

    pub fn code(self) -> &'static str {
        FILES
            .iter()
            .find(|(l, ..)| *l == self)
            .map_or("en", |(_, c, _)| c)
    }

    /// A language by its code (`en`, `fr`, `fr-CA` …); None when there is no file for it.
    pub fn parse(code: &str) -> Option<Self> {
        let primary = code.split(['-', '_']).next()?.to_ascii_lowercase();
        FILES
            .iter()
            .find(|(_, c, _)| *c == primary)
            .map(|(l, ..)| *l)
    }
}

struct Strings {
    text: HashMap<String, String>,
    weekdays: Vec<String>,
    months: Vec<String>,
}

fn strings(lang: Language) -> &'static Strings {
    static ALL: OnceLock<Vec<(Language, Strings)>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        FILES
            .iter()
            .map(|(l, code, json)| {
                let v: serde_json::Value = serde_json::from_str(json)
                    .unwrap_or_else(|e| panic!("locales/{code}.json is not valid JSON: {e}"));
                let list = |k: &str| -> Vec<String> {
                    v[k].as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|s| s.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default()
                };
                let text = v
                    .as_object()
                    .map(|o| {
                        o.iter()
                            .filter_map(|(k, s)| s.as_str().map(|s| (k.clone(), s.to_owned())))
                            .collect()
                    })
                    .unwrap_or_default();
                (
                    *l,
                    Strings {
                        text,
                        weekdays: list("weekdays"),
                        months: list("months"),
                    },
                )
            })
            .collect()
    });
    &all.iter().find(|(l, _)| *l == lang).unwrap_or(&all[0]).1
}

/// The string `key` of `lang` with each `{name}` replaced by its value. A key a language lacks
/// falls back to English (the tests keep the files complete).
pub fn text(lang: Language, key: &str, args: &[(&str, &str)]) -> String {
    let template = strings(lang)
        .text
        .get(key)
        .or_else(|| strings(Language::En).text.get(key))
        .map_or(key, String::as_str);
    fill(template, args)
}

/// One pass over the template, so a value containing `{x}` (a visitor named "{link}") is
/// never expanded itself.
fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The building's zone; UTC when the stored name is not one (it is checked when written).
pub fn zone(tz: &str) -> Tz {
    tz.parse().unwrap_or(Tz::UTC)
}

/// The zone as people name it: "New York time", "heure de New York", "UTC".
pub fn zone_name(lang: Language, tz: &str) -> String {
    let z = zone(tz);
    let name = z.name();
    if matches!(
        name,
        "UTC" | "Etc/UTC" | "Etc/GMT" | "GMT" | "Etc/Universal"
    ) {
        return "UTC".into();
    }
    let city = name.rsplit('/').next().unwrap_or(name).replace('_', " ");
    text(lang, "zone", &[("city", &city)])
}

fn date(lang: Language, t: &chrono::DateTime<Tz>) -> String {
    let s = strings(lang);
    let weekday = s
        .weekdays
        .get(t.weekday().num_days_from_monday() as usize)
        .cloned()
        .unwrap_or_default();
    let month = s
        .months
        .get(t.month0() as usize)
        .cloned()
        .unwrap_or_default();
    text(
        lang,
        "date",
        &[
            ("weekday", &weekday),
            ("day", &t.day().to_string()),
            ("month", &month),
            ("year", &t.year().to_string()),
        ],
    )
}

fn clock(t: &chrono::DateTime<Tz>) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// A visit's window as a person reads it, in the building's zone:
/// "Thu 3 Dec 2026, 09:00–13:00, New York time".
pub fn span(lang: Language, tz: &str, from: Timestamp, to: Timestamp) -> String {
    let z = zone(tz);
    let (a, b) = (from.with_timezone(&z), to.with_timezone(&z));
    let zone = zone_name(lang, tz);
    if a.date_naive() == b.date_naive() {
        text(
            lang,
            "span_same_day",
            &[
                ("date", &date(lang, &a)),
                ("from", &clock(&a)),
                ("to", &clock(&b)),
                ("zone", &zone),
            ],
        )
    } else {
        text(
            lang,
            "span_days",
            &[
                ("from_date", &date(lang, &a)),
                ("from", &clock(&a)),
                ("to_date", &date(lang, &b)),
                ("to", &clock(&b)),
                ("zone", &zone),
            ],
        )
    }
}

/// An instant as a person reads it: "09:04, New York time".
pub fn at_time(lang: Language, tz: &str, t: Timestamp) -> String {
    let local = t.with_timezone(&zone(tz));
    text(
        lang,
        "at_time",
        &[("time", &clock(&local)), ("zone", &zone_name(lang, tz))],
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> Timestamp {
        chrono::Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    #[test]
    fn a_new_york_visit_reads_in_new_york_time() {
        // 09:00–13:00 in New York in December is 14:00–18:00 UTC.
        let s = span(
            Language::En,
            "America/New_York",
            utc(2026, 12, 3, 14, 0),
            utc(2026, 12, 3, 18, 0),
        );
        assert_eq!(s, "Thu 3 Dec 2026, 09:00–13:00, New York time");
        assert!(!s.contains("UTC"));
        let fr = span(
            Language::Fr,
            "America/New_York",
            utc(2026, 12, 3, 14, 0),
            utc(2026, 12, 3, 18, 0),
        );
        assert_eq!(fr, "jeu. 3 déc. 2026, 09:00–13:00, heure de New York");
    }

    #[test]
    fn a_day_that_changes_in_the_zone_is_two_dates() {
        // 22:00 in Tokyo is 13:00 UTC; a visit until 02:00 next day, Tokyo time.
        let s = span(
            Language::En,
            "Asia/Tokyo",
            utc(2026, 6, 1, 13, 0),
            utc(2026, 6, 1, 17, 0),
        );
        assert_eq!(
            s,
            "Mon 1 Jun 2026 22:00 to Tue 2 Jun 2026 02:00, Tokyo time"
        );
        assert_eq!(zone_name(Language::En, "Etc/UTC"), "UTC");
        assert_eq!(
            zone_name(Language::En, "America/Argentina/Buenos_Aires"),
            "Buenos Aires time"
        );
    }

    #[test]
    fn values_are_not_expanded_again() {
        let t = text(
            Language::En,
            "host_arrival.subject",
            &[("visitor", "{host}"), ("host", "Grace")],
        );
        assert_eq!(t, "{host} is here to see Grace");
    }

    #[test]
    fn every_language_has_every_key_and_placeholder() {
        let en = &strings(Language::En).text;
        for lang in Language::ALL {
            let s = strings(lang);
            assert_eq!(s.weekdays.len(), 7, "{lang:?} weekdays");
            assert_eq!(s.months.len(), 12, "{lang:?} months");
            for (k, v) in en {
                let other = s
                    .text
                    .get(k)
                    .unwrap_or_else(|| panic!("{lang:?} lacks {k}"));
                let names = |t: &str| {
                    let mut n: Vec<String> = t
                        .split('{')
                        .skip(1)
                        .filter_map(|p| p.split_once('}').map(|(a, _)| a.to_owned()))
                        .collect();
                    n.sort();
                    n
                };
                assert_eq!(names(v), names(other), "{lang:?} {k}: placeholders differ");
            }
            assert_eq!(s.text.len(), en.len(), "{lang:?} has keys English lacks");
        }
        assert_eq!(Language::parse("fr-CA"), Some(Language::Fr));
        assert_eq!(Language::parse("xx"), None);
    }
}
