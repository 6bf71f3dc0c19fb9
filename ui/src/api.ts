// The registration API (GET/POST /api/v1/registrations/{token}); its shapes are the generated
// ones of frontdesk-api.

import type { FlowQuestion, RegistrationView, Submission, Submitted } from "./generated/api-types";

export type { FlowQuestion, RegistrationView, Submission, Submitted };

/** An error as the API reports it: a code to branch on and a sentence for the visitor. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Where the flow loads and submits: HTTP on the visitor's phone, the desk app on a kiosk. */
export interface FlowBackend {
  load(): Promise<RegistrationView>;
  submit(s: Submission): Promise<Submitted>;
}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers: { "content-type": "application/json" }, cache: "no-store" });
  } catch {
    throw new ApiError(0, "offline", "We could not reach the server. Check your connection and try again.");
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const e = body?.error;
    throw new ApiError(res.status, e?.code ?? "error", e?.message ?? `The server answered ${res.status}.`);
  }
  return body as T;
}

export class HttpFlowBackend implements FlowBackend {
  constructor(private readonly token: string) {}
  private get url() {
    return `/api/v1/registrations/${encodeURIComponent(this.token)}`;
  }
  load() {
    return call<RegistrationView>(this.url);
  }
  submit(s: Submission) {
    return call<Submitted>(this.url, { method: "POST", body: JSON.stringify(s) });
  }
}
