"""The native flavour on the cluster (docs/native.md): the LLM batch DAG with PODSTAGE_IMAGE_FLAVOR=native, its
infer and store tasks the native images (`images/build-native.sh`) pushed to the cluster's registry and pulled
by digest into the restricted namespace, against the JVM flavour on the local backend in the same test: the
same answers, tokens, cost and rows, every question asked once, no pod left behind, and each executable's heap
sized from its pod's memory limit (read from the cgroup, as the JVM does).

The DAG's ingest task keeps its JVM image: the deployment's digests file pins an image per stage, whatever the
flavour, and CI builds infer, store and embed natively (scripts/test.sh says why), not ingest.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from cluster_services import Services
from cluster_support import CLUSTER, REPO, Cluster, image_digests, psql_rows, run
from e2e_support import AirflowHome
from podstage_provider.stages import STAGES

NAMESPACE = "podstage-native"
#: The stages of the LLM batch DAG; CI builds both natively (PODSTAGE_NATIVE_STAGES in scripts/test.sh).
NATIVE_STAGES = ("infer", "store")


@pytest.fixture(scope="module")
def native_digests(stage_cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The native images built (their executables cached by scripts/native-stages.sh) and pushed to the cluster's
    registry: a digests file as a deployment gives the provider (PODSTAGE_IMAGE_DIGESTS_FILE)."""
    built = run(str(REPO / "images" / "build-native.sh"), *NATIVE_STAGES, timeout=3600)
    assert built.returncode == 0, built.stderr[-5000:]
    lines = []
    for line in (REPO / "images" / "out" / "digests-native.txt").read_text().splitlines():
        image = line.split()[0]
        stage, tag = image.rsplit("/", 1)[1].split(":")
        if stage not in NATIVE_STAGES:
            continue
        assert tag.endswith("-native"), line
        pushed = run(str(CLUSTER), "push", image, f"podstage/{stage}:{tag}", timeout=600)
        assert pushed.returncode == 0, pushed.stderr
        lines.append(f"{stage} {pushed.stdout.strip().split('@')[1]}")
    assert sorted(line.split()[0] for line in lines) == sorted(NATIVE_STAGES)
    jvm = Path(stage_cluster.env["PODSTAGE_IMAGE_DIGESTS_FILE"]).read_text().splitlines()
    lines += [line for line in jvm if line.split()[0] not in NATIVE_STAGES]
    digests = tmp_path_factory.mktemp("native-images") / "digests"
    digests.write_text("\n".join(lines) + "\n")
    return digests


@pytest.fixture(scope="module")
def native(
    cluster: Cluster, pod_services: Services, native_digests: Path, tmp_path_factory: pytest.TempPathFactory
) -> AirflowHome:
    home = pod_services.airflow_home(NAMESPACE, tmp_path_factory.mktemp("native-on-kubernetes"))
    home.env["PODSTAGE_IMAGE_FLAVOR"] = "native"
    home.env["PODSTAGE_IMAGE_DIGESTS_FILE"] = str(native_digests)
    return home


def test_llm_batch_on_native_images_answers_and_pays_as_the_jvm_flavour(
    cluster: Cluster, pod_services: Services, native: AirflowHome, local: AirflowHome, native_digests: Path
):
    conf = {"shard_size": 20}
    local.dags_test("podstage_llm_batch", conf)
    ran = native.dags_test("podstage_llm_batch", conf)
    cluster.assert_no_pod_left(NAMESPACE)
    here, there = local.summary("podstage_llm_batch"), native.summary("podstage_llm_batch")

    # The infer and store pods ran the native images, by digest, and never their JVM images.
    pulled = cluster.kubectl(
        "-n", NAMESPACE, "get", "events", "--field-selector=reason=Pulled", "-o", "jsonpath={.items[*].message}"
    )
    given, jvm = image_digests(native_digests), image_digests(cluster.env["PODSTAGE_IMAGE_DIGESTS_FILE"])
    for stage in NATIVE_STAGES:
        assert f"{cluster.env['PODSTAGE_REGISTRY']}/podstage/{stage}@{given[stage]}" in pulled
        assert jvm[stage] != given[stage]
        assert jvm[stage] not in pulled

    compared = ("tasks", "records_in", "records_out", "rejects", "already_done", "cache_hits")
    for stage in NATIVE_STAGES:
        assert {k: there["stages"][stage][k] for k in compared} == {k: here["stages"][stage][k] for k in compared}
    assert there["stages"]["infer"]["records_out"] == 60
    assert math.isclose(there["stages"]["infer"]["cost_usd"], here["stages"]["infer"]["cost_usd"], rel_tol=1e-9)
    assert there["thresholds"]["violations"] == here["thresholds"]["violations"] == []
    columns = "id, variant, model, md5(output::text), input_tokens, output_tokens, cost_usd"
    run_id = there["run_id"].replace("'", "''")
    results = f"SELECT {columns} FROM podstage_results WHERE run_id = '{{}}' ORDER BY id"
    stored = psql_rows(pod_services.psql, results.format(run_id))
    baseline = psql_rows(local.psql, results.format(here["run_id"]))
    assert len(stored) == 60
    assert stored == baseline
    assert pod_services.simulator_stats()["items"] == 60

    # The executables sized their heaps from the pods' limits, as the JVM does (docs/adr/0006): at most 70 % of
    # the 768Mi limit of infer and store pods (the node has 24 GiB), and the one CPU of their CPU limit.
    log = ran.stdout + ran.stderr
    for stage in NATIVE_STAGES:
        sized = re.findall(rf"{stage} \S+ starting \(.*; heap up to (\d+) MiB, (\d+) CPUs?\)", log)
        assert sized, f"no start line of {stage} in the DAG's log"
        limit_mib = STAGES[stage].memory_limit_bytes() >> 20
        for heap, cpus in sized:
            assert 0.6 * limit_mib < int(heap) <= 0.7 * limit_mib
            assert int(cpus) == 1 == int(STAGES[stage].cpu_limit)
