// What only the kiosk asks of the desk app (its own commands); the rest is the console's
// backend: finding a visit by its code, arrival, check-out, the badge and the card.

import { call } from "../desk/backend";
import type { Kiosk, KioskProblem, KioskSetup, KioskWalkIn, WalkInOutcome } from "../generated/desk-types";
import type { ArrivalNeeds, FlowAnswers, WalkInFlow, WalkInPlaces } from "../generated/api-types";

export const kioskBackend = {
  kiosk: () => call<Kiosk>("kiosk"),
  setKiosk: (setup: KioskSetup) => call<Kiosk>("set_kiosk", { setup }),
  leaveKiosk: (pin: string) => call<Kiosk>("leave_kiosk", { pin }),
  walkInPlaces: () => call<WalkInPlaces>("walk_in_places"),
  walkInFlow: (locationId: string, visitorTypeId: string | null) => call<WalkInFlow>("walk_in_flow", { locationId, visitorTypeId }),
  walkIn: (walkIn: KioskWalkIn) => call<WalkInOutcome>("walk_in", { walkIn }),
  arrivalNeeds: (id: string) => call<ArrivalNeeds>("arrival_needs", { id }),
  giveArrivalNeeds: (id: string, given: FlowAnswers) => call<ArrivalNeeds>("give_arrival_needs", { id, given }),
  deskAlert: (id: string, problem: KioskProblem, detail: string) => call<void>("desk_alert", { id, problem, detail }),
};
