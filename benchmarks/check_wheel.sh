#!/usr/bin/env bash
# Build the wheel, install it into a fresh virtualenv and start a centre with it:
#   wfm init → wfm validate → wfm plan (to the requirements, or the whole plan with --full).
# Usage: benchmarks/check_wheel.sh [--full]      (PYTHON=python3.12 to choose the interpreter)
# The wheel's dependencies come from the package index. Builds from a copy of the source tree,
# so the checkout gets no build/ or *.egg-info folder. Exit code 0 when every step succeeds.
set -euo pipefail

PYTHON=${PYTHON:-python3}
STOP=(--stop-after requirements)
[[ ${1:-} == --full ]] && STOP=()
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/wfm-wheel.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

step() { printf '%s [%4ds] %s\n' "check_wheel:" "$SECONDS" "$*"; }

step "copying the source tree"
mkdir "$WORK/src"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard \
  | xargs -0 cp --parents -t "$WORK/src")
step "building the wheel"
"$PYTHON" -m pip wheel --quiet --no-deps -w "$WORK/dist" "$WORK/src"
WHEEL=$(ls "$WORK"/dist/*.whl)
step "built $(basename "$WHEEL")"
"$PYTHON" - "$WHEEL" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
need = {"wfm/examples/demo/scenario.toml", "wfm/report/templates/report.html.j2"}
missing = need - names
sys.exit(f"wheel lacks {sorted(missing)}" if missing else 0)
PY

step "creating a fresh virtualenv and installing the wheel (dependencies from the index)"
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet --upgrade pip
"$WORK/venv/bin/pip" install --quiet "$WHEEL"
WFM="$WORK/venv/bin/wfm"
C="$WORK/centre"

cd "$WORK"  # nothing of the checkout on the path: the installed package only
step "wfm $("$WFM" --version | awk '{print $NF}') from $("$WORK/venv/bin/python" -c 'import wfm; print(wfm.__file__)')"
"$WFM" init "$C"
"$WFM" validate "$C/scenario.toml" --history "$C/history.csv"
"$WFM" plan "$C/scenario.toml" --history "$C/history.csv" --out "$C/plan" "${STOP[@]}"
test -s "$C/plan/requirements.csv"
if [[ ${#STOP[@]} -eq 0 ]]; then
  "$WFM" report "$C/plan" --out "$C/plan/report.html" --scenario "$C/scenario.toml"
  test -s "$C/plan/report.html"
fi
rc=0; "$WFM" init "$C" >/dev/null 2>&1 || rc=$?
[[ $rc -eq 2 ]] || { echo "check_wheel: wfm init over a non-empty folder exited $rc, not 2" >&2; exit 1; }
step "ok"
