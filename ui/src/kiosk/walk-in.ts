// A walk-in: the company (searchable), the host (the lobby's host search; a typed name where the
// company keeps no directory, or while offline), the visitor type, then the same combined
// check-in flow the visitor's phone runs. The desk creates the building's invite (and, by
// Reverse Building Sync, the tenant's), records the arrival and tells the host — or queues it all
// when the portal is out of reach.

import { h } from "../flow/dom";
import { t } from "../i18n";
import { backend } from "../desk/state";
import type { HostHit } from "../generated/api-types";
import type { WalkInLocation, WalkInPlaces } from "../generated/api-types";
import { kioskBackend } from "./backend";
import { backButton, finish, problem } from "./arrival";
import { flowScreen, kiosk, onLanguage, screen } from "./kiosk";

interface Choice {
  place?: WalkInLocation;
  hostId: string | null;
  hostName: string;
  typeId: string | null;
}

const fold = (s: string) => s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();

export async function walkIn() {
  const visit = kiosk.visit;
  let places: WalkInPlaces;
  try {
    places = await kioskBackend.walkInPlaces();
  } catch (e) {
    return problem((e as Error).message);
  }
  if (visit !== kiosk.visit) return;
  const choice: Choice = { hostId: null, hostName: "", typeId: null };
  company(places, choice, "");
}

function company(places: WalkInPlaces, choice: Choice, typed: string) {
  const search = h("input", { id: "kiosk-company-search", type: "search", autocomplete: "off", value: typed });
  const list = h("div", { id: "kiosk-companies", class: "kiosk-list", role: "list" });
  const draw = () => {
    const q = fold(search.value.trim());
    const hits = places.locations.filter((p) => !q || fold(`${p.tenant_name} ${p.location_name}`).includes(q));
    list.replaceChildren(
      ...(hits.length
        ? hits.map((p) =>
            h(
              "button",
              {
                type: "button",
                role: "listitem",
                class: "kiosk-item kiosk-company",
                "data-location": p.id,
                onclick: () => {
                  kiosk.tapAt = performance.now();
                  choice.place = p;
                  void host(places, choice, "");
                },
              },
              h("strong", {}, p.tenant_name),
              h("span", {}, p.location_name),
            ),
          )
        : [h("p", { class: "kiosk-hint" }, t("kiosk.company.none"))]),
    );
  };
  search.addEventListener("input", draw);
  onLanguage(() => company(places, choice, search.value));
  screen("company", h("h1", { tabindex: -1 }, t("kiosk.company.title")), h("label", {}, h("span", {}, t("kiosk.company.search")), search), list, h("div", { class: "kiosk-actions" }, backButton()));
  draw();
}

async function host(places: WalkInPlaces, choice: Choice, typed: string) {
  const place = choice.place;
  if (!place) return;
  const input = h("input", { id: "kiosk-host-search", type: "search", autocomplete: "off", value: typed });
  const list = h("div", { id: "kiosk-hosts", class: "kiosk-list", role: "list" });
  const useTyped = h("button", { type: "button", id: "kiosk-host-typed", class: "secondary", hidden: true }, "");
  const next = (id: string | null, name: string) => {
    kiosk.tapAt = performance.now();
    choice.hostId = id;
    choice.hostName = name;
    visitorType(places, choice);
  };
  useTyped.addEventListener("click", () => next(null, input.value.trim()));
  let asked = 0;
  const draw = async () => {
    const q = input.value.trim();
    useTyped.hidden = q.length < 2;
    useTyped.textContent = t("kiosk.host.use_typed", { name: q });
    if (!place.lobby_searchable_hosts || q.length < 2) {
      list.replaceChildren();
      return;
    }
    const mine = ++asked;
    const t0 = performance.now();
    let hits: HostHit[] = [];
    try {
      hits = (await backend.hosts(q)).filter((hit) => hit.location_id === place.id);
    } catch {
      // Offline: the typed name is all there is; reception finds the host.
      if (mine === asked) list.replaceChildren(h("p", { class: "kiosk-hint kiosk-offline" }, t("kiosk.offline")));
      return;
    }
    if (mine !== asked) return;
    list.replaceChildren(
      ...(hits.length
        ? hits.map((hit) =>
            h("button", { type: "button", role: "listitem", class: "kiosk-item kiosk-host", "data-host": hit.id, onclick: () => next(hit.id, hit.name) }, h("strong", {}, hit.name), h("span", {}, hit.locations.join(", "))),
          )
        : [h("p", { class: "kiosk-hint" }, t("kiosk.host.none"))]),
    );
    // The software's time for the search the visitor sees (the last one), for the figure.
    kiosk.timings = kiosk.timings.filter((x) => x.screen !== "host-search");
    kiosk.timings.push({ screen: "host-search", ms: performance.now() - t0 });
  };
  input.addEventListener("input", () => void draw());
  onLanguage(() => void host(places, choice, input.value));
  const label = place.lobby_searchable_hosts ? t("kiosk.host.search") : t("kiosk.host.free");
  screen(
    "host",
    h("h1", { tabindex: -1 }, t("kiosk.host.title", { company: place.tenant_name })),
    h("label", {}, h("span", {}, label), input),
    list,
    h("div", { class: "kiosk-actions" }, backButton(), useTyped),
  );
  void draw();
}

function visitorType(places: WalkInPlaces, choice: Choice) {
  const types = places.visitor_types;
  if (types.length <= 1) {
    choice.typeId = types[0]?.id ?? null;
    void flow(choice);
    return;
  }
  onLanguage(() => visitorType(places, choice));
  screen(
    "type",
    h("h1", { tabindex: -1 }, t("kiosk.type.title")),
    h(
      "div",
      { id: "kiosk-types", class: "kiosk-list", role: "list" },
      ...types.map((vt) =>
        h(
          "button",
          {
            type: "button",
            role: "listitem",
            class: "kiosk-item kiosk-type",
            "data-type": vt.id,
            onclick: () => {
              kiosk.tapAt = performance.now();
              choice.typeId = vt.id;
              void flow(choice);
            },
          },
          h("strong", {}, vt.name),
        ),
      ),
    ),
    h("div", { class: "kiosk-actions" }, backButton()),
  );
}

async function flow(choice: Choice) {
  const place = choice.place;
  if (!place) return;
  const visit = kiosk.visit;
  let f;
  try {
    f = await kioskBackend.walkInFlow(place.id, choice.typeId);
  } catch (e) {
    return problem((e as Error).message);
  }
  if (visit !== kiosk.visit) return;
  let outcome: { invite_id: string | null; queued: boolean } | null = null;
  let name = "";
  flowScreen(
    "flow",
    {
      visitor: { name: "", email: null, mobile: null },
      host_name: choice.hostName,
      building_name: f.building_name,
      location_name: f.location_name,
      timezone: f.timezone,
      questions: f.questions,
      photo_required: f.photo_required,
      ndas: f.ndas,
    },
    async (s) => {
      name = s.visitor.name;
      kiosk.tapAt = performance.now();
      outcome = await kioskBackend.walkIn({
        location_id: place.id,
        host_id: choice.hostId,
        host_name: choice.hostName,
        visitor_type_id: choice.typeId,
        submission: s,
      });
      return { invite_id: outcome.invite_id ?? "", status: "arrived", checked_in_at: new Date().toISOString() };
    },
    {
      heading: () => t("kiosk.visit.at", { company: place.tenant_name }),
      onDone: () => {
        const o = outcome as { invite_id: string | null; queued: boolean } | null;
        if (!o || visit !== kiosk.visit) return;
        void finish({ id: o.invite_id, name, host: choice.hostName, online: !o.queued, visit });
      },
    },
  );
}
