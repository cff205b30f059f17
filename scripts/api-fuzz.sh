#!/usr/bin/env bash
# Property-based fuzzing of cvserver against the official swagger (schemathesis, in .venv-fuzz): every operation
# of Training v3.3 and Prediction v3.0, with generated valid and invalid parameters and bodies, checked for
# 5xx answers, statuses the spec does not list and response bodies that break its schemas.
#
# The server gets a real project first (Fixtures/neu-det-mini uploaded, trained, published as "fz"), and the
# generated requests use its ids, so they reach the handlers instead of stopping at 404. Operations that would
# delete those ids (DeleteProject, DeleteIteration, UnpublishIteration, DeleteTag) are left out. Requests always carry
# their key: a missing key is answered 401 with code "Unauthorized", which the spec's error enum lacks (the SDKs
# read the code as an open string; LiveTests and sdk-compat cover wrong keys).
#
# Env: FUZZ_SECONDS (per API, default 60), FUZZ_SKIP_BUILD=1 reuses the built binaries. Exit 1 when schemathesis
# reports a failure (its own internal errors, if any, are printed but do not fail the run).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_API="${FUZZ_SECONDS:-60}"

venv=.venv-fuzz
if [[ ! -x $venv/bin/schemathesis ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "schemathesis==4.32.5"
fi

if [[ ${FUZZ_SKIP_BUILD:-0} != 1 ]]; then
    swift build --product cvserver >&2
    swift build --product cvctl >&2
fi
bin="$(swift build --show-bin-path)"

work=$(mktemp -d "${TMPDIR:-/tmp}/cvserver-fuzz.XXXXXX")
server_pid=
cleanup() {
    if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

"$bin/cvserver" --data-dir "$work/data" --host 127.0.0.1 --port 0 >"$work/out" 2>"$work/log" &
server_pid=$!
for _ in $(seq 1 300); do [[ $(wc -l <"$work/out") -ge 3 ]] && break; sleep 0.1; done
endpoint="$(sed -n 's/^cvserver listening on //p' "$work/out")"
endpoint="${endpoint%/}"
export VISION_TRAINING_ENDPOINT="$endpoint" VISION_PREDICTION_ENDPOINT="$endpoint"
export VISION_TRAINING_KEY="$(sed -n 's/^training-key: //p' "$work/out")"
export VISION_PREDICTION_KEY="$(sed -n 's/^prediction-key: //p' "$work/out")"
export VISION_PREDICTION_RESOURCE_ID=fuzz CVCTL_CONFIG="$work/config.json" XDG_CACHE_HOME="$work/cache"

json_field() { python3 -c "import json, sys; d = json.load(sys.stdin); print((d[0] if isinstance(d, list) else d)['$1'])"; }
project=$("$bin/cvctl" project create fuzz --type detection --output json | json_field id)
"$bin/cvctl" upload Fixtures/neu-det-mini/train --project "$project" --quiet >/dev/null
"$bin/cvctl" train --project "$project" --wait --quiet >/dev/null
iteration=$("$bin/cvctl" iteration list --project "$project" --output json | json_field id)
"$bin/cvctl" publish --project "$project" --iteration "$iteration" --name fz --quiet >/dev/null
tag=$("$bin/cvctl" tag list --project "$project" --output json | json_field id)
image=$("$bin/cvctl" image list --project "$project" --output json | json_field id)

cat >"$work/schemathesis.toml" <<EOF
[parameters]
"path.projectId" = "$project"
"path.iterationId" = "$iteration"
"path.tagId" = "$tag"
"path.imageId" = "$image"
"path.publishedName" = "fz"
"query.publishedName" = "fz"
EOF

failed=0
# fuzz NAME SPEC BASE KEY-HEADER [schemathesis options...]
fuzz() {
    local name=$1 spec=$2 base=$3 header=$4
    shift 4
    echo "== $name: $spec, ${SECONDS_PER_API} s"
    "$venv/bin/schemathesis" --config-file "$work/schemathesis.toml" run "$spec" --url "$base" -H "$header" \
        --checks not_a_server_error,status_code_conformance,response_schema_conformance \
        --phases examples,coverage,fuzzing --max-time "$SECONDS_PER_API" -w 2 --no-color \
        --generation-with-security-parameters false "$@" >"$work/$name.txt" 2>&1 || true
    sed -n '/= SUMMARY =/,$p' "$work/$name.txt"
    if grep -q '^Failures:' "$work/$name.txt"; then
        failed=1
        sed -n '/= FAILURES =/,/= SUMMARY =/p' "$work/$name.txt" | head -200
    fi
}
fuzz training Fixtures/spec/CustomVision-Training-v3.3.json "$endpoint/customvision/v3.3/training" \
    "Training-Key: $VISION_TRAINING_KEY" --exclude-operation-id DeleteProject \
    --exclude-operation-id DeleteIteration --exclude-operation-id UnpublishIteration --exclude-operation-id DeleteTag
fuzz prediction Fixtures/spec/CustomVision-Prediction-v3.0.json "$endpoint/customvision/v3.0/prediction" \
    "Prediction-Key: $VISION_PREDICTION_KEY"
if [[ -s $work/log ]] && grep -qi 'fatal\|crash' "$work/log"; then
    echo "cvserver log:"
    cat "$work/log"
    failed=1
fi
kill -0 "$server_pid" 2>/dev/null || { echo "cvserver is no longer running"; failed=1; }
exit "$failed"
