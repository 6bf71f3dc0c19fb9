// The desk's badge printer (with its fallback) and card encoder.

import { h } from "../../flow/dom";
import { backend } from "../state";
import { fail, panel } from "../view";
import { act } from "./console";

export async function showDevices() {
  try {
    const d = await backend.devices();
    const printer = h("input", { id: "printer-uri", value: d.printer ?? "", placeholder: "ipp://printer.local:631/ipp/print" });
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
        h("label", {}, "Badge printer (IPP address; a second one after a comma is the fallback)", printer),
        h("label", {}, "Card encoder (PC/SC reader)", encoder),
        h("button", { type: "submit", id: "save-devices" }, "Save"),
      ),
    );
  } catch (e) {
    fail(e);
  }
}
