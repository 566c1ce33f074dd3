#!/usr/bin/env bash
# Starts CivicReview: the ASGI server, and with REDIS_URL a Celery worker and beat.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
pids=()
stop() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap stop EXIT INT TERM

if [ -n "${REDIS_URL:-}" ]; then
  $BIN/celery -A civicreview worker --loglevel=INFO --concurrency="${CELERY_CONCURRENCY:-2}" &
  pids+=($!)
  $BIN/celery -A civicreview beat --loglevel=INFO --schedule="${CELERY_BEAT_SCHEDULE:-/tmp/civicreview-beat-schedule}" &
  pids+=($!)
fi
echo "CivicReview on http://${HOST:-127.0.0.1}:${PORT:-8000}/ (log in as planner / \$DEMO_PASSWORD, default civicreview)"
$BIN/uvicorn civicreview.asgi:application --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}" --ws-per-message-deflate false &
pids+=($!)
wait -n "${pids[@]}"
