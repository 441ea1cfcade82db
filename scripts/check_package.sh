#!/usr/bin/env bash
# Packaging and static checks, as CI runs them:
#   1. build the wheel from a clean copy of the tracked files (a stale build/ folder in the
#      work tree could smuggle deleted modules into the wheel);
#   2. install it with its dependencies into a fresh virtual environment (no system
#      site-packages) and run the installed entry points there;
#   3. ruff and mypy on the package.
# Every step runs; the exit status is non-zero if any failed. Usage: scripts/check_package.sh
set -uo pipefail
cd "$(dirname "$0")/.."
unset PYTHONPATH  # the checks are of the installed copy, which a caller's PYTHONPATH would shadow
PYTHON="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=()

step() {  # step NAME COMMAND...: run, report, remember failures
  local name="$1"; shift
  local start=$SECONDS
  if "$@"; then
    echo "ok   $name ($((SECONDS - start)) s)"
  else
    echo "FAIL $name ($((SECONDS - start)) s)"
    failed+=("$name")
  fi
}

copy_sources() {
  mkdir -p "$work/src"
  git ls-files -z | while IFS= read -r -d '' f; do
    [ -f "$f" ] && cp --parents -- "$f" "$work/src/"
  done
}

build_wheel() {
  "$PYTHON" -c "import build" 2>/dev/null \
    || "$PYTHON" -m pip install -q --disable-pip-version-check build || return 1
  "$PYTHON" -m build --wheel --outdir "$work/dist" "$work/src" >"$work/build.log" 2>&1 \
    || { tail -20 "$work/build.log"; return 1; }
  # Only the package: no top-level `passes`, `tests` or `fixtures` in site-packages.
  "$PYTHON" - "$work"/dist/*.whl <<'EOF'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
tops = {n.split("/")[0] for n in names}
bad = sorted(t for t in tops if t != "manimflat" and not t.endswith(".dist-info"))
assert not bad, f"unexpected top-level entries in the wheel: {bad}"
assert "manimflat/passes/emit.py" in names, "passes missing from the wheel"
EOF
}

install_fresh() {
  "$PYTHON" -m venv "$work/venv" || return 1
  "$work/venv/bin/python" -m pip install -q --disable-pip-version-check "$work"/dist/*.whl \
    >"$work/install.log" 2>&1 || { tail -20 "$work/install.log"; return 1; }
  local version
  version="$("$work/venv/bin/python" -c 'import manimflat; print(manimflat.__version__)')" \
    || return 1
  # Outside the source tree, so `import manimflat` can only find the installed copy.
  (cd "$work" && "$work/venv/bin/manimflat" --version | grep -qx "manimflat, version $version") \
    || { echo "manimflat --version does not print $version"; return 1; }
  (cd "$work" && "$work/venv/bin/python" -c \
    "import manimflat, sys; assert '/venv/' in manimflat.__file__, manimflat.__file__") \
    || return 1
  (cd "$work" && "$work/venv/bin/manimflat" passes >/dev/null \
    && "$work/venv/bin/manimflat-check" --help >/dev/null \
    && "$work/venv/bin/manimflat-emit" --help >/dev/null)
}

step "copy tracked files" copy_sources
step "build wheel" build_wheel
step "install in a fresh venv" install_fresh
step "ruff check manimflat" "$PYTHON" -m ruff check --quiet manimflat
step "mypy manimflat" "$PYTHON" -m mypy manimflat

if [ "${#failed[@]}" -gt 0 ]; then
  echo "failed: ${failed[*]}"
  exit 1
fi
echo "package checks passed"
