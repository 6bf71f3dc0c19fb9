// The front end's strings: node tests/locales.mjs (from ui/). Exits non-zero, listing each
// problem, when
// - a language file (src/locales/*.json) has other keys than en.json, or a string with other
//   {placeholders} than English's, or an empty one, or (Arabic) one with no Arabic letter;
// - a `t("key")` in the visitor's page names a key en.json lacks;
// - the visitor's page and the kiosk (src/flow/*.ts, src/kiosk/*.ts, src/register.ts, src/register.html) holds a string a
//   person would read that is not a key for t(): any literal with a capitalised word or two words
//   in a row, outside comments. Props, tags, classes and codes are lower-case single tokens, so
//   they pass; a sentence cannot.

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const src = new URL("../src/", import.meta.url).pathname;
const problems = [];
const load = (lang) => JSON.parse(readFileSync(join(src, "locales", `${lang}.json`), "utf8"));
const en = load("en");
const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(",");

for (const file of readdirSync(join(src, "locales")).filter((f) => f.endsWith(".json"))) {
  const lang = file.replace(/\.json$/, "");
  const strings = load(lang);
  for (const key of Object.keys(en)) {
    if (!(key in strings)) problems.push(`${file}: no "${key}"`);
  }
  for (const [key, text] of Object.entries(strings)) {
    if (!(key in en)) problems.push(`${file}: "${key}" is not in en.json`);
    else if (typeof text !== "string" || !text.trim()) problems.push(`${file}: "${key}" is empty`);
    else if (placeholders(text) !== placeholders(en[key]))
      problems.push(`${file}: "${key}" has {${placeholders(text)}}, en.json {${placeholders(en[key])}}`);
    else if (lang === "ar" && !/[\u0600-\u06ff]/.test(text)) problems.push(`${file}: "${key}" is not in Arabic: ${text}`);
  }
}

/** Each string literal and template text of a TypeScript file, with what stands before it. */
function literals(code) {
  const out = [];
  let i = 0;
  let last = ""; // the last significant character, to tell a regex from a division
  const readString = (q) => {
    let s = "";
    const start = i;
    i++;
    while (i < code.length && code[i] !== q) {
      if (code[i] === "\\") i++;
      s += code[i++];
    }
    i++;
    out.push({ text: s, before: code.slice(Math.max(0, start - 40), start), at: start });
  };
  const readTemplate = () => {
    const start = i;
    i++;
    let s = "";
    while (i < code.length && code[i] !== "`") {
      if (code[i] === "\\") {
        s += code[i + 1];
        i += 2;
      } else if (code[i] === "$" && code[i + 1] === "{") {
        s += "\u0000";
        i += 2;
        let depth = 1;
        while (i < code.length && depth) {
          if (code[i] === "{") depth++;
          else if (code[i] === "}") depth--;
          else if (code[i] === '"' || code[i] === "'") {
            readString(code[i]);
            continue;
          }
          i++;
        }
      } else s += code[i++];
    }
    i++;
    out.push({ text: s.replace(/\u0000/g, "{…}"), before: code.slice(Math.max(0, start - 40), start), at: start });
  };
  while (i < code.length) {
    const c = code[i];
    if (c === "/" && code[i + 1] === "/") i = code.indexOf("\n", i) === -1 ? code.length : code.indexOf("\n", i);
    else if (c === "/" && code[i + 1] === "*") i = code.indexOf("*/", i) + 2;
    else if (c === "/" && (last === "" || "(,=:[!&|?{};".includes(last))) {
      // A regular expression literal.
      i++;
      let inClass = false;
      while (i < code.length && (code[i] !== "/" || inClass)) {
        if (code[i] === "\\") i++;
        else if (code[i] === "[") inClass = true;
        else if (code[i] === "]") inClass = false;
        i++;
      }
      i++;
      last = "/";
    } else if (c === '"' || c === "'") {
      readString(c);
      last = c;
    } else if (c === "`") {
      readTemplate();
      last = c;
    } else {
      if (!/\s/.test(c)) last = c;
      i++;
    }
  }
  return out;
}

const readable = (s) => /\b[A-Z][a-z]+/.test(s) || /[A-Za-z]{2,}[,.:;!?]?\s+[A-Za-z]{2,}/.test(s);
const files = [...["flow", "kiosk"].flatMap((dir) => readdirSync(join(src, dir)).filter((f) => f.endsWith(".ts")).map((f) => join(dir, f))), "register.ts"];
for (const file of files) {
  const code = readFileSync(join(src, file), "utf8");
  for (const lit of literals(code)) {
    const line = code.slice(0, lit.at).split("\n").length;
    if (/\bclass:\s*$/.test(lit.before)) continue; // class names: "card done"
    if (/\bt\(\s*$/.test(lit.before)) {
      if (!(lit.text in en)) problems.push(`src/${file}:${line}: t("${lit.text}") is not a key of en.json`);
    } else if (readable(lit.text)) {
      problems.push(`src/${file}:${line}: "${lit.text}" is shown as it is: put it in src/locales/*.json and use t()`);
    }
  }
}

// The page's own HTML: its text comes from t(); only <noscript>, which no script can translate,
// holds a sentence (in each language), and the title is the product's name until the script runs.
const html = readFileSync(join(src, "register.html"), "utf8")
  .replace(/<noscript>[\s\S]*?<\/noscript>/g, "")
  .replace(/<title>Frontdesk<\/title>/, "")
  .replace(/<!doctype[^>]*>/i, "")
  .replace(/<[^>]+>/g, "")
  .trim();
if (html) problems.push(`src/register.html: text outside t(): ${html.slice(0, 80)}`);

if (problems.length) {
  console.error(problems.join("\n"));
  console.error(`${problems.length} problem(s) with the front end's strings`);
  process.exit(1);
}
console.log(`locales: ${Object.keys(en).length} keys in each language, no hard-coded text in ${files.length} files of the visitor's page`);
