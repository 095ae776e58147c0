"""bench/run chaos: infer through two endpoints while faults are injected on a schedule.

One run without faults is the baseline. The chaos run then meets, at fixed points of its progress (answers
served by the two simulators together, so the schedule does not depend on the machine's speed):

- throughout: 20% of requests to either endpoint fail in assorted ways (5xx, 429 with seconds and with a
  date, an error inside a 200, malformed and truncated bodies, resets, slow headers past the timeout);
- the primary dead (every connection reset) from 10% to 25% of the records;
- Redis killed (SIGKILL) at 35%, restarted 2 s later;
- PostgreSQL, the idempotency ledger, restarted at 50%;
- the stage sent SIGTERM at 65% and rerun with the same arguments, as Airflow would retry it.

Printed as key=value lines: records done, duplicates, answers paid beyond one per record against the
in-flight bound at the interruption, wall time against the baseline, ERROR lines per attempt.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import redis
import requests

FAULTS = ["500", "502", "503", "429", "429-date", "error-200", "malformed", "truncated", "reset", "slow"]
FAULT_RATE = 0.2
LATENCY_MS = 50
BATCH = 32
IN_FLIGHT = 8
TIMEOUT = "2s"
SLOW_MS = 5000  # past the timeout: a slow answer is one the stage stops waiting for


@dataclass
class Simulator:
    """One llm-sim process, driven over its admin API."""

    name: str
    process: subprocess.Popen[bytes]
    url: str

    def admin(self, method: str, path: str, body: dict[str, object] | None = None) -> dict[str, object]:
        response = requests.request(method, self.url + path, json=body, timeout=10)
        response.raise_for_status()
        answer = response.json()
        if not isinstance(answer, dict):
            raise TypeError(f"{self.name} {path}: not a JSON object: {answer!r}")
        return answer

    def stats(self) -> dict[str, object]:
        return self.admin("GET", "/admin/stats")

    def served(self) -> int:
        return int(str(self.stats()["items"]))


def start_simulator(name: str, sim_jar: Path, log: Path) -> Simulator:
    process = subprocess.Popen(
        ["java", "-jar", str(sim_jar), "--port", "0", "--latency-ms", str(LATENCY_MS), "--jitter-ms", "0"],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"listening on (http://[0-9.:]+)", log.read_text(errors="replace"))
        if found:
            return Simulator(name, process, found.group(1))
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise SystemExit(f"the {name} simulator did not start: {log.read_text(errors='replace')}")


@dataclass
class Attempt:
    """One start of the stage and how it ended."""

    exit_code: int
    seconds: float
    error_lines: int
    xcom: dict[str, object] | None


@dataclass
class Stage:
    """The infer stage as a pod runs it: the same arguments and environment on every attempt."""

    java: list[str]
    jar: Path
    input: Path
    output: Path
    endpoints: list[str]
    env: dict[str, str]
    attempts: list[Attempt] = field(default_factory=list)

    def start(self, label: str) -> subprocess.Popen[bytes]:
        run_dir = self.output.parent
        env = dict(self.env)
        env["PODSTAGE_XCOM_PATH"] = str(run_dir / f"{label}.return.json")
        env["PODSTAGE_TERMINATION_LOG_PATH"] = str(run_dir / f"{label}.termination-log")
        args = [*self.java, "-jar", str(self.jar), "--input", str(self.input), "--output", str(self.output)]
        for endpoint in self.endpoints:
            args += ["--endpoint", endpoint]
        args += ["--protocol", "inputs", "--batch-size", str(BATCH), "--max-in-flight", str(IN_FLIGHT)]
        args += ["--timeout", TIMEOUT, "--dedupe", "false", "--progress-interval", "0"]
        return subprocess.Popen(args, env=env, stdout=(run_dir / f"{label}.log").open("wb"), stderr=subprocess.STDOUT)

    def finish(self, label: str, process: subprocess.Popen[bytes], started: float) -> Attempt:
        code = process.wait(timeout=1800)
        run_dir = self.output.parent
        log = (run_dir / f"{label}.log").read_text(errors="replace")
        xcom_file = run_dir / f"{label}.return.json"
        xcom = json.loads(xcom_file.read_text()) if xcom_file.exists() else None
        errors = sum(1 for line in log.splitlines() if " ERROR " in line)
        attempt = Attempt(code, time.monotonic() - started, errors, xcom)
        self.attempts.append(attempt)
        return attempt


def output_ids(path: Path) -> list[str]:
    """The ids of a JSON Lines file, in order, repeats included."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["id"] for line in lines if line.strip()]


@dataclass
class Event:
    """A fault injected when the simulators together have served {at} of the records."""

    at: float
    name: str
    action: Callable[[], None]


def run_schedule(events: list[Event], served: Callable[[], int], records: int, done: threading.Event) -> list[str]:
    """Fires each event at its point of progress; returns what happened when, for the report."""
    happened: list[str] = []
    started = time.monotonic()
    pending = sorted(events, key=lambda e: e.at)
    while pending and not done.is_set():
        progress = served() / records
        while pending and progress >= pending[0].at:
            event = pending.pop(0)
            event.action()
            happened.append(f"{event.name}@{progress:.3f}/{time.monotonic() - started:.1f}s")
        time.sleep(0.05)
    return happened


def redis_kill(client: redis.Redis, services: Path) -> None:
    pid = int(client.info("server")["process_id"])
    os.kill(pid, signal.SIGKILL)
    time.sleep(2)
    subprocess.run([str(services), "start", "redis"], check=True, capture_output=True)


def postgres_restart(services: Path) -> None:
    subprocess.run([str(services), "stop", "postgres"], check=True, capture_output=True)
    subprocess.run([str(services), "start", "postgres"], check=True, capture_output=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--infer-jar", type=Path, required=True)
    parser.add_argument("--sim-jar", type=Path, required=True)
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--records", type=int, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--services", type=Path, required=True, help="scripts/services.sh")
    parser.add_argument("--java-flags", default="")
    return parser.parse_args()


def stage_env(redis_url: str) -> dict[str, str]:
    """The environment of a pod: ledger, cache, no StatsD agent; nothing else of PODSTAGE_ leaks in."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("PODSTAGE_")},
        "PODSTAGE_REDIS_URL": redis_url,
        "PODSTAGE_DB_URL": os.environ["PODSTAGE_TEST_DB_URL"],
        "PODSTAGE_DB_USER": os.environ["PODSTAGE_TEST_DB_USER"],
        "PODSTAGE_DB_PASSWORD": os.environ["PODSTAGE_TEST_DB_PASSWORD"],
        "PODSTAGE_METRICS_ENABLED": "false",
    }


def served(sims: list[Simulator]) -> int:
    return sum(s.served() for s in sims)


def run_baseline(stage: Stage, sims: list[Simulator], figures: dict[str, object]) -> float:
    started = time.monotonic()
    attempt = stage.finish("run", stage.start("run"), started)
    if attempt.exit_code != 0:
        raise SystemExit(f"the baseline run failed with exit {attempt.exit_code}: see {stage.output.parent}")
    figures["baseline_wall_s"] = round(attempt.seconds, 3)
    figures["baseline_paid"] = served(sims)
    figures["baseline_error_lines"] = attempt.error_lines
    return attempt.seconds


def run_chaos(stage: Stage, sims: list[Simulator], args: argparse.Namespace, figures: dict[str, object]) -> float:
    """The faulty run and, when it stops, its rerun; returns the wall time of both."""
    primary = sims[0]
    cache = redis.Redis.from_url(args.redis_url)
    started = time.monotonic()
    first = stage.start("attempt1")
    in_flight_at_sigterm: list[int] = []

    def sigterm() -> None:
        in_flight_at_sigterm.append(sum(as_int(s.stats()["in_flight"]) for s in sims))
        first.send_signal(signal.SIGTERM)

    def primary_dead() -> None:
        primary.admin("POST", "/admin/fail", {"type": "reset", "count": -1})

    events = [
        Event(0.10, "primary_dead", primary_dead),
        Event(0.25, "primary_back", lambda: primary.admin("DELETE", "/admin/fail")),
        Event(0.35, "redis_killed_and_restarted", lambda: redis_kill(cache, args.services)),
        Event(0.50, "postgres_restarted", lambda: postgres_restart(args.services)),
        Event(0.65, "sigterm", sigterm),
    ]
    done = threading.Event()
    happened: list[str] = []

    def schedule() -> None:
        happened.extend(run_schedule(events, lambda: served(sims), args.records, done))

    scheduler = threading.Thread(target=schedule)
    scheduler.start()
    attempt = stage.finish("attempt1", first, started)
    done.set()
    scheduler.join()
    figures["attempt1_exit"] = attempt.exit_code
    figures["attempt1_error_lines"] = attempt.error_lines
    if attempt.exit_code != 0:  # as Airflow would: the same task again
        second = stage.finish("attempt2", stage.start("attempt2"), time.monotonic())
        figures["attempt2_exit"] = second.exit_code
        figures["attempt2_error_lines"] = second.error_lines
        figures["attempt2_resumed"] = metric(second, "resumed")
    figures["events"] = '"' + " ".join(happened) + '"'
    figures["in_flight_requests_at_sigterm"] = in_flight_at_sigterm[0] if in_flight_at_sigterm else 0
    return time.monotonic() - started


def as_int(value: object) -> int:
    return int(str(value))


def metric(attempt: Attempt, key: str) -> object:
    metrics = (attempt.xcom or {}).get("metrics", {})
    return metrics.get(key) if isinstance(metrics, dict) else None


def report(stage: Stage, sims: list[Simulator], args: argparse.Namespace, figures: dict[str, object]) -> None:
    final = stage.attempts[-1]
    figures["attempts"] = len(stage.attempts)
    figures["final_exit"] = final.exit_code
    ids = output_ids(stage.output) if stage.output.exists() else []
    expected = set(output_ids(args.input))
    figures["records_done_pct"] = round(100.0 * len(expected & set(ids)) / args.records, 3)
    figures["duplicates"] = len(ids) - len(set(ids))
    paid = served(sims)
    figures["paid"] = paid
    figures["paid_beyond_one_per_record"] = paid - args.records
    for sim in sims:
        stats = sim.stats()
        by_status = stats["by_status"]
        if not isinstance(by_status, dict):
            raise TypeError(f"{sim.name}: by_status is not an object: {by_status!r}")
        figures[f"{sim.name}_requests"] = stats["requests"]
        figures[f"{sim.name}_faults"] = sum(as_int(n) for k, n in by_status.items() if k not in ("200", "cancelled"))
        figures[f"{sim.name}_cancelled"] = by_status.get("cancelled", 0)
    for key in ("retries", "failovers", "requests"):
        figures[f"final_attempt_{key}"] = metric(final, key)
    figures["error_lines"] = sum(a.error_lines for a in stage.attempts)


def main() -> None:
    args = parse_args()
    run_id = time.strftime("%Y%m%d-%H%M%S")  # its own job keys: the ledger remembers earlier runs' outputs
    work: Path = args.work / run_id
    (work / "baseline").mkdir(parents=True)
    (work / "chaos").mkdir()
    cache = redis.Redis.from_url(args.redis_url)
    env = stage_env(args.redis_url)
    java = ["java", *args.java_flags.split()]
    sims = [start_simulator(name, args.sim_jar, work / f"{name}.log") for name in ("primary", "fallback")]
    endpoints = [sim.url for sim in sims]
    figures: dict[str, object] = {
        "records": args.records,
        "fault_rate": FAULT_RATE,
        "in_flight_items": BATCH * IN_FLIGHT,
    }
    try:
        cache.flushdb()
        baseline = Stage(java, args.infer_jar, args.input, work / "baseline" / "out.jsonl", endpoints, env)
        baseline_wall = run_baseline(baseline, sims, figures)
        for sim in sims:
            sim.admin("POST", "/admin/reset")
            sim.admin(
                "POST",
                "/admin/config",
                {
                    "failureRate": FAULT_RATE,
                    "failureTypes": FAULTS,
                    "retryAfterSeconds": 1,
                    "slowMs": SLOW_MS,
                },
            )
        cache.flushdb()
        chaos = Stage(java, args.infer_jar, args.input, work / "chaos" / "out.jsonl", endpoints, env)
        chaos_wall = run_chaos(chaos, sims, args, figures)
        report(chaos, sims, args, figures)
        figures["chaos_wall_s"] = round(chaos_wall, 3)
        figures["wall_ratio_chaos_over_baseline"] = round(chaos_wall / baseline_wall, 2)
    finally:
        for sim in sims:
            sim.process.terminate()
            sim.process.wait(timeout=30)
    for key, value in figures.items():
        print(f"{key}={value}")


if __name__ == "__main__":
    main()
