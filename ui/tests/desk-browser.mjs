// The receptionist's console in a browser (headless Chromium), against the portal's API:
// node tests/desk-browser.mjs DESK_URL EMAIL PASSWORD VISITOR OUT_DIR [HOST NEW_VISITOR]
// Signs in, finds the visitor by typing, marks the arrival, filters by Invite Origin. With HOST,
// invites NEW_VISITOR for a host picked from the directory, marks the arrival and waits for the
// visit to show that the host was told and answered "On my way".
// axe-core checks the main screens (sign-in, today's list, a visit's detail, a new invite) against
// WCAG 2.1 A and AA; its violations are listed and fail the run. On today's list, twenty Tabs must
// each show where the focus is.
// Saves a screenshot of each step in OUT_DIR; exits non-zero on the first thing that does not work.

import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { audit, describe, hiddenFocus } from "./a11y.mjs";

const [url, email, password, visitor, out, host, newVisitor] = process.argv.slice(2);
if (!out) {
  console.error("usage: desk-browser.mjs DESK_URL EMAIL PASSWORD VISITOR OUT_DIR");
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
// The browser runs on Tokyo time; the building is in London: the console must show and read
// London's wall clock.
const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, timezoneId: "Asia/Tokyo", bypassCSP: true });
page.setDefaultTimeout(10_000);
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
const shot = (name) => page.screenshot({ path: join(out, `${name}.png`) });
const violations = [];
const check = async (screen) => violations.push(...(await audit(page, screen)));
try {
  await page.goto(url, { waitUntil: "load" });
  await page.locator("#sign-in").waitFor();
  await shot("01-sign-in");
  await check("sign-in");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("#sign-in button[type=submit]");
  await page.locator("#invites .row").first().waitFor();
  await shot("02-today");
  await check("today");
  // By keyboard: every stop of the first twenty Tabs shows where the focus is.
  await page.locator("body").focus();
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press("Tab");
    const hidden = await hiddenFocus(page);
    if (hidden) throw new Error(`no visible focus on ${hidden}`);
  }
  await page.fill("#search", visitor.slice(0, 5));
  await page.locator(`#invites .row .name:text-is("${visitor}")`).waitFor();
  await page.click(`#invites .row:has(.name:text-is("${visitor}"))`);
  await page.locator("#detail-name", { hasText: visitor }).waitFor();
  await check("detail");
  await page.click("#arrive");
  await page.locator("#detail-status[data-status=arrived]").waitFor();
  await shot("03-arrived");
  await page.fill("#search", "");
  await page.selectOption("#origin", "tenant");
  await page.waitForFunction(() => [...document.querySelectorAll("#invites .row")].every((r) => r.dataset.origin === "tenant"));
  await shot("04-tenant-created");
  if (host) {
    await page.selectOption("#origin", "");
    await page.click("#new-invite");
    await page.locator("#new-invite-panel").waitFor();
    await check("new invite");
    const shown = await page.inputValue("#new-from");
    const london = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date());
    const minutes = (hm) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5));
    if (Math.abs(minutes(shown.slice(11, 16)) - minutes(london)) > 2) {
      throw new Error(`the form shows ${shown}, not the building's time (London ${london})`);
    }
    await page.fill("#new-host", host.slice(0, 4));
    await page.locator(`#host-hits .host-hit:has(.name:text-is("${host}"))`).waitFor();
    await shot("05-host-picker");
    await check("new invite, host picker");
    await page.click(`#host-hits .host-hit:has(.name:text-is("${host}"))`);
    await page.locator("#host-chosen", { hasText: "told when the visitor arrives" }).waitFor();
    await page.fill("#new-name", newVisitor);
    await page.fill("#new-email", "visitor@example.com");
    await page.click("#create-invite");
    await page.locator("#sync-result.ok").waitFor();
    await page.fill("#search", newVisitor.slice(0, 5));
    await page.click(`#invites .row:has(.name:text-is("${newVisitor}"))`);
    await page.locator("#detail-host", { hasText: host }).waitFor();
    await page.click("#arrive");
    await page.locator("#host-notice").waitFor();
    await page.locator("#host-notice[data-state=on_my_way]").waitFor({ timeout: 30_000 });
    await shot("06-host-on-my-way");
  }
  if (errors.length) throw new Error(`the page reported errors: ${errors.join("; ")}`);
  if (violations.length) throw new Error(describe(violations));
  console.log("RESULT ok");
} catch (e) {
  await page.screenshot({ path: join(out, "failure.png") }).catch(() => {});
  console.error(`FAILED: ${e}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
