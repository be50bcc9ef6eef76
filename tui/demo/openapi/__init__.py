"""The service's OpenAPI documents as the demo's request checks.

`v1.json` and `v2.json` here are the service's own descriptions (`06-inbox-v1-openapi.json` and
`07-inbox-v2-openapi.json` of the API docs, kept byte-identical by tests/test_spec_requests.py).
For each operation they give its path parameters, query parameters, header parameters and
request body with their schemas; a request is refused when it carries anything else, or anything
those schemas do not allow. There is no list of routes or parameters of our own to drift from
them.

The schemas are checked by `tui.demo.openapi.schema` (the few JSON Schema keywords these
documents use), not by the jsonschema package: importing that costs 60-80 ms, which would land on
every demo start, since the first requests are checked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from tui.core.text import broken_at, broken_strings
from tui.demo.openapi.schema import Issue, Schemas

__all__ = ["ApiSpec", "Checked", "Issue", "MethodNotAllowed", "Operation", "Refused", "spec_for"]

HERE = Path(__file__).parent
_BRACKETS = re.compile(r"\[([^\[\]]*)\]")
_NO_VALUE = object()
# A lone surrogate: a JSON "\ud800" in the body, or bytes that are not UTF-8 in the URL (read
# as surrogates so that they are found here). No service can store or send it back as text.
NOT_TEXT = "is not Unicode text (a lone surrogate, or bytes that are not UTF-8)"


class Refused(Exception):
    """A request the operation's description does not allow: every issue found, in order."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        super().__init__("; ".join(issue.text() for issue in issues))
        self.issues = list(issues)


class MethodNotAllowed(Exception):
    """The path is an operation's, but not with this method."""

    def __init__(self, allowed: Sequence[str]) -> None:
        super().__init__(", ".join(allowed))
        self.allowed = list(allowed)


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # path, query or header
    schema: dict[str, Any]
    required: bool
    deep: bool  # style deepObject: `name[key][0]=value`
    repeats: bool  # an array in form style: the key repeated
    repeats_plain: bool  # an array in deepObject style: `name[0]=`, `name[]=` or `name=`
    empty_is_absent: bool  # allowEmptyValue: `name=` is as if not given


@dataclass
class Checked:
    """What a request carried, as its operation's schemas type it (integers, booleans, arrays,
    nested objects), for the handler to read without parsing again."""

    path: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    query_text: dict[str, list[str]] = field(default_factory=dict)  # as sent, for cursors
    body: Any = None


@dataclass
class Operation:
    method: str
    template: str
    operation_id: str
    parameters: list[Parameter]
    body_schema: dict[str, Any] | None
    body_required: bool
    schemas: Schemas
    _pattern: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        regex = re.sub(r"\\\{([^}]+)\\\}", r"(?P<\1>[^/]*)", re.escape(self.template))
        self._pattern = re.compile(regex + r"\Z")

    def match(self, path: str) -> dict[str, str] | None:
        found = self._pattern.match(path)
        if found is None:
            return None
        return {
            name: unquote(value, errors="surrogateescape")  # (see NOT_TEXT)
            for name, value in found.groupdict().items()
        }

    def parameter(self, location: str, name: str) -> Parameter | None:
        for parameter in self.parameters:
            if parameter.location == location and parameter.name == name:
                return parameter
        return None

    def check(
        self,
        path_values: Mapping[str, str],
        query: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> Checked:
        """The request as typed values, or Refused with every issue found."""
        issues: list[Issue] = []
        checked = Checked()
        for parameter in self.parameters:
            if parameter.location == "path":
                raw = path_values.get(parameter.name, "")
                if broken_at(raw) is not None:
                    issues.append(Issue((parameter.name,), NOT_TEXT))
                    continue
                checked.path[parameter.name] = self._value(parameter, raw, issues)
            elif parameter.location == "header":
                header = headers.get(parameter.name)
                if header is None:
                    if parameter.required:
                        issues.append(Issue((parameter.name,), "this header is required"))
                    continue
                self._value(parameter, header, issues)
        raw_query = self._read_query(query, issues, checked.query_text)
        for parameter in self.parameters:
            if parameter.location != "query":
                continue
            raw = raw_query.get(parameter.name, _NO_VALUE)
            if raw is _NO_VALUE:
                if parameter.required:
                    issues.append(Issue((parameter.name,), "is required"))
                continue
            checked.query[parameter.name] = self._value(parameter, raw, issues)
        checked.body = self._body(headers, body, issues)
        if issues:
            raise Refused(issues)
        return checked

    def _value(self, parameter: Parameter, raw: Any, issues: list[Issue]) -> Any:
        value = self.schemas.coerce(parameter.schema, raw)
        issues.extend(self.schemas.issues(parameter.schema, value, (parameter.name,)))
        return value

    def _read_query(
        self,
        items: Sequence[tuple[str, str]],
        issues: list[Issue],
        text: dict[str, list[str]],
    ) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for key, value in items:
            if broken_at(key) is not None or broken_at(value) is not None:
                issues.append(Issue((_shown(key),), NOT_TEXT))
                continue
            base = key.split("[", 1)[0]
            rest = key[len(base) :]
            segments = _BRACKETS.findall(rest)
            parameter = self.parameter("query", base)
            if parameter is None:
                issues.append(Issue((key,), "unknown parameter"))
                continue
            if "".join(f"[{s}]" for s in segments) != rest:
                issues.append(Issue((key,), "is not a parameter name"))
                continue
            if not parameter.deep:
                if segments:
                    issues.append(
                        Issue((key,), "brackets are not accepted here: repeat the key instead")
                    )
                    continue
                if value == "" and parameter.empty_is_absent:
                    continue
                text.setdefault(base, []).append(value)
                if parameter.repeats:
                    found.setdefault(base, []).append(value)
                elif base in found:
                    issues.append(Issue((key,), "may be given only once"))
                else:
                    found[base] = value
                continue
            if not segments:
                if not parameter.repeats_plain:
                    issues.append(Issue((key,), f"is written in brackets, as {base}[key]="))
                    continue
                segments = [""]  # `ids=a&ids=b`: an array, as bracket-notation parsers read it
            if value == "" and parameter.empty_is_absent:
                continue
            node = found.setdefault(base, {})
            if not _place(node, segments, value):
                issues.append(Issue((key,), "is given twice, or both as a value and an object"))
        return {name: _listed(value) for name, value in found.items()}

    def _body(self, headers: Mapping[str, str], raw: bytes, issues: list[Issue]) -> Any:
        if not raw.strip():
            if self.body_schema is not None and self.body_required:
                issues.append(Issue((), "a JSON body is required"))
            return None
        if self.body_schema is None:
            issues.append(Issue((), "this operation takes no body"))
            return None
        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/json":
            issues.append(Issue((), "the body must be sent as application/json"))
            return None
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            issues.append(Issue((), "the body is not valid JSON"))
            return None
        broken = [Issue(tuple(map(_shown, where)), NOT_TEXT) for where, _ in broken_strings(body)]
        if broken:  # (the schema's issues would name a broken key raw)
            issues.extend(broken)
            return None
        issues.extend(self.schemas.issues(self.body_schema, body, ()))
        return body


def _shown(part: str | int) -> str | int:
    """A name in an issue's path, a lone surrogate in it escaped (`\\ud800`): the answer
    is JSON sent as UTF-8, which cannot hold one."""
    if isinstance(part, int):
        return part
    return part.encode("utf-8", "backslashreplace").decode("utf-8")


def _place(node: dict[str, Any], segments: list[str], value: str) -> bool:
    """Put a bracketed key's value into the nested object (`[]` appends)."""
    for segment in segments[:-1]:
        child = node.setdefault(segment, {})
        if not isinstance(child, dict):
            return False
        node = child
    last = segments[-1]
    if last == "":
        appended = node.setdefault("", [])
        if not isinstance(appended, list):
            return False
        appended.append(value)
        return True
    if last in node:
        return False
    node[last] = value
    return True


def _listed(value: Any) -> Any:
    """Objects whose keys are all indexes (or `[]`) become arrays, in index order."""
    if not isinstance(value, dict):
        return value
    items = {key: _listed(child) for key, child in value.items()}
    if list(items) == [""] and isinstance(items[""], list):
        return items[""]
    if items and all(key.isdigit() for key in items):
        return [items[key] for key in sorted(items, key=int)]
    return items


class ApiSpec:
    """One version's operations, found by method and path."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.schemas = Schemas(document.get("components", {}).get("schemas", {}))
        self.operations: list[Operation] = []
        for template, entry in document["paths"].items():
            shared = entry.get("parameters", [])
            for method, operation in entry.items():
                if method == "parameters":
                    continue
                self.operations.append(self._operation(method, template, operation, shared))
        # A literal segment wins over a template's (`/threads/lookup` over `/threads/{id}`).
        self.operations.sort(key=lambda op: op.template.count("{"))

    def _operation(
        self, method: str, template: str, operation: dict[str, Any], shared: list[Any]
    ) -> Operation:
        parameters = []
        for spec in [*shared, *operation.get("parameters", [])]:
            schema = spec.get("schema", {})
            is_array = self.schemas.allows_type(schema, "array")
            deep = spec.get("style") == "deepObject"
            parameters.append(
                Parameter(
                    name=spec["name"],
                    location=spec["in"],
                    schema=schema,
                    required=bool(spec.get("required", spec["in"] == "path")),
                    deep=deep,
                    repeats=is_array and not deep and spec.get("explode", True),
                    repeats_plain=is_array and deep,
                    empty_is_absent=bool(spec.get("allowEmptyValue")),
                )
            )
        body = operation.get("requestBody")
        body_schema = None
        if body is not None:
            body_schema = body.get("content", {}).get("application/json", {}).get("schema")
        return Operation(
            method=method.upper(),
            template=template,
            operation_id=operation.get("operationId", f"{method} {template}"),
            parameters=parameters,
            body_schema=body_schema,
            body_required=bool(body and body.get("required")),
            schemas=self.schemas,
        )

    def find(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        """The operation for this method and path with its path values; None when the path is
        no operation's; MethodNotAllowed when it is, but not with this method."""
        template = None
        for operation in self.operations:
            values = operation.match(path)
            if values is None or template not in (None, operation.template):
                continue
            template = operation.template
            if operation.method == method:
                return operation, values
        if template is not None:
            raise MethodNotAllowed(
                sorted(op.method for op in self.operations if op.template == template)
            )
        return None


@cache
def spec_for(version: str) -> ApiSpec:
    """The version's description ("v1" or "v2"), read once per process."""
    with (HERE / f"{version}.json").open(encoding="utf-8") as file:
        return ApiSpec(json.load(file))
