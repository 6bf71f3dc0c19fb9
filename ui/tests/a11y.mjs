// Accessibility checks of a page under test. axe-core: WCAG 2.1 A and AA. The pages have a strict CSP; axe's source is
// evaluated through the browser's debugging protocol, which the CSP does not govern (the tests'
// contexts also bypass it, for any script axe adds).

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const source = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
export const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** What axe finds on the page as it is now, each violation tagged with `screen`. */
export async function audit(page, screen) {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(source);
  const found = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: tags } });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary ?? "" })),
    }));
  }, TAGS);
  return found.map((v) => ({ screen, ...v }));
}

/** The violations as lines for a person: rule, impact, what it asks, then each element. */
export function describe(violations) {
  const lines = [`axe-core found ${violations.length} violation(s) of WCAG 2.1 A/AA:`];
  for (const v of violations) {
    lines.push(`- [${v.screen}] ${v.id} (${v.impact}): ${v.help}`);
    for (const n of v.nodes) lines.push(`    ${n.target}: ${n.summary.replace(/\n\s*/g, " / ")}`);
  }
  return lines.join("\n");
}

/** Where the focus is, when it does not show (no outline, no shadow); null when it shows or is
 * on nothing. */
export function hiddenFocus(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const s = getComputedStyle(el);
    const shows = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none";
    return shows ? null : el.outerHTML.slice(0, 120);
  });
}
