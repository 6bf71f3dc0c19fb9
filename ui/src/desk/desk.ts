// The receptionist's console: today's visitors and who is on site, search as you type, the
// scanner, the actions on an invite, new invites, the Location Settings card and the export.
// The same code runs in the desktop app (Tauri commands) and in a browser (HTTP).
//
// `state.ts` holds the state, `view.ts` the page's fixed parts, `screens/` one file a screen,
// `scanner.ts` the keyboard (shortcuts and the barcode scanner).

import { listenToKeyboard } from "./scanner";
import { start } from "./screens/sign-in";

listenToKeyboard();
void start();
