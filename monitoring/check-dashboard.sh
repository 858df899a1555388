#!/usr/bin/env bash
# Type-checks a Grafana dashboard JSON against the dashboard model Grafana publishes as TypeScript types
# (@grafana/schema's Dashboard, the classic JSON model Grafana imports), with tsc --strict. An object literal
# assigned to a typed constant gets TypeScript's excess-property check at every level, so an unknown key, a
# missing required field or a wrongly typed value anywhere in the dashboard fails the check.
#
# tsc reports the first error inside a literal it cannot assign, not all of them: fix and re-run.
#
# Not checked, because the types leave them open: panel `options` and a field config's `custom` block (typed
# per panel plugin, Record<string, unknown> here) and query `targets` (each data source defines its own query).
#
# Usage: monitoring/check-dashboard.sh [dashboard.json]   (default: the committed telltale-dashboard.json)
# Needs node and npm; the tools come from the registry at the versions locked in dashboard-schema/.
# Exit 0: the dashboard type-checks; 1: it does not (tsc's errors on stderr); 2: bad usage or no npm.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
dashboard="${1:-$here/telltale-dashboard.json}"
if [[ ! -r "$dashboard" ]]; then
    echo "check-dashboard: dashboard file not readable: $dashboard" >&2
    exit 2
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "check-dashboard: npm not found on PATH (install node and npm)" >&2
    exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/dashboard-schema/package.json" "$here/dashboard-schema/package-lock.json" \
   "$here/dashboard-schema/tsconfig.json" "$work/"
# --ignore-scripts: nothing from the registry runs at install time; tsc is run explicitly below.
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)

{
    printf "import type { Dashboard } from '@grafana/schema';\n\nconst dashboard: Dashboard = "
    cat "$dashboard"
    printf ";\nvoid dashboard;\n"
} > "$work/dashboard.ts"

# Error positions refer to dashboard.ts: line N is line N-2 of the JSON.
if (cd "$work" && ./node_modules/.bin/tsc -p . >&2); then
    echo "check-dashboard: $dashboard matches @grafana/schema $(node -p "require('$work/node_modules/@grafana/schema/package.json').version")'s Dashboard type"
else
    echo "check-dashboard: $dashboard does not match @grafana/schema's Dashboard type (errors above; line N of dashboard.ts is line N-2 of the JSON)" >&2
    exit 1
fi
