"""What a Python task pod loads before doing any work: the Airflow task SDK and the clients."""

from __future__ import annotations

import airflow.sdk  # noqa: F401
import redis  # noqa: F401
import requests  # noqa: F401

if __name__ == "__main__":
    print("imported airflow.sdk, requests, redis")
