# Sourced by the scripts: how a stage's JVM is started. Stages are short batch tasks: they should
# start fast and leave the CPU to I/O, not to the JIT. The stage images start their JVM the same way.
#
#   PODSTAGE_JVM_FLAGS        C1 only (compiles at once, little CPU; the work is I/O-bound) and the
#                             serial collector (no GC threads; heaps here are small).
#   stage_jvm_archive_flags MODE FILE
#                             a class archive that skips class loading and linking at start:
#                             the JDK AOT cache (JDK 25+) or AppCDS (JDK 17). MODE "train" writes
#                             FILE when the JVM exits after a representative run; MODE "use" reads it.
# Requires java on PATH (scripts/java-home.sh picks the JDK).

PODSTAGE_JVM_FLAGS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"

stage_java_feature() { # the JDK's feature release (17, 25, ...)
  java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
}

stage_jvm_archive_flags() { # stage_jvm_archive_flags train|use FILE
  local mode=$1 file=$2
  if [ "$(stage_java_feature)" -ge 25 ]; then
    case $mode in
      train) echo "-XX:AOTCacheOutput=$file" ;;
      use) echo "-XX:AOTCache=$file" ;;
    esac
  else
    case $mode in
      train) echo "-XX:ArchiveClassesAtExit=$file" ;;
      use) echo "-XX:SharedArchiveFile=$file" ;;
    esac
  fi
}
