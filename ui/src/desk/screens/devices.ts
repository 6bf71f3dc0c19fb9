// The desk's badge printer (with its fallback) and card encoder.

import { h } from "../../flow/dom";
import type { Kiosk } from "../../generated/desk-types";
import { backend } from "../state";
import { fail, panel } from "../view";
import { act } from "./console";
import { kioskBackend } from "../../kiosk/backend";

export async function showDevices() {
  try {
    const [d, st, k] = await Promise.all([backend.devices(), backend.state(), kioskBackend.kiosk()]);
    const printer = h("input", { id: "printer-uri", value: d.printer ?? "", placeholder: "ipp://printer.local:631/ipp/print or zpl://zebra.local:9100" });
    const encoder = h("input", { id: "encoder-reader", value: d.encoder ?? "", placeholder: "Reader name (blank: the first one)" });
    panel(
      "devices-panel",
      "Devices",
      h(
        "form",
        {
          onsubmit: (e: Event) => {
            e.preventDefault();
            void act(() => backend.setDevices({ printer: printer.value || null, encoder: encoder.value || null }), "Devices saved.");
          },
        },
        h("label", {}, "Badge printer (IPP address, or zpl:// for a Zebra; a second one after a comma is the fallback)", printer),
        // What the printer is, what a badge goes to it as, which labels are loaded, or its problem.
        h("p", { id: "devices-printer-state", class: st.printer.ready ? "ok" : "muted" }, st.printer.label),
        h("label", {}, "Card encoder (PC/SC reader)", encoder),
        h("p", { id: "devices-encoder-state", class: st.encoder.ready ? "ok" : "muted" }, st.encoder.label),
        h("button", { type: "submit", id: "save-devices" }, "Save"),
      ),
      kioskForm(k),
    );
  } catch (e) {
    fail(e);
  }
}

/** The lobby kiosk: on at this desk (it then starts as one), its PIN, idle timeout and cards. */
function kioskForm(k: Kiosk) {
  const enabled = h("input", { id: "kiosk-enabled", type: "checkbox", checked: k.enabled });
  const pin = h("input", { id: "kiosk-new-pin", type: "password", inputmode: "numeric", autocomplete: "new-password", maxlength: 8, placeholder: k.has_pin ? "Leave blank to keep the PIN" : "4 to 8 digits" });
  const idle = h("input", { id: "kiosk-idle-seconds", type: "number", min: 3, max: 600, value: k.idle_seconds });
  const facility = h("input", { id: "kiosk-card-facility", type: "number", min: 0, max: 255, value: k.card_facility ?? "" });
  return h(
    "form",
    {
      id: "kiosk-settings",
      onsubmit: (e: Event) => {
        e.preventDefault();
        void act(async () => {
          const saved = await kioskBackend.setKiosk({
            enabled: enabled.checked,
            pin: pin.value || null,
            idle_seconds: Number(idle.value),
            card_facility: facility.value === "" ? null : Number(facility.value),
          });
          // The kiosk takes over the window at once.
          if (saved.locked) location.reload();
          return saved;
        }, "Kiosk settings saved.");
      },
    },
    h("h3", {}, "Lobby kiosk"),
    h("p", { class: "hint" }, "A kiosk lets walk-in visitors sign themselves in. The window goes full screen and only the PIN gets back to this console."),
    h("label", { class: "toggle" }, enabled, " This desk is a kiosk"),
    h("label", {}, "Admin PIN to leave the kiosk", pin),
    h("label", {}, "Start over after this many idle seconds", idle),
    h("label", {}, "Write visitors' access cards with facility code (blank: no cards at the kiosk)", facility),
    h("button", { type: "submit", id: "save-kiosk" }, "Save kiosk settings"),
  );
}
