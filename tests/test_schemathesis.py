"""Schemathesis against `inbox-tui demo-server` over a real socket, each version against its own
OpenAPI document: every check, every phase (examples, coverage, fuzzing, stateful), a few
examples per operation, generated deterministically (the same requests on every run).

A failure it reports fails this test unless ALLOWED names it, with why it is the spec's and not
the demo's: a rule the spec states only in prose (the demo keeps it, as the service does), or a
limit of the document itself.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.servers import demo_server
from tui.demo.openapi import HERE, spec_for


@dataclass(frozen=True)
class Allowed:
    version: str
    check: str  # schemathesis's code (ST202...), or "schema error"
    operation: str  # "METHOD /template", or "*" for every operation
    answer: str  # a fragment of the demo's answer ("" for any)
    why: str


ALLOWED = [
    # --- v2 --------------------------------------------------------------------------------
    Allowed(
        "v2",
        "ST202",
        "*",
        '"code":"invalidCursor"',
        "`cursor` is a plain string in the schema, but opaque: only one the API issued, for "
        "the same filters, is valid (the parameter's description); schemathesis makes up its "
        "own",
    ),
    Allowed(
        "v2",
        "ST202",
        "GET /contacts",
        "give platformId or username",
        "the description: 'Give this or the other identity filter'; the schema cannot say it",
    ),
    Allowed(
        "v2",
        "ST202",
        "*",
        "color: must be a colour name",
        "a colour is 'a color name from GET /colors, case-insensitive, or a 6-digit hex value' "
        "(TagCreate's description); the schema says only string",
    ),
    Allowed(
        "v2",
        "ST202",
        "*",
        "no member of the team has this ID",
        "an assignee must be a member of the team; the operation's only 404 is its own "
        "resource, so an unknown member is its 400",
    ),
    Allowed(
        "v2",
        "ST202",
        "*",
        "[422]",
        "a 422 is the spec's answer for a well-formed request the platform or the data refuses "
        "(messageNotModifiable, recipientUnavailable, contentRejected...); schemathesis "
        "counts only 2xx, 401, 403, 404, 409 and 5xx as accepting",
    ),
    Allowed(
        "v2",
        "schema error",
        "*",
        "unsupported regular expression",
        "a reaction's emoji pattern uses ECMA-262 Unicode properties (\\p{Extended_Pictographic}) "
        "that schemathesis cannot generate from; the demo checks it (tests/test_spec_requests.py)",
    ),
    # --- v1 --------------------------------------------------------------------------------
    Allowed(
        "v1",
        "ST103",
        "*",
        "",
        "the v1 document lists only 200 for every operation; its pages (02, 03) and "
        "04-service-facts give the 400, 404 and 409 answers and their error shape",
    ),
    Allowed(
        "v1",
        "ST108",
        "*",
        '"not": {}',
        "the v1 document writes untyped fields (attachment, entities, replyData) and the "
        "answers of its deletes as `not: {}`, which no value satisfies",
    ),
    Allowed(
        "v1",
        "ST202",
        "*",
        '"code":"INVALID_FIELD"',
        "the v1 document never says additionalProperties; the demo refuses fields an operation "
        "does not name, as it does in v2 (whose schemas say so), and the docs' trap: there is "
        "no tagIds field",
    ),
    Allowed(
        "v1",
        "ST202",
        "*",
        "externalPlatformId or externalId is required",
        "the description: one of externalPlatformId or externalId names the person",
    ),
    Allowed(
        "v1",
        "ST202",
        "*",
        "emoji must be a single emoji",
        "a reaction is one emoji (the docs); the v1 schema says only string",
    ),
    Allowed(
        "v1",
        "ST202",
        "*",
        "color must be a predefined name",
        "a colour is a name from GET /colors or a hex code (03-prospects); the schema says "
        "only string",
    ),
    Allowed(
        "v1",
        "ST202",
        "GET /threads",
        "cursor",
        "cursorId and cursorTimestamp go together and not with cursor[...] (the parameters' "
        "descriptions)",
    ),
    Allowed(
        "v1",
        "ST202",
        "*",
        "[422]",
        "v1 answers 422 for what the thread cannot do (a reaction or an edit outside X Chat), "
        "as 04-service-facts lists it; its document lists only 200",
    ),
    Allowed(
        "v1",
        "ST202",
        "*",
        ": is required",
        "a required parameter sent empty (`username=`, `platformId=`): the v1 document allows "
        "empty values, an empty one is read as not given, and a required one not given is "
        "refused",
    ),
]


@dataclass(frozen=True)
class Failure:
    operation: str
    check: str
    text: str

    def allowed_by(self, version: str) -> Allowed | None:
        for rule in ALLOWED:
            if (
                rule.version == version
                and rule.check == self.check
                and rule.operation in ("*", self.operation)
                and rule.answer in self.text
            ):
                return rule
        return None


def failures(report: Path) -> list[Failure]:
    """Each (operation, check) schemathesis reported, with the text of its case."""
    found = []
    for case in ET.parse(report).getroot().iter("testcase"):
        operation = case.attrib["name"]
        for element in case.findall("failure") + case.findall("error"):
            text = element.text or ""
            if element.tag == "error":
                found.append(Failure(operation, "schema error", text))
                continue
            for block in re.split(r"\n?\d+\. Test Case ID: \w+\n", text):
                for check in re.findall(r"^- (ST\d+)", block, re.M):
                    found.append(Failure(operation, check, block))
    return found


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_schemathesis_finds_nothing_the_spec_does_not_explain(version: str, tmp_path: Path) -> None:
    st = Path(sys.executable).parent / "st"
    with demo_server("--rate-limit", "0", "--threads", "60") as (v1_url, _):
        run = subprocess.run(
            [
                str(st),
                "run",
                str(HERE / f"{version}.json"),
                "--url",
                v1_url.replace("/api/v1", f"/api/{version}"),
                "--header",
                "Authorization: Bearer demo",
                "--checks",
                "all",
                "--max-examples",
                "3",
                "--generation-deterministic",
                "--workers",
                "1",
                "--report",
                "junit",
                "--report-junit-path",
                str(tmp_path / "junit.xml"),
                "--no-color",
            ],
            capture_output=True,
            text=True,
            cwd=tmp_path,  # its own cache folder (.schemathesis) lands here
            timeout=240,
            check=False,
        )
    assert (tmp_path / "junit.xml").exists(), run.stdout[-3000:] + run.stderr[-3000:]
    found = failures(tmp_path / "junit.xml")
    tested = {
        case.attrib["name"] for case in ET.parse(tmp_path / "junit.xml").getroot().iter("testcase")
    }
    assert {f"{op.method} {op.template}" for op in spec_for(version).operations} <= tested
    unexplained = [f for f in found if f.allowed_by(version) is None]
    assert not unexplained, "\n\n".join(
        f"{f.operation} {f.check}:\n{f.text[:1200]}" for f in unexplained[:5]
    )
