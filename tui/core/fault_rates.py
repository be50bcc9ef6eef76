"""The demo's random faults, as the settings give them (`demo_faults`): a plain value the
settings can check without loading the demo, which injects them (tui/demo/faults.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FaultRates:
    """Random faults, each a probability per request (0 to 1), and a session that expires."""

    rate_limited: float = 0.0  # 429 with Retry-After
    server_error: float = 0.0  # 500, 502 or 503
    slow: float = 0.0  # answered after `slow_seconds`
    drop: float = 0.0  # connection dropped
    malformed: float = 0.0  # 200 with truncated JSON
    unauthorized_after: int | None = None  # every request after the Nth: 401
    slow_seconds: float = 2.0
    retry_after: float = 2.0
    seed: int = 1

    SPEC_NAMES = {
        "429": "rate_limited",
        "5xx": "server_error",
        "slow": "slow",
        "drop": "drop",
        "malformed": "malformed",
        "401after": "unauthorized_after",
        "slow_seconds": "slow_seconds",
        "retry_after": "retry_after",
        "seed": "seed",
    }

    @classmethod
    def parse(cls, spec: str) -> FaultRates:
        """From `429=0.1,5xx=0.05,slow=0.1,drop=0.02,malformed=0.02,401after=500`."""
        values: dict[str, float | int] = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            name, _, raw = part.partition("=")
            field = cls.SPEC_NAMES.get(name.strip())
            if field is None:
                known = ", ".join(cls.SPEC_NAMES)
                raise ValueError(f"unknown fault {name.strip()!r} (known: {known})")
            try:
                number = float(raw)
            except ValueError:
                raise ValueError(f"fault {name.strip()!r} needs a number, got {raw!r}") from None
            if field in ("unauthorized_after", "seed"):
                values[field] = int(number)
            elif field in ("slow_seconds", "retry_after"):
                values[field] = max(0.0, number)
            elif not 0 <= number <= 1:
                raise ValueError(f"fault {name.strip()!r} is a rate between 0 and 1")
            else:
                values[field] = number
        return cls(**values)  # type: ignore[arg-type]
