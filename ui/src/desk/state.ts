// The console's state in one place: who is signed in, what the lists show, what the window last
// drew (so a poll redraws only what changed), and the scanner's keystroke burst.

import { Backend, pickBackend } from "./backend";
import type { Origin } from "../generated/api-types";
import type { Session } from "../generated/desk-types";

export const backend: Backend = pickBackend();

export const state = {
  session: null as Session | null,
  /** The Invite Origin filter; null: all invites. */
  origin: null as Origin | null,
  /** The search box's text; empty: today's list. */
  query: "",
  /** The invite whose details are shown. */
  selected: null as string | null,
  /** The cache's revision the lists were drawn from. */
  revision: "",
  poller: undefined as number | undefined,
  /** The status bar and the details as last drawn (JSON), so a poll touches the page only on change. */
  shownStatus: "",
  shownDetail: "",
  /** A keyboard-wedge scanner types fast: the keys of the current burst and when the last came. */
  /** The window is the lobby kiosk: the console's keyboard shortcuts are off. */
  kiosk: false,
  burst: "",
  lastKey: 0,
};
