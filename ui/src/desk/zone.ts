// Wall-clock time in a given IANA zone (the building's), with nothing but Intl: what a
// `datetime-local` field shows for an instant, and which instant a typed value means there.

type Wall = { year: number; month: number; day: number; hour: number; minute: number; second: number };

/** An instant's wall-clock fields in `tz` (the computer's own zone when undefined). */
function wall(tz: string | undefined, d: Date): Wall {
  const f = new Intl.DateTimeFormat("en-GB", {
    timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
  });
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(d)) if (part.type !== "literal") p[part.type] = Number(part.value);
  return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** An instant as a `datetime-local` value in `tz`. */
export function localInputIn(tz: string | undefined, t: string): string {
  const w = wall(tz, new Date(t));
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/** A `datetime-local` value read in `tz`, as an instant (ISO, UTC). */
export function fromInputIn(tz: string | undefined, value: string): string {
  const [d, t = "00:00"] = value.split("T");
  const [y, mo, da] = d.split("-").map(Number);
  const [h, mi] = t.split(":").map(Number);
  const target = Date.UTC(y, mo - 1, da, h, mi);
  // Guess the instant as if the zone were UTC, then move by the zone's offset there; twice, so a
  // guess on the other side of a daylight-saving change settles.
  let guess = target;
  for (let i = 0; i < 2; i++) {
    const w = wall(tz, new Date(guess));
    guess += target - Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  }
  return new Date(guess).toISOString();
}

/** Today in `tz`, midnight to midnight, as instants. */
export function dayIn(tz: string | undefined, now: Date = new Date()): { from: string; to: string } {
  const today = localInputIn(tz, now.toISOString()).slice(0, 10);
  const next = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { from: fromInputIn(tz, `${today}T00:00`), to: fromInputIn(tz, `${next}T00:00`) };
}
