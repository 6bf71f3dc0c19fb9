#!/usr/bin/env python3
"""Run scim2-tester against a SCIM server; exit 1 if any check is ERROR/CRITICAL.
usage: run_scim2_tester.py http://127.0.0.1:PORT/scim/v2 TOKEN
"""
import sys
from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

url, token = sys.argv[1], sys.argv[2]
client = SyncSCIMClient(Client(base_url=url, headers={"Authorization": f"Bearer {token}"}))
# No client.discover(): check_server() fetches /ServiceProviderConfig, /ResourceTypes
# and /Schemas itself and builds the resource models from what the server publishes.
results = check_server(client, resource_types=["User"])
bad = [r for r in results if r.status in (Status.ERROR, Status.CRITICAL)]
for r in results:
    print(f"{r.status.name:10} {r.resource_type or '-':5} {r.title}: {r.reason or ''}".rstrip())
ok = len(results) - len(bad)
print(f"{ok} passed, {len(bad)} failed")
sys.exit(1 if bad or not results else 0)
