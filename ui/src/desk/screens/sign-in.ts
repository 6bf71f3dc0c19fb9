// The first screen: the built-in portal's demo accounts, signing in, and "Connect to a server".

import { h } from "../../flow/dom";
import type { StartInfo } from "../../generated/desk-types";
import { backend } from "../state";
import { fail, show } from "../view";
import { openConsole, stopPolling } from "./console";
import { kioskBackend } from "../../kiosk/backend";
import { openKiosk } from "../../kiosk/kiosk";

export async function start() {
  show(h("p", { class: "starting" }, "Starting the desk…"));
  let info: StartInfo;
  try {
    info = await backend.startInfo();
  } catch (e) {
    show(h("p", { class: "error", role: "alert" }, `The desk could not start: ${(e as Error).message}`));
    return;
  }
  // A locked kiosk shows the kiosk, signed in or not: only the PIN gets to the console.
  const k = backend.desktop ? await kioskBackend.kiosk().catch(() => null) : null;
  if (k?.locked) openKiosk(info.session, k);
  else if (info.session) openConsole(info.session);
  else signInScreen(info);
  backend.firstScreen();
}

export function signInScreen(info: StartInfo) {
  stopPolling();
  const email = h("input", { id: "email", type: "email", autocomplete: "username", required: true });
  const password = h("input", { id: "password", type: "password", autocomplete: "current-password", required: true });
  const signIn = h(
    "form",
    {
      id: "sign-in",
      class: "card",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        try {
          openConsole(await backend.signIn(email.value, password.value));
        } catch (err) {
          fail(err);
        }
      },
    },
    h("h2", {}, info.built_in ? "Sign in" : `Sign in to ${info.server}`),
    h("label", {}, "Email", email),
    h("label", {}, "Password", password),
    h("button", { type: "submit" }, "Sign in"),
  );
  const demo =
    info.demo_accounts.length > 0 &&
    h(
      "section",
      { class: "card", id: "demo-accounts" },
      h("h2", {}, "Demo accounts (built-in portal)"),
      h("p", { class: "hint" }, "This desk runs its own portal with a demo building. Pick who you are:"),
      ...info.demo_accounts.map((a) =>
        h(
          "button",
          {
            class: "demo",
            "data-email": a.email,
            onclick: async () => {
              try {
                openConsole(await backend.signInDemo(a.email));
              } catch (err) {
                fail(err);
              }
            },
          },
          h("strong", {}, a.what),
          h("span", {}, a.email),
        ),
      ),
    );
  const url = h("input", { id: "server-url", type: "url", placeholder: "https://portal.example.com", required: true });
  const cEmail = h("input", { id: "server-email", type: "email", required: true });
  const cPassword = h("input", { id: "server-password", type: "password", required: true });
  const connect = h(
    "form",
    {
      id: "connect",
      class: "card",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        try {
          openConsole(await backend.connect(url.value, cEmail.value, cPassword.value));
        } catch (err) {
          fail(err);
        }
      },
    },
    h("h2", {}, "Connect to a server"),
    h("p", { class: "hint" }, "Use your building's shared portal instead of the built-in one. The desk remembers it."),
    h("label", {}, "Portal address", url),
    h("label", {}, "Email", cEmail),
    h("label", {}, "Password", cPassword),
    h("button", { type: "submit" }, "Connect"),
  );
  const builtIn =
    !info.built_in &&
    h(
      "button",
      {
        id: "use-built-in",
        class: "link",
        onclick: async () => {
          try {
            await backend.useBuiltIn();
            signInScreen(await backend.startInfo());
          } catch (err) {
            fail(err);
          }
        },
      },
      "Use the built-in portal instead",
    );
  show(
    h("header", { class: "bar" }, h("h1", {}, "Frontdesk")),
    h("main", { class: "sign-in", id: "sign-in-screen" }, demo || null, signIn, info.built_in ? connect : null, builtIn || null),
  );
}
