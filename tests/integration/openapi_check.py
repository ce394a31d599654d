"""Every response the integration tests receive is checked against docs/openapi.yaml: its status must be
one the document lists for that operation, and its JSON body must match that response's schema.
A test that gets an answer the API's description does not allow fails, naming the operation."""
import json
import os
import re
import warnings

import jsonschema
import yaml

SPEC_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "openapi.yaml")
# Answers only the gateway gives (./run.sh cluster): described once, for every operation.
GATEWAY_STATUSES = {"502", "504"}


class Contract:
    def __init__(self, path=SPEC_PATH):
        with open(path) as f:
            self.spec = yaml.safe_load(f)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # RefResolver: the API Debian's 4.10 has
            self.resolver = jsonschema.RefResolver.from_schema(self.spec)
        self.operations = []  # (regex, template, method, operation)
        for template, item in self.spec["paths"].items():
            parts = re.split(r"\{[^/}]+\}", template)
            pattern = "^" + "[^/]+".join(re.escape(part) for part in parts) + "$"
            for method, operation in item.items():
                if method in ("get", "put", "post", "patch", "delete"):
                    self.operations.append((re.compile(pattern), template, method.upper(), operation))
        self.validators = {}

    def routes(self):
        """Every documented operation as "METHOD /template"."""
        return {f"{method} {template}" for _, template, method, _ in self.operations}

    def find(self, method, path):
        if method == "HEAD":
            method = "GET"
        path = path.split("?", 1)[0]
        for regex, template, op_method, operation in self.operations:
            if op_method == method and regex.match(path):
                return template, operation
        return None, None

    def _resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            _, node = self.resolver.resolve(node["$ref"])
        return node

    def problem(self, method, path, status, content_type, body):
        """None when the response is one the document allows; otherwise what is wrong."""
        template, operation = self.find(method, path)
        if operation is None:
            return None  # not an operation of the API (an unknown path or method): the router's 404/405
        responses = operation.get("responses", {})
        status = str(status)
        described = responses.get(status)
        if described is None:
            if status in GATEWAY_STATUSES:
                return None
            return f"{method} {template}: status {status} is not in docs/openapi.yaml (it lists {sorted(responses)})"
        described = self._resolve(described)
        if method == "HEAD" or not body or not (content_type or "").startswith("application/json"):
            return None
        media = (described.get("content") or {}).get("application/json")
        if media is None or "schema" not in media:
            return f"{method} {template} {status}: a JSON body, but the document describes none"
        key = (template, method, status)
        if key not in self.validators:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                # Formats too (uuid, date, date-time where the installed checkers know them).
                self.validators[key] = jsonschema.Draft202012Validator(
                    media["schema"], resolver=self.resolver, format_checker=jsonschema.FormatChecker())
        try:
            document = json.loads(body)
        except ValueError:
            return f"{method} {template} {status}: the body is not JSON"
        errors = sorted(self.validators[key].iter_errors(document), key=lambda e: list(e.absolute_path))
        if not errors:
            return None
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(the body)"
        return f"{method} {template} {status}: {where}: {first.message[:300]}"


_contract = None


def contract():
    global _contract
    if _contract is None:
        _contract = Contract()
    return _contract
