// The web front end's languages: the strings of each (`locales/*.json`, flat keys, bundled),
// the page's `lang` and `dir`, and dates on the building's clock in the chosen language's format.
// The visitor's page uses it now and the lobby kiosk's screens later; a test keeps every file's
// keys and `{placeholders}` the same as `en.json`'s.

import en from "./locales/en.json";
import fr from "./locales/fr.json";
import ar from "./locales/ar.json";

export type Lang = "en" | "fr" | "ar";

/** Each language by its code, named in itself, with its writing direction. */
export const LANGUAGES: { code: Lang; name: string; dir: "ltr" | "rtl" }[] = [
  { code: "en", name: "English", dir: "ltr" },
  { code: "fr", name: "Français", dir: "ltr" },
  { code: "ar", name: "العربية", dir: "rtl" },
];

const STRINGS: Record<Lang, Record<string, string>> = { en, fr, ar };

let current: Lang = "en";

/** Switch to `lang`: what `t` answers from now on, and `lang`/`dir` on `<html>` (or on `root`). */
export function setLanguage(lang: Lang, root: HTMLElement = document.documentElement): void {
  current = lang;
  root.lang = lang;
  root.dir = direction(lang);
}

export function language(): Lang {
  return current;
}

export function direction(lang: Lang = current): "ltr" | "rtl" {
  return LANGUAGES.find((l) => l.code === lang)?.dir ?? "ltr";
}

/**
 * The string for `key` in the current language (English when that language lacks it, the key
 * itself when no file has it), with each `{name}` replaced by `vars.name`. Each value is set
 * between Unicode's first-strong and pop isolates (U+2068, U+2069), as Fluent does, so a Latin
 * name in an Arabic sentence ("Carrying tools?") keeps its punctuation where it belongs, and an
 * Arabic one in an English sentence too.
 */
export function t(key: string, vars: Record<string, string | number> = {}): string {
  const text = STRINGS[current][key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? `\u2068${vars[name]}\u2069` : whole));
}

/** The current language as the visitor's device names it, when it does (`en-GB`, `fr-CA`), so
 * dates follow their region's habits; the bare language otherwise. */
function locale(): string {
  const mine = typeof navigator === "undefined" ? [] : navigator.languages ?? [];
  return mine.find((tag) => tag.split(/[-_]/)[0].toLowerCase() === current) ?? current;
}

/** An instant on the building's clock (`timeZone`, IANA), in the current language's format. */
export function formatDateTime(iso: string, timeZone: string, opts: Intl.DateTimeFormatOptions = {}): string {
  const options: Intl.DateTimeFormatOptions = Object.keys(opts).length
    ? opts
    : { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };
  return new Intl.DateTimeFormat(locale(), { ...options, timeZone: safeZone(timeZone) }).format(new Date(iso));
}

/** The building's zone as the current language names it ("United Kingdom Time", "heure : Royaume-Uni"). */
export function zoneName(timeZone: string, at: Date = new Date()): string {
  const part = new Intl.DateTimeFormat(locale(), { timeZone: safeZone(timeZone), timeZoneName: "longGeneric" })
    .formatToParts(at)
    .find((p) => p.type === "timeZoneName");
  return part?.value ?? timeZone;
}

/** A zone the browser knows; UTC for a name it does not (the server checks names when written). */
function safeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return timeZone;
  } catch {
    return "UTC";
  }
}

/** The first of the visitor's languages (`navigator.languages`) that we have; English otherwise. */
export function pickLanguage(accepted: readonly string[]): Lang {
  for (const tag of accepted) {
    const primary = tag.split(/[-_]/)[0].toLowerCase();
    const found = LANGUAGES.find((l) => l.code === primary);
    if (found) return found.code;
  }
  return "en";
}
