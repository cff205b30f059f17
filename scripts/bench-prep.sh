#!/usr/bin/env bash
# ImagePrep benchmark: cvbench prep (1 thread and all cores) against the Python baselines (Pillow;
# simplejpeg + OpenCV INTER_AREA) on the same files. `make bench` calls this via scripts/bench.sh.
#
# Environment: NEU_LIMIT (default 300), LARGE_COUNT (default 20), SHARED (default ../shared),
# OUT (default bench-out). Python baselines live in .venv-bench (created when missing, gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${SHARED:-../shared}"
OUT="${OUT:-bench-out}"
NEU_LIMIT="${NEU_LIMIT:-300}"
LARGE_COUNT="${LARGE_COUNT:-20}"
CORES="$(nproc)"
if [ "$CORES" -gt 2 ]; then THREADS="1,2,$CORES"; elif [ "$CORES" -eq 2 ]; then THREADS="1,2"; else THREADS="1"; fi
VENV=.venv-bench
PY="$VENV/bin/python"

if ! "$PY" -c "import PIL, simplejpeg, cv2, numpy" 2>/dev/null; then
    echo "bench-prep: creating $VENV with Pillow, simplejpeg, opencv-python-headless, numpy" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet pillow simplejpeg opencv-python-headless numpy
fi

NEU="$SHARED/datasets/NEU-DET/IMAGES"
COCO="$SHARED/datasets/tiny-coco/val2017"
LARGE="$OUT/large-photos-standin"
[ -d "$NEU" ] || { echo "bench-prep: $NEU not found" >&2; exit 1; }
if [ "$(ls "$LARGE" 2>/dev/null | wc -l)" -lt "$LARGE_COUNT" ]; then
    echo "bench-prep: making $LARGE_COUNT large-photo STAND-INS (tiny-coco upscaled with LANCZOS to ~12.3 MP, q92)" >&2
    "$PY" scripts/bench_prep_baselines.py make-large "$COCO" "$LARGE" --count "$LARGE_COUNT"
fi

. scripts/build-flags.sh
# shellcheck disable=SC2046
swift build $(swift_build_flags release) --product cvbench >&2
BIN="$(swift build -c release --show-bin-path)/cvbench"
mkdir -p "$OUT"
RESULTS="$OUT/prep-results.jsonl"
: > "$RESULTS"
run() {  # folder limit label
    "$BIN" prep "$1" --limit "$2" --label "$3" --threads "$THREADS" | tee -a "$RESULTS"
    "$PY" scripts/bench_prep_baselines.py run "$1" --limit "$2" --label "$3" | tee -a "$RESULTS"
}
run "$NEU" "$NEU_LIMIT" "neu-det"
run "$LARGE" "$LARGE_COUNT" "large-photos-STANDIN"

# Large PNGs and a GIF: one 10,000x10,000 file prepared to 256x256, cvctl against Pillow, time and peak memory (each a
# process of its own under /usr/bin/time; Pillow's includes the Python interpreter, about 25 MB).
BIGPNG="$OUT/big-png"
"$PY" scripts/bench_prep_baselines.py make-big-png "$BIGPNG"
# shellcheck disable=SC2046
swift build $(swift_build_flags release) --product cvctl >&2
CVCTL="$(dirname "$BIN")/cvctl"
BIGPNG_REPORT=""
for kind in rgb8 rgba16 gif; do
    case $kind in
        rgb8) file="$BIGPNG/$kind/big/big.png"; label="8-bit RGB PNG" ;;
        rgba16) file="$BIGPNG/$kind/big/big.png"; label="16-bit RGBA PNG" ;;
        *) file="$BIGPNG/$kind/big/big.gif"; label="palette GIF" ;;
    esac
    /usr/bin/time -f "%e %M" -o "$OUT/big-png.time" "$CVCTL" dataset prepare "$BIGPNG/$kind" --format folders \
        --out "$OUT/big-png-prepared" --overwrite --quiet >/dev/null
    read -r ours_s ours_kb < "$OUT/big-png.time"
    /usr/bin/time -f "%e %M" -o "$OUT/big-png.time" "$PY" scripts/bench_prep_baselines.py pillow-one "$file"
    read -r pil_s pil_kb < "$OUT/big-png.time"
    BIGPNG_REPORT+="  10000x10000 $label -> 256x256: cvctl ${ours_s} s, peak $((ours_kb / 1024)) MB;"
    BIGPNG_REPORT+=" Pillow ${pil_s} s, peak $((pil_kb / 1024)) MB"$'\n'
done

echo
echo "ImagePrep benchmark ($(nproc) cores; 256x256 JPEG q90; single-thread baselines)."
echo "NOTE: the large photos are a STAND-IN: tiny-coco images upscaled to ~12 MP, not real camera photos;"
echo "      upscaled images are smoother than real ones, so their JPEGs are smaller and decode faster."
"$PY" scripts/bench_prep_baselines.py report "$RESULTS"
echo
echo "== large PNGs and a GIF (one file each, read a row at a time and reduced as read; peak RSS of the process)"
printf '%s' "$BIGPNG_REPORT"
