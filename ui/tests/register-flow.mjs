// Drives the visitor's registration page in headless Chromium, as visitors on phones would, in
// each language:
// node tests/register-flow.mjs EN_LINK FR_LINK AR_LINK CANCELLED_LINK OUT_DIR
// - English (the phone's language): every step, with the refusals on the page (a missing answer,
//   a file that is not a picture, one too large), then a used, a cancelled and an unknown link;
// - French (from the phone's languages, in dark mode), every step by keyboard alone, each focus
//   visible; a cancelled link's refusal in French;
// - Arabic, chosen on the page after the name was typed (kept): the page turns right-to-left; then
//   a used and an unknown link.
// Times must be on the building's clock (London) though the phone is on Tokyo's. axe-core checks
// every screen against WCAG 2.1 A and AA; its violations are listed and fail the run.
// Saves a screenshot of each step in OUT_DIR (`en-01-details.png` …) and prints one line
// `RESULT {json}` with the page's load figures. Exits non-zero on the first thing that does not
// work, or at the end when axe found anything.

import { chromium } from "playwright-core";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { audit, describe, hiddenFocus } from "./a11y.mjs";

const [enLink, frLink, arLink, cancelledLink, out] = process.argv.slice(2);
if (!enLink || !frLink || !arLink || !cancelledLink || !out) {
  console.error("usage: register-flow.mjs EN_LINK FR_LINK AR_LINK CANCELLED_LINK OUT_DIR");
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const BUILDING_ZONE = "Europe/London";

const strings = Object.fromEntries(
  ["en", "fr", "ar"].map((l) => [l, JSON.parse(readFileSync(new URL(`../src/locales/${l}.json`, import.meta.url), "utf8"))]),
);
/** What the page should say: the same files the page bundles, each value isolated as t() does. */
const tr = (lang, key, vars = {}) => strings[lang][key].replace(/\{(\w+)\}/g, (_, n) => `\u2068${vars[n]}\u2069`);

const violations = [];
const browser = await chromium.launch({
  executablePath,
  args: [
    // Playwright runs headless with a fresh profile of its own.
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
  ],
});
let current;
const fail = async (what) => {
  await current?.screenshot({ path: join(out, "failure.png"), fullPage: true }).catch(() => {});
  console.error(`FAILED: ${what}`);
  await browser.close();
  process.exit(1);
};
process.on("unhandledRejection", (e) => fail(e?.stack ?? String(e)));

/** A phone on Tokyo time whose languages are `locale`'s; the page's CSP is bypassed for axe alone. */
async function phone(locale, colorScheme = "light") {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    locale, timezoneId: "Asia/Tokyo", colorScheme, bypassCSP: true,
  });
  await context.grantPermissions(["camera"], { origin: new URL(enLink).origin });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  current = page;
  return { page, errors };
}

/** Screenshot and audit of the screen as it is. */
async function step(page, lang, name) {
  await page.screenshot({ path: join(out, `${lang}-${name}.png`), fullPage: true });
  violations.push(...(await audit(page, `${lang} ${name}`)));
}

/** Tab (forwards) until `target` has the focus, checking that every focus on the way shows. */
async function tabTo(page, target) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    const hidden = await hiddenFocus(page);
    if (hidden) await fail(`no visible focus on ${hidden}`);
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  await fail(`Tab never reached ${target}`);
}

/** The visit's window as the page must show it: on the building's clock, in `lang`'s format. */
async function expectedWhen(page, lang) {
  return page.evaluate(async ([lang, zone]) => {
    const token = location.pathname.split("/").pop();
    const v = await (await fetch(`/api/v1/registrations/${token}`)).json();
    const f = new Intl.DateTimeFormat(navigator.languages.find((l) => l.split("-")[0] === lang) ?? lang, {
      weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: zone,
    });
    return { from: f.format(new Date(v.valid_from)), to: f.format(new Date(v.valid_to)), timezone: v.timezone };
  }, [lang, BUILDING_ZONE]);
}

/**
 * One visitor's whole flow in `lang`: by mouse and touch, or by keyboard alone. `before(page)`
 * runs on the first step once the name is typed (the Arabic run switches language there).
 */
async function visit(page, lang, { keyboard = false, refusals = false, before } = {}) {
  const T = (key, vars) => tr(lang, key, vars);
  const next = () => page.getByRole("button", { name: T("flow.next") });
  const press = async (locator) => {
    if (keyboard) {
      await tabTo(page, locator);
      await page.keyboard.press("Enter");
    } else await locator.click();
  };
  const type = async (locator, text) => {
    if (keyboard) {
      await tabTo(page, locator);
      await page.keyboard.type(text);
    } else await locator.fill(text);
  };
  const check = async (locator) => {
    if (keyboard) {
      await tabTo(page, locator);
      await page.keyboard.press("Space");
    } else await locator.check();
  };

  // Default fields, once; the visit's times on the building's clock, in the language's format.
  const first = before ? "en" : lang;
  await page.getByRole("heading", { name: tr(first, "flow.details.title", { location: "Acme HQ" }) }).waitFor();
  await type(page.getByLabel(tr(first, "flow.details.name")), "Ada King");
  if (before) await before(page);
  const when = await expectedWhen(page, lang);
  if (when.timezone !== BUILDING_ZONE) await fail(`the page was given the zone ${when.timezone}`);
  const shown = await page.locator(".visit").innerText();
  if (!shown.includes(when.from) || !shown.includes(when.to)) await fail(`the visit shows "${shown}", not ${when.from} to ${when.to} (London)`);
  await step(page, lang, "01-details");
  await press(next());

  // The building's questions first: skipping a required one is refused on the page.
  await page.getByRole("heading", { name: T("flow.questions.title", { place: "Harbour Tower" }) }).waitFor();
  if (refusals) {
    await next().click();
    if ((await page.getByRole("alert").innerText()) !== T("flow.check.answer", { question: "Carrying tools?" })) await fail("no message for a missing answer");
    await step(page, lang, "02-building-questions-missing-answer");
  }
  const tools = page.getByRole("group", { name: /Carrying tools/ });
  if (keyboard) {
    // A radio group is one Tab stop; the arrow keys choose.
    await tabTo(page, tools.getByLabel(T("flow.answer.yes"), { exact: true }));
    await page.keyboard.press("ArrowDown");
  } else await tools.getByLabel(T("flow.answer.no"), { exact: true }).check();
  if (!(await tools.getByLabel(T("flow.answer.no"), { exact: true }).isChecked())) await fail("could not answer No");
  await step(page, lang, "03-building-questions");
  await press(next());

  // Then the tenant's.
  await page.getByRole("heading", { name: T("flow.questions.title", { place: "Acme HQ" }) }).waitFor();
  const room = page.getByRole("group", { name: /Which room/ });
  if (keyboard) {
    await tabTo(page, room.getByLabel("Orion"));
    await page.keyboard.press("ArrowDown");
  } else await room.getByLabel("Vega").check();
  await type(page.getByLabel(/Anything we should know/), "Arriving by bike");
  await step(page, lang, "04-tenant-questions");
  await press(next());

  // Photo: a file that is not a picture, then one too large, each refused on the page.
  await page.getByRole("heading", { name: T("flow.photo.title") }).waitFor();
  if (refusals) {
    const file = page.getByLabel(T("flow.photo.file"));
    await file.setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not a picture") });
    if ((await page.getByRole("alert").innerText()) !== T("flow.photo.not_picture")) await fail("no message for a file that is not a picture");
    await file.setInputFiles({ name: "huge.jpg", mimeType: "image/jpeg", buffer: Buffer.alloc(5 * 1024 * 1024 + 1, 0xff) });
    if ((await page.getByRole("alert").innerText()) !== T("flow.photo.too_large", { mb: 5 })) await fail("no message for a picture over 5 MB");
    await step(page, lang, "05-photo-refused");
  }
  // The camera (Chromium's fake device).
  const take = page.getByRole("button", { name: T("flow.photo.take") });
  await take.waitFor();
  await page.waitForTimeout(500);
  await press(take);
  await page.getByRole("img", { name: T("flow.photo.title") }).waitFor();
  if (await page.getByRole("alert").isVisible()) await fail("the refusal stayed up after a good photo");
  await step(page, lang, "06-photo");
  await press(next());

  // Both agreements, each accepted once, and a typed signature.
  await page.getByRole("heading", { name: T("flow.agreements.title") }).waitFor();
  await check(page.getByLabel(T("flow.agreements.accept", { party: "Harbour Tower" })));
  await check(page.getByLabel(T("flow.agreements.accept", { party: "Acme HQ" })));
  await type(page.getByLabel(T("flow.agreements.signature")), "Ada King");
  await step(page, lang, "07-agreements");
  await press(next());

  await page.getByRole("heading", { name: T("flow.review.title") }).waitFor();
  await step(page, lang, "08-review");
  await press(page.getByRole("button", { name: T("flow.complete") }));
  await page.getByRole("heading", { name: T("flow.done.title") }).waitFor();
  await step(page, lang, "09-done");
}

/** A link the visitor can no longer use: the page says why, in `lang`, and nothing of the visit. */
async function deadLink(page, lang, link, name, key) {
  await page.goto(link);
  const used = key === "flow.already.text";
  await page.getByRole("heading", { name: tr(lang, used ? "flow.already.title" : "flow.problem.title") }).waitFor();
  const text = await page.locator("main").innerText();
  if (!text.includes(tr(lang, key))) await fail(`${name}: the page says "${text}", not "${tr(lang, key)}"`);
  const body = await page.locator("body").innerText();
  for (const personal of ["Ada", "Grace", "Harbour", "Acme", "@"]) {
    if (used && body.includes(personal)) await fail(`a used link still shows "${personal}"`);
  }
  await step(page, lang, name);
}

// English, the phone's language.
let readyMs, nav, bytes, gzipBytes, resourceCount;
const en = await phone("en-GB");
{
  const { page } = en;
  // Weigh everything the page loads (before any photo exists).
  const resources = [];
  const weigh = async (r) => {
    try {
      resources.push({ url: r.url(), body: await r.body() });
    } catch {}
  };
  page.on("response", weigh);
  const started = Date.now();
  await page.goto(enLink, { waitUntil: "load" });
  await page.getByRole("heading", { name: /Your visit to/ }).waitFor();
  readyMs = Date.now() - started;
  nav = await page.evaluate(() => {
    const n = performance.getEntriesByType("navigation")[0];
    return { load: n.loadEventEnd - n.startTime, domContentLoaded: n.domContentLoadedEventEnd - n.startTime };
  });
  await page.waitForTimeout(200);
  page.off("response", weigh);
  bytes = resources.reduce((a, r) => a + r.body.length, 0);
  gzipBytes = resources.reduce((a, r) => a + gzipSync(r.body).length, 0);
  resourceCount = resources.length;
  if ((await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir].join())) !== "en,ltr") await fail("the page is not in English");
  await visit(page, "en", { refusals: true });
  // The same link again: already used. The visitor is told they are done; whoever holds the link
  // now sees nothing of the visit.
  await deadLink(page, "en", enLink, "10-link-used", "flow.already.text");
  await deadLink(page, "en", cancelledLink, "11-link-cancelled", "flow.problem.cancelled");
  await deadLink(page, "en", new URL("/register/not-a-real-link", enLink).href, "12-link-unknown", "flow.problem.not_found");
  if (en.errors.length) await fail(`the page reported errors: ${en.errors.join("; ")}`);
}

// French, from the phone's languages, dark mode, by keyboard alone.
const fr = await phone("fr-FR", "dark");
{
  const { page } = fr;
  await page.goto(frLink);
  await page.getByRole("heading", { name: tr("fr", "flow.details.title", { location: "Acme HQ" }) }).waitFor();
  if ((await page.title()) !== tr("fr", "page.title")) await fail(`the page's title is "${await page.title()}"`);
  await visit(page, "fr", { keyboard: true, refusals: true });
  await deadLink(page, "fr", cancelledLink, "11-link-cancelled", "flow.problem.cancelled");
  if (fr.errors.length) await fail(`the page reported errors: ${fr.errors.join("; ")}`);
}

// Arabic, chosen on the page once the name is typed: right-to-left, and the name is still there.
const ar = await phone("en-US");
{
  const { page } = ar;
  await page.goto(arLink);
  await visit(page, "ar", {
    refusals: true,
    before: async (page) => {
      await page.getByRole("button", { name: "العربية" }).click();
      await page.getByRole("heading", { name: tr("ar", "flow.details.title", { location: "Acme HQ" }) }).waitFor();
      const [lang, dir] = await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);
      if (lang !== "ar" || dir !== "rtl") await fail(`after choosing Arabic the page is lang=${lang} dir=${dir}`);
      if ((await page.getByLabel(tr("ar", "flow.details.name")).inputValue()) !== "Ada King") await fail("the typed name was lost on changing language");
      if ((await page.getByRole("button", { name: "العربية" }).getAttribute("aria-pressed")) !== "true") await fail("the chooser does not show Arabic as chosen");
      // Mirrored: the Next button sits at the left, the heading starts at the right.
      const box = await page.getByRole("button", { name: tr("ar", "flow.next") }).boundingBox();
      if (box.x > 390 / 2) await fail(`in Arabic the Next button is on the right (x=${box.x})`);
    },
  });
  // A reload keeps nothing but the phone's languages: the dead links are checked in Arabic by
  // choosing it again.
  await page.goto(arLink);
  await page.getByRole("button", { name: "العربية" }).click();
  await page.getByRole("heading", { name: tr("ar", "flow.already.title") }).waitFor();
  await step(page, "ar", "10-link-used");
  await page.goto(new URL("/register/not-a-real-link", enLink).href);
  await page.getByRole("button", { name: "العربية" }).click();
  await page.getByText(tr("ar", "flow.problem.not_found")).waitFor();
  await step(page, "ar", "12-link-unknown");
  if (ar.errors.length) await fail(`the page reported errors: ${ar.errors.join("; ")}`);
}

await browser.close();
if (violations.length) {
  console.error(`FAILED: ${describe(violations)}`);
  process.exit(1);
}
const result = { ready_ms: readyMs, load_ms: Math.round(nav.load), dom_content_loaded_ms: Math.round(nav.domContentLoaded), bytes, gzip_bytes: gzipBytes, resources: resourceCount };
writeFileSync(join(out, "figures.json"), JSON.stringify(result, null, 2));
console.log(`RESULT ${JSON.stringify(result)}`);
