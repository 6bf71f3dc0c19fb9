// The lobby kiosk: a visitor signs in alone. The welcome screen (language, "I have an
// invitation", "I don't have an invitation", "I'm leaving"), the lockdown a web page can do (keys,
// context menu, selection, new windows; the app shell does full screen, closing, navigation and
// the inspector), the idle timeout that forgets the last visitor, the scanner, and the staff PIN.
//
// Every visitor-facing string is `t(…)` from the translation files (kiosk/locales/*.json);
// every time shown is the building's.

import { h } from "../flow/dom";
import { CheckinFlow, FlowOptions, mountCheckinFlow } from "../flow/checkin-flow";
import type { FlowBackend } from "../api";
import type { RegistrationView } from "../generated/api-types";
import { LANGUAGES, Lang, formatDateTime, language, setLanguage, t, zoneName } from "../i18n";
import type { Kiosk, Session } from "../generated/desk-types";
import { state } from "../desk/state";
import { kioskBackend } from "./backend";
import { codeScreen, leavingScreen, scanned } from "./arrival";
import { walkIn } from "./walk-in";

/** What the kiosk keeps between screens for one visitor; `forget()` drops all of it. */
export const kiosk = {
  session: null as Session | null,
  config: null as Kiosk | null,
  root: document.getElementById("app") as HTMLElement,
  /** The screen shown, for the tests and for the idle timer (the welcome screen never times out). */
  screen: "welcome",
  /** Bumped by `forget()`: a screen's pending work checks it and draws nothing for a visitor who is gone. */
  visit: 0,
  idleTimer: undefined as number | undefined,
  warnTimer: undefined as number | undefined,
  burst: "",
  lastKey: 0,
  /** The software's own time per screen (ms), from a tap to the next screen drawn: the README's figure. */
  timings: [] as { screen: string; ms: number }[],
  tapAt: 0,
  /** When the visitor last touched or pressed something. */
  lastTap: 0,
  defaultLanguage: "en" as Lang,
  /** The check-in flow on screen, if any: stopped (its camera off) when the visitor is forgotten. */
  flow: null as CheckinFlow | null,
};

function stopFlow() {
  kiosk.flow?.stop();
  kiosk.flow = null;
}

/** Draw a screen: one `<main>` with its heading focused, the staff button, the language bar. */
export function screen(name: string, ...body: (Node | null | false)[]) {
  kiosk.screen = name;
  document.body.dataset.kioskScreen = name;
  const main = h("main", { id: "kiosk-main", class: `kiosk-screen kiosk-screen-${name}` }, ...body.filter((b): b is Node => !!b));
  kiosk.root.replaceChildren(header(), main);
  (main.querySelector("h1") as HTMLElement | null)?.focus();
  if (kiosk.tapAt) {
    kiosk.timings.push({ screen: name, ms: performance.now() - kiosk.tapAt });
    kiosk.tapAt = 0;
  }
  armIdle();
}

function header(): Node {
  const building = kiosk.session?.place_name ?? "";
  return h(
    "header",
    { class: "kiosk-bar" },
    h("span", { class: "kiosk-place" }, building),
    h(
      "nav",
      { class: "kiosk-languages", "aria-label": t("kiosk.language") },
      ...LANGUAGES.map((l) =>
        h(
          "button",
          {
            type: "button",
            class: "kiosk-language",
            lang: l.code,
            "data-lang": l.code,
            "aria-pressed": String(l.code === language()),
            onclick: () => changeLanguage(l.code),
          },
          l.name,
        ),
      ),
    ),
    h("button", { type: "button", id: "kiosk-staff", class: "kiosk-staff", onclick: () => pinPad() }, t("kiosk.staff")),
  );
}

/** Redraw the current screen in another language, keeping what was typed (the screens read it back from their state). */
let redraw: () => void = () => welcome();
export function onLanguage(f: () => void) {
  redraw = f;
}
function changeLanguage(l: Lang) {
  setLanguage(l);
  kiosk.root.querySelector(".kiosk-bar")?.replaceWith(header());
  redraw();
}

/** A big button: what it does and, under it, a hint. */
export function bigButton(id: string, label: string, hint: string | null, onclick: () => void) {
  return h(
    "button",
    {
      type: "button",
      id,
      class: "kiosk-big",
      onclick: () => {
        kiosk.tapAt = performance.now();
        onclick();
      },
    },
    h("strong", {}, label),
    hint ? h("span", {}, hint) : null,
  );
}

export function welcome() {
  onLanguage(welcome);
  const name = kiosk.session?.place_name ?? "";
  screen(
    "welcome",
    h("h1", { tabindex: -1 }, t("kiosk.welcome.title", { building: name })),
    h("p", { class: "kiosk-lead" }, t("kiosk.welcome.lead")),
    h(
      "div",
      { class: "kiosk-choices" },
      bigButton("kiosk-invited", t("kiosk.welcome.invited"), t("kiosk.welcome.invited.hint"), () => codeScreen()),
      bigButton("kiosk-walk-in", t("kiosk.welcome.walk_in"), t("kiosk.welcome.walk_in.hint"), () => void walkIn()),
      bigButton("kiosk-leaving", t("kiosk.welcome.leaving"), t("kiosk.welcome.leaving.hint"), () => leavingScreen()),
    ),
    h("p", { class: "kiosk-hint" }, t("kiosk.welcome.scan")),
    h("p", { id: "kiosk-clock", class: "kiosk-clock" }, clock()),
  );
}

/** The building's date and time, in the chosen language's format, whatever the PC's zone. */
function clock(): string {
  const zone = kiosk.session?.timezone ?? "UTC";
  const time = formatDateTime(new Date().toISOString(), zone, { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" });
  return t("kiosk.time", { time, zone: zoneName(zone) });
}

/** Drop everything the last visitor typed, chose and photographed, and start again. */
export function forget() {
  kiosk.visit += 1;
  stopFlow();
  document.getElementById("kiosk-idle")?.remove();
  setLanguage(kiosk.defaultLanguage);
  welcome();
}

// ---- the idle timeout ----

function armIdle() {
  window.clearTimeout(kiosk.idleTimer);
  window.clearTimeout(kiosk.warnTimer);
  document.getElementById("kiosk-idle")?.remove();
  if (kiosk.screen === "welcome" || kiosk.screen === "pin") return;
  const idle = (kiosk.config?.idle_seconds ?? 60) * 1000;
  // The warning comes a third of the way before the end (at most 10 s before), so a visitor
  // reading an agreement can say they are still there.
  const warnBefore = Math.min(10_000, idle / 3);
  kiosk.warnTimer = window.setTimeout(warnIdle, idle - warnBefore);
  kiosk.idleTimer = window.setTimeout(forget, idle);
}

function warnIdle() {
  const stay = h("button", { type: "button", id: "kiosk-idle-stay", onclick: () => armIdle() }, t("kiosk.idle.stay"));
  document.body.append(
    h(
      "div",
      { id: "kiosk-idle", class: "kiosk-overlay", role: "alertdialog", "aria-modal": "true", "aria-labelledby": "kiosk-idle-title" },
      h("div", { class: "kiosk-dialog" }, h("h2", { id: "kiosk-idle-title" }, t("kiosk.idle.title")), h("p", {}, t("kiosk.idle.lead")), stay),
    ),
  );
  stay.focus();
}

// ---- the staff PIN ----

function pinPad() {
  const back = kiosk.screen;
  const restore = redraw;
  const pin = h("input", { id: "kiosk-pin", type: "password", inputmode: "numeric", autocomplete: "off", maxlength: 8, "aria-describedby": "kiosk-pin-error" });
  const error = h("p", { id: "kiosk-pin-error", class: "kiosk-error", role: "alert" });
  const digit = (d: string) =>
    h("button", { type: "button", class: "kiosk-key", onclick: () => { pin.value = (pin.value + d).slice(0, 8); pin.focus(); } }, d);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const k = await kioskBackend.leaveKiosk(pin.value);
      if (!k.locked) {
        leave();
        return;
      }
    } catch (err) {
      error.textContent = (err as Error).message;
      pin.value = "";
      pin.focus();
    }
  };
  onLanguage(pinPad);
  screen(
    "pin",
    h("h1", { tabindex: -1 }, t("kiosk.pin.title")),
    h("p", {}, t("kiosk.pin.lead")),
    h(
      "form",
      { id: "kiosk-pin-form", onsubmit: submit },
      h("label", {}, h("span", {}, t("kiosk.pin.label")), pin),
      h("div", { class: "kiosk-keypad", dir: "ltr" }, ..."123456789".split("").map(digit), h("button", { type: "button", class: "kiosk-key", onclick: () => (pin.value = pin.value.slice(0, -1)) }, "⌫"), digit("0")),
      error,
      h(
        "div",
        { class: "kiosk-actions" },
        h("button", { type: "button", id: "kiosk-pin-cancel", class: "secondary", onclick: () => (back === "welcome" ? welcome() : restore()) }, t("kiosk.pin.cancel")),
        h("button", { type: "submit", id: "kiosk-pin-ok" }, t("kiosk.pin.ok")),
      ),
    ),
  );
}

/** Back to the receptionist's console (the app reloads into it: nothing of the kiosk stays). */
function leave() {
  kiosk.visit += 1;
  stopFlow();
  location.reload();
}

// ---- lockdown and the scanner ----

/** Keys a browser engine or a window manager may act on: none of them does anything at a kiosk. */
function blocked(e: KeyboardEvent): boolean {
  const k = e.key.toLowerCase();
  if (["f1", "f3", "f5", "f6", "f7", "f11", "f12", "browserback", "browserforward", "browserrefresh", "contextmenu"].includes(k)) return true;
  if (e.altKey && ["arrowleft", "arrowright", "home", "f4"].includes(k)) return true;
  if ((e.ctrlKey || e.metaKey) && !(e.key.length === 1 && /[acvxz]/i.test(e.key) && !e.shiftKey)) return true;
  const field = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
  return k === "backspace" && !field;
}

function lockdown() {
  window.addEventListener(
    "keydown",
    (e) => {
      if (blocked(e)) {
        e.preventDefault();
        e.stopPropagation();
        return;
      }
      scanner(e);
    },
    { capture: true },
  );
  for (const ev of ["contextmenu", "dragstart", "drop", "auxclick"]) {
    window.addEventListener(ev, (e) => e.preventDefault(), { capture: true });
  }
  document.addEventListener("selectstart", (e) => {
    const t = e.target;
    const el = t instanceof Element ? t : (t as Node | null)?.parentElement;
    if (!el?.closest("input,textarea")) e.preventDefault();
  });
  // The software's time for a step of the check-in flow: from the tap to the next frame drawn
  // (the flow draws its next step at once; what waits for the desk is timed by `screen`).
  window.addEventListener(
    "click",
    (e) => {
      kiosk.lastTap = performance.now();
      const t0 = kiosk.lastTap;
      if (e.target instanceof Element && e.target.closest("button") && e.target.closest("#kiosk-flow")) {
        requestAnimationFrame(() => kiosk.timings.push({ screen: "flow-step", ms: performance.now() - t0 }));
      }
    },
    { capture: true },
  );
  // A page cannot open windows of its own at a kiosk.
  window.open = () => null;
  for (const ev of ["pointerdown", "keydown", "input", "touchstart"]) {
    window.addEventListener(ev, () => {
      if (kiosk.screen !== "welcome" && !document.getElementById("kiosk-idle")) armIdle();
    }, { capture: true, passive: true });
  }
}

/** A barcode scanner types its code fast and ends with Enter, wherever the focus is. */
function scanner(e: KeyboardEvent) {
  const now = performance.now();
  if (e.key.toLowerCase() === "enter") {
    const code = kiosk.burst;
    const fast = now - kiosk.lastKey < 80;
    kiosk.burst = "";
    if (code.length >= 6 && fast && ["welcome", "code", "leaving"].includes(kiosk.screen)) {
      e.preventDefault();
      e.stopPropagation();
      const field = document.activeElement;
      if (field instanceof HTMLInputElement) field.value = "";
      kiosk.tapAt = now;
      void scanned(code.trim());
    }
  } else if (e.key.length === 1 && !e.altKey && !e.ctrlKey && !e.metaKey) {
    kiosk.burst = now - kiosk.lastKey < 80 ? kiosk.burst + e.key : e.key;
    kiosk.lastKey = now;
  }
}

/** The check-in flow on a kiosk screen for `view`'s visit (a walk-in's, or what a pre-registered
 * visitor still owes), with "Start over" under it. */
export function flowScreen(name: string, view: Omit<RegistrationView, "invite_id" | "status" | "valid_from" | "valid_to"> & { invite_id?: string }, submit: FlowBackend["submit"], options: FlowOptions) {
  const now = new Date().toISOString();
  const full: RegistrationView = { ...view, invite_id: view.invite_id ?? "", status: "invited", valid_from: now, valid_to: now };
  const root = h("div", { id: "kiosk-flow" });
  const startOver = h("button", { type: "button", id: "kiosk-back", class: "secondary", onclick: () => forget() }, t("kiosk.start_over"));
  onLanguage(() => {
    kiosk.flow?.redraw();
    startOver.textContent = t("kiosk.start_over");
  });
  screen(name, root, h("div", { class: "kiosk-actions" }, startOver));
  kiosk.flow = mountCheckinFlow(root, { load: async () => full, submit }, options);
}

/** Open the kiosk for the signed-in desk. */
export function openKiosk(session: Session | null, config: Kiosk) {
  state.kiosk = true;
  kiosk.session = session;
  kiosk.config = config;
  document.body.classList.add("kiosk");
  document.title = session?.place_name ?? "";
  lockdown();
  kiosk.defaultLanguage = setDefaultLanguage();
  // The tests and the README's figure read the software's time per screen.
  (window as unknown as { kioskTimings: () => unknown }).kioskTimings = () => kiosk.timings;
  window.setInterval(() => {
    const el = document.getElementById("kiosk-clock");
    if (el) el.textContent = clock();
  }, 15_000);
  if (!session) {
    onLanguage(() => openKiosk(null, config));
    screen("signed-out", h("h1", { tabindex: -1 }, t("kiosk.not_signed_in")));
    return;
  }
  welcome();
}

function setDefaultLanguage(): Lang {
  const want = navigator.languages?.[0]?.slice(0, 2);
  const l = (LANGUAGES.find((x) => x.code === want)?.code ?? "en") as Lang;
  setLanguage(l);
  return l;
}
