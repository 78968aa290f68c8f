#!/usr/bin/env bash
# Validate the namespace isolation of the omnibase.protocols SPI.
#
#   scripts/validate-namespace-isolation.sh [--root DIR]
#
# DIR is the repository root to check (default: the one holding this script);
# the tools come from this script's repository (.venv/bin/python if present,
# else python3). Four checks, each reporting every violation it finds:
#   allow-list  the SPI imports only typing, collections.abc, types, uuid,
#               datetime, enum and itself (grimp import graph, external
#               packages included; `from __future__ import annotations` too),
#               and importlib only in a domain package's lazy re-export hook
#               of the exact shape the AST validator accepts (SPI114)
#   layers      the domain layering declared in .importlinter (import-linter,
#               indirect imports included), and the root package imports
#               nothing from the SPI
#   layout      PEP 420: no src/omnibase/__init__.py, only protocols/ and
#               spi_conformance/ in src/omnibase, an __init__.py in every SPI package
#   ast         the input, import and import-time rules of
#               scripts/ast_spi_validator.py (unreadable files, symlinks, stubs,
#               compiled code; dynamic, conditional and relative imports,
#               TYPE_CHECKING; code that runs at import)
# A file that cannot be read as Python is named, and no import graph is built
# from it (allow-list and layers fail with status 2 for that step).
# Exit status: 0 when every check passes, 1 otherwise, 2 on a usage error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
while [ $# -gt 0 ]; do
  case "$1" in
    --root)
      [ -d "${2:-}" ] || { echo "validate-namespace-isolation: --root needs a directory" >&2; exit 2; }
      root=$(cd "$2" && pwd); shift 2 ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "validate-namespace-isolation: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

if [ -x "$here/../.venv/bin/python" ]; then py="$here/../.venv/bin/python"; else py=python3; fi
if ! "$py" -c 'import sys, grimp, importlinter; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
  echo "validate-namespace-isolation: $py is not Python >= 3.12 with grimp and" \
    "import-linter; run scripts/bootstrap" >&2
  exit 2
fi
spi="$root/src/omnibase/protocols"

ast_rules() {
  if [ -z "$(find "$spi" -name '*.py' -print -quit 2>/dev/null)" ]; then
    echo "ast: no Python files under ${spi#"$root"/}: nothing to check"
    return 0
  fi
  "$py" "$here/ast_spi_validator.py" --select SPI0,SPI1,SPI4 "$spi"
}

failed=0
results=()
started=$EPOCHREALTIME
run() {
  local name=$1 status=0 t0=$EPOCHREALTIME
  shift
  echo "== $name"
  "$@" 2>&1 || status=$?
  local seconds
  seconds=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
  if [ "$status" -eq 0 ]; then
    results+=("$name ok ${seconds}s")
  else
    results+=("$name FAILED ${seconds}s")
    failed=1
  fi
}

run allow-list "$py" "$here/namespace_isolation.py" allowlist --root "$root"
run layers "$py" "$here/namespace_isolation.py" layers --root "$root"
run layout "$py" "$here/namespace_isolation.py" layout --root "$root"
run ast ast_rules

total=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
verdict=$([ "$failed" -eq 0 ] && echo passed || echo FAILED)
summary=$(IFS=,; echo "${results[*]}")
echo "namespace isolation $verdict: ${summary//,/, } (total ${total}s)"
exit "$failed"
