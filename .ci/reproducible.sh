#!/usr/bin/env bash
# Reproducible builds: builds the published modules twice from clean trees (mvn clean package) and compares
# the sha256 of every jar they produce (main, sources, javadoc, the shaded telltale.jar) and of their SBOMs.
# Exits 1 naming the files that differ, and the entries inside a differing jar.
# Extra arguments go to both Maven runs, e.g. `bash .ci/reproducible.sh -o` to build offline (the SBOM plugin
# skips itself offline, so only the jars are compared then).
set -euo pipefail

cd "$(dirname "$0")/.."

MODULES=(detectors-core detectors-postgres detectors-redis detectors-jvm detectors-testkit detectors-cli)
modules_csv=$(IFS=,; echo "${MODULES[*]}")
first=$(mktemp -d)
trap 'rm -rf "${first}"' EXIT

log() { printf '[reproducible] %s\n' "$*"; }

build() {
  mvn -B -q -DskipTests "$@" -pl "${modules_csv}" -am clean package
}

# the files compared, relative to the repository root; none at all is a failure, not a pass
artifacts() {
  local m
  for m in "${MODULES[@]}"; do
    find "${m}/target" -maxdepth 1 -type f \( -name '*.jar' -o -name '*-cyclonedx.json' \) | sort
  done
}

log "build 1 of 2"
build "$@"
mapfile -t files < <(artifacts)
if ((${#files[@]} == 0)); then
  log "no jars found under the published modules' target/"
  exit 1
fi
sha256sum "${files[@]}" >"${first}/sha256"
for f in "${files[@]}"; do
  mkdir -p "${first}/$(dirname "${f}")"
  cp "${f}" "${first}/${f}"
done

log "build 2 of 2"
build "$@"

if diff <(sort "${first}/sha256") <(artifacts | xargs sha256sum | sort) >/dev/null; then
  log "${#files[@]} artifacts of ${#MODULES[@]} modules are identical across two clean builds"
  exit 0
fi

log "the two builds differ:"
diff <(awk '{print $2}' "${first}/sha256") <(artifacts) | sed 's/^/  files: /' || true
while read -r sum f; do
  if [[ ! -f ${f} ]]; then
    continue
  fi
  if [[ $(sha256sum "${f}" | awk '{print $1}') != "${sum}" ]]; then
    log "differs: ${f}"
    if [[ ${f} == *.jar ]]; then
      # size, date, time, CRC and name of each entry: which entries moved, changed or carry a build time
      diff <(unzip -v "${first}/${f}" | sed 1,3d) <(unzip -v "${f}" | sed 1,3d) | head -20 | sed 's/^/    /' || true
    fi
  fi
done <"${first}/sha256"
exit 1
