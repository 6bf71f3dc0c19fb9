// Keyboard: shortcuts, and the barcode scanner (a keyboard wedge types the code fast and ends
// with Enter).

import { h } from "../flow/dom";
import { drawDetail } from "./screens/detail";
import { refresh } from "./screens/console";
import { newInvite } from "./screens/new-invite";
import { backend, state } from "./state";
import { detail, fail, search } from "./view";

async function scanned(code: string) {
  try {
    const r = await backend.scan(code);
    state.query = "";
    search.value = "";
    state.selected = r.id;
    drawDetail(r);
    await refresh();
  } catch (e) {
    fail(e);
  }
}

/** Listen to the keyboard: once, for the page's life. */
export function listenToKeyboard() {
  document.addEventListener("keydown", (e) => {
    if (!state.session || state.kiosk) return;
    const now = performance.now();
    if (e.key === "Enter") {
      const code = state.burst;
      if (e.defaultPrevented) {
        state.burst = "";
        return;
      }
      const fast = now - state.lastKey < 80;
      state.burst = "";
      if (code.length >= 8 && fast) {
        e.preventDefault();
        if (document.activeElement === search) {
          search.value = state.query;
        }
        void scanned(code);
        return;
      }
    } else if (e.key.length === 1 && !e.altKey && !e.ctrlKey && !e.metaKey) {
      state.burst = now - state.lastKey < 80 ? state.burst + e.key : e.key;
      state.lastKey = now;
    }
    const typing = document.activeElement instanceof HTMLInputElement || document.activeElement instanceof HTMLSelectElement;
    if (e.key === "/" && !typing) {
      e.preventDefault();
      search.focus();
    } else if (e.key === "Escape") {
      // Esc on the "Card sync blocked" prompt is its Cancel: the prompt's promise must settle, or
      // the card action waits for ever.
      const cancel = document.getElementById("card-blocked-cancel") as HTMLButtonElement | null;
      if (cancel) {
        cancel.click();
        return;
      }
      state.selected = null;
      detail.replaceChildren(h("p", { class: "hint" }, "Pick a visitor, type a name, or scan a badge."));
    } else if (e.altKey && !e.ctrlKey) {
      const click = (id: string) => (document.getElementById(id) as HTMLButtonElement | null)?.click();
      const k = e.key.toLowerCase();
      if (k === "a") click("arrive");
      else if (k === "o") click("check-out");
      else if (k === "p") click("print-badge");
      else if (k === "n") void newInvite();
      else return;
      e.preventDefault();
    }
  });

  // A scan typed into the search box shows up there as text first; take it back out.
  search.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && /^[0-9a-f-]{16,}$/i.test(search.value.trim())) {
      e.preventDefault();
      const code = search.value.trim();
      search.value = "";
      state.query = "";
      void scanned(code);
    }
  });
}
