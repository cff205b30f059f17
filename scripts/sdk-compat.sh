#!/usr/bin/env bash
# Check cvserver against Microsoft's archived Python SDK (azure-cognitiveservices-vision-customvision 3.1.1):
# create .venv-sdk when missing, build cvserver, start it in memory on a free loopback port, run
# scripts/sdk_compat.py over the whole workflow, stop the server. Exit status: the script's (1 if any step failed).
# Env: SDK_COMPAT_TRAIN_TIMEOUT (s per training, default 600); SDK_COMPAT_SKIP_BUILD=1 reuses the built binary;
# SDK_COMPAT_LOCAL_URLS=0 checks that URL routes refuse loopback instead of fetching from it.
set -euo pipefail
cd "$(dirname "$0")/.."

# SDK_COMPAT_SDK_VERSION=3.0.0 checks the SDK release that calls training v3.3 / prediction v3.1 instead.
sdk_version=${SDK_COMPAT_SDK_VERSION:-3.1.1}
venv=.venv-sdk
[[ $sdk_version == 3.1.1 ]] || venv=.venv-sdk-$sdk_version
if [[ ! -x $venv/bin/python ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "azure-cognitiveservices-vision-customvision==$sdk_version"
fi

if [[ ${SDK_COMPAT_SKIP_BUILD:-0} != 1 ]]; then
    swift build --product cvserver >&2
fi
bin="$(swift build --show-bin-path)/cvserver"

log=$(mktemp)
server_pid=
cleanup() {
    if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -f "$log"
}
trap cleanup EXIT INT TERM

# --allow-local-urls lets the URL routes fetch the script's own 127.0.0.1 image server (SDK_COMPAT_LOCAL_URLS=0:
# no flag, and the script checks that the loopback URLs are refused instead).
local_urls=${SDK_COMPAT_LOCAL_URLS:-1}
url_flag=()
[[ $local_urls == 1 ]] && url_flag=(--allow-local-urls)
# SDK_COMPAT_SERVER_ARGS adds cvserver flags, e.g. "--faults 0.05 --fault-kinds 500,503 --fault-seed 1".
read -r -a extra_args <<<"${SDK_COMPAT_SERVER_ARGS:-}"
"$bin" --in-memory --host 127.0.0.1 --port 0 "${url_flag[@]}" "${extra_args[@]}" >"$log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    grep -q '^prediction-key: ' "$log" && break
    kill -0 "$server_pid" 2>/dev/null || { echo "cvserver exited:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.1
done
endpoint=$(sed -n 's/^cvserver listening on \(http:[^ ]*\).*/\1/p' "$log")
[[ -n $endpoint ]] || { echo "cvserver did not print its endpoint" >&2; exit 1; }
echo "# cvserver at $endpoint (pid $server_pid)"

# Keys go through the environment only, never onto a command line or into the output.
SDK_COMPAT_LOCAL_URLS=$local_urls CVSERVER_ENDPOINT=$endpoint \
CVSERVER_TRAINING_KEY=$(sed -n 's/^training-key: //p' "$log") \
CVSERVER_PREDICTION_KEY=$(sed -n 's/^prediction-key: //p' "$log") \
    "$venv/bin/python" scripts/sdk_compat.py
