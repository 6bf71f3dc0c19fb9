// The combined check-in flow: default fields once, the building's questions, then the tenant's,
// a photo and the agreements when either side asks for them, one submission. The visitor's own
// phone and the lobby kiosk both mount this component, each with its own FlowBackend. Every
// string the visitor reads comes from `t()`; times are on the building's clock.

import { ApiError, FlowBackend, FlowQuestion, RegistrationView, Submission, Submitted } from "../api";
import { formatDateTime, t, zoneName } from "../i18n";
import { h } from "./dom";
import { Camera, readPhotoFile } from "./photo";

type Step = "details" | "building" | "location" | "photo" | "agreements" | "review";

interface State {
  view: RegistrationView;
  steps: Step[];
  at: number;
  visitor: Submission["visitor"];
  answers: Record<string, string | boolean>;
  photo?: string;
  accepted: Set<string>;
  signature: string;
  /** The submission is on its way. */
  busy: boolean;
}

export interface FlowOptions {
  /** Called once the visitor is checked in, after the closing screen is drawn (a kiosk goes back
   * to its welcome screen after a while). */
  onDone?: (done: Submitted) => void;
  /** The first step's heading, in place of "Your visit to {location}"; called at every redraw,
   * so it may use `t()`. */
  heading?: (view: RegistrationView) => string;
  /** Start after the visitor's details: a kiosk asking a pre-registered visitor only for what
   * is still missing (a photo, an agreement changed since). */
  skipDetails?: boolean;
}

/** A mounted flow. */
export interface CheckinFlow {
  /** Draw the current screen again (after `setLanguage`), keeping what was typed and chosen;
   * the focus stays where it is. */
  redraw(): void;
  /** Stop the camera, if it is on (a kiosk leaving the flow). */
  stop(): void;
}

/** What draws one screen; `focus` moves the focus to its heading (a new screen, not a redraw). */
type Screen = (focus: boolean) => void;

interface Ctx {
  root: HTMLElement;
  backend: FlowBackend;
  options: FlowOptions;
  show(screen: Screen): void;
}

export function mountCheckinFlow(root: HTMLElement, backend: FlowBackend, options: FlowOptions = {}): CheckinFlow {
  let screen: Screen = () => root.replaceChildren(h("p", { class: "muted" }, t("flow.loading")));
  const ctx: Ctx = {
    root,
    backend,
    options,
    show(next) {
      screen = next;
      next(true);
    },
  };
  screen(true);
  void (async () => {
    let view: RegistrationView;
    try {
      view = await backend.load();
    } catch (e) {
      return ctx.show(problem(ctx, e));
    }
    if (view.status !== "invited") {
      return ctx.show(problem(ctx, new ApiError(409, "already_registered", "")));
    }
    const steps: Step[] = options.skipDetails ? [] : ["details"];
    if (view.questions.some((q) => q.portal === "building")) steps.push("building");
    if (view.questions.some((q) => q.portal === "location")) steps.push("location");
    if (view.photo_required) steps.push("photo");
    if (view.ndas.length) steps.push("agreements");
    steps.push("review");
    const state: State = {
      view,
      steps,
      at: 0,
      visitor: { ...view.visitor },
      answers: {},
      accepted: new Set(),
      signature: "",
      busy: false,
    };
    ctx.show((focus) => render(ctx, state, focus));
  })();
  return {
    redraw: () => screen(false),
    stop: () => {
      camera?.stop();
      camera = null;
    },
  };
}

/** The visitor's words for an error: the codes the flow knows in the page's language, anything
 * else as the server put it. */
function message(err: ApiError): string {
  if (err.status === 404) return t("flow.problem.not_found");
  switch (err.code) {
    case "already_registered":
      return t("flow.already.text");
    case "invite_cancelled":
      return t("flow.problem.cancelled");
    case "invite_expired":
      return t("flow.problem.expired");
    case "link_replaced":
      return t("flow.problem.replaced");
    case "offline":
      return t("flow.error.offline");
    default:
      return err.message || t("flow.error.generic");
  }
}

function problem(ctx: Ctx, e: unknown): Screen {
  const err = e instanceof ApiError ? e : new ApiError(0, "error", String(e));
  return (focus) => {
    if (err.code === "already_registered") {
      // A used link: nothing went wrong, and the page shows no details of the visit to whoever
      // holds the link now.
      ctx.root.replaceChildren(h("section", { class: "card done" }, h("h1", { tabindex: -1 }, t("flow.already.title")), h("p", {}, message(err))));
    } else {
      ctx.root.replaceChildren(h("section", { class: "card" }, h("h1", { tabindex: -1 }, t("flow.problem.title")), h("p", { role: "alert", class: "error" }, message(err))));
    }
    if (focus) ctx.root.querySelector("h1")?.focus();
  };
}

let camera: Camera | null = null;

function render(ctx: Ctx, s: State, focus: boolean) {
  camera?.stop();
  camera = null;
  const step = s.steps[s.at];
  const error = h("p", { role: "alert", class: "error", hidden: true });
  const fail = (msg: string) => {
    error.textContent = msg;
    error.hidden = false;
    error.scrollIntoView({ block: "center" });
  };
  const clear = () => {
    error.hidden = true;
  };
  const body = stepBody(step, s, fail, clear, ctx.options);
  const back = s.at > 0 ? h("button", { type: "button", class: "secondary", onclick: () => go(-1) }, t("flow.back")) : null;
  const label = () => (s.busy ? t("flow.submitting") : step === "review" ? t("flow.complete") : t("flow.next"));
  const next = h("button", { type: "submit", disabled: s.busy }, label());
  const form = h("form", { novalidate: true }, body, error, h("div", { class: "actions" }, back, next));
  const go = (d: number) => {
    s.at += d;
    ctx.show((f) => render(ctx, s, f));
  };
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (s.busy) return;
    const problem = check(step, s, form);
    if (problem) return fail(problem);
    if (step !== "review") return go(1);
    s.busy = true;
    next.disabled = true;
    next.textContent = label();
    try {
      const done = await ctx.backend.submit({
        visitor: s.visitor,
        answers: s.answers,
        photo: s.photo ?? null,
        accepted_ndas: [...s.accepted],
        signature: s.signature || null,
      });
      ctx.show((f) => {
        const at = done.checked_in_at ? formatDateTime(done.checked_in_at, s.view.timezone) : "";
        ctx.root.replaceChildren(
          h(
            "section",
            { class: "card done" },
            h("h1", { tabindex: -1 }, t("flow.done.title")),
            h("p", {}, t("flow.done.thanks", { name: s.visitor.name, host: s.view.host_name })),
            h("p", {}, t("flow.done.qr", { time: at, building: s.view.building_name })),
          ),
        );
        if (f) ctx.root.querySelector("h1")?.focus();
      });
      ctx.options.onDone?.(done);
    } catch (e) {
      s.busy = false;
      // The page may have been redrawn (another language) while the answer was awaited.
      const button = ctx.root.querySelector<HTMLButtonElement>("button[type=submit]") ?? next;
      button.disabled = false;
      button.textContent = t("flow.complete");
      const alert = ctx.root.querySelector<HTMLElement>("p.error[role=alert]") ?? error;
      alert.textContent = e instanceof ApiError ? message(e) : t("flow.error.generic");
      alert.hidden = false;
    }
  });
  const total = s.steps.length;
  ctx.root.replaceChildren(
    h(
      "section",
      { class: "card" },
      h("p", { class: "muted" }, t("flow.step", { n: s.at + 1, total })),
      h("progress", { max: total, value: s.at + 1, "aria-hidden": "true" }),
      form,
    ),
  );
  if (focus) ctx.root.querySelector<HTMLElement>("h1")?.focus();
}

function field(label: string | Node, input: HTMLInputElement | HTMLTextAreaElement, ...after: string[]) {
  return h("label", {}, h("span", {}, label, ...after), input);
}

/** A portal's own words (a question, an answer, a visitor's detail) in whatever direction they
 * are written, inside the page's. */
const own = (text: string) => h("bdi", {}, text);

function stepBody(step: Step, s: State, fail: (m: string) => void, clear: () => void, options: FlowOptions): Node {
  const v = s.view;
  const when = (iso: string) => formatDateTime(iso, v.timezone);
  switch (step) {
    case "details": {
      const input = (name: "name" | "email" | "mobile", type: string, auto: string) => {
        const i = h("input", { name, type, autocomplete: auto, value: s.visitor[name] ?? "", required: name === "name", dir: "auto" });
        i.addEventListener("input", () => {
          if (name === "name") s.visitor.name = i.value.trim();
          else s.visitor[name] = i.value.trim() || null;
        });
        return i;
      };
      return h(
        "div",
        {},
        h("h1", { tabindex: -1 }, options.heading?.(v) ?? t("flow.details.title", { location: v.location_name })),
        h(
          "p",
          { class: "visit" },
          h("span", {}, v.building_name),
          h("span", {}, t("flow.details.when", { from: when(v.valid_from), to: when(v.valid_to), zone: zoneName(v.timezone, new Date(v.valid_from)) })),
          h("span", {}, t("flow.details.host", { host: v.host_name })),
        ),
        field(t("flow.details.name"), input("name", "text", "name")),
        field(t("flow.details.email"), input("email", "email", "email")),
        field(t("flow.details.mobile"), input("mobile", "tel", "tel")),
      );
    }
    case "building":
    case "location": {
      const title = t("flow.questions.title", { place: step === "building" ? v.building_name : v.location_name });
      return h("div", {}, h("h1", { tabindex: -1 }, title), ...v.questions.filter((q) => q.portal === step).map((q) => question(q, s)));
    }
    case "photo": {
      const preview = h("img", { alt: t("flow.photo.title"), class: "photo", hidden: !s.photo, src: s.photo });
      const take = h("button", { type: "button", id: "flow-take-photo", class: "secondary", hidden: true }, s.photo ? t("flow.photo.retake") : t("flow.photo.take"));
      const cam = new Camera(t("flow.photo.camera"));
      camera = cam;
      const box = h("div", { class: "camera" });
      void cam.start().then((ok) => {
        if (!ok || camera !== cam) return;
        box.append(cam.video);
        take.hidden = false;
      });
      const show = (photo: string) => {
        s.photo = photo;
        preview.src = photo;
        preview.hidden = false;
        take.textContent = t("flow.photo.retake");
        clear();
      };
      take.addEventListener("click", () => show(cam.capture()));
      const file = h("input", { type: "file", accept: "image/jpeg,image/png", capture: "user", name: "photo" });
      file.addEventListener("change", async () => {
        const f = file.files?.[0];
        if (!f) return;
        try {
          show(await readPhotoFile(f));
        } catch (e) {
          fail((e as Error).message);
        }
      });
      return h("div", {}, h("h1", { tabindex: -1 }, t("flow.photo.title")), h("p", {}, t("flow.photo.intro")), box, take, preview, field(t("flow.photo.file"), file));
    }
    case "agreements": {
      const sig = h("input", { name: "signature", type: "text", autocomplete: "name", value: s.signature, dir: "auto" });
      sig.addEventListener("input", () => (s.signature = sig.value.trim()));
      return h(
        "div",
        {},
        h("h1", { tabindex: -1 }, t("flow.agreements.title")),
        ...v.ndas.map((n) => {
          const who = n.portal === "building" ? v.building_name : v.location_name;
          const box = h("input", { type: "checkbox", name: `nda-${n.key}`, checked: s.accepted.has(n.key) });
          box.addEventListener("change", () => (box.checked ? s.accepted.add(n.key) : s.accepted.delete(n.key)));
          // The agreement is the portal's own text, in the language it was written in.
          return h(
            "div",
            { class: "nda" },
            h("h2", {}, who),
            h("div", { class: "nda-text", tabindex: 0, role: "region", "aria-label": who, dir: "auto" }, n.text),
            h("label", { class: "check" }, box, h("span", {}, t("flow.agreements.accept", { party: who }))),
          );
        }),
        field(t("flow.agreements.signature"), sig),
      );
    }
    case "review":
      return h(
        "div",
        {},
        h("h1", { tabindex: -1 }, t("flow.review.title")),
        h(
          "dl",
          {},
          h("dt", {}, t("flow.details.name")),
          h("dd", {}, own(s.visitor.name)),
          h("dt", {}, t("flow.details.email")),
          h("dd", {}, own(s.visitor.email ?? "—")),
          h("dt", {}, t("flow.details.mobile")),
          // A telephone number reads left to right in every language.
          h("dd", {}, h("bdi", { dir: "ltr" }, s.visitor.mobile ?? "—")),
          ...v.questions.flatMap((q) => [h("dt", {}, own(q.label)), h("dd", {}, own(display(s.answers[q.key])))]),
        ),
      );
  }
}

function display(a: string | boolean | undefined) {
  return a === undefined || a === "" ? "—" : a === true ? t("flow.answer.yes") : a === false ? t("flow.answer.no") : a;
}

function question(q: FlowQuestion, s: State): Node {
  // A question is the portal's own text, in the language it was written in.
  const required = q.required ? " *" : "";
  if (q.kind === "text") {
    const area = h("textarea", { name: q.key, maxlength: 1000, rows: 2, required: q.required, dir: "auto" });
    area.value = typeof s.answers[q.key] === "string" ? (s.answers[q.key] as string) : "";
    area.addEventListener("input", () => (s.answers[q.key] = area.value));
    return field(own(q.label), area, required);
  }
  const options: [string, string | boolean][] =
    q.kind === "yes_no" ? [[t("flow.answer.yes"), true], [t("flow.answer.no"), false]] : (q.options ?? []).map((o) => [o, o]);
  return h(
    "fieldset",
    {},
    h("legend", {}, own(q.label), required),
    ...options.map(([text, value]) => {
      const r = h("input", { type: "radio", name: q.key, checked: s.answers[q.key] === value });
      r.addEventListener("change", () => (s.answers[q.key] = value));
      return h("label", { class: "check" }, r, h("span", {}, q.kind === "yes_no" ? text : own(text)));
    }),
  );
}

/** What is missing on this step, in words; the server checks everything again. */
function check(step: Step, s: State, form: HTMLFormElement): string | null {
  switch (step) {
    case "details":
      if (!s.visitor.name.trim()) return t("flow.check.name");
      if (s.visitor.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s.visitor.email)) return t("flow.check.email");
      return null;
    case "building":
    case "location": {
      const missing = s.view.questions.find((q) => q.portal === step && q.required && (s.answers[q.key] === undefined || s.answers[q.key] === ""));
      if (missing) {
        form.querySelector<HTMLElement>(`[name="${missing.key}"]`)?.focus();
        return t("flow.check.answer", { question: missing.label });
      }
      return null;
    }
    case "photo":
      return s.photo ? null : t("flow.check.photo");
    case "agreements":
      if (s.view.ndas.some((n) => !s.accepted.has(n.key))) return t("flow.check.agreements");
      return s.signature ? null : t("flow.check.signature");
    case "review":
      return null;
  }
}
