#!/bin/bash
# Fails (exit 1) if any tracked C++ file differs from what clang-format makes of it with the
# tree's .clang-format; prints the files. `bash scripts/check_format.sh --fix` formats them.
# clang-format 14 (Debian 12's `clang-format` package); other versions may format differently.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "check_format: clang-format not found (apt-get install clang-format)"; exit 1; }
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.inc' '*.h' | cat)
if [[ "${1:-}" == "--fix" ]]; then
  clang-format -i "${files[@]}"
  exit 0
fi
bad=()
for f in "${files[@]}"; do
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if ((${#bad[@]})); then
  printf 'check_format: not formatted (bash scripts/check_format.sh --fix): %s\n' "${bad[@]}"
  exit 1
fi
echo "check_format: ${#files[@]} files formatted"
