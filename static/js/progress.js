// Following an uploaded version while the server processes it: poll GET /api/versions/{id}/
// about once a second until it is ready or failed. One poller per version, shared.
import { apiFetch, ApiError } from "./api.js";

const POLL_MS = 1000;
const MAX_FAILED_POLLS = 10;
const watchers = new Map();

/**
 * Resolves with the version once it is no longer processing; onUpdate(version) is called on
 * every poll answer. Several callers watching one version share its poller.
 */
export function watchVersion(id, onUpdate) {
  let watcher = watchers.get(id);
  if (!watcher) {
    watcher = { listeners: new Set() };
    watcher.promise = poll(id, watcher).finally(() => watchers.delete(id));
    watchers.set(id, watcher);
  }
  if (onUpdate) watcher.listeners.add(onUpdate);
  return watcher.promise;
}

async function poll(id, watcher) {
  let failures = 0;
  for (;;) {
    try {
      const version = await apiFetch(`/api/versions/${id}/`);
      failures = 0;
      for (const listener of watcher.listeners) listener(version);
      if (version.status !== "processing") return version;
    } catch (error) {
      if (error instanceof ApiError && [401, 403, 404].includes(error.status)) throw error;
      failures += 1;
      if (failures >= MAX_FAILED_POLLS) throw error;
    }
    await sleep(POLL_MS);
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** "Processing page k of n", or a waiting note before the first page is done. */
export function processingText(version) {
  if (!version.pages_done) return `Waiting to start… (${version.page_count} page${version.page_count === 1 ? "" : "s"})`;
  return `Processing page ${version.pages_done} of ${version.page_count}`;
}

export function processingFraction(version) {
  return version.page_count ? Math.min(1, version.pages_done / version.page_count) : 0;
}
