"""build-tools/native/launcher: the toolchain's bin/native-image. GraalVM's driver is not published on Maven
Central, so the launcher does the driver's part of a build: it answers --version as Quarkus parses it,
translates the driver's options into the builder's, reads -jar manifests and the libraries'
META-INF/native-image, and refuses what it cannot translate by name. PODSTAGE_NATIVE_IMAGE_DRY_RUN prints the
builder command instead of running it."""

from __future__ import annotations

import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Quarkus 3.33's GraalVM.VersionParseHelper: the three lines it requires of `native-image --version`.
VNUM = r"(?<VNUM>[1-9][0-9]*(?:(?:\.0)*\.[1-9][0-9]*)*)"
FIRST_LINE = (
    "native-image "
    + VNUM
    + r"(?:-(?<PRE>[a-zA-Z0-9]+))?(?:(?<PLUS>\+)(?<BUILD>0|[1-9][0-9]*)?)?"
    + (r"(?:-(?<OPT>[-a-zA-Z0-9.]+))? .*$")
)
SECOND_LINE = r"(?<RUNTIME>(?:.*) Runtime Environment) (?<VENDOR>.*) \([^\)]*build (?<BUILDINFO>.*)\)$"
THIRD_LINE = r"(?<VM>(?:.*) VM) (?<VENDOR>.*) \([^\)]*build .*\)$"


def python_regex(java: str) -> str:
    return java.replace("(?<", "(?P<")


@pytest.fixture(scope="module")
def native_image() -> Path:
    built = subprocess.run(
        [str(REPO / "build-tools" / "native" / "toolchain.sh")], capture_output=True, text=True, check=False
    )
    assert built.returncode == 0, built.stderr[-3000:]
    return Path(built.stdout.strip().splitlines()[-1]) / "bin" / "native-image"


def test_the_version_reads_as_graalvm_25_to_quarkus(native_image: Path):
    lines = subprocess.run([str(native_image), "--version"], capture_output=True, text=True, check=True).stdout
    first, second, third = lines.splitlines()
    assert (match := re.match(python_regex(FIRST_LINE), first)), first
    assert match["VNUM"] == "25.0.4"
    assert (match := re.match(python_regex(SECOND_LINE), second)), second
    assert match["VENDOR"].startswith("GraalVM CE 25.0.4+")  # Quarkus takes the version up to the '+'
    assert match["BUILDINFO"].startswith("25.")  # the JDK the builder runs on
    assert re.match(python_regex(THIRD_LINE), third), third


def write_jar(path: Path, files: dict[str, str], manifest: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as jar:
        if manifest is not None:
            jar.writestr("META-INF/MANIFEST.MF", manifest)
        for name, text in files.items():
            jar.writestr(name, text)
    return path


@pytest.fixture
def app(tmp_path: Path) -> Path:
    (tmp_path / "lib").mkdir()
    meta = "META-INF/native-image/org.example/lib/"
    write_jar(
        tmp_path / "lib" / "org.example.lib-1.jar",
        {
            meta + "native-image.properties": (
                "Args = --initialize-at-run-time=org.example.A,org.example.B \\\n"
                "       --features=org.example.LibFeature \\\n"
                "       -H:ResourceConfigurationResources=${.}/extra-resources.json\n"
                "JavaArgs = -Dorg.example.builder=1\n"
            ),
            meta + "reflect-config.json": "[]",
            meta + "jni-config.json": "[]",
        },
    )
    manifest = (
        "Manifest-Version: 1.0\nMain-Class: org.example.Main\nClass-Path: lib/org.example.lib-1.jar\n"
        "Add-Opens: java.base/java.lang java.base/java.util\n\n"
    )
    return write_jar(tmp_path / "app-runner.jar", {"org/example/Main.class": ""}, manifest)


def dry_run(native_image: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PODSTAGE_NATIVE_IMAGE_DRY_RUN": "1"}
    return subprocess.run([str(native_image), *args], capture_output=True, text=True, check=False, cwd=cwd, env=env)


def test_a_quarkus_command_line_becomes_the_builders(native_image: Path, app: Path):
    done = dry_run(
        native_image,
        app.parent,
        "-J-Dfile.encoding=UTF-8",
        "--features=io.quarkus.runner.Feature",
        "--no-fallback",
        "--link-at-build-time",
        "--enable-url-protocols=http,https",
        "--enable-monitoring=heapdump,threaddump",
        "-H:+ReportExceptionStackTraces",
        "--exclude-config",
        r"org\.example\.lib",
        r"/META-INF/native-image/org\.example/lib/jni-config\.json",
        "app-runner",
        "-jar",
        "app-runner.jar",
    )
    assert done.returncode == 0, done.stderr
    command = done.stdout.splitlines()
    builder = command.index("--module")
    jvm, image = command[:builder], command[builder + 2 :]
    assert "-Dfile.encoding=UTF-8" in jvm
    assert "-Dorg.example.builder=1" in jvm  # the library's JavaArgs
    assert {"--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED"} <= set(jvm)
    assert any(o.startswith("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED,") for o in jvm)
    assert command[builder + 1] == "org.graalvm.nativeimage.builder/com.oracle.svm.hosted.NativeImageGeneratorRunner"
    classpath = image[image.index("-imagecp") + 1].split(":")
    assert classpath == [str(app), str(app.parent / "lib" / "org.example.lib-1.jar")]
    for option in (
        "-H:Class=org.example.Main",
        "-H:Name=app-runner",
        f"-H:Path={app.parent}",
        "-H:Features=io.quarkus.runner.Feature",
        "-H:FallbackThreshold=0",
        "-H:LinkAtBuildTime=",
        "-H:EnableURLProtocols=http,https",
        "-H:EnableMonitoringFeatures=heapdump,threaddump",
        "-H:+ReportExceptionStackTraces",
        # from the library's native-image.properties, ${.} being its folder
        "-H:ClassInitialization=org.example.A:run_time,org.example.B:run_time",
        "-H:Features=org.example.LibFeature",
        "-H:ResourceConfigurationResources=META-INF/native-image/org.example/lib/extra-resources.json",
        "-H:ReflectionConfigurationResources=META-INF/native-image/org.example/lib/reflect-config.json",
    ):
        assert option in image, option
    # --exclude-config took the library's JNI configuration out
    assert not [o for o in image if o.startswith("-H:JNIConfigurationResources=")]
    # the JDK's shared libraries, by path, found beside the executable or in the toolchain
    assert any(o.startswith("-H:NativeLinkerOption=") and o.endswith("/libjava.so") for o in image)
    assert any(o.startswith("-H:NativeLinkerOption=-Wl,-rpath,$ORIGIN:") for o in image)


def test_an_argument_file_and_an_output_path_are_read_as_the_driver_reads_them(native_image: Path, app: Path):
    (app.parent / "native-image.args").write_text("--no-fallback 'app-runner' -jar app-runner.jar\n")
    done = dry_run(native_image, app.parent, "@native-image.args", "-o", str(app.parent / "out" / "ingest"))
    assert done.returncode == 0, done.stderr
    image = done.stdout.splitlines()
    assert "-H:Name=ingest" in image  # -o wins over the name in the file
    assert f"-H:Path={app.parent / 'out'}" in image


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("--pgo", "does not translate --pgo (in the command line)"),
        ("--features", "--features needs a value"),
        ("--add-opens=java.base/java.io=ALL-UNNAMED", "must be given to the builder JVM as -J--add-opens"),
    ],
)
def test_an_option_it_cannot_translate_is_refused_by_name(native_image: Path, app: Path, argument: str, message: str):
    done = dry_run(native_image, app.parent, argument, "-jar", "app-runner.jar")
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stdout == ""


def test_a_librarys_unknown_option_names_the_jar_and_file(native_image: Path, tmp_path: Path):
    write_jar(
        tmp_path / "odd.jar",
        {"META-INF/native-image/x/y/native-image.properties": "Args = --strange-option\n"},
        "Manifest-Version: 1.0\nMain-Class: x.Main\n\n",
    )
    done = dry_run(native_image, tmp_path, "-jar", "odd.jar")
    assert done.returncode == 2
    assert "--strange-option (in odd.jar!/META-INF/native-image/x/y/native-image.properties)" in done.stderr
