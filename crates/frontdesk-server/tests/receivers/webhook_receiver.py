#!/usr/bin/env python3
"""A webhook receiver for Frontdesk's tests, written against the documented scheme only
(standard library: hmac, hashlib, http.server), so the server's signing is checked by code
that is not the server's.

    webhook_receiver.py PORT LOG SECRETS

SECRETS is a JSON file mapping a path ("/acme") to that endpoint's signing secret; it is read
at every request. A POST to a path with a secret must carry
  Frontdesk-Webhook-Id, Frontdesk-Webhook-Timestamp (Unix seconds),
  Frontdesk-Signature: v1=<hex HMAC-SHA256(secret, "{timestamp}.{body}")>
and is refused with 401 when the signature is wrong and 400 when the timestamp is more than
5 minutes from now (replay protection). Delivery ids seen in the last 5 minutes are
remembered: a repeat is answered 200 but marked a duplicate. A POST to a path without a
secret (a Slack or Teams webhook) is accepted as it is.

Every request, accepted or not, is appended to LOG as one JSON line:
  {"path", "id", "status", "reason", "duplicate", "verified", "body"}
"""

import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE = 300
PORT, LOG, SECRETS = int(sys.argv[1]), sys.argv[2], sys.argv[3]
seen = {}
lock = threading.Lock()


def secrets():
    try:
        with open(SECRETS, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        secret = secrets().get(self.path)
        delivery = self.headers.get("Frontdesk-Webhook-Id")
        status, reason, duplicate, verified = 200, "ok", False, False
        if secret is not None:
            status, reason = self.verify(secret, raw, delivery)
            verified = status == 200
            if verified:
                now = time.time()
                with lock:
                    for k in [k for k, t in seen.items() if now - t > TOLERANCE]:
                        del seen[k]
                    duplicate = delivery in seen
                    seen.setdefault(delivery, now)
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        line = {
            "path": self.path,
            "id": delivery,
            "status": status,
            "reason": reason,
            "duplicate": duplicate,
            "verified": verified,
            "content_type": self.headers.get("Content-Type"),
            "body": body,
        }
        with lock:
            with open(LOG, "a", encoding="utf-8") as f:
                f.write(json.dumps(line) + "\n")
        answer = json.dumps({"reason": reason}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def verify(self, secret, raw, delivery):
        ts = self.headers.get("Frontdesk-Webhook-Timestamp", "")
        sig = self.headers.get("Frontdesk-Signature", "")
        if not delivery or not ts.isdigit() or not sig.startswith("v1="):
            return 401, "missing or malformed signature headers"
        expected = hmac.new(
            secret.encode(), ts.encode() + b"." + raw, hashlib.sha256
        ).hexdigest()
        if not hmac.compare_digest(expected, sig[3:]):
            return 401, "bad signature"
        if abs(time.time() - int(ts)) > TOLERANCE:
            return 400, "stale timestamp"
        return 200, "ok"


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
