#!/usr/bin/env bash
# Install everything the tests need (system packages, the project, the models) and run them:
# lint, then the whole test suite, real models and a real broker included.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bash scripts/install.sh --test || { echo "test.sh: set-up failed" >&2; exit 1; }
.venv/bin/ruff check assistant tests bench || { echo "test.sh: ruff found problems" >&2; exit 1; }
.venv/bin/python -m pytest "$@"
rc=$?
if [ "$rc" = 5 ]; then
  echo "test.sh: no test was collected; that is a failure" >&2
  exit 1
fi
exit "$rc"
