"""build-tools/native/jvm-shim: the libjvm.so a native stage executable links in place of HotSpot's, so that the
JDK's shared libraries (libjava, libnio, libnet, libzip, libextnet) load without a JVM in the process. It must
export every JVM_*/jio_* symbol they import, with HotSpot's symbol version; the functions it implements must
behave as HotSpot's do, and every other one must say its name and abort instead of doing something wrong."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BUILD = REPO / "build-tools" / "native" / "jvm-shim" / "build.sh"
JAVA_HOME = Path("/usr/lib/jvm/temurin-25-jdk-amd64")
JDK_LIBS = ("libjava", "libzip", "libnet", "libnio", "libextnet")  # in dependency order


@pytest.fixture(scope="module")
def shim(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert (JAVA_HOME / "lib" / "libjava.so").exists(), f"the shim is built for Temurin 25 at {JAVA_HOME}"
    out = tmp_path_factory.mktemp("jvm-shim")
    built = subprocess.run([str(BUILD), str(JAVA_HOME), str(out)], capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr
    return Path(built.stdout.strip())


def exported(library: Path) -> dict[str, str]:
    """Dynamic symbols defined by the library → their version."""
    table = subprocess.run(["objdump", "-T", str(library)], capture_output=True, text=True, check=True).stdout
    symbols = {}
    for line in table.splitlines():
        parts = line.split()
        if len(parts) >= 7 and parts[3] == ".text":
            symbols[parts[-1]] = parts[-2].strip("()")
    return symbols


def test_every_symbol_the_jdk_libraries_import_is_exported_with_hotspots_version(shim: Path):
    imported = set((shim.parent / "imported.txt").read_text().split())
    assert len(imported) > 100  # JDK 25: 161
    symbols = exported(shim)
    missing = {name for name in imported if symbols.get(name) != "SUNWprivate_1.1"}
    assert not missing, f"not exported as SUNWprivate_1.1: {sorted(missing)[:10]}"


def load_jdk_libraries(shim: Path) -> str:
    """In a fresh interpreter: the shim first, then the JDK's libraries; whether HotSpot's libjvm came in."""
    script = (
        "import ctypes\n"
        f"ctypes.CDLL({str(shim)!r}, mode=ctypes.RTLD_GLOBAL)\n"
        f"for lib in {JDK_LIBS!r}:\n"
        f"    ctypes.CDLL({str(JAVA_HOME / 'lib')!r} + '/' + lib + '.so', mode=ctypes.RTLD_GLOBAL)\n"
        "print('server/libjvm.so' in open('/proc/self/maps').read())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_jdk_libraries_load_against_the_shim_without_hotspot(shim: Path):
    # Every versioned symbol they need resolves in the shim: a missing one fails the load itself.
    assert load_jdk_libraries(shim) == "False"


def test_the_implemented_functions_behave_as_hotspots(shim: Path):
    jvm = ctypes.CDLL(str(shim))
    millis = jvm.JVM_CurrentTimeMillis
    millis.restype, millis.argtypes = ctypes.c_int64, [ctypes.c_void_p, ctypes.c_void_p]
    assert abs(millis(None, None) - time.time() * 1000) < 5_000
    nanos = jvm.JVM_NanoTime
    nanos.restype, nanos.argtypes = ctypes.c_int64, [ctypes.c_void_p, ctypes.c_void_p]
    first = nanos(None, None)
    assert nanos(None, None) >= first
    adjustment = jvm.JVM_GetNanoTimeAdjustment
    adjustment.restype, adjustment.argtypes = ctypes.c_int64, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]
    now = int(time.time())
    assert 0 <= adjustment(None, None, now - 10) - 10 * 10**9 < 5 * 10**9
    assert adjustment(None, None, now - 2**33) == -1  # too far: the caller picks a new offset
    cpus = jvm.JVM_ActiveProcessorCount
    cpus.restype = ctypes.c_int
    assert cpus() == len(os.sched_getaffinity(0))
    find_signal = jvm.JVM_FindSignal
    find_signal.restype, find_signal.argtypes = ctypes.c_int, [ctypes.c_char_p]
    assert (find_signal(b"TERM"), find_signal(b"INT"), find_signal(b"NOPE")) == (15, 2, -1)
    snprintf = jvm.jio_snprintf
    snprintf.restype = ctypes.c_int
    buffer = ctypes.create_string_buffer(8)
    assert snprintf(buffer, ctypes.c_size_t(8), b"%s", b"abc") == 3
    assert buffer.value == b"abc"
    assert snprintf(buffer, ctypes.c_size_t(8), b"%s", b"too long for it") == -1
    assert buffer.value == b"too lon"  # truncated, terminated
    supported = jvm.JVM_IsSupportedJNIVersion
    supported.restype, supported.argtypes = ctypes.c_ubyte, [ctypes.c_int]
    assert (supported(0x00180000), supported(0x00010008), supported(0x7FFF0000)) == (1, 1, 0)


def test_a_function_it_does_not_implement_names_itself_and_aborts(shim: Path):
    call = f"import ctypes; ctypes.CDLL({str(shim)!r}).JVM_GC()"
    done = subprocess.run([sys.executable, "-c", call], capture_output=True, text=True, check=False)
    assert done.returncode == -6, done  # SIGABRT: never a silent wrong answer
    assert "JVM_GC is not implemented" in done.stderr
