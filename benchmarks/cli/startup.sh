#!/usr/bin/env sh
# Start-up of the telltale command line: wall and CPU time of `--version` and of `check --window 0s` against a
# PostgreSQL (default: the machine's, idle), through bin/telltale (its JVM flags and class-data sharing archive)
# and plain `java -jar` for comparison. Uses hyperfine when installed, else a loop over /usr/bin/time.
#   benchmarks/cli/startup.sh [POSTGRES_URL] [RUNS]
# Build first: mvn -B -q -DskipTests package -pl detectors-cli -am
set -e
here=$(cd "$(dirname "$0")/../.." && pwd)
url=${1:-postgresql://127.0.0.1:5432/postgres?user=postgres}
runs=${2:-10}
jar=$here/detectors-cli/target/telltale.jar
launcher=$here/bin/telltale
[ -f "$jar" ] || { echo "build telltale.jar first" >&2; exit 3; }
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
export XDG_CACHE_HOME=$cache
# the first check writes the class-data sharing archive the others use
"$launcher" check --postgres "$url" --window 0s >/dev/null || true
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
if command -v hyperfine >/dev/null; then
  hyperfine -N -i -w 1 -r "$runs" \
    "java -jar $jar --version" \
    "$launcher --version" \
    "java -jar $jar check --postgres $url --window 0s" \
    "$launcher check --postgres $url --window 0s"
else
  for cmd in "java -jar $jar --version" "$launcher --version" \
      "java -jar $jar check --postgres $url --window 0s" "$launcher check --postgres $url --window 0s"; do
    echo "$cmd"
    i=0
    while [ $i -lt "$runs" ]; do
      /usr/bin/time -f "  %e s wall, %U s user, %S s sys" $cmd >/dev/null 2>>"$cache/times" || true
      i=$((i + 1))
    done
    grep ' s wall' "$cache/times"; : >"$cache/times"
  done
fi
