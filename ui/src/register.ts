// The visitor's page at /register/{token}: the combined check-in flow over HTTP.

import { HttpFlowBackend } from "./api";
import { mountCheckinFlow } from "./flow/checkin-flow";

const token = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() ?? "");
const root = document.getElementById("app");
if (root) void mountCheckinFlow(root, new HttpFlowBackend(token));
