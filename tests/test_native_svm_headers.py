"""build-tools/native/svm-headers: the C headers GraalVM's builder needs for its own C helpers, which the
builder jars on Maven Central do not carry, generated from the Java side of the same contract (the builder's
@CStruct, @CConstant and @CFunction declarations). The builder compiles a query program against them to learn
struct layouts; the project's C stand-ins will include them, so their signatures are checked by the compiler."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NATIVE = REPO / "build-tools" / "native"
JAVA = Path("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")


@pytest.fixture(scope="module")
def jars(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    jars = tmp_path_factory.mktemp("builder-jars")
    resolved = subprocess.run(
        [
            "mvn",
            "-B",
            "-ntp",
            "-q",
            "-f",
            str(NATIVE / "builder" / "pom.xml"),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={jars}",
        ],
        capture_output=True,
        text=True,
        check=False,
        env={"JAVA_HOME": str(JAVA.parents[1]), "PATH": "/usr/bin:/bin"},
    )
    assert resolved.returncode == 0, resolved.stdout + resolved.stderr
    return sorted(jars.glob("*.jar"))


@pytest.fixture(scope="module")
def headers(tmp_path_factory: pytest.TempPathFactory, jars: list[Path]) -> Path:
    out = tmp_path_factory.mktemp("svm-headers")
    generated = subprocess.run(
        [str(JAVA), str(NATIVE / "svm-headers" / "SvmHeaders.java"), str(out), *map(str, jars)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert generated.returncode == 0, generated.stderr
    assert "no class declares" not in generated.stderr, generated.stderr
    return out / "include"


def builder_fields(jar_class: str, jars: list[Path]) -> set[str]:
    listing = subprocess.run(
        [str(JAVA.parent / "javap"), "-cp", ":".join(map(str, jars)), jar_class],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(re.findall(r"boolean (\w+)\(\);", listing))


def test_every_header_the_builder_includes_is_written(headers: Path):
    assert {p.name for p in headers.iterdir()} == {
        "amd64cpufeatures.h",
        "aarch64cpufeatures.h",
        "riscv64cpufeatures.h",
        "svm_locale.h",
    }


def test_the_cpu_features_struct_has_a_field_for_every_feature_the_builder_reads(headers: Path, jars: list[Path]):
    text = (headers / "amd64cpufeatures.h").read_text()
    fields = set(re.findall(r"^    char (\w+);$", text, re.MULTILINE))
    expected = builder_fields("com.oracle.svm.core.amd64.AMD64LibCHelper$CPUFeatures", jars)
    assert len(expected) > 50
    assert fields == expected
    assert "void determineCPUFeatures(void *);" in text


def test_the_locale_header_has_the_struct_constants_and_functions(headers: Path):
    text = (headers / "svm_locale.h").read_text()
    assert "} svm_locale_props_t;" in text
    assert "#define SVM_LOCALE_INITIALIZATION_SUCCEEDED 0" in text
    assert "int svm_initialize_locale(void);" in text


@pytest.mark.parametrize("cpu", ["amd64", "aarch64", "riscv64"])
def test_each_platforms_headers_compile_together(headers: Path, tmp_path: Path, cpu: str):
    # the builder includes one platform's CPU features header (each defines CPUFeatures) and the locale one
    source = tmp_path / "all.c"
    source.write_text(
        f'#include "{cpu}cpufeatures.h"\n#include "svm_locale.h"\n'
        "int main(void) { CPUFeatures f = {0}; svm_locale_props_t l = {0};"
        " return (int) sizeof f + (l.format_language != 0); }\n"
    )
    done = subprocess.run(
        ["gcc", "-Wall", "-Werror", f"-I{headers}", "-o", str(tmp_path / "all"), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
