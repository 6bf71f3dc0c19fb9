// The combined check-in flow: default fields once, the building's questions, then the tenant's,
// a photo and the agreements when either side asks for them, one submission. The visitor's own
// phone and the lobby kiosk both mount this component, each with its own FlowBackend.

import { ApiError, FlowBackend, FlowQuestion, RegistrationView, Submission } from "../api";
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
}

const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });

export async function mountCheckinFlow(root: HTMLElement, backend: FlowBackend): Promise<void> {
  root.replaceChildren(h("p", { class: "muted" }, "Loading your visit…"));
  let view: RegistrationView;
  try {
    view = await backend.load();
  } catch (e) {
    return showProblem(root, e);
  }
  if (view.status !== "invited") {
    return showProblem(root, new ApiError(409, "already_registered", "You have already registered for this visit. Nothing more to do: show your QR code at the front desk."));
  }
  const steps: Step[] = ["details"];
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
  };
  render(root, state, backend);
}

function showProblem(root: HTMLElement, e: unknown) {
  const err = e instanceof ApiError ? e : new ApiError(0, "error", String(e));
  if (err.code === "already_registered") {
    // A used link: nothing went wrong, and the page shows no details of the visit to whoever
    // holds the link now.
    root.replaceChildren(h("section", { class: "card done" }, h("h1", { tabindex: -1 }, "You're already registered"), h("p", {}, err.message)));
    root.querySelector("h1")?.focus();
    return;
  }
  const text =
    err.status === 404
      ? "This registration link is not valid. Open the whole link from your invitation, or ask your host to send it again."
      : err.message;
  root.replaceChildren(h("section", { class: "card" }, h("h1", {}, "We can't open this visit"), h("p", { role: "alert", class: "error" }, text)));
}

let camera: Camera | null = null;

function render(root: HTMLElement, s: State, backend: FlowBackend) {
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
  const body = stepBody(step, s, fail, clear);
  const back = s.at > 0 ? h("button", { type: "button", class: "secondary", onclick: () => go(-1) }, "Back") : null;
  const next = h("button", { type: "submit" }, step === "review" ? "Complete check-in" : "Next");
  const form = h("form", { novalidate: true }, body, error, h("div", { class: "actions" }, back, next));
  const go = (d: number) => {
    s.at += d;
    render(root, s, backend);
  };
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const problem = check(step, s, form);
    if (problem) return fail(problem);
    if (step !== "review") return go(1);
    next.disabled = true;
    next.textContent = "Checking in…";
    try {
      const done = await backend.submit({
        visitor: s.visitor,
        answers: s.answers,
        photo: s.photo ?? null,
        accepted_ndas: [...s.accepted],
        signature: s.signature || null,
      });
      root.replaceChildren(
        h(
          "section",
          { class: "card done" },
          h("h1", { tabindex: -1 }, "You're checked in"),
          h("p", {}, `Thank you, ${s.visitor.name}. ${s.view.host_name} knows you are coming.`),
          h("p", {}, `Checked in ${done.checked_in_at ? when(done.checked_in_at) : ""}. Show your invitation's QR code at the ${s.view.building_name} front desk.`),
        ),
      );
      root.querySelector("h1")?.focus();
    } catch (e) {
      next.disabled = false;
      next.textContent = "Complete check-in";
      fail(e instanceof ApiError ? e.message : "Something went wrong. Try again.");
    }
  });
  const total = s.steps.length;
  root.replaceChildren(
    h(
      "section",
      { class: "card" },
      h("p", { class: "muted" }, `Step ${s.at + 1} of ${total}`),
      h("progress", { max: total, value: s.at + 1, "aria-hidden": "true" }),
      form,
    ),
  );
  root.querySelector<HTMLElement>("h1")?.focus();
}

function field(label: string, input: HTMLInputElement | HTMLTextAreaElement) {
  return h("label", {}, h("span", {}, label), input);
}

function stepBody(step: Step, s: State, fail: (m: string) => void, clear: () => void): Node {
  const v = s.view;
  switch (step) {
    case "details": {
      const input = (name: "name" | "email" | "mobile", type: string, auto: string) => {
        const i = h("input", { name, type, autocomplete: auto, value: s.visitor[name] ?? "", required: name === "name" });
        i.addEventListener("input", () => {
          if (name === "name") s.visitor.name = i.value.trim();
          else s.visitor[name] = i.value.trim() || null;
        });
        return i;
      };
      return h(
        "div",
        {},
        h("h1", { tabindex: -1 }, `Your visit to ${v.location_name}`),
        h("p", {}, `${v.building_name} · ${when(v.valid_from)} to ${when(v.valid_to)} · Host: ${v.host_name}`),
        field("Full name", input("name", "text", "name")),
        field("Email", input("email", "email", "email")),
        field("Mobile", input("mobile", "tel", "tel")),
      );
    }
    case "building":
    case "location": {
      const title = step === "building" ? `${v.building_name} asks` : `${v.location_name} asks`;
      return h("div", {}, h("h1", { tabindex: -1 }, title), ...v.questions.filter((q) => q.portal === step).map((q) => question(q, s)));
    }
    case "photo": {
      const preview = h("img", { alt: "Your photo", class: "photo", hidden: !s.photo, src: s.photo });
      const take = h("button", { type: "button", class: "secondary", hidden: true }, "Take photo");
      const cam = new Camera();
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
        take.textContent = "Retake photo";
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
      return h("div", {}, h("h1", { tabindex: -1 }, "Your photo"), h("p", {}, "The front desk prints it on your badge."), box, take, preview, field("Or choose a picture", file));
    }
    case "agreements": {
      const sig = h("input", { name: "signature", type: "text", autocomplete: "name", value: s.signature });
      sig.addEventListener("input", () => (s.signature = sig.value.trim()));
      return h(
        "div",
        {},
        h("h1", { tabindex: -1 }, "Agreements"),
        ...v.ndas.map((n) => {
          const who = n.portal === "building" ? v.building_name : v.location_name;
          const box = h("input", { type: "checkbox", name: `nda-${n.key}`, checked: s.accepted.has(n.key) });
          box.addEventListener("change", () => (box.checked ? s.accepted.add(n.key) : s.accepted.delete(n.key)));
          return h("div", { class: "nda" }, h("h2", {}, who), h("div", { class: "nda-text", tabindex: 0 }, n.text), h("label", { class: "check" }, box, h("span", {}, `I have read and accept ${who}'s agreement`)));
        }),
        field("Type your full name as your signature", sig),
      );
    }
    case "review":
      return h(
        "div",
        {},
        h("h1", { tabindex: -1 }, "Check and complete"),
        h("dl", {}, h("dt", {}, "Name"), h("dd", {}, s.visitor.name), h("dt", {}, "Email"), h("dd", {}, s.visitor.email ?? "—"), h("dt", {}, "Mobile"), h("dd", {}, s.visitor.mobile ?? "—"),
          ...v.questions.flatMap((q) => [h("dt", {}, q.label), h("dd", {}, display(s.answers[q.key]))])),
      );
  }
}

function display(a: string | boolean | undefined) {
  return a === undefined || a === "" ? "—" : a === true ? "Yes" : a === false ? "No" : a;
}

function question(q: FlowQuestion, s: State): Node {
  const label = q.label + (q.required ? " *" : "");
  if (q.kind === "text") {
    const t = h("textarea", { name: q.key, maxlength: 1000, rows: 2, required: q.required });
    t.value = typeof s.answers[q.key] === "string" ? (s.answers[q.key] as string) : "";
    t.addEventListener("input", () => (s.answers[q.key] = t.value));
    return field(label, t);
  }
  const options: [string, string | boolean][] = q.kind === "yes_no" ? [["Yes", true], ["No", false]] : (q.options ?? []).map((o) => [o, o]);
  return h(
    "fieldset",
    {},
    h("legend", {}, label),
    ...options.map(([text, value]) => {
      const r = h("input", { type: "radio", name: q.key, checked: s.answers[q.key] === value });
      r.addEventListener("change", () => (s.answers[q.key] = value));
      return h("label", { class: "check" }, r, h("span", {}, text));
    }),
  );
}

/** What is missing on this step, in words; the server checks everything again. */
function check(step: Step, s: State, form: HTMLFormElement): string | null {
  switch (step) {
    case "details":
      if (!s.visitor.name.trim()) return "Please enter your full name.";
      if (s.visitor.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s.visitor.email)) return "That email address does not look right.";
      return null;
    case "building":
    case "location": {
      const missing = s.view.questions.find((q) => q.portal === step && q.required && (s.answers[q.key] === undefined || s.answers[q.key] === ""));
      if (missing) {
        form.querySelector<HTMLElement>(`[name="${missing.key}"]`)?.focus();
        return `Please answer "${missing.label}".`;
      }
      return null;
    }
    case "photo":
      return s.photo ? null : "Please take a photo or choose a picture.";
    case "agreements":
      if (s.view.ndas.some((n) => !s.accepted.has(n.key))) return "Please read and accept each agreement.";
      return s.signature ? null : "Type your full name to sign.";
    case "review":
      return null;
  }
}
