# Sourced by the scripts: how a stage's JVM is started. Stages are short batch tasks: they should
# start fast and leave the CPU to I/O, not to the JIT. The stage images start their JVM the same way.
#
#   PODSTAGE_JVM_FLAGS        C1 only (compiles at once, little CPU; the work is I/O-bound), the
#                             serial collector (no GC threads; heaps here are small), and a heap sized
#                             from the pod's memory limit: 50 % at start, 70 % at most, where the JVM's
#                             defaults (1/64 and 1/4) start a 768Mi pod with a 12 MB heap and a 4 MB
#                             young generation, which spends a batch stage's time in young GCs
#                             (docs/adr/0006). The other 30 % is for metaspace, code, thread stacks
#                             and native buffers.
#   stage_pod_ram_flag STAGE  the stage's pod memory limit (provider/src/podstage_provider/stages.py) as
#                             -XX:MaxRAM: a JVM on the host then sizes its heap as in the pod, not from
#                             the host's RAM (the benchmarks; the provider's local backend does the same).
#   stage_native_heap_flag STAGE
#                             the same heap ceiling for the stage's native executable (docs/native.md):
#                             -Xmx at 70 % of the pod's memory limit, as the provider's local backend
#                             passes it (in a pod the executable reads the limit from its cgroup).
#   stage_jvm_archive_flags MODE FILE
#                             a class archive that skips class loading and linking at start:
#                             the JDK AOT cache (JDK 25+) or AppCDS (JDK 17). MODE "train" writes
#                             FILE when the JVM exits after a representative run; MODE "use" reads it.
# Requires java on PATH (scripts/java-home.sh picks the JDK).

PODSTAGE_JVM_FLAGS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:InitialRAMPercentage=50 -XX:MaxRAMPercentage=70"

stage_pod_ram_flag() { # stage_pod_ram_flag STAGE; provider/tests/test_stages.py keeps it in step with stages.py
  case $1 in
    embed) echo "-XX:MaxRAM=3g" ;;
    evaluate) echo "-XX:MaxRAM=1g" ;;
    ingest | preprocess | infer | store) echo "-XX:MaxRAM=768m" ;;
    *) echo "stage_pod_ram_flag: unknown stage '$1'" >&2; return 1 ;;
  esac
}

stage_native_heap_flag() { # stage_native_heap_flag STAGE
  local limit bytes
  limit=$(stage_pod_ram_flag "$1") || return 1
  limit=${limit#-XX:MaxRAM=}
  case $limit in
    *g) bytes=$(( ${limit%g} << 30 )) ;;
    *m) bytes=$(( ${limit%m} << 20 )) ;;
  esac
  echo "-Xmx$(( bytes * 7 / 10 ))"
}

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
