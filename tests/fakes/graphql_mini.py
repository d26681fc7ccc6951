"""Just enough GraphQL for a stand-in: parse one operation (type, name, variable definitions, fields with
arguments and selections), and shape an answer so that it holds exactly the fields that were asked for.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_TOKEN = re.compile(
    r'\s*(?:(#[^\n]*)|("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?)|(\$?[_A-Za-z][_0-9A-Za-z]*)|(\.\.\.|[{}()\[\]:!=,@]))'
)


class GraphQLSyntaxError(Exception):
    pass


@dataclass
class Field:
    name: str
    alias: str | None = None
    arguments: dict[str, Any] = field(default_factory=dict)
    selections: list[Field] = field(default_factory=list)
    directives: dict[str, dict[str, Any]] = field(default_factory=dict)  # @name(arg: value) after the arguments

    @property
    def key(self) -> str:
        return self.alias or self.name


@dataclass
class Operation:
    kind: str
    name: str | None
    variables: dict[str, str]  # $name -> declared type, e.g. "ProductSetInput!"
    selections: list[Field]


@dataclass(frozen=True)
class Variable:
    name: str


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise GraphQLSyntaxError(f"Unexpected character at {pos}: {text[pos:pos + 10]!r}")
        pos = match.end()
        token = next(g for g in match.groups() if g is not None)
        if not token.startswith("#") and token != ",":
            out.append(token)
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise GraphQLSyntaxError(f"Expected {expected or 'a token'}, got {token!r}")
        self.pos += 1
        return token

    def operation(self) -> Operation:
        kind = "query"
        name = None
        variables: dict[str, str] = {}
        if self.peek() in ("query", "mutation"):
            kind = self.take()
            if self.peek() not in ("(", "{"):
                name = self.take()
            if self.peek() == "(":
                self.take("(")
                while self.peek() != ")":
                    var = self.take()
                    if not var.startswith("$"):
                        raise GraphQLSyntaxError(f"Expected a variable, got {var!r}")
                    self.take(":")
                    variables[var[1:]] = self.type_ref()
                    if self.peek() == "=":
                        self.take("=")
                        self.value()
                self.take(")")
        selections = self.selection_set()
        if self.peek() is not None:
            raise GraphQLSyntaxError("Only one operation per document is supported")
        return Operation(kind, name, variables, selections)

    def type_ref(self) -> str:
        if self.peek() == "[":
            self.take("[")
            inner = self.type_ref()
            self.take("]")
            text = f"[{inner}]"
        else:
            text = self.take()
        if self.peek() == "!":
            self.take("!")
            text += "!"
        return text

    def selection_set(self) -> list[Field]:
        self.take("{")
        fields = []
        while self.peek() != "}":
            fields.append(self.field())
        self.take("}")
        return fields

    def field(self) -> Field:
        name = self.take()
        alias = None
        if self.peek() == ":":
            self.take(":")
            alias, name = name, self.take()
        arguments: dict[str, Any] = {}
        if self.peek() == "(":
            self.take("(")
            while self.peek() != ")":
                arg = self.take()
                self.take(":")
                arguments[arg] = self.value()
            self.take(")")
        directives: dict[str, dict[str, Any]] = {}
        while self.peek() == "@":
            self.take("@")
            directive = self.take()
            directives[directive] = {}
            if self.peek() == "(":
                self.take("(")
                while self.peek() != ")":
                    arg = self.take()
                    self.take(":")
                    directives[directive][arg] = self.value()
                self.take(")")
        selections = self.selection_set() if self.peek() == "{" else []
        return Field(name, alias, arguments, selections, directives)

    def value(self) -> Any:
        token = self.take()
        if token.startswith("$"):
            return Variable(token[1:])
        if token.startswith('"'):
            return json.loads(token)  # GraphQL string escapes are JSON's
        if re.fullmatch(r"-?\d+", token):
            return int(token)
        if re.fullmatch(r"-?\d+\.\d+", token):
            return float(token)
        if token == "[":
            items = []
            while self.peek() != "]":
                items.append(self.value())
            self.take("]")
            return items
        if token == "{":
            obj = {}
            while self.peek() != "}":
                key = self.take()
                self.take(":")
                obj[key] = self.value()
            self.take("}")
            return obj
        return {"true": True, "false": False, "null": None}.get(token, token)


def parse(text: str) -> Operation:
    return _Parser(text).operation()


def bind(arguments: dict[str, Any], variables: dict[str, Any]) -> dict[str, Any]:
    """Arguments with variables replaced by their values."""
    def resolve(value: Any) -> Any:
        if isinstance(value, Variable):
            return variables.get(value.name)
        if isinstance(value, list):
            return [resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        return value
    return {k: resolve(v) for k, v in arguments.items()}


class FieldError(Exception):
    pass


def project(value: Any, selections: list[Field], variables: dict[str, Any], type_name: str = "object") -> Any:
    """Shape ``value`` (dicts, lists, and callables taking bound arguments) to the selection set."""
    if not selections:
        return value
    if isinstance(value, list):
        return [project(v, selections, variables, type_name) for v in value]
    if value is None:
        return None
    out = {}
    for fld in selections:
        if fld.name == "__typename":
            out[fld.key] = type_name
            continue
        if fld.name not in value:
            raise FieldError(f"Field '{fld.name}' doesn't exist on type '{type_name}'")
        item = value[fld.name]
        if callable(item):
            item = item(bind(fld.arguments, variables))
        out[fld.key] = project(item, fld.selections, variables, fld.name)
    return out
