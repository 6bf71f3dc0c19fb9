// The Location Settings card (tenant admins): Sync Building Invitations and card sync.

import { h } from "../../flow/dom";
import { backend } from "../state";
import { fail, panel } from "../view";
import { act } from "./console";

export async function showSettings() {
  try {
    const s = await backend.locationSettings();
    const sync = h("input", { id: "sync-building-invitations", type: "checkbox", checked: s.sync_building_invitations });
    const cards = h("input", { id: "card-sync", type: "checkbox", checked: s.card_sync_enabled });
    panel(
      "settings-panel",
      "Location Settings",
      h(
        "form",
        {
          class: "card",
          onsubmit: (e: Event) => {
            e.preventDefault();
            void act(() => backend.saveLocationSettings({ ...s, sync_building_invitations: sync.checked, card_sync_enabled: cards.checked }), "Location Settings saved.");
          },
        },
        h("h3", {}, "Sync Building Invitations"),
        h("p", { class: "hint" }, "When on, visitors the building invites for this location appear here as linked invites, kept in step with the building's."),
        h("label", { class: "toggle" }, sync, " Sync Building Invitations"),
        h("label", { class: "toggle" }, cards, " Sync access cards with the building"),
        h("button", { type: "submit", id: "save-settings" }, "Save"),
      ),
    );
  } catch (e) {
    fail(e);
  }
}
