// The desk's changes the portal did not apply, for a person to see.

import { h } from "../../flow/dom";
import { backend } from "../state";
import { fail, panel, time } from "../view";

export async function showConflicts() {
  try {
    const cs = await backend.conflicts();
    panel(
      "conflicts-panel",
      "Changes the portal did not apply",
      cs.length === 0
        ? h("p", { class: "hint" }, "None: every change from this desk was applied.")
        : h("ul", { class: "conflicts" }, ...cs.map((c) => h("li", { "data-code": c.code, "data-invite": c.invite_id }, h("strong", {}, `${c.visitor}: ${c.action.replace(/_/g, " ")} at ${time(c.at)}`), h("p", {}, c.message)))),
    );
  } catch (e) {
    fail(e);
  }
}
