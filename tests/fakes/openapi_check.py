"""Checking requests against an OpenAPI 3 description: the path and method exist, required parameters are
present, values have the declared types. The stand-ins use it so that a client cannot drift from the contract.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ContractViolation(Exception):
    """The request does not follow the description; ``status`` is what the real API would answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Operation:
    method: str
    template: str
    pattern: re.Pattern[str]
    spec: dict[str, Any]

    @property
    def operation_id(self) -> str:
        return str(self.spec.get("operationId", ""))

    @property
    def scopes(self) -> list[str] | None:
        """OAuth scopes the operation needs (None: no OAuth, the API key alone is enough)."""
        for requirement in self.spec.get("security") or []:
            if "oauth2" in requirement:
                return list(requirement["oauth2"])
        return None


def load_spec(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


class OpenApi:
    """The operations of one OpenAPI description (plus overlay operations that replace or add to it)."""

    def __init__(self, spec: dict[str, Any], overlay: dict[tuple[str, str], dict[str, Any]]) -> None:
        self.spec = spec
        ops: dict[tuple[str, str], dict[str, Any]] = {}
        for template, item in spec["paths"].items():
            for method, op in item.items():
                if method in ("get", "post", "put", "patch", "delete"):
                    ops[(method.upper(), template)] = op
        ops.update(overlay)
        self.operations = [
            Operation(method, template, re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$"), op)
            for (method, template), op in ops.items()
        ]
        # Literal segments win over parameters (/listings/active before /listings/{listing_id}).
        self.operations.sort(key=lambda o: (o.template.count("{"), -len(o.template)))

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            node: Any = self.spec
            for part in schema["$ref"].lstrip("#/").split("/"):
                node = node[part]
            schema = node
        return schema

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]]:
        allowed = False
        for op in self.operations:
            found = op.pattern.match(path)
            if found:
                if op.method == method:
                    return op, found.groupdict()
                allowed = True
        if allowed:
            raise ContractViolation(405, f"Method {method} is not allowed on {path}")
        raise ContractViolation(404, f"Resource not found: {method} {path}")

    def check_parameters(self, op: Operation, path_params: dict[str, str],
                         query: dict[str, list[str]]) -> dict[str, Any]:
        """Check path and query parameters; returns them converted to their declared types."""
        values: dict[str, Any] = {}
        declared = {p["name"]: p for p in (self.resolve(p) for p in op.spec.get("parameters", []))}
        for name in query:
            if name not in declared or declared[name]["in"] != "query":
                raise ContractViolation(400, f"Unexpected query parameter: {name}")
        for name, param in declared.items():
            source = path_params if param["in"] == "path" else {k: v[-1] for k, v in query.items()}
            if param["in"] not in ("path", "query"):
                continue
            if name not in source:
                if param.get("required"):
                    raise ContractViolation(400, f"Missing required parameter: {name}")
                continue
            values[name] = self.convert_text(name, source[name], self.resolve(param.get("schema", {})))
        return values

    def convert_text(self, name: str, raw: str, schema: dict[str, Any]) -> Any:
        """A form or query value (text) checked against and converted to ``schema``."""
        kind = schema.get("type")
        try:
            if kind == "integer":
                value: Any = int(raw)
            elif kind == "number":
                value = float(raw)
            elif kind == "boolean":
                if raw.lower() not in ("true", "false", "1", "0"):
                    raise ValueError(raw)
                value = raw.lower() in ("true", "1")
            elif kind == "array":
                items = self.resolve(schema.get("items", {}))
                value = [self.convert_text(name, part, items) for part in raw.split(",") if part != ""]
            else:
                value = raw
        except ValueError:
            raise ContractViolation(400, f"Expected {name} to be of type {kind}, got {raw!r}") from None
        self._check_limits(name, value, schema)
        return value

    def _check_limits(self, name: str, value: Any, schema: dict[str, Any]) -> None:
        if "enum" in schema and not isinstance(value, list) and value not in schema["enum"]:
            raise ContractViolation(400, f"{name} must be one of {', '.join(map(str, schema['enum']))}")
        if isinstance(value, int | float) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                raise ContractViolation(400, f"{name} must be at least {schema['minimum']}")
            if "maximum" in schema and value > schema["maximum"]:
                raise ContractViolation(400, f"{name} must be at most {schema['maximum']}")

    def body_schema(self, op: Operation, content_type: str) -> dict[str, Any] | None:
        body = op.spec.get("requestBody")
        if body is None:
            return None
        content = body.get("content", {})
        if content_type not in content:
            raise ContractViolation(400, f"Expected a {' or '.join(content)} body, got {content_type or 'none'}")
        return self.resolve(content[content_type]["schema"])

    def check_form(self, schema: dict[str, Any], form: dict[str, list[str]]) -> dict[str, Any]:
        """An urlencoded or multipart body: no unknown fields, required ones present, types right."""
        props = schema.get("properties", {})
        values: dict[str, Any] = {}
        for name, raw in form.items():
            if name not in props:
                raise ContractViolation(400, f"Unexpected parameter: {name}")
            prop = self.resolve(props[name])
            if prop.get("type") == "array":
                values[name] = [v for r in raw for v in self.convert_text(name, r, prop)]
            else:
                values[name] = self.convert_text(name, raw[-1], prop)
        for name in schema.get("required", []):
            if name not in values:
                raise ContractViolation(400, f"Missing required parameter: {name}")
        return values

    def check_json(self, name: str, value: Any, schema: dict[str, Any]) -> None:
        """A JSON value against ``schema`` (types, required properties, enums, limits; extra properties allowed)."""
        schema = self.resolve(schema)
        if value is None:
            if schema.get("nullable"):
                return
            raise ContractViolation(400, f"{name} must not be null")
        kind = schema.get("type")
        expected = {"integer": int, "number": int | float, "string": str, "boolean": bool, "array": list,
                    "object": dict}.get(kind or "")
        wrong_bool = kind != "boolean" and isinstance(value, bool)
        if expected is not None and (not isinstance(value, expected) or wrong_bool):
            raise ContractViolation(400, f"Expected {name} to be of type {kind}")
        self._check_limits(name, value, schema)
        if kind == "array":
            for i, item in enumerate(value):
                self.check_json(f"{name}[{i}]", item, schema.get("items", {}))
        if kind == "object" or "properties" in schema:
            for required in schema.get("required", []):
                if required not in value:
                    raise ContractViolation(400, f"Missing required parameter: {name}.{required}")
            for key, sub in schema.get("properties", {}).items():
                if key in value:
                    self.check_json(f"{name}.{key}" if name else key, value[key], sub)
