"""build-tools/native/clibraries: the project's C stand-ins for GraalVM's helper libraries, which every native
stage executable links. Each answers as the JDK or HotSpot code it stands for; where HotSpot can answer the same
question on this machine, the test asks both (differential), else it checks the contract the builder's Java side
relies on. tests/native/clib_probe.c calls them as an executable does."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
JAVA = Path("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")

# CPUFeatures field → the flag Linux shows in /proc/cpuinfo for the same CPUID bit (both filtered by what the
# OS saves: AVX needs YMM state, AVX-512 opmask and ZMM). Fields whose kernel flag depends on kernel support
# rather than the CPU (ibt, user_shstk, pku/ospke, ht) are left out.
KERNEL_FLAGS = {
    "fCX8": "cx8", "fCMOV": "cmov", "fFXSR": "fxsr", "fMMX": "mmx", "fSSE": "sse", "fSSE2": "sse2",
    "fSSE3": "pni", "fSSSE3": "ssse3", "fSSE4_1": "sse4_1", "fSSE4_2": "sse4_2", "fPOPCNT": "popcnt",
    "fAES": "aes", "fCLMUL": "pclmulqdq", "fAVX": "avx", "fAVX2": "avx2", "fFMA": "fma", "fF16C": "f16c",
    "fBMI1": "bmi1", "fBMI2": "bmi2", "fLZCNT": "abm", "fADX": "adx", "fERMS": "erms", "fRTM": "rtm",
    "fSHA": "sha_ni", "fCLWB": "clwb", "fFLUSHOPT": "clflushopt", "fFLUSH": "clflush", "fAVX512F": "avx512f",
    "fAVX512BW": "avx512bw", "fAVX512DQ": "avx512dq", "fAVX512CD": "avx512cd", "fAVX512VL": "avx512vl",
    "fAVX512_VNNI": "avx512_vnni", "fAVX512_VBMI": "avx512vbmi", "fAVX512_VBMI2": "avx512_vbmi2",
    "fAVX512_IFMA": "avx512ifma", "fAVX512_BITALG": "avx512_bitalg", "fAVX512_VPOPCNTDQ": "avx512_vpopcntdq",
    "fAVX512_FP16": "avx512_fp16", "fGFNI": "gfni", "fRDPID": "rdpid", "fRDTSCP": "rdtscp",
    "fSERIALIZE": "serialize", "fFSRM": "fsrm", "fTSC": "tsc", "fHV": "hypervisor", "fSSE4A": "sse4a",
    "fAMD_3DNOW_PREFETCH": "3dnowprefetch",
}  # fmt: skip


@pytest.fixture(scope="module")
def toolchain() -> Path:
    built = subprocess.run(
        [str(REPO / "build-tools" / "native" / "toolchain.sh")], capture_output=True, text=True, check=False
    )
    assert built.returncode == 0, built.stderr[-3000:]
    return Path(built.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def include(toolchain: Path) -> Path:
    return toolchain / "lib" / "svm" / "clibraries" / "linux-amd64" / "include"


@pytest.fixture(scope="module")
def probe(toolchain: Path, include: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    libraries = toolchain / "lib" / "svm" / "clibraries" / "linux-amd64"
    out = tmp_path_factory.mktemp("clib") / "clib_probe"
    compiled = subprocess.run(
        ["gcc", "-Wall", "-Werror", f"-I{include}", str(REPO / "tests" / "native" / "clib_probe.c"),
         str(libraries / "liblibchelper.a"), str(libraries / "libsvm_container.a"), "-o", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert compiled.returncode == 0, compiled.stderr
    return out


def run(probe: Path, *args: str, env: dict[str, str] | None = None, prefix: list[str] | None = None) -> str:
    done = subprocess.run([*(prefix or []), str(probe), *args], capture_output=True, text=True, check=False, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def struct_fields(include: Path) -> list[str]:
    """CPUFeatures' fields in declaration order: one char each, so the index is the byte offset."""
    return re.findall(r"char (f\w+);", (include / "amd64cpufeatures.h").read_text())


def kernel_flags() -> set[str]:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    raise AssertionError("no flags line in /proc/cpuinfo")


def test_each_cpu_feature_is_reported_as_the_kernel_sees_it(probe: Path, include: Path):
    fields = struct_fields(include)
    reported = run(probe, "cpu").strip()
    assert len(reported) == len(fields)
    flags = kernel_flags()
    ours = {field: reported[i] == "1" for i, field in enumerate(fields)}
    differs = {field: ours[field] for field, flag in KERNEL_FLAGS.items() if ours[field] != (flag in flags)}
    assert not differs, f"reported unlike /proc/cpuinfo: {differs}"
    assert ours["fSSE2"]  # every amd64 CPU: the comparison cannot pass on an all-zero answer


def test_the_start_up_check_passes_only_when_every_required_feature_is_present(probe: Path, include: Path):
    fields = struct_fields(include)
    reported = run(probe, "cpu").strip()
    present = [str(i) for i, bit in enumerate(reported) if bit == "1"]
    absent = [str(i) for i, bit in enumerate(reported) if bit == "0"]
    assert absent, "this CPU has every feature: the refusing case cannot be checked"
    assert run(probe, "check").strip() == "0"  # nothing required
    assert run(probe, "check", *present).strip() == "0"
    assert run(probe, "check", *present[:3], absent[0]).strip() == "-1", fields[int(absent[0])]


def test_signals_are_counted_by_the_handler_and_handed_out_once_each(probe: Path):
    # SIGUSR1 twice and SIGUSR2 once: the dispatcher thread gets each delivery once, lowest number first.
    assert run(probe, "signals").split() == ["10", "10", "12", "-1"]


def jvm_properties(env: dict[str, str]) -> dict[str, str]:
    shown = subprocess.run(
        [str(JAVA), "-XshowSettings:properties", "-version"], capture_output=True, text=True, check=True, env=env
    ).stderr
    return dict(re.findall(r"^\s+(user\.\w+) = (.*)$", shown, re.MULTILINE))


@pytest.mark.parametrize("lang", ["C.UTF-8", "C", "POSIX", "de_DE.UTF-8"])
def test_the_locale_is_the_one_the_jvm_reads_from_the_environment(probe: Path, lang: str):
    env = {"PATH": os.environ["PATH"], "LANG": lang}
    jvm = jvm_properties(env)
    lines = dict(line.split(" ", 1) for line in run(probe, "locale", env=env).splitlines())
    for category, prefix in (("format", "user."), ("display", "user.")):
        language, script, country, variant = (None if v == "null" else v for v in lines[category].split())
        assert language == jvm.get(prefix + "language"), (category, lines)
        assert country == jvm.get(prefix + "country"), (category, lines)
        assert script == jvm.get(prefix + "script"), (category, lines)
        assert variant == jvm.get(prefix + "variant"), (category, lines)


def platform_zone() -> str:
    timezone = Path("/etc/timezone")
    if timezone.exists() and timezone.read_text().strip():
        return timezone.read_text().split()[0]
    return os.readlink("/etc/localtime").split("zoneinfo/", 1)[1]


@pytest.mark.parametrize(
    ("tz", "zone"),
    [
        (None, "<platform>"),
        ("", "<platform>"),
        ("Europe/Berlin", "Europe/Berlin"),
        (":Asia/Tokyo", "Asia/Tokyo"),
        ("posix/Europe/Paris", "Europe/Paris"),
        # the JDK hands a path on as it is; Java turns an id it does not know into the GMT offset
        ("/usr/share/zoneinfo/America/New_York", "/usr/share/zoneinfo/America/New_York"),
    ],
)
def test_the_time_zone_id_is_found_as_the_jdk_finds_it(probe: Path, tz: str | None, zone: str):
    env = {"PATH": os.environ["PATH"]}
    if tz is not None:
        env["TZ"] = tz
    expected = platform_zone() if zone == "<platform>" else zone
    assert run(probe, "tz", env=env).strip() == expected


def hotspot_metrics(prefix: list[str]) -> tuple[int, int | None]:
    """HotSpot's effective CPU count and memory limit in bytes (None: no limit) for a process started so."""
    shown = subprocess.run(
        [*prefix, str(JAVA), "-XshowSettings:system", "-version"], capture_output=True, text=True, check=True
    ).stderr
    cpus = re.search(r"Effective CPU Count: (\d+)", shown)
    limit = re.search(r"Memory Limit: ([\d.]+)([KMG])", shown)
    scale = {"K": 2**10, "M": 2**20, "G": 2**30}
    return (
        int(cpus.group(1)) if cpus else len(os.sched_getaffinity(0)),
        round(float(limit.group(1)) * scale[limit.group(2)]) if limit else None,
    )


@pytest.fixture
def limited_cgroup() -> Iterator[list[str]]:
    """A cgroup with a 300 MiB memory limit and half a CPU: the command prefix that runs a process in it."""
    name = f"podstage-clib-{os.getpid()}"
    memory, cpu = Path("/sys/fs/cgroup/memory") / name, Path("/sys/fs/cgroup/cpu") / name
    if Path("/sys/fs/cgroup/cgroup.controllers").exists():  # cgroup v2 only
        memory = cpu = Path("/sys/fs/cgroup") / name
        memory.mkdir()
        (memory / "memory.max").write_text("314572800")
        (memory / "cpu.max").write_text("50000 100000")
    else:
        memory.mkdir()
        cpu.mkdir(exist_ok=True)
        (memory / "memory.limit_in_bytes").write_text("314572800")
        (cpu / "cpu.cfs_quota_us").write_text("50000")
    join = " ".join(f"echo $$ > {folder / 'cgroup.procs'};" for folder in {memory, cpu})
    try:
        yield ["sh", "-c", f'{join} exec "$@"', "sh"]
    finally:
        for folder in {memory, cpu}:
            folder.rmdir()


def container_answers(probe: Path, prefix: list[str] | None = None) -> dict[str, str]:
    lines = run(probe, "container", prefix=prefix).splitlines()
    return dict(line.split(" ", 1) for line in lines[:4])


def test_cgroup_limits_are_read_as_hotspot_reads_them(probe: Path, limited_cgroup: list[str]):
    ours = container_answers(probe, limited_cgroup)
    cpus, limit = hotspot_metrics(limited_cgroup)
    assert (ours["state"], int(ours["cpus"]), int(ours["memory"])) == ("1", cpus, limit)
    assert limit == 314572800
    assert int(ours["physical"]) == limit  # the heap is sized from the limit, not the host's memory


def test_without_limits_the_process_is_not_containerized_and_sees_the_host(probe: Path):
    ours = container_answers(probe)
    cpus, limit = hotspot_metrics([])
    assert (ours["state"], int(ours["cpus"]), limit) == ("0", cpus, None)
    assert int(ours["physical"]) == os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


def test_a_library_version_mismatch_is_reported_both_ways(probe: Path):
    assert run(probe, "container").splitlines()[4] == "too-old 2 too-new 3"
