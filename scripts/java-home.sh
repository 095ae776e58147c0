# Sourced by the scripts: prefer Temurin 25 when the machine has it (AOT cache, faster start), else the default JDK.
for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk; do
  if [ -z "${PODSTAGE_KEEP_JAVA_HOME:-}" ] && [ -x "$candidate/bin/java" ]; then
    export JAVA_HOME="$candidate"
    export PATH="$JAVA_HOME/bin:$PATH"
    break
  fi
done
