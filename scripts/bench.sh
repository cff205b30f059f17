#!/usr/bin/env bash
# make bench: every benchmark, each measuring its target side by side with its named baseline in one run.
# Results go to bench-out/ and stdout. Select suites with BENCH="prep train upload" (default: all).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench-out
# The baselines run in private virtualenvs (Pillow, simplejpeg, OpenCV, Microsoft's SDK); /usr/bin/time reads peak RSS.
need=()
python3 -m venv --help >/dev/null 2>&1 || need+=(python3-venv)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi
suites=${BENCH:-"prep validate train upload"}
. scripts/build-flags.sh
release=$(swift_build_flags release)
# One product per call: given several --product flags, SwiftPM builds only the last.
for product in cvbench cvserver cvctl; do
  # shellcheck disable=SC2086
  swift build $release --product "$product"
done
for s in $suites; do
  case $s in
    prep) ./scripts/bench-prep.sh 2>&1 | tee bench-out/prep.txt ;;
    # cvserver's upload check (every block of a JPEG read) against libjpeg-turbo's 1/8-scale decode.
    validate) images=../shared/datasets/NEU-DET/IMAGES; [ -d "$images" ] || images=Fixtures/neu-det-mini/train/IMAGES
      .build/release/cvbench validate "$images" 2>&1 | tee bench-out/validate.txt ;;
    train) .build/release/cvbench train "$@" 2>&1 | tee bench-out/train.txt ;;
    upload) ./scripts/bench-upload.sh 2>&1 | tee bench-out/upload.txt ;;
    *) echo "bench: unknown suite $s" >&2; exit 64 ;;
  esac
done
