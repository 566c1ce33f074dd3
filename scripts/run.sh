#!/usr/bin/env bash
# Starts CivicReview: the ASGI server, and with REDIS_URL a Celery worker and beat.
# Ctrl-C, a signal to this script or to `make run`, or one of them exiting stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
pids=()

stop() {
  trap - EXIT INT TERM HUP
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 150); do
    kill -0 "${pids[@]}" 2>/dev/null || break  # true while any of them runs; 15 s at most
    sleep 0.1
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 0' INT TERM HUP  # asked to stop: a clean stop

if [ -n "${REDIS_URL:-}" ]; then
  $BIN/celery -A civicreview worker --loglevel=INFO --concurrency="${CELERY_CONCURRENCY:-2}" &
  pids+=($!)
  $BIN/celery -A civicreview beat --loglevel=INFO --schedule="${CELERY_BEAT_SCHEDULE:-/tmp/civicreview-beat-schedule}" &
  pids+=($!)
fi
echo "CivicReview on http://${HOST:-127.0.0.1}:${PORT:-8000}/ (log in as planner / \$DEMO_PASSWORD, default civicreview)"
$BIN/uvicorn civicreview.asgi:application --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}" \
  --ws-per-message-deflate false --lifespan off --timeout-graceful-shutdown 10 &
pids+=($!)
wait -n "${pids[@]}"
