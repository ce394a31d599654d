#!/usr/bin/env bash
# fuzz/run.sh [SECONDS]   builds the libFuzzer targets with clang (build-fuzz/, ASan + UBSan) and
#                         runs each for SECONDS (default 60), starting from its seed corpus in
#                         fuzz/corpus/<target>/. New inputs go to build-fuzz/corpus/<target>/, a
#                         finding to build-fuzz/findings/<target>/ (and the run fails).
# fuzz/run.sh 0           replays the committed corpus only (every seed and every past finding's
#                         reproducer): what CI runs.
#   ONLY=jwt fuzz/run.sh 300   one target
source "$(dirname "$0")/../scripts/lib.sh"
SECONDS_EACH="${1:-60}"
FUZZ_BUILD="$ROOT/build-fuzz"
TARGETS=(api_request jwt cursor seat_selection)
[[ -n "${ONLY:-}" ]] && TARGETS=("$ONLY")

PACKAGES+=(clang libclang-rt-14-dev)
install_packages
log "building the fuzz targets (clang, libFuzzer, ASan, UBSan)"
if [[ ! -f "$FUZZ_BUILD/build.ninja" ]]; then
  CC=clang CXX=clang++ cmake -S "$ROOT" -B "$FUZZ_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMARQUEE_FUZZ=ON -DMARQUEE_TESTS=OFF >/dev/null
fi
cmake --build "$FUZZ_BUILD" -j2 --target fuzz | grep -v '^\[' || true
cmake --build "$FUZZ_BUILD" -j2 --target fuzz >/dev/null

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
status=0
for target in "${TARGETS[@]}"; do
  seeds="$ROOT/fuzz/corpus/$target"
  found="$FUZZ_BUILD/findings/$target"
  mkdir -p "$found"
  if [[ "$SECONDS_EACH" == 0 ]]; then
    log "$target: replaying $(ls "$seeds" | wc -l) corpus inputs"
    "$FUZZ_BUILD/fuzz/fuzz_$target" -runs=0 -artifact_prefix="$found/" "$seeds" 2> "$found/log" ||
      { tail -40 "$found/log" >&2; status=1; }
  else
    work="$FUZZ_BUILD/corpus/$target"
    mkdir -p "$work"
    log "$target: fuzzing for $SECONDS_EACH s"
    "$FUZZ_BUILD/fuzz/fuzz_$target" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=4096 \
      -artifact_prefix="$found/" "$work" "$seeds" 2> "$found/log" || { tail -40 "$found/log" >&2; status=1; }
    grep -E "^(#[0-9]+\s+DONE|Done [0-9]+ runs)" "$found/log" | tail -1 >&2 || true
  fi
done
[[ $status -eq 0 ]] && log "no findings" || log "findings in $FUZZ_BUILD/findings/ (a reproducer per crash)"
exit $status
