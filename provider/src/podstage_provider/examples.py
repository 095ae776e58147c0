"""What the example DAGs (``dags/``) share, so that each of them shows only what is its own.

* :data:`ON_DEMAND`: they run when triggered (or by ``airflow dags test``), one run at a time;
* :func:`sample_paths`: where a DAG writes (under PODSTAGE_DATA_DIR) and where its sample inputs are;
* :func:`ingest`: the first step of the batch DAGs: the run's ``source`` param into shards of
  ``shard_size`` records (params every such DAG declares).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from podstage_provider.operators import IngestOperator
from podstage_provider.settings import current

#: DAG arguments of a DAG that runs when triggered, one run at a time, without catching up.
ON_DEMAND: dict[str, Any] = {
    "schedule": None,
    "start_date": datetime(2025, 1, 1),
    "catchup": False,
    "max_active_runs": 1,
}


def sample_paths(dag_file: str, name: str) -> tuple[str, str]:
    """``(data, samples)``: the DAG's directory under PODSTAGE_DATA_DIR and the directory of the sample inputs."""
    settings = current()
    return settings.data_path(name), settings.samples_dir_for(dag_file)


def ingest(data: str, **kwargs: Any) -> IngestOperator:
    """Task ``ingest``: the file, directory or URL of param ``source`` into ``<data>/shards``, param
    ``shard_size`` records per shard; map the next step over ``shards_of(ingest)``."""
    return IngestOperator(
        task_id="ingest",
        input="{{ params.source }}",
        output_uri=f"{data}/shards",
        options={"shard_size": "{{ params.shard_size }}"},
        **kwargs,
    )
