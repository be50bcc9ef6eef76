"""The JSON Schema keywords the service's OpenAPI documents use in their parameters and request
bodies (type, enum, const, pattern, lengths, ranges, items, properties, required,
additionalProperties, anyOf, oneOf, allOf, $ref, date-time), checked as JSON Schema 2020-12
does. tests/test_spec_requests.py holds it to the jsonschema package's answers.

An object schema that does not say `additionalProperties` is closed here: the demo accepts only
what the description names (the v1 document never says it; the service refuses unknown fields,
as its docs say of `tagIds`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from tui.core.timestamps import parse_timestamp

Location = tuple[str | int, ...]


@dataclass(frozen=True)
class Issue:
    path: Location
    message: str

    def text(self) -> str:
        where = ".".join(str(part) for part in self.path)
        return f"{where}: {self.message}" if where else self.message


# What a pattern asks for, in words (the emoji pattern alone is 200 characters).
_PATTERN_WORDS = {
    "^[0-9a-z]+$": "must be an ID (lowercase letters and digits)",
    "^[\\x20-\\x7E]+$": "must be printable ASCII characters",
}

_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "an array",
    "object": "an object",
    "null": "null",
}


def _is_type(value: Any, kind: str) -> bool:
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        if isinstance(value, float):
            return value.is_integer()
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    return False


def _same(a: Any, b: Any) -> bool:
    """JSON equality: `true` is not `1`."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return bool(a == b)


@cache
def _pattern(text: str) -> Any:
    """An ECMA-262 pattern (JSON Schema's dialect) as a compiled Python one."""
    # ECMA's `$` (no multiline) is the very end; Python's also matches before a last "\n".
    python = re.sub(r"(?<!\\)\$", r"\\Z", text)
    if "\\p{" not in python and "\\u{" not in python:
        return re.compile(python)
    # Unicode properties (the emoji of a reaction) need the regex package; `\u{1F3F4}` is
    # written `\U0001F3F4` there. Imported here only: few requests carry such a value.
    import regex  # type: ignore[import-untyped]

    python = re.sub(r"\\u\{([0-9A-Fa-f]+)\}", lambda m: f"\\U{int(m.group(1), 16):08X}", python)
    return regex.compile(python)


class Schemas:
    """The document's components, for `$ref`, and the checks over them."""

    def __init__(self, components: dict[str, Any]) -> None:
        self.components = components

    def target(self, ref: str) -> dict[str, Any]:
        return self.components[ref.rsplit("/", 1)[-1]]  # type: ignore[no-any-return]

    def _flat(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The schema with its `$ref` and `allOf` parts merged in (for reading its type)."""
        merged: dict[str, Any] = {}
        if "$ref" in schema:
            merged.update(self._flat(self.target(schema["$ref"])))
        for part in schema.get("allOf", []):
            merged.update(self._flat(part))
        merged.update({k: v for k, v in schema.items() if k not in ("$ref", "allOf")})
        return merged

    def allows_type(self, schema: dict[str, Any], kind: str) -> bool:
        flat = self._flat(schema)
        branches = flat.get("anyOf") or flat.get("oneOf")
        if branches:
            return any(self.allows_type(branch, kind) for branch in branches)
        declared = flat.get("type")
        return kind == declared or (isinstance(declared, list) and kind in declared)

    # --- a query, path or header value as its schema types it ----------------------------

    def coerce(self, schema: dict[str, Any], raw: Any) -> Any:
        flat = self._flat(schema)
        branches = flat.get("anyOf") or flat.get("oneOf")
        if branches:
            for branch in branches:
                value = self.coerce(branch, raw)
                if not self.issues(branch, value, ()):
                    return value
            typed = [b for b in branches if not self.allows_type(b, "null")] or branches
            return self.coerce(typed[0], raw)
        kind = flat.get("type")
        if kind == "array":
            items = raw if isinstance(raw, list) else [raw]
            return [self.coerce(flat.get("items", {}), item) for item in items]
        if kind == "object" and isinstance(raw, dict):
            properties = flat.get("properties", {})
            return {key: self.coerce(properties.get(key, {}), v) for key, v in raw.items()}
        if not isinstance(raw, str):
            return raw
        if kind == "integer" and re.fullmatch(r"-?\d+", raw):
            return int(raw)
        if kind == "number":
            try:
                return float(raw) if re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", raw) else raw
            except ValueError:
                return raw
        if kind == "boolean" and raw in ("true", "false"):
            return raw == "true"
        return raw

    # --- the checks ------------------------------------------------------------------------

    def issues(self, schema: dict[str, Any], value: Any, at: Location) -> list[Issue]:
        found: list[Issue] = []
        if "$ref" in schema:
            found += self.issues(self.target(schema["$ref"]), value, at)
        for part in schema.get("allOf", []):
            found += self.issues(part, value, at)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                found += self._any_of(schema[key], value, at, exactly_one=key == "oneOf")
        kind = schema.get("type")
        if kind is not None:
            kinds = kind if isinstance(kind, list) else [kind]
            if not any(_is_type(value, k) for k in kinds):
                wanted = " or ".join(_TYPE_NAMES.get(str(k), str(k)) for k in kinds)
                return [*found, Issue(at, f"must be {wanted}")]
        if "enum" in schema and not any(_same(value, option) for option in schema["enum"]):
            options = ", ".join(str(option) for option in schema["enum"][:12])
            found.append(Issue(at, f"must be one of {options}"))
        if "const" in schema and not _same(value, schema["const"]):
            found.append(Issue(at, f"must be {schema['const']}"))
        if isinstance(value, str):
            found += self._string(schema, value, at)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            found += self._number(schema, value, at)
        elif isinstance(value, list):
            found += self._array(schema, value, at)
        elif isinstance(value, dict):
            found += self._object(schema, value, at)
        return found

    def _any_of(
        self, branches: list[dict[str, Any]], value: Any, at: Location, exactly_one: bool
    ) -> list[Issue]:
        answers = [self.issues(branch, value, at) for branch in branches]
        passing = sum(1 for answer in answers if not answer)
        if passing == 1 or (passing > 1 and not exactly_one):
            return []
        if passing > 1:
            return [Issue(at, "matches more than one of its allowed forms")]
        # Word the branch of the value's own type, else the first.
        for branch, answer in zip(branches, answers, strict=True):
            kind = self._flat(branch).get("type")
            if isinstance(kind, str) and _is_type(value, kind):
                return answer
        return answers[0]

    def _string(self, schema: dict[str, Any], value: str, at: Location) -> list[Issue]:
        found = []
        if "minLength" in schema and len(value) < schema["minLength"]:
            low = schema["minLength"]
            found.append(Issue(at, "cannot be empty" if low == 1 else f"needs {low}+ characters"))
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            found.append(Issue(at, f"is longer than {schema['maxLength']} characters"))
        if "pattern" in schema and not _pattern(schema["pattern"]).search(value):
            found.append(Issue(at, _PATTERN_WORDS.get(schema["pattern"], "is not well formed")))
        if schema.get("format") == "date-time" and not _is_timestamp(value):
            found.append(Issue(at, "must be an ISO 8601 date and time"))
        return found

    def _number(self, schema: dict[str, Any], value: float, at: Location) -> list[Issue]:
        found = []
        if "minimum" in schema and value < schema["minimum"]:
            found.append(Issue(at, f"must be at least {schema['minimum']}"))
        if "maximum" in schema and value > schema["maximum"]:
            found.append(Issue(at, f"must be at most {schema['maximum']}"))
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            found.append(Issue(at, f"must be more than {schema['exclusiveMinimum']}"))
        if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
            found.append(Issue(at, f"must be less than {schema['exclusiveMaximum']}"))
        return found

    def _array(self, schema: dict[str, Any], value: list[Any], at: Location) -> list[Issue]:
        found = []
        if "minItems" in schema and len(value) < schema["minItems"]:
            found.append(Issue(at, f"needs at least {schema['minItems']} items"))
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            found.append(Issue(at, f"takes at most {schema['maxItems']} items"))
        if "items" in schema:
            for index, item in enumerate(value):
                found += self.issues(schema["items"], item, (*at, index))
        return found

    def _object(self, schema: dict[str, Any], value: dict[str, Any], at: Location) -> list[Issue]:
        found: list[Issue] = []
        properties = schema.get("properties")
        if properties is None and "type" not in schema:
            return found  # not an object schema (a $ref or anyOf part says the rest)
        properties = properties or {}
        for name in schema.get("required", []):
            if name not in value:
                found.append(Issue((*at, name), "is required"))
        extra = schema.get("additionalProperties", False)
        for name, item in value.items():
            if name in properties:
                found += self.issues(properties[name], item, (*at, name))
            elif extra is False:
                found.append(Issue((*at, name), "unknown field"))
            elif isinstance(extra, dict):
                found += self.issues(extra, item, (*at, name))
        return found


def _is_timestamp(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", text, re.I):
        return False
    try:
        return parse_timestamp(text) is not None
    except ValueError:
        return False
