// The language chooser: one button per language, each named in its own language, so a visitor
// finds theirs whatever the page is in now. The visitor's page shows it; the kiosk can too.

import { LANGUAGES, Lang, language, setLanguage, t } from "../i18n";
import { h } from "./dom";

/** The chooser; `changed` is called after `setLanguage`, to redraw what the page shows. */
export function languageChooser(changed: (lang: Lang) => void): HTMLElement {
  const group = h("div", { class: "languages", role: "group" });
  const buttons = LANGUAGES.map((l) => {
    const b = h("button", { type: "button", class: "language", lang: l.code, dir: l.dir, "data-lang": l.code }, l.name);
    b.addEventListener("click", () => {
      if (language() === l.code) return;
      setLanguage(l.code);
      mark();
      changed(l.code);
    });
    return b;
  });
  const mark = () => {
    group.setAttribute("aria-label", t("language.label"));
    for (const [i, b] of buttons.entries()) b.setAttribute("aria-pressed", String(LANGUAGES[i].code === language()));
  };
  group.append(...buttons);
  mark();
  return group;
}
