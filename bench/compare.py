"""`make bench-compare BASE=<ref> [ROUNDS=n]`: the same benches on two builds in one run, the
code at `<ref>` (BASE) and the working tree as it is, uncommitted changes included (HEAD),
side by side; exits 1 when HEAD is worse on any of them.

BASE is checked out in a git worktree with a venv of its own under .bench-builds/ (kept, one a
commit, for the next run). Every sample is taken in a fresh process, and the two builds take
turns within each round (who goes first alternates), so that a busy moment of the machine
weighs on both alike. A row is WORSE when HEAD's median exceeds BASE's by more than 10% of
BASE's plus the larger of the two spreads.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from bench.coldstart import REPO, app_first_row, has_cached_rows, minimal_first_line, tmux_server

PROBE = Path(__file__).resolve().with_name("probe.py")
BUILDS = REPO / ".bench-builds"
RESULTS = REPO / "bench" / "results"
SIZE = (160, 48)
THREADS = 10_000
VERSIONS = ("v2", "v1")
TOLERANCE = 0.10
# A quartile from fewer samples says little: below this, the spread is the whole range.
IQR_FROM = 5
# The in-process measures: probe name, its arguments, label, unit. Fewer key presses than
# `make bench` (each takes ~0.13 s in the test harness): a round must stay short.
PROBES: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("key", ("60",), "cursor move key-to-paint p95, 300-thread demo", "ms"),
    ("switch", ("20", "v2"), "[v2] view switch p95, 10,000-thread demo", "ms"),
    ("open", ("2", "v2"), "[v2] open a 1,000-message thread, first page painted", "ms"),
    ("rss", (str(THREADS), "v2"), "[v2] peak RSS, 10,000 threads loaded", "MB"),
)

Verdict = Literal["ok", "WORSE", "better"]


@dataclass(frozen=True)
class Build:
    name: str
    sha: str
    tree: Path
    python: Path


@dataclass(frozen=True)
class Spread:
    median: float
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


def git(*args: str, cwd: Path = REPO) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.strip()


def resolve(ref: str) -> str:
    try:
        return git("rev-parse", "--verify", f"{ref}^{{commit}}")
    except subprocess.CalledProcessError:
        raise SystemExit(f"bench-compare: {ref!r} names no commit") from None


def checked_out(tree: Path, sha: str) -> bool:
    # Its own .git first: in a plain folder inside this repo, git would answer for this one.
    if not (tree / ".git").exists():
        return False
    try:
        return git("rev-parse", "HEAD", cwd=tree) == sha
    except subprocess.CalledProcessError:
        return False  # a worktree git no longer knows


def base_build(sha: str) -> Build:
    """The build of commit `sha`: its worktree and venv, made on first use and kept after."""
    tree = BUILDS / sha[:12]
    venv = tree / ".venv"
    ready = venv / ".bench-ready"  # written last: a build cut short is made again
    if not checked_out(tree, sha):
        if tree.exists():
            shutil.rmtree(tree)
        git("worktree", "prune")  # forgets a worktree whose folder was deleted by hand
        print(f"BASE: checking out {sha[:12]} in {tree.relative_to(REPO)}", flush=True)
        git("worktree", "add", "--detach", str(tree), sha)
    if not ready.exists():
        print("BASE: making its venv (once per commit)", flush=True)
        shutil.rmtree(venv, ignore_errors=True)
        # A venv made from this one's interpreter has the same base python as HEAD's.
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        python = venv / "bin" / "python"
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-e", str(tree)], check=True)
        # As `make bytecode` does for HEAD: neither build compiles its modules at launch.
        subprocess.run([str(python), "-m", "compileall", "-q", str(tree / "tui")], check=True)
        ready.touch()
    return Build("BASE", sha, tree, venv / "bin" / "python")


def run_probe(
    python: Path, cwd: Path, measure: str, *args: str, env: Mapping[str, str] | None = None
) -> float:
    """One figure of bench/probe.py, in a fresh process of `python` in the tree `cwd`."""
    result = subprocess.run(
        [str(python), str(PROBE), measure, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    if result.returncode != 0:
        raise RuntimeError(f"probe {measure} under {python} failed:\n{result.stderr[-3000:]}")
    return float(json.loads(result.stdout.strip().splitlines()[-1]))


def spread(samples: list[float]) -> Spread:
    if len(samples) >= IQR_FROM:
        low, _, high = statistics.quantiles(samples, n=4, method="inclusive")
    else:
        low, high = min(samples), max(samples)
    return Spread(*(round(value, 2) for value in (statistics.median(samples), low, high)))


def verdict(base: Spread, head: Spread) -> Verdict:
    margin = TOLERANCE * base.median + max(base.width, head.width)
    if head.median - base.median > margin:
        return "WORSE"
    if base.median - head.median > margin:
        return "better"
    return "ok"


def figure(value: float) -> str:
    return f"{value:.1f}" if abs(value) < 100 else f"{value:.0f}"


def cell(s: Spread, yardstick: float | None) -> str:
    ratio = f" {s.median / yardstick:.2f}x" if yardstick else ""
    return f"{figure(s.median)} ({figure(s.low)}-{figure(s.high)}){ratio}"


def launch(build: Build, version: str, data_dir: Path, linger: float = 0.0) -> float:
    """Milliseconds from starting the build's app on the 10,000-thread demo to its first row."""
    seconds = app_first_row(THREADS, data_dir, linger, version, build.python, build.tree, SIZE)
    return seconds * 1000


def measure_rounds(
    builds: tuple[Build, Build], rounds: int, scratch: Path
) -> tuple[list[float], dict[str, dict[str, list[float]]]]:
    """The minimal app's samples (ms), and every sample of every row, in ms (MB for RSS),
    keyed by row then build name."""
    samples: dict[str, dict[str, list[float]]] = {}
    minimal: list[float] = []

    def add(row: str, build: Build, value: float) -> None:
        samples.setdefault(row, {b.name: [] for b in builds})[build.name].append(round(value, 2))

    # The probes' scratch data folders (tempfile's) go where the run's own go, and go with it.
    probe_env = {**os.environ, "TMPDIR": str(scratch)}
    primed: dict[tuple[str, str], Path] = {}
    with tmux_server():
        # A later launch starts from the first page a launch of the same build cached: the
        # app writes it once that page is painted, so it is left running a while.
        for build in builds:
            for version in VERSIONS:
                folder = Path(tempfile.mkdtemp(prefix=f"{build.name}-{version}-", dir=scratch))
                launch(build, version, folder, linger=3.0)
                if not has_cached_rows(folder):
                    raise RuntimeError(f"the first {version} launch of {build.name} cached no rows")
                primed[build.name, version] = folder
        for n in range(rounds):
            started = time.perf_counter()
            order = builds if n % 2 == 0 else (builds[1], builds[0])
            minimal.append(round(minimal_first_line(size=SIZE) * 1000, 2))
            for version in VERSIONS:
                for build in order:
                    fresh = Path(tempfile.mkdtemp(prefix="first-", dir=scratch))
                    add(f"[{version}] start-up, first launch", build, launch(build, version, fresh))
                    later = launch(build, version, primed[build.name, version])
                    add(f"[{version}] start-up, later launch", build, later)
            for measure, args, label, _ in PROBES:
                for build in order:
                    value = run_probe(build.python, build.tree, measure, *args, env=probe_env)
                    add(label, build, value)
            print(f"round {n + 1}/{rounds}: {time.perf_counter() - started:.0f} s", flush=True)
    return minimal, samples


def compared(
    samples: dict[str, dict[str, list[float]]], yardstick: Spread
) -> tuple[list[dict[str, object]], list[tuple[str, ...]]]:
    """Each row's figures and verdict, for the JSON and for the table."""
    units = {label: unit for _, _, label, unit in PROBES}
    rows: list[dict[str, object]] = []
    table: list[tuple[str, ...]] = []
    for label, by_build in samples.items():
        base, head = spread(by_build["BASE"]), spread(by_build["HEAD"])
        change = (head.median - base.median) / base.median * 100 if base.median else 0.0
        row: dict[str, object] = {
            "measure": label,
            "unit": units.get(label, "ms"),
            "base": {**asdict(base), "samples": by_build["BASE"]},
            "head": {**asdict(head), "samples": by_build["HEAD"]},
            "change_pct": round(change, 1),
            "verdict": verdict(base, head),
        }
        startup = label not in units
        if startup:  # as a ratio to the minimal app too, as `make bench` gives it
            row["base_ratio"] = round(base.median / yardstick.median, 2)
            row["head_ratio"] = round(head.median / yardstick.median, 2)
        ratio_to = yardstick.median if startup else None
        rows.append(row)
        table.append(
            (
                f"{label} ({row['unit']})",
                cell(base, ratio_to),
                cell(head, ratio_to),
                f"{change:+.1f}%",
                str(row["verdict"]),
            )
        )
    return rows, table


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__)
    parser.add_argument("base", help="the git ref to compare the working tree with")
    parser.add_argument("--rounds", type=int, default=7, help="samples per measure and build")
    options = parser.parse_args()
    if options.rounds < 1:
        raise SystemExit("bench-compare: --rounds must be at least 1")
    began = time.perf_counter()
    base_sha = resolve(options.base)
    head_sha = resolve("HEAD")
    uncommitted = bool(git("status", "--porcelain", "--untracked-files=no"))
    print(f"BASE {base_sha} ({options.base})")
    print(f"HEAD {head_sha}" + (" with uncommitted changes" if uncommitted else ""), flush=True)
    builds = (base_build(base_sha), Build("HEAD", head_sha, REPO, Path(sys.executable)))
    with tempfile.TemporaryDirectory(prefix="inbox-bench-compare-") as scratch:
        minimal, samples = measure_rounds(builds, options.rounds, Path(scratch))
    yardstick = spread(minimal)
    kind = "interquartile range" if options.rounds >= IQR_FROM else "min-max"
    rows, table = compared(samples, yardstick)
    header = ("measure", "BASE median (spread)", "HEAD median (spread)", "change", "verdict")
    widths = [max(len(r[i]) for r in (header, *table)) for i in range(len(header))]
    print(
        f"\n{options.rounds} samples a build, spread = {kind}; start-ups also as a ratio "
        f"(x) to the minimal Textual app's median, {figure(yardstick.median)} ms "
        f"({figure(yardstick.low)}-{figure(yardstick.high)}), tmux {SIZE[0]}x{SIZE[1]}"
    )
    for line in (header, *table):
        print("  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)))
    worse = [row["measure"] for row in rows if row["verdict"] == "WORSE"]
    seconds = round(time.perf_counter() - began)
    print(
        f"\nWORSE: HEAD median - BASE median > {TOLERANCE:.0%} of BASE median + the larger "
        f"spread. {len(worse)} row(s) WORSE. {seconds} s."
    )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"compare-{base_sha[:12]}-{head_sha[:12]}.json"
    report = {
        "base": {"ref": options.base, "sha": base_sha},
        "head": {"sha": head_sha, "uncommitted_changes": uncommitted},
        "rounds": options.rounds,
        "spread": kind,
        "tolerance": TOLERANCE,
        "minimal_app_ms": {**asdict(yardstick), "samples": minimal},
        "measures": rows,
        "worse": worse,
        "seconds": seconds,
    }
    out.write_text(json.dumps(report, indent=2))
    print(f"written: {out.relative_to(REPO)}")
    sys.exit(1 if worse else 0)


if __name__ == "__main__":
    main()
