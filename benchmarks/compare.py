"""aws-ses against boto3, aiobotocore and capo-sesv2, measured side by side in one run.

    python benchmarks/compare.py            # the full run (a few minutes)
    python benchmarks/compare.py --quick    # tiny counts: checks that every row is produced

Every client talks to the same loopback sink (``benchmarks/sink.py``, a
child process that answers ``SendEmail`` and ``SendBulkEmail`` at once), and
every measurement runs in a fresh interpreter (``benchmarks/scenarios.py``)
so that no client shares imports, pools or memory with another. aws-ses and
boto3 run in the interpreter that runs this script (the checkout's ``src/``
comes first on ``PYTHONPATH``); aiobotocore (whose botocore pin conflicts
with boto3's), capo-sesv2 and the transport candidates (pycurl, pyreqwest)
get their own virtualenvs under ``benchmarks/.venvs/``, created with pip on
the first run (``--no-setup`` skips that; a client that cannot be installed
is reported as such in the table).

The machine this runs on is usually shared: only ratios within one run mean
anything, never a number from one run against a number from another.
Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import scenarios  # noqa: E402  (stdlib only at import: it just writes the programs)

SCENARIOS = HERE / "scenarios.py"
VENVS = HERE / ".venvs"

# Virtualenvs for clients that cannot share the main interpreter.
EXTRA_VENVS = {
    "aiobotocore": ["aiobotocore==3.10.0"],
    "capo-sesv2": ["capo-sesv2==0.11.0"],
    "candidates": ["pycurl", "pyreqwest"],
}
CLIENT_VENV = {"aiobotocore": "aiobotocore", "capo-sesv2": "capo-sesv2"}
CANDIDATE_TRANSPORTS = ("http.client", "pycurl", "pyreqwest")

ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_REGION": "us-east-1",
    "AWS_CONFIG_FILE": str(HERE / "no-such-aws-config"),
    "AWS_SHARED_CREDENTIALS_FILE": str(HERE / "no-such-aws-credentials"),
    "AWS_EC2_METADATA_DISABLED": "true",
}


@dataclass
class Row:
    """One measure: a value (or why there is none) per client."""

    key: str
    title: str
    unit: str
    higher_is_better: bool
    values: dict[str, float | str] = field(default_factory=dict)
    target: str = ""
    met: bool | None = None


# ------------------------------------------------------------------- setup


def venv_python(name: str) -> Path:
    sub = "Scripts/python.exe" if os.name == "nt" else "bin/python"
    return VENVS / name / sub


def ensure_venv(name: str, setup: bool) -> tuple[Path | None, str]:
    """The venv's interpreter, creating it with pip if allowed; or why not."""
    python = venv_python(name)
    marker = VENVS / name / "installed.txt"
    wanted = " ".join(EXTRA_VENVS[name])
    if python.exists() and marker.exists() and marker.read_text() == wanted:
        return python, ""
    if not setup:
        return None, f"not installed (run without --no-setup to pip install {wanted})"
    print(f"setting up {VENVS / name}: pip install {wanted}", file=sys.stderr, flush=True)
    shutil.rmtree(VENVS / name, ignore_errors=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(VENVS / name)], check=True)
        done = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", *EXTRA_VENVS[name]],
            capture_output=True,
            text=True,
        )
    except OSError as exc:
        return None, f"could not be installed ({exc})"
    if done.returncode != 0:
        errors = [line for line in done.stderr.splitlines() if "ERROR" in line]
        return None, f"could not be installed ({(errors or ['pip failed'])[-1][:100]})"
    marker.write_text(wanted)
    return python, ""


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode cache on, as on a user's machine
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        env.pop(name, None)
    env.update(ENV)
    path = [str(REPO / "src"), str(HERE)]
    if os.environ.get("PYTHONPATH"):
        path.append(os.environ["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(path)
    return env


# ------------------------------------------------------------------ running


class Runner:
    def __init__(self, url: str, pythons: dict[str, Path | None], why: dict[str, str]) -> None:
        self.url = url
        self.pythons = pythons
        self.why = why
        self.env = child_env()

    def python_for(self, client: str) -> Path | None:
        if client.startswith("transport:") and client.partition(":")[2] in CANDIDATE_TRANSPORTS:
            return self.pythons.get("candidates")
        return self.pythons.get(CLIENT_VENV.get(client, "main"))

    def reason(self, client: str) -> str:
        if client.startswith("transport:"):
            return self.why.get("candidates", "not installed")
        return self.why.get(CLIENT_VENV.get(client, "main"), "not installed")

    def measure(self, client: str, measure: str, n: int) -> float | str:
        python = self.python_for(client)
        if python is None:
            return self.reason(client)
        cmd = [str(python), str(SCENARIOS), client, measure, "--url", self.url, "--n", str(n)]
        done = subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["failed"])[-1]
            return f"failed: {last[:120]}"
        value: float = json.loads(done.stdout.strip().splitlines()[-1])["value"]
        return value

    def cold_starts(self, clients: list[str], runs: int) -> dict[str, float | str]:
        """Median wall time (ms) of fresh processes: import, build, first send.

        The clients take turns, one process each per round, so a burst of
        load from other work on the machine slows them alike.
        """
        out: dict[str, float | str] = {}
        cmds: dict[str, list[str]] = {}
        for client in clients:
            python = self.python_for(client)
            if python is None:
                out[client] = self.reason(client)
                continue
            cmd = [str(python), "-c", scenarios.cold_code(client, self.url)]
            first = subprocess.run(cmd, env=self.env, capture_output=True, text=True)  # .pyc
            if first.returncode != 0:
                last = (first.stderr.strip().splitlines() or ["failed"])[-1]
                out[client] = f"failed: {last[:120]}"
                continue
            cmds[client] = cmd
        times: dict[str, list[float]] = {client: [] for client in cmds}
        for _ in range(runs):
            for client, cmd in cmds.items():
                start = time.perf_counter()
                subprocess.run(cmd, env=self.env, check=True)
                times[client].append((time.perf_counter() - start) * 1000)
        out.update({client: statistics.median(t) for client, t in times.items()})
        return out

    def rss(self, client: str, *, attach: bool = False) -> float | str:
        """Resident MiB of a fresh process that only imports, builds and sends once."""
        python = self.python_for(client)
        if python is None:
            return self.reason(client)
        code = scenarios.rss_code(client, self.url, attach=attach)
        done = subprocess.run(
            [str(python), "-c", code], env=self.env, capture_output=True, text=True
        )
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["failed"])[-1]
            return f"failed: {last[:120]}"
        return float(done.stdout.split()[-1])

    def interpreter_start(self, runs: int) -> float:
        python = self.pythons["main"]
        assert python is not None
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([str(python), "-c", "pass"], env=self.env, check=True)
            times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)


def start_sink() -> tuple[subprocess.Popen[str], str]:
    sink = subprocess.Popen(
        [sys.executable, str(HERE / "sink.py")], stdout=subprocess.PIPE, text=True
    )
    assert sink.stdout is not None
    port = int(sink.stdout.readline())
    return sink, f"http://127.0.0.1:{port}"


# ------------------------------------------------------------------ targets


def _num(row: Row, client: str) -> float | None:
    value = row.values.get(client)
    return value if isinstance(value, float | int) else None


# The targets: (row, [(other client, bound on aws-ses / other, at most?)], text).
TARGETS = [
    ("cold", [("boto3", 1 / 4, True)], "<= 1/4 of boto3"),
    ("cpu", [("boto3", 1 / 6, True), ("capo-sesv2", 1 / 2, True)], "<= 1/6 boto3, <= 1/2 capo"),
    ("async", [("aiobotocore", 5, False), ("capo-sesv2", 2.5, False)],
     ">= 5x aiobotocore, >= 2.5x capo"),
    ("rss", [("boto3", 1 / 2, True)], "<= 1/2 of boto3"),
    ("bulk", [("boto3", 3, False)], ">= 3x boto3"),
]  # fmt: skip


def judge(rows: dict[str, Row]) -> None:
    """Fill in each row's target and whether this run met it (None: not measurable)."""
    for key, bounds, text in TARGETS:
        row = rows[key]
        row.target = text
        outcomes: list[bool | None] = []
        for other, bound, at_most in bounds:
            ours, theirs = _num(row, "aws-ses"), _num(row, other)
            if ours is None or not theirs:
                outcomes.append(None)
                continue
            r = ours / theirs
            outcomes.append(r <= bound if at_most else r >= bound)
        row.met = None if None in outcomes else all(outcomes)


# ------------------------------------------------------------------- report

CLIENTS = ("aws-ses", "boto3", "aiobotocore", "capo-sesv2")


def fmt(value: float | str | None, unit: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if unit in ("ms", "MiB") or value < 100:
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def ratio_text(row: Row) -> str:
    ours = _num(row, "aws-ses")
    if ours is None:
        return ""
    parts = []
    for other in CLIENTS[1:]:
        theirs = _num(row, other)
        if theirs:
            parts.append(f"{ours / theirs:.2f}x {other}")
    return ", ".join(parts)


def render(rows: list[Row], transports: list[Row], notes: list[str]) -> str:
    out = [
        "| measure | aws-ses | boto3 | aiobotocore | capo-sesv2 | aws-ses ÷ others "
        "| target (issue 12) | met |",
        "|---|---:|---:|---:|---:|---|---|---|",
    ]
    for row in rows:
        cells = [fmt(row.values.get(c), row.unit) for c in CLIENTS]
        met = "" if not row.target else {True: "yes", False: "NO", None: "n/a"}[row.met]
        out.append(
            f"| {row.title} ({row.unit}) | " + " | ".join(cells)
            + f" | {ratio_text(row)} | {row.target} | {met} |"
        )  # fmt: skip
    out += ["", "| transport alone | value | ÷ floor |", "|---|---:|---:|"]
    floor = next((r for r in transports if r.key == "floor"), None)
    floor_value = _num(floor, "value") if floor else None
    for row in transports:
        value = row.values.get("value")
        vs = ""
        if isinstance(value, float | int) and floor_value and row.unit == "µs CPU/call":
            vs = f"{value / floor_value:.1f}x"
        out.append(f"| {row.title} ({row.unit}) | {fmt(value, row.unit)} | {vs} |")
    out += ["", *notes]
    return "\n".join(out)


# --------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny counts (a smoke test)")
    parser.add_argument("--no-setup", action="store_true", help="never create virtualenvs")
    parser.add_argument(
        "--main-only",
        action="store_true",
        help="measure only what runs in this interpreter (aws-ses, boto3); others say skipped",
    )
    parser.add_argument("--cold-runs", type=int, default=None, help="fresh processes (7)")
    parser.add_argument("--calls", type=int, default=None, help="calls per measure (3000)")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument(
        "--repeats", type=int, default=None, help="turns per client for the rate rows (3)"
    )
    args = parser.parse_args()
    cold_runs = args.cold_runs or (1 if args.quick else 7)
    calls = args.calls or (10 if args.quick else 3000)
    bulk_recipients = 100 if args.quick else 10000
    attach_calls = 1 if args.quick else 20
    repeats = args.repeats or (1 if args.quick else 3)

    pythons: dict[str, Path | None] = {"main": Path(sys.executable)}
    why: dict[str, str] = {}
    for name in EXTRA_VENVS:
        if args.main_only:
            pythons[name], why[name] = None, "skipped (--main-only)"
        else:
            pythons[name], why[name] = ensure_venv(name, setup=not args.no_setup)
    try:
        subprocess.run(
            [sys.executable, "-c", "import boto3"], check=True, capture_output=True, env=child_env()
        )
    except subprocess.CalledProcessError:
        why["main-boto3"] = "not installed (pip install boto3==1.44.8)"

    sink, url = start_sink()
    try:
        run = Runner(url, pythons, why)

        def boto(measure: str, n: int) -> float | str:
            if "main-boto3" in why:
                return why["main-boto3"]
            return run.measure("boto3", measure, n)

        rows: dict[str, Row] = {}
        started = time.perf_counter()

        row = rows["cold"] = Row("cold", "cold start: import, build, first send_email", "ms", False)
        cold_clients = ["aws-ses", "aws-ses-async", "aiobotocore", "capo-sesv2"]
        if "main-boto3" not in why:
            cold_clients.append("boto3")
        colds = run.cold_starts(cold_clients, cold_runs)
        for client in ("aws-ses", "aiobotocore", "capo-sesv2", "boto3"):
            row.values[client] = colds.get(client) or why.get("main-boto3", "")
        row = rows["cold-async"] = Row(
            "cold-async", "cold start, async client (aws-ses async vs aiobotocore)", "ms", False
        )
        row.values["aws-ses"] = colds["aws-ses-async"]
        row.values["aiobotocore"] = colds["aiobotocore"]

        def best_of(row: Row, jobs: dict[str, tuple[str, str, int]]) -> None:
            # Each client is measured `repeats` times, the clients taking turns,
            # and keeps its best: a burst of load from other work on a shared
            # machine then hits every client alike instead of one.
            results: dict[str, list[float | str]] = {c: [] for c in jobs}
            for _ in range(repeats):
                for client, (who, measure, n) in jobs.items():
                    if who == "boto3":
                        results[client].append(boto(measure, n))
                    else:
                        results[client].append(run.measure(who, measure, n))
            for client, values in results.items():
                numbers = [v for v in values if isinstance(v, float | int)]
                if not numbers:
                    row.values[client] = values[-1]
                else:
                    row.values[client] = max(numbers) if row.higher_is_better else min(numbers)

        row = rows["cpu"] = Row("cpu", "CPU per sequential send_email", "µs", False)
        best_of(row, {
            "aws-ses": ("aws-ses", "cpu", calls),
            "boto3": ("boto3", "cpu", calls),
            "capo-sesv2": ("capo-sesv2", "cpu", max(2, calls // 10)),
        })  # fmt: skip

        row = rows["threads"] = Row("threads", "send_email at 16 threads", "calls/s", True)
        best_of(row, {
            "aws-ses": ("aws-ses", "threads", calls),
            "boto3": ("boto3", "threads", calls),
            "capo-sesv2": ("capo-sesv2", "threads", max(16, calls // 10)),
        })  # fmt: skip

        row = rows["async"] = Row("async", "send_email at 64 concurrent tasks", "calls/s", True)
        best_of(row, {c: (c, "async", calls) for c in ("aws-ses", "aiobotocore", "capo-sesv2")})

        row = rows["bulk"] = Row(
            "bulk", "send_bulk, 50 per call (boto3: 16-thread pool)", "recipients/s", True
        )
        best_of(row, {
            "aws-ses": ("aws-ses", "bulk", bulk_recipients),
            "boto3": ("boto3", "bulk", bulk_recipients),
        })  # fmt: skip
        row = rows["bulk-async"] = Row(
            "bulk-async", "send_bulk, async client, 16 calls in flight", "recipients/s", True
        )
        row.values["aws-ses"] = run.measure("aws-ses-async", "bulk", bulk_recipients)
        row.values["boto3"] = rows["bulk"].values["boto3"]

        row = rows["rss"] = Row("rss", "RSS after the first send_email", "MiB", False)
        for client in ("aws-ses", "capo-sesv2", "aiobotocore"):
            row.values[client] = run.rss(client)
        row.values["boto3"] = why.get("main-boto3") or run.rss("boto3")

        row = rows["attach-cpu"] = Row(
            "attach-cpu", "CPU per send_email with a 1 MiB attachment", "ms", False
        )
        for client in ("aws-ses", "capo-sesv2"):
            row.values[client] = run.measure(client, "attach-cpu", attach_calls)
        row.values["boto3"] = boto("attach-cpu", attach_calls)

        row = rows["attach-rss"] = Row(
            "attach-rss", "RSS after a send_email with a 1 MiB attachment", "MiB", False
        )
        for client in ("aws-ses", "capo-sesv2"):
            row.values[client] = run.rss(client, attach=True)
        row.values["boto3"] = why.get("main-boto3") or run.rss("boto3", attach=True)

        judge(rows)

        transports: list[Row] = []
        for name in ("http11", "urllib3", *CANDIDATE_TRANSPORTS):
            label = {"http11": "aws-ses Http11Transport (default)"}.get(name, name)
            if name == "urllib3":
                label = "aws-ses Urllib3Transport (option)"
            t = Row(f"transport:{name}", f"{label}: POST", "µs CPU/call", False)
            t.values["value"] = run.measure(f"transport:{name}", "cpu", calls)
            transports.append(t)
        floor = Row("floor", "raw keep-alive socket (the floor): POST", "µs CPU/call", False)
        floor.values["value"] = run.measure("floor", "cpu", calls)
        transports.append(floor)
        for name, label in (
            ("http11", "aws-ses AsyncHttp11Transport (default)"),
            ("aiohttp", "aws-ses AiohttpTransport (option)"),
        ):
            t = Row(f"async-transport:{name}", f"{label}: 64 in flight", "calls/s", True)
            t.values["value"] = run.measure(f"transport:{name}", "async", calls)
            transports.append(t)
        t = Row("interpreter", "python -c pass (in every cold start)", "ms", False)
        t.values["value"] = run.interpreter_start(cold_runs)
        transports.append(t)
        elapsed = time.perf_counter() - started
    finally:
        sink.terminate()
        sink.wait()

    notes = [
        f"{platform.node()}: Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"{platform.system()}; {calls} calls per measure, cold start = median of {cold_runs} "
        f"fresh processes per client (bytecode cache warm); CPU, threads, async and bulk rows: "
        f"best of {repeats} turns per client; clients take turns; run took {elapsed:.0f} s.",
        "Only ratios within one run count: the machine may be shared and noisy.",
    ]
    print(render(list(rows.values()), transports, notes))
    if args.json:
        data = [
            {"key": r.key, "title": r.title, "unit": r.unit, "values": r.values,
             "target": r.target, "met": r.met}
            for r in [*rows.values(), *transports]
        ]  # fmt: skip
        args.json.write_text(json.dumps(data, indent=2))


if __name__ == "__main__":
    main()
