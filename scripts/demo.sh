#!/usr/bin/env bash
# make demo: build, start cvserver on a free loopback port with a fresh data dir, upload Fixtures/neu-det-mini/train
# (prepared 256×256), train and wait, show performance at 25%, publish, predict the held-out images and draw them
# into demo-out/, then stop the server. CONFIG=release builds optimized binaries (slower to build, faster to run).
set -euo pipefail

cd "$(dirname "$0")/.."
CONFIG="${CONFIG:-debug}"
SWIFT="${SWIFT:-swift}"
OUT="${DEMO_OUT:-demo-out}"
DATA="Fixtures/neu-det-mini"

echo "==> building cvctl and cvserver ($CONFIG)"
. scripts/build-flags.sh
# shellcheck disable=SC2046
"$SWIFT" build $(swift_build_flags "$CONFIG") --product cvserver >/dev/null
# shellcheck disable=SC2046
"$SWIFT" build $(swift_build_flags "$CONFIG") --product cvctl >/dev/null
BIN="$("$SWIFT" build -c "$CONFIG" --show-bin-path)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cvctl-demo.XXXXXX")"
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

echo "==> starting cvserver (data in $WORK/server)"
"$BIN/cvserver" --data-dir "$WORK/server" --host 127.0.0.1 --port 0 >"$WORK/server.out" 2>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 1 300); do
    [[ $(wc -l <"$WORK/server.out") -ge 3 ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.1
done
ENDPOINT="$(sed -n 's/^cvserver listening on //p' "$WORK/server.out")"
[[ -n "$ENDPOINT" ]] || { echo "cvserver did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }
export VISION_TRAINING_ENDPOINT="$ENDPOINT" VISION_PREDICTION_ENDPOINT="$ENDPOINT"
VISION_TRAINING_KEY="$(sed -n 's/^training-key: //p' "$WORK/server.out")"
VISION_PREDICTION_KEY="$(sed -n 's/^prediction-key: //p' "$WORK/server.out")"
export VISION_TRAINING_KEY VISION_PREDICTION_KEY
export VISION_PREDICTION_RESOURCE_ID="/subscriptions/demo/resourceGroups/demo/providers/Microsoft.CognitiveServices/accounts/cvserver"
export CVCTL_CONFIG="$WORK/config.json" XDG_CACHE_HOME="$WORK/cache"
echo "    $ENDPOINT"

cvctl() { "$BIN/cvctl" "$@"; }

echo "==> cvctl dataset verify $DATA/train"
cvctl dataset verify "$DATA/train" || true

echo "==> cvctl project create neu-det-mini --type detection"
# The project's id, from its JSON (no jq or python needed on a fresh machine).
PROJECT="$(cvctl project create neu-det-mini --type detection --domain "General (compact)" --output json \
    | grep -o '"id" *: *"[^"]*"' | sed -n '1s/.*"\([^"]*\)"$/\1/p')"
echo "    project $PROJECT"

echo "==> cvctl upload $DATA/train --project $PROJECT   (256×256 stretch JPEG)"
cvctl upload "$DATA/train" --project "$PROJECT"

echo "==> cvctl train --project $PROJECT --wait"
cvctl train --project "$PROJECT" --wait

echo "==> cvctl performance --project $PROJECT --threshold 0.25 --overlap 0.3"
cvctl performance --project "$PROJECT" --threshold 0.25 --overlap 0.3

echo "==> cvctl publish --project $PROJECT --name neu-det-mini"
cvctl publish --project "$PROJECT" --name neu-det-mini

echo "==> cvctl evaluate $DATA/heldout (held-out images, threshold 25%)"
cvctl evaluate "$DATA/heldout" --project "$PROJECT" --name neu-det-mini --threshold 0.25 --overlap 0.3

rm -rf "$OUT"
echo "==> cvctl predict $DATA/heldout/IMAGES --draw $OUT"
cvctl predict "$DATA/heldout/IMAGES" --project "$PROJECT" --name neu-det-mini --threshold 0.5 --draw "$OUT"

echo "==> done: annotated held-out images are in $OUT/"
ls "$OUT"
