// The visitor's page at /register/{token}: the combined check-in flow over HTTP, in the first of
// the phone's languages that we have, with a chooser for the others.

import { HttpFlowBackend } from "./api";
import { mountCheckinFlow } from "./flow/checkin-flow";
import { languageChooser } from "./flow/language";
import { pickLanguage, setLanguage, t } from "./i18n";

setLanguage(pickLanguage(navigator.languages?.length ? navigator.languages : [navigator.language]));
document.title = t("page.title");

const token = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() ?? "");
const root = document.getElementById("app");
if (root) {
  const flow = mountCheckinFlow(root, new HttpFlowBackend(token));
  document.getElementById("top")?.append(
    languageChooser(() => {
      document.title = t("page.title");
      flow.redraw();
    }),
  );
}
