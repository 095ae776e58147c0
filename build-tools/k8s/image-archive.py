"""Writes a one-layer container image as a docker-archive tarball (what `ctr images import` and
`podman load` read) from a directory: the cluster's pause and xcom sidecar images need no build tool
and no base image.

The archive is deterministic: files in name order, owner 0:0, mtime 0, so the same input gives the
same image digest on every machine.

Usage: python3 image-archive.py --layer DIR [--entrypoint /pause] [--user 65535:65535]
           --name localhost/x:1 --output x.tar
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import tarfile
from pathlib import Path


def layer_tar(root: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(root.rglob("*")):
            info = tar.gettarinfo(str(path), arcname=str(path.relative_to(root)))
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mtime = 0
            if info.isfile():
                with path.open("rb") as data:
                    tar.addfile(info, data)
            else:
                tar.addfile(info)
    return buffer.getvalue()


def add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    tar.addfile(info, io.BytesIO(data))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--layer", type=Path, required=True, help="directory that becomes the image's root")
    parser.add_argument("--entrypoint", help="the image's entrypoint (none: the pod names the command)")
    parser.add_argument("--user", default="65535:65535", help="numeric uid:gid, so runAsNonRoot can check it")
    parser.add_argument("--name", required=True, help="repository:tag")
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()

    layer = layer_tar(args.layer)
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": {
                "Entrypoint": [args.entrypoint] if args.entrypoint else None,
                "User": args.user,
                "Env": ["PATH=/usr/local/bin:/usr/bin:/bin"],
            },
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
            "history": [{"created_by": "build-tools/k8s/image-archive.py"}],
        },
        sort_keys=True,
    ).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    layer_name = diff_id.removeprefix("sha256:") + "/layer.tar"
    manifest = json.dumps([{"Config": config_name, "RepoTags": [args.name], "Layers": [layer_name]}]).encode()
    with tarfile.open(args.output, mode="w", format=tarfile.PAX_FORMAT) as tar:
        add(tar, config_name, config)
        add(tar, layer_name, layer)
        add(tar, "manifest.json", manifest)


if __name__ == "__main__":
    main()
