// Drives the visitor's registration page in headless Chromium, as a visitor on a phone would:
// node tests/register-flow.mjs LINK CANCELLED_LINK OUT_DIR
// Saves a screenshot of each step in OUT_DIR and prints one line `RESULT {json}` with the
// page's load figures. Exits non-zero on the first thing that does not work.

import { chromium } from "playwright-core";
import { mkdirSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const [link, cancelledLink, out] = process.argv.slice(2);
if (!link || !cancelledLink || !out) {
  console.error("usage: register-flow.mjs LINK CANCELLED_LINK OUT_DIR");
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";

const browser = await chromium.launch({
  executablePath,
  args: [
    // Playwright runs headless with a fresh profile of its own.
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
  ],
});
const fail = async (page, what) => {
  await page.screenshot({ path: join(out, "failure.png"), fullPage: true }).catch(() => {});
  console.error(`FAILED: ${what}`);
  await browser.close();
  process.exit(1);
};
const shot = (page, name) => page.screenshot({ path: join(out, `${name}.png`), fullPage: true });

const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
await context.grantPermissions(["camera"], { origin: new URL(link).origin });
const page = await context.newPage();
page.setDefaultTimeout(10_000);

// Weigh everything the page loads (before any photo exists).
const resources = [];
page.on("response", async (r) => {
  try {
    resources.push({ url: r.url(), body: await r.body() });
  } catch {}
});

const started = Date.now();
await page.goto(link, { waitUntil: "load" });
await page.getByRole("heading", { name: /Your visit to/ }).waitFor();
const readyMs = Date.now() - started;
const nav = await page.evaluate(() => {
  const n = performance.getEntriesByType("navigation")[0];
  return { load: n.loadEventEnd - n.startTime, domContentLoaded: n.domContentLoadedEventEnd - n.startTime };
});
await page.waitForTimeout(200);
const bytes = resources.reduce((a, r) => a + r.body.length, 0);
const gzipBytes = resources.reduce((a, r) => a + gzipSync(r.body).length, 0);
await shot(page, "01-details");

// Default fields, once.
await page.getByLabel("Full name").fill("Ada King");
await page.getByRole("button", { name: "Next" }).click();

// The building's questions first: skipping a required one is refused on the page.
await page.getByRole("heading", { name: "Harbour Tower asks" }).waitFor();
await page.getByRole("button", { name: "Next" }).click();
const missing = page.getByRole("alert");
if (!/Please answer "Carrying tools\?"/.test(await missing.innerText())) await fail(page, "no message for a missing answer");
await shot(page, "02-building-questions-missing-answer");
await page.getByRole("group", { name: /Carrying tools/ }).getByLabel("No").check();
await shot(page, "03-building-questions");
await page.getByRole("button", { name: "Next" }).click();

// Then the tenant's.
await page.getByRole("heading", { name: "Acme HQ asks" }).waitFor();
await page.getByRole("group", { name: /Which room/ }).getByLabel("Vega").check();
await page.getByLabel(/Anything we should know/).fill("Arriving by bike");
await shot(page, "04-tenant-questions");
await page.getByRole("button", { name: "Next" }).click();

// Photo: a file that is not a picture, then one too large, each refused on the page.
await page.getByRole("heading", { name: "Your photo" }).waitFor();
await page.getByLabel("Or choose a picture").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not a picture") });
if (!/not a JPEG or PNG/.test(await page.getByRole("alert").innerText())) await fail(page, "no message for a file that is not a picture");
await page.getByLabel("Or choose a picture").setInputFiles({ name: "huge.jpg", mimeType: "image/jpeg", buffer: Buffer.alloc(5 * 1024 * 1024 + 1, 0xff) });
if (!/larger than 5 MB/.test(await page.getByRole("alert").innerText())) await fail(page, "no message for a picture over 5 MB");
await shot(page, "05-photo-refused");
// The camera (Chromium's fake device).
await page.getByRole("button", { name: "Take photo" }).waitFor();
await page.waitForTimeout(500);
await page.getByRole("button", { name: "Take photo" }).click();
await page.getByRole("img", { name: "Your photo" }).waitFor();
if (await page.getByRole("alert").isVisible()) await fail(page, "the refusal stayed up after a good photo");
await shot(page, "06-photo");
await page.getByRole("button", { name: "Next" }).click();

// Both agreements, each accepted once, and a typed signature.
await page.getByRole("heading", { name: "Agreements" }).waitFor();
await page.getByLabel(/accept Harbour Tower's agreement/).check();
await page.getByLabel(/accept Acme HQ's agreement/).check();
await page.getByLabel("Type your full name as your signature").fill("Ada King");
await shot(page, "07-agreements");
await page.getByRole("button", { name: "Next" }).click();

await page.getByRole("heading", { name: "Check and complete" }).waitFor();
await shot(page, "08-review");
await page.getByRole("button", { name: "Complete check-in" }).click();
await page.getByRole("heading", { name: "You're checked in" }).waitFor();
await shot(page, "09-done");

// The same link again: already used. The visitor is told they are done; whoever holds the link
// now sees nothing of the visit.
await page.goto(link);
await page.getByRole("heading", { name: "You're already registered" }).waitFor();
const usedText = await page.locator("body").innerText();
for (const personal of ["Ada", "Grace", "Harbour", "Acme", "@"]) {
  if (usedText.includes(personal)) await fail(page, `a used link still shows "${personal}"`);
}
await shot(page, "10-link-used");

// A cancelled visit's link and a made-up one.
await page.goto(cancelledLink);
await page.getByRole("alert").waitFor();
if (!/cancelled/.test(await page.getByRole("alert").innerText())) await fail(page, "a cancelled link was not refused");
await shot(page, "11-link-cancelled");
await page.goto(new URL("/register/not-a-real-link", link).href);
await page.getByRole("alert").waitFor();
if (!/not valid/.test(await page.getByRole("alert").innerText())) await fail(page, "an unknown link was not refused");
await shot(page, "12-link-unknown");

await browser.close();
const result = { ready_ms: readyMs, load_ms: Math.round(nav.load), dom_content_loaded_ms: Math.round(nav.domContentLoaded), bytes, gzip_bytes: gzipBytes, resources: resources.length };
writeFileSync(join(out, "figures.json"), JSON.stringify(result, null, 2));
console.log(`RESULT ${JSON.stringify(result)}`);
