"""The contract the Pinterest stand-in enforces: Pinterest's own OpenAPI description (tests/fakes/specs), version 5.23.

tests/fakes/openapi_check.py matches paths and checks path and query parameters; the request bodies of this
description lean on ``allOf``, ``oneOf`` and discriminators (``media_source.source_type``, ``grant_type``) and on
string limits (``maxLength``, ``pattern``), which are checked here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.fakes.http_stand_in import Request
from tests.fakes.openapi_check import ContractViolation, OpenApi, Operation, load_spec

SPEC_PATH = Path(__file__).resolve().parents[1] / "specs" / "pinterest-v5-openapi.json"
# Parameters an operation's description asks for that its schema does not list. oauth/token (5.23.0): "If your app
# was created before September 25, 2025, make sure to set the continuous_refresh parameter to true".
DESCRIBED_EXTRAS: dict[str, dict[str, dict[str, Any]]] = {
    "oauth/token": {"continuous_refresh": {"type": "string", "enum": ["true", "false"]}},
}
_TYPES: dict[str, Any] = {"integer": int, "number": int | float, "string": str, "boolean": bool, "array": list,
                          "object": dict}


class PinterestContract(OpenApi):
    """Pinterest's operations, with body checks that understand the description's composition keywords."""

    def merged(self, schema: dict[str, Any]) -> dict[str, Any]:
        """``schema`` with its references resolved and its ``allOf`` parts folded in."""
        schema = dict(self.resolve(schema))
        for part in schema.pop("allOf", []):
            sub = self.merged(part)
            schema["properties"] = {**sub.get("properties", {}), **schema.get("properties", {})}
            schema["required"] = [*schema.get("required", []), *sub.get("required", [])]
            for key, value in sub.items():
                schema.setdefault(key, value)
        return schema

    def _variant(self, name: str, value: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
        discriminator = schema["discriminator"]
        key = discriminator["propertyName"]
        target = discriminator["mapping"].get(str(value.get(key)))
        if target is None:
            raise ContractViolation(400, f"{name}.{key} must be one of {', '.join(discriminator['mapping'])}")
        return self.merged({"$ref": target})

    def check_value(self, name: str, value: Any, schema: dict[str, Any]) -> None:
        """A JSON value against ``schema``: types, enums, limits, string length and pattern, required properties."""
        schema = self.merged(schema)
        if value is None:
            if schema.get("nullable"):
                return
            raise ContractViolation(400, f"{name} must not be null")
        if "discriminator" in schema and isinstance(value, dict):
            schema = self._variant(name, value, schema)
        kind = schema.get("type")
        if kind in _TYPES and (not isinstance(value, _TYPES[kind]) or (kind != "boolean" and isinstance(value, bool))):
            raise ContractViolation(400, f"{name} must be of type {kind}")
        if "enum" in schema and value not in schema["enum"]:
            raise ContractViolation(400, f"{name} must be one of {', '.join(map(str, schema['enum']))}")
        if isinstance(value, str):
            if "maxLength" in schema and len(value) > schema["maxLength"]:
                raise ContractViolation(400, f"{name} is longer than {schema['maxLength']} characters")
            if "pattern" in schema and not re.search(schema["pattern"], value):
                raise ContractViolation(400, f"{name} does not match {schema['pattern']}")
        if isinstance(value, list):
            if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", len(value)):
                raise ContractViolation(400, f"{name} must have {schema.get('minItems', 0)} to "
                                        f"{schema.get('maxItems', 'any number of')} items")
            for i, item in enumerate(value):
                self.check_value(f"{name}[{i}]", item, schema.get("items", {}))
        if isinstance(value, dict):
            for required in schema.get("required", []):
                if required not in value:
                    raise ContractViolation(400, f"Missing required parameter: {name}.{required}".replace(": .", ": "))
            for key, sub in schema.get("properties", {}).items():
                if key in value:
                    self.check_value(f"{name}.{key}" if name else key, value[key], sub)

    def check_body(self, op: Operation, request: Request) -> dict[str, Any]:
        """The request body checked against the operation's schema (JSON, or a form for the token call)."""
        schema = self.body_schema(op, request.content_type)
        if schema is None:
            return {}
        if request.content_type == "application/x-www-form-urlencoded":
            form = {k: v[-1] for k, v in request.form().items()}
            merged = self._variant("", form, self.merged(schema)) if "discriminator" in schema else schema
            extras = DESCRIBED_EXTRAS.get(op.operation_id, {})
            merged = {**merged, "properties": {**merged.get("properties", {}), **extras}}
            allowed = set(merged.get("properties", {}))
            unknown = sorted(set(form) - allowed)
            if unknown:
                raise ContractViolation(400, f"Unexpected parameter: {unknown[0]}")
            self.check_value("", form, merged)
            return form
        try:
            data = request.json()
        except ValueError:
            raise ContractViolation(400, "The request body is not valid JSON") from None
        self.check_value("", data, schema)
        return dict(data)

    @staticmethod
    def scopes(op: Operation) -> list[str] | None:
        """OAuth scopes the operation needs (None: it is called with HTTP Basic, e.g. the token endpoint)."""
        for requirement in op.spec.get("security") or []:
            if "pinterest_oauth2" in requirement:
                return list(requirement["pinterest_oauth2"])
        return None


_CONTRACT: PinterestContract | None = None


def contract() -> PinterestContract:
    """The description, loaded once."""
    global _CONTRACT
    if _CONTRACT is None:
        _CONTRACT = PinterestContract(load_spec(SPEC_PATH), {})
    return _CONTRACT
