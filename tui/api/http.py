"""The request core both API versions share: one `httpx.AsyncClient`, the team's request
budget, the rate-limit headers, and a retry loop whose rules each version gives.

What differs per version (how an error body reads, which failures may be retried) is passed
in, so this module knows no wire shape.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self, TypedDict, TypeVar, Unpack
from urllib.parse import quote

import httpx

from tui.api.errors import SERVICE, InboxError, NotText, RateLimited, TransportError
from tui.api.pacing import RequestBudget, is_background
from tui.api.service import UNSET
from tui.core.text import broken_strings, unsendable

if TYPE_CHECKING:
    from pydantic import BaseModel

# pydantic is imported when an answer is first read into a model, not with the clients: a
# first launch paints its first rows from the JSON before that (see InboxApi.summarize_fetched).
ModelT = TypeVar("ModelT", bound="BaseModel")


# Reads the error of a non-2xx answer: (status, parsed body, Retry-After seconds, headers).
ErrorReader = Callable[[int, Any, float | None, Mapping[str, str]], InboxError]


@dataclass(frozen=True)
class RetryPolicy:
    """How retries wait: attempts include the first one; delays in seconds."""

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_total_delay: float = 30.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Full jitter: a random delay up to base * 2^attempt, capped."""
        ceiling = min(self.max_delay, self.base_delay * (2**attempt))
        return rng.uniform(ceiling / 2, ceiling)


@dataclass
class RateLimitInfo:
    """What the last response said of the team's budget (X-RateLimit-* headers)."""

    limit: int | None = None
    remaining: int | None = None
    reset: float | None = None

    @property
    def low(self) -> bool:
        """Few requests left in the window: background work should wait for the reset."""
        if self.limit is None or self.remaining is None:
            return False
        # (A tenth of the minute's; of an hour's or a day's, a tenth would stop polling for
        # the rest of it while a thousand requests were still left.)
        return self.remaining <= max(5, min(self.limit // 10, 30))

    @property
    def scarce(self) -> bool:
        """Under a third of the window left: background work waits (the mirror's walk) or
        slows (live updates), leaving the rest to the people and tools of the team. The
        headers name no window (the tightest one's): an hour's or a day's limit shows here as
        a limit of 10,000 or 100,000."""
        if not self.limit or self.remaining is None:
            return False
        return self.remaining < self.limit / 3

    def describe(self) -> str:
        """In words, naming the window by its documented limit (the headers name none)."""
        window = {300: "this minute", 10_000: "this hour", 100_000: "today"}.get(
            self.limit or 0, "in this window"
        )
        return f"API budget low: {self.remaining} of {self.limit} requests left {window}"


def encode_segment(value: str) -> str:
    """One URL path segment, fully encoded: `/`, `?`, `#` and dot-segments cannot escape it."""
    if not value:
        raise ValueError("an ID cannot be empty")
    why = unsendable(value, "an ID in the request's path")
    if why is not None:
        raise NotText(why)
    encoded = quote(value, safe="")
    if set(value) == {"."}:
        encoded = encoded.replace(".", "%2E")
    return encoded


def refuse_non_text(params: Sequence[tuple[str, str]] | None, body: Any) -> None:
    """NotText, naming the field, when a query value or a string of the JSON body is not
    Unicode text (a lone surrogate): httpx would fail on it with a bare UnicodeEncodeError,
    and a service that stored it could not send it back."""
    named = [(f"the query parameter {json.dumps(name)}", value) for name, value in params or ()]
    for where, text in broken_strings(body):
        dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in where)
        named.append((f"the field {json.dumps(dotted.lstrip('.') or 'body')}", text))
    for what, text in named:  # (json.dumps: a broken name is shown escaped, never raw)
        why = unsendable(text, what)
        if why is not None:
            raise NotText(why)


def given(**fields: Any) -> dict[str, Any]:
    """The fields that were given (UNSET ones left out; None kept, as null)."""
    return {name: value for name, value in fields.items() if value is not UNSET}


def label_body(name: str, color: str | None) -> dict[str, Any]:
    """A new tag's or status's body, the same in both versions (no colour: the service's)."""
    if not name.strip():
        raise ValueError("a name cannot be empty")
    body: dict[str, Any] = {"name": name.strip()}
    if color is not None:
        body["color"] = color
    return body


def parse(model: type[ModelT], data: Any) -> ModelT:
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InboxError(
            f"unexpected {model.__name__} from the Inbox API ({exc.error_count()} problems)"
        ) from None


def parse_list(model: type[ModelT], data: Any) -> list[ModelT]:
    from pydantic import TypeAdapter, ValidationError

    try:
        return TypeAdapter(list[model]).validate_python(data)  # type: ignore[valid-type]
    except ValidationError as exc:
        raise InboxError(
            f"unexpected {model.__name__} list from the Inbox API ({exc.error_count()} problems)"
        ) from None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _int_header(response: httpx.Response, name: str) -> int | None:
    try:
        return int(response.headers[name])
    except (KeyError, ValueError):
        return None


class HttpCore:
    """Sends requests for one API version; never shows the key (not in repr, not in errors)."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str,
        read_error: ErrorReader,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 15.0,
        budget: RequestBudget | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
        service: str = SERVICE,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.service = service  # what its failures say could not be reached
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers={
                "Authorization": f"Bearer {api_key}",
                "Accept": "application/json",
                "User-Agent": "inbox-tui",
            },
            transport=transport,
            timeout=timeout,
        )
        self._read_error = read_error
        self.budget = budget or RequestBudget()
        self.retry = retry or RetryPolicy()
        self.rate_limit = RateLimitInfo()
        self.request_count = 0
        self._sleep = sleep
        self._rng = rng or random.Random()

    def __repr__(self) -> str:
        return f"HttpCore(base_url={self.base_url!r})"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def send_once(
        self,
        method: str,
        path: str,
        params: Sequence[tuple[str, str]] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        refuse_non_text(params, body)  # before the budget is spent: nothing leaves
        await self.budget.acquire()
        self.request_count += 1
        try:
            response = await self._http.request(
                method,
                path,
                params=list(params) if params else None,
                json=body if body is not None else None,
                headers=dict(headers) if headers else None,
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise TransportError(
                f"cannot reach {self.service} ({type(exc).__name__})",
                maybe_sent=False,
                service=self.service,
            ) from None
        except httpx.TimeoutException as exc:
            raise TransportError(
                f"{self.service} timed out ({type(exc).__name__})", service=self.service
            ) from None
        except httpx.TransportError as exc:
            raise TransportError(
                f"connection to {self.service} failed ({type(exc).__name__})",
                service=self.service,
            ) from None
        self._note_rate_limit(response)
        try:
            payload = response.json() if response.content else None
        except (json.JSONDecodeError, UnicodeDecodeError):
            if response.is_success:
                raise TransportError(
                    f"the Inbox API sent a malformed response to {method} {path}"
                ) from None
            payload = None
        if response.is_success:
            return payload
        retry_after = _retry_after(response)
        error = self._read_error(response.status_code, payload, retry_after, response.headers)
        if isinstance(error, RateLimited) and error.retry_after is not None:
            self.budget.hold_until(error.retry_after)
        raise error

    def _note_rate_limit(self, response: httpx.Response) -> None:
        limit = _int_header(response, "x-ratelimit-limit")
        if limit is None:
            return
        self.rate_limit = RateLimitInfo(
            limit=limit,
            remaining=_int_header(response, "x-ratelimit-remaining"),
            reset=_int_header(response, "x-ratelimit-reset"),
        )

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Sequence[tuple[str, str]] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        may_retry: Callable[[InboxError], bool],
    ) -> Any:
        """Send, retrying while `may_retry` says the failure is safe to try again, with
        backoff (or the server's own wait) within the policy's total."""
        slept = 0.0
        for attempt in range(self.retry.max_attempts):
            try:
                return await self.send_once(method, path, params, body, headers)
            except InboxError as exc:
                if attempt + 1 >= self.retry.max_attempts or not may_retry(exc):
                    raise
                if isinstance(exc, RateLimited) and is_background():
                    raise
                delay = self.retry.backoff(attempt, self._rng)
                if exc.retry_after is not None:
                    delay = exc.retry_after
                if slept + delay > self.retry.max_total_delay:
                    raise
                slept += delay
                await self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover


class ClientOptions(TypedDict, total=False):
    """How a client sends, the same for both versions."""

    transport: httpx.AsyncBaseTransport | None
    timeout: float
    budget: RequestBudget | None
    retry: RetryPolicy | None
    sleep: Callable[[float], Awaitable[None]]
    rng: random.Random | None
    service: str


class HttpClient:
    """What every client has: its request core, and the figures the app shows of it."""

    def __init__(
        self, api_key: str, base_url: str, read_error: ErrorReader, **options: Unpack[ClientOptions]
    ) -> None:
        self.http = HttpCore(api_key, base_url=base_url, read_error=read_error, **options)

    def __repr__(self) -> str:  # never show the key
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    @property
    def base_url(self) -> str:
        return self.http.base_url

    @property
    def budget(self) -> RequestBudget:
        return self.http.budget

    @property
    def rate_limit(self) -> RateLimitInfo:
        return self.http.rate_limit

    @property
    def request_count(self) -> int:
        return self.http.request_count

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
