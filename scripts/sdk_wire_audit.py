"""Wire audit for scripts/sdk_compat.py: every JSON response the SDK receives is compared with the response
schema of the matching operation in Microsoft's swagger (Training v3.3, Prediction v3.0).

msrest ignores unknown JSON keys and leaves absent ones None, so an SDK call can "work" while a field has the
wrong name; this audit catches that. Findings: `extra` = a key the spec does not define at that place (likely a
misnamed field), `missing` = a property the spec defines that the response lacks (null counts as present),
`type` = a JSON type that differs from the spec's, `status` = a status code the operation does not declare.
"""

import json
import re
from pathlib import Path

# Prediction v3.1 (the route version SDK 3.1.1 calls) added Prediction.tagType to the v3.0 schema.
V31_ADDITIONS = {"tagType"}
JSON_TYPES = {"string": str, "boolean": bool, "array": list, "object": dict}


class WireAudit:
    def __init__(self, spec_dir):
        self.findings = {}  # (operationId, kind, where) -> example
        self.seen = set()
        self.operations = []
        self.definitions = {}
        for name, api in (("CustomVision-Training-v3.3.json", "training"),
                          ("CustomVision-Prediction-v3.0.json", "prediction")):
            spec = json.loads((Path(spec_dir) / name).read_text())
            self.definitions[api] = spec["definitions"]
            for path, methods in spec["paths"].items():
                pattern = re.sub(r"\{[^}]+\}", "[^/]+", path)
                for method, op in methods.items():
                    self.operations.append((api, method.upper(), re.compile(f"^{pattern}$"), op))

    def _operation(self, method, url):
        m = re.search(r"/customvision/[^/]+/(training|prediction)(/[^?]*)", url, re.IGNORECASE)
        if not m:
            return None
        api, path = m.group(1).lower(), m.group(2)
        for op_api, op_method, regex, op in self.operations:
            if op_api == api and op_method == method and regex.match(path):
                return api, op
        return None

    def hook(self, response, *args, **kwargs):
        """A requests response hook (msrest `config.hooks`)."""
        found = self._operation(response.request.method, response.request.url)
        if found is None:
            self._add("?", "route", f"{response.request.method} {response.request.url.split('?')[0]}", "")
            return
        api, op = found
        op_id = op["operationId"]
        self.seen.add(op_id)
        status = str(response.status_code)
        schema = op["responses"].get(status)
        if schema is None and response.status_code < 400:
            self._add(op_id, "status", status, f"declared: {sorted(op['responses'])}")
        if schema is None:
            schema = op["responses"].get("default")
        if schema is None or "schema" not in schema:
            return
        if "json" not in response.headers.get("Content-Type", ""):
            self._add(op_id, "content-type", response.headers.get("Content-Type", ""), "")
            return
        try:
            body = response.json()
        except ValueError:
            self._add(op_id, "body", "not JSON", "")
            return
        extra_ok = V31_ADDITIONS if api == "prediction" and "/v3.1/" in response.request.url else set()
        self._compare(op_id, api, schema["schema"], body, "$", extra_ok)

    def _resolve(self, api, schema):
        while "$ref" in schema:
            schema = self.definitions[api][schema["$ref"].split("/")[-1]]
        return schema

    def _compare(self, op_id, api, schema, value, where, extra_ok):
        schema = self._resolve(api, schema)
        if value is None:
            return
        kind = schema.get("type", "object" if "properties" in schema else None)
        if kind in ("integer", "number"):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                self._add(op_id, "type", where, f"{type(value).__name__}, spec {kind}")
            return
        expected = JSON_TYPES.get(kind)
        if expected and not isinstance(value, expected):
            self._add(op_id, "type", where, f"{type(value).__name__}, spec {kind}")
            return
        if kind == "array":
            for item in value[:3]:
                self._compare(op_id, api, schema.get("items", {}), item, where + "[]", extra_ok)
        elif kind == "object" and "properties" in schema:
            props = schema["properties"]
            for key in value:
                if key in extra_ok:
                    continue
                if key not in props:
                    self._add(op_id, "extra", f"{where}.{key}", "")
                else:
                    self._compare(op_id, api, props[key], value[key], f"{where}.{key}", extra_ok)
            for key in props:
                if key not in value:
                    self._add(op_id, "missing", f"{where}.{key}", "")

    def unreached(self):
        """Operations of the swagger that no audited response answered."""
        return sorted({op["operationId"] for *_, op in self.operations} - self.seen)

    def _add(self, op_id, kind, where, detail):
        self.findings.setdefault((op_id, kind, where), detail)

    def report(self):
        """Printable lines, worst kinds first."""
        order = {"route": 0, "status": 1, "content-type": 2, "body": 3, "type": 4, "extra": 5, "missing": 6}
        return [f"{kind:8} {op_id}: {where} {detail}".rstrip()
                for (op_id, kind, where), detail in sorted(self.findings.items(), key=lambda i: (order[i[0][1]], i[0]))]
