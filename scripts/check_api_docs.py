#!/usr/bin/env python3
"""docs/API.md and docs/openapi.json describe the same routes (`make test-docs`, part of `make test`).

docs/openapi.json is kept identical to the server's /openapi.json by a Swift test
(Tests/NERServerTests/OpenAPITests.swift); this closes the loop to the prose:
  - every operation (method + path) in the OpenAPI file is named in API.md as `METHOD /path`;
  - every `METHOD /path` API.md names is an operation of the OpenAPI file (HEAD and OPTIONS are
    answered for every route and documented once, so they are not listed per route);
  - every path an example requests (`$U/...`) is a path of the OpenAPI file.
Exit 1 with the differences listed.
"""
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
METHODS = {"get", "put", "post", "delete", "patch"}


def main():
    spec = json.loads((ROOT / "docs/openapi.json").read_text(encoding="utf-8"))
    doc = (ROOT / "docs/API.md").read_text(encoding="utf-8")

    in_spec = {(m.upper(), path) for path, ops in spec["paths"].items() for m in ops if m in METHODS}
    in_doc = {(m, p) for m, p in re.findall(r"`(GET|PUT|POST|DELETE|PATCH) (/[^`\s]*)`", doc)}
    example_paths = set(re.findall(r"\$U(/[A-Za-z0-9_./-]*)", doc))

    errors = []
    for m, p in sorted(in_spec - in_doc):
        errors.append(f"docs/openapi.json has {m} {p}; docs/API.md never names `{m} {p}`")
    for m, p in sorted(in_doc - in_spec):
        errors.append(f"docs/API.md names `{m} {p}`; docs/openapi.json has no such operation")
    for p in sorted(example_paths - set(spec["paths"])):
        errors.append(f"docs/API.md example requests $U{p}; docs/openapi.json has no path {p}")

    for e in errors:
        print(f"check_api_docs: {e}", file=sys.stderr)
    if errors:
        return 1
    print(f"check_api_docs: {len(in_spec)} operations agree between docs/API.md and docs/openapi.json; "
          f"{len(example_paths)} example paths exist")
    return 0


if __name__ == "__main__":
    sys.exit(main())
