#!/usr/bin/env python3
"""A stand-in for ``java ... -jar stage.jar ARGS`` that behaves like a stage per the contract.

Used as PODSTAGE_JAVA: it receives the JVM flags, ``-jar``, the jar and the stage's arguments. Used as a
native executable (PODSTAGE_<STAGE>_EXECUTABLE): its runtime options (``-X...``), then the stage's arguments.
``--fake-exit N`` exits N (writing a termination message and an ERROR line first); ``--fake-sleep S``
waits S seconds and exits 75 on SIGTERM, like a stage stopping cleanly. On success it writes the
XCom file with what it received, so a test can check the arguments and environment.
"""

import json
import os
import signal
import sys
import time

args = sys.argv[1:]
if "-jar" in args:
    jar_at = args.index("-jar")
    jvm_flags, jar, stage_args = args[:jar_at], args[jar_at + 1], args[jar_at + 2 :]
else:
    runtime = 0
    while runtime < len(args) and args[runtime].startswith("-X"):
        runtime += 1
    jvm_flags, jar, stage_args = args[:runtime], None, args[runtime:]


def option(name, default=None):
    return stage_args[stage_args.index(name) + 1] if name in stage_args else default


def on_sigterm(signum, frame):
    # As a stage does: the reason in the termination message, the orderly stop logged at WARN.
    reason = "stopped by SIGTERM: 3 records saved"
    with open(os.environ["PODSTAGE_TERMINATION_LOG_PATH"], "w") as f:
        f.write(reason + "\n")
    print(f"12:00:00.000 WARN  [StageRunner] {reason}", flush=True)
    sys.exit(75)


signal.signal(signal.SIGTERM, on_sigterm)
print("12:00:00.000 INFO  [StageRunner] fake stage starting", flush=True)
if option("--fake-sleep"):
    deadline = time.time() + float(option("--fake-sleep"))
    while time.time() < deadline:
        time.sleep(0.05)
code = int(option("--fake-exit", "0"))
if code:
    reason = option("--fake-reason", "something broke")
    if option("--fake-termination-log", "yes") == "yes":
        with open(os.environ["PODSTAGE_TERMINATION_LOG_PATH"], "w") as f:
            f.write(reason + "\n")
    print(f"12:00:00.000 ERROR [StageRunner] {reason}", flush=True)
    sys.exit(code)
if option("--fake-no-xcom") != "yes":
    xcom = {
        "stage": "fake",
        "status": "success",
        "jar": jar,
        "jvm_flags": jvm_flags,
        "args": stage_args,
        "env": {k: v for k, v in os.environ.items() if k.startswith(("AIRFLOW_CTX_", "PODSTAGE_"))},
    }
    with open(os.environ["PODSTAGE_XCOM_PATH"], "w") as f:
        json.dump(xcom, f)
print("12:00:00.000 INFO  [StageRunner] fake done", flush=True)
