#!/usr/bin/env bash
# Assembles the native toolchain and prints its home, a GraalVM-shaped folder that Quarkus takes as
# quarkus.native.graalvm-home (docs/native.md):
#   - a copy of Temurin 25 (hard links where the file system allows), the JDK the builder runs on;
#   - GraalVM's builder jars from Maven Central (builder/pom.xml): lib/svm/builder, lib/jvmci/graal.jar;
#   - the C headers the builder compiles against, generated from its jars (svm-headers/);
#   - the project's C stand-ins for GraalVM's helper libraries (clibraries/): lib/svm/clibraries/linux-amd64,
#     lib/svm/builder/lib/libreporterchelper.so, and lib/static/linux-amd64/glibc/lib<jdk>.a, which only
#     declare the JDK library (JNI_OnLoad_<name>) whose code comes from the shared object;
#   - lib/svm/podstage-runtime: the JDK's shared libraries and the libjvm shim (jvm-shim/) an executable
#     links and runs against;
#   - bin/native-image, the launcher (launcher/).
# Cached under ~/.cache/podstage/native/ keyed by a hash of these sources and the JDK build: a second call
# prints the same home at once.
#   build-tools/native/toolchain.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=scripts/java-home.sh
. "$repo/scripts/java-home.sh"
# shellcheck source=scripts/apt.sh
. "$repo/scripts/apt.sh"
jdk=$JAVA_HOME
[ -f "$jdk/lib/libjava.so" ] && [ -x "$jdk/bin/javac" ] || { echo "toolchain: $jdk is not a JDK" >&2; exit 1; }
graalvm_version=$(sed -n 's|.*<graalvm.version>\(.*\)</graalvm.version>.*|\1|p' "$here/builder/pom.xml")
vendor_version=$(sed -n 's|.*<graalvm.vendor-version>\(.*\)</graalvm.vendor-version>.*|\1|p' "$here/builder/pom.xml")
# The JDK libraries an executable may link: the ones Substrate VM links statically when it reaches them.
runtime_libraries=java,nio,net,zip,extnet,prefs,management_ext

key=$( { cat "$jdk/release"; echo "$runtime_libraries"; \
  find "$here" -type f \( -name '*.c' -o -name '*.sh' -o -name '*.java' -o -name '*.xml' \) -print0 | sort -z | xargs -0 cat; } \
  | sha256sum | cut -c1-12)
cache=${PODSTAGE_CACHE:-$HOME/.cache/podstage}/native
home=$cache/graalvm-$graalvm_version-$key
if [ -x "$home/bin/native-image" ]; then
  touch "$home/.used"
  echo "$home"
  exit 0
fi
command -v gcc >/dev/null && [ -f /usr/include/zlib.h ] || podstage_apt_install gcc libc6-dev zlib1g-dev
mkdir -p "$cache"
work=$(mktemp -d "$cache/.assemble.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "toolchain: assembling $home" >&2

# The JDK: hard links cost no space; the builder only reads it.
cp -al "$jdk" "$work/home" 2>/dev/null || { rm -rf "$work/home"; cp -a "$jdk" "$work/home"; }
home_work=$work/home

# The builder jars; the compiler is the upgradeable jdk.graal.compiler module.
mkdir -p "$home_work/lib/svm/builder" "$home_work/lib/jvmci"
mvn -B -q -ntp -f "$here/builder/pom.xml" dependency:copy-dependencies \
  -DoutputDirectory="$home_work/lib/svm/builder" >&2
mv "$home_work/lib/svm/builder/compiler-$graalvm_version.jar" "$home_work/lib/jvmci/graal.jar"

# Headers, then the C libraries compiled against them.
clib=$home_work/lib/svm/clibraries/linux-amd64
mkdir -p "$clib" "$home_work/lib/static/linux-amd64/glibc" "$home_work/lib/svm/builder/lib"
"$jdk/bin/java" "$here/svm-headers/SvmHeaders.java" "$clib" "$home_work"/lib/svm/builder/*.jar >&2
cflags=(-O2 -fPIC -Wall -Werror -I"$clib/include" -I"$jdk/include" -I"$jdk/include/linux")
objects=$work/obj
mkdir -p "$objects"
gcc "${cflags[@]}" -c "$here/clibraries/cpufeatures.c" -o "$objects/cpufeatures.o"
gcc "${cflags[@]}" -c "$here/clibraries/libchelper.c" -o "$objects/libchelper.o"
ar rcs "$clib/liblibchelper.a" "$objects/cpufeatures.o" "$objects/libchelper.o"
gcc "${cflags[@]}" -c "$here/clibraries/container.c" -o "$objects/container.o"
ar rcs "$clib/libsvm_container.a" "$objects/container.o"
gcc "${cflags[@]}" -fvisibility=hidden -c "$here/jvm-shim/jvm_shim.c" -o "$objects/jvm_shim.o"
gcc "${cflags[@]}" -c "$here/clibraries/jvm_initialize.c" -o "$objects/jvm_initialize.o"
ar rcs "$clib/libjvm.a" "$objects/jvm_shim.o" "$objects/jvm_initialize.o"
for library in ${runtime_libraries//,/ }; do
  gcc "${cflags[@]}" -DLIBRARY="$library" -c "$here/clibraries/jni_onload.c" -o "$objects/onload_$library.o"
  ar rcs "$home_work/lib/static/linux-amd64/glibc/lib$library.a" "$objects/onload_$library.o"
done
gcc "${cflags[@]}" -shared -o "$home_work/lib/svm/builder/lib/libreporterchelper.so" "$here/clibraries/reporterchelper.c"

# What executables run against: the JDK's shared libraries and the shim, in one folder.
runtime=$home_work/lib/svm/podstage-runtime
"$here/jvm-shim/build.sh" "$jdk" "$work/shim" ${runtime_libraries//,/ } >/dev/null
mkdir -p "$runtime"
cp "$work/shim/libjvm.so" "$runtime/"
for library in ${runtime_libraries//,/ }; do
  cp "$jdk/lib/lib$library.so" "$runtime/"
done

# The launcher.
mkdir -p "$home_work/lib/svm/podstage" "$work/classes"
"$jdk/bin/javac" -d "$work/classes" $(find "$here/launcher/src" -name '*.java')
"$jdk/bin/jar" --create --file "$home_work/lib/svm/podstage/launcher.jar" -C "$work/classes" .
printf 'graalvm.version=%s\ngraalvm.vendor-version=%s\nruntime.libraries=%s\n' \
  "$graalvm_version" "$vendor_version" "$runtime_libraries" \
  >"$home_work/lib/svm/podstage/toolchain.properties"
cat >"$home_work/bin/native-image" <<'EOF'
#!/bin/sh
home=$(cd "$(dirname "$0")/.." && pwd)
exec "$home/bin/java" -cp "$home/lib/svm/podstage/launcher.jar" dev.podstage.nativeimage.NativeImage "$@"
EOF
chmod +x "$home_work/bin/native-image"

mv "$home_work" "$home"
touch "$home/.used"
# Homes of earlier sources, unused for a day (a build that runs keeps its own home in use).
find "$cache" -maxdepth 2 -name .used -path "$cache/graalvm-*" -mtime +0 -printf '%h\n' | xargs -r rm -rf
echo "$home"
