#!/usr/bin/env sh
# Start-up of two builds of telltale.jar side by side: `--version` and `check --window 0s` through bin/telltale (its
# JVM flags and its class-data sharing archive, one cache per jar), in rounds that alternate the order (A B, B A,
# ...) so that a change in the machine's load falls on both. Prints each run, then the median wall, user and
# system time of each command and jar, and the load average before and after.
#   benchmarks/cli/abba.sh BEFORE_JAR AFTER_JAR [POSTGRES_URL] [ROUNDS]
set -e
here=$(cd "$(dirname "$0")/../.." && pwd)
a=$1
b=$2
url=${3:-postgresql://127.0.0.1:5432/postgres?user=postgres}
rounds=${4:-10}
[ -f "$a" ] && [ -f "$b" ] || { echo "usage: $0 BEFORE_JAR AFTER_JAR [POSTGRES_URL] [ROUNDS]" >&2; exit 3; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
one() { # label jar args...
  label=$1
  jar=$2
  shift 2
  XDG_CACHE_HOME=$work/cache-$label TELLTALE_JAR=$jar /usr/bin/time -f "%e %U %S" -o "$work/t" \
    "$here/bin/telltale" "$@" >/dev/null 2>&1 || true
  echo "$label $(cat "$work/t")" >>"$work/times"
}
both() { # name args...
  name=$1
  shift
  one "$name-before" "$a" "$@"
  one "$name-after" "$b" "$@"
}
# the first check of each jar writes its archive
both warm check --postgres "$url" --window 0s
: >"$work/times"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
i=0
while [ $i -lt "$rounds" ]; do
  if [ $((i % 2)) -eq 0 ]; then
    one version-before "$a" --version; one version-after "$b" --version
    one check-before "$a" check --postgres "$url" --window 0s; one check-after "$b" check --postgres "$url" --window 0s
  else
    one version-after "$b" --version; one version-before "$a" --version
    one check-after "$b" check --postgres "$url" --window 0s; one check-before "$a" check --postgres "$url" --window 0s
  fi
  i=$((i + 1))
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$work/times"
for label in version-before version-after check-before check-after; do
  for col in 2 3 4; do
    grep "^$label " "$work/times" | cut -d' ' -f$col | sort -n | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%s ", m}' >>"$work/m-$label"
  done
  echo "$label median: wall user sys = $(cat "$work/m-$label")s"
done
