#!/usr/bin/env bash
# Prints, in one run, kubeward's full scan time against its parse-only time,
# and kubeward's end-to-end time against checkov's on the same files.
#
# Usage: bench/run.sh [DIR]    (default: the shared corpus beside the repo)
#
# checkov is installed from PyPI into target/bench-venv on the first run.
# Set SKIP_CHECKOV=1 to print only kubeward's own figures.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-../shared/corpus}"
if [ ! -d "$dir" ]; then
    echo "bench/run.sh: $dir is not a directory" >&2
    exit 2
fi
dir=$(realpath "$dir")

echo "== kubeward: full scan against parse-only (in process, files preloaded)"
cargo bench --quiet -p kubeward --bench scan -- "$dir"

echo
echo "== end to end: kubeward against checkov on $dir"
cargo build --quiet --release -p kubeward
kubeward=target/release/kubeward

# Wall-clock seconds of a command, median of $runs runs; its output is discarded.
time_cmd() {
    local runs=$1
    shift
    local times=()
    for _ in $(seq "$runs"); do
        local start end
        start=$(date +%s.%N)
        "$@" > /dev/null 2>&1 || true
        end=$(date +%s.%N)
        times+=("$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

k_time=$(time_cmd 5 "$kubeward" scan -o json --profile all "$dir")
printf '%-10s %10.3f s\n' kubeward "$k_time"

if [ "${SKIP_CHECKOV:-0}" = 1 ]; then
    exit 0
fi
venv=target/bench-venv
if [ ! -x "$venv/bin/checkov" ]; then
    echo "installing checkov into $venv (first run only)..."
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check checkov
fi
c_version=$("$venv/bin/checkov" --version 2>/dev/null | tail -n 1)
c_time=$(time_cmd 1 "$venv/bin/checkov" --framework kubernetes --skip-download \
    --quiet --compact -o json -d "$dir")
printf '%-10s %10.3f s   (checkov %s)\n' checkov "$c_time" "$c_version"
ratio=$(awk -v c="$c_time" -v k="$k_time" 'BEGIN {print c / k}')
printf '\ncheckov / kubeward: %.0fx (target: at least 100x)\n' "$ratio"
