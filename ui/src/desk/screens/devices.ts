// The desk's badge printer (with its fallback) and card encoder.

import { h } from "../../flow/dom";
import { backend } from "../state";
import { fail, panel } from "../view";
import { act } from "./console";

export async function showDevices() {
  try {
    const [d, st] = await Promise.all([backend.devices(), backend.state()]);
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
    );
  } catch (e) {
    fail(e);
  }
}
