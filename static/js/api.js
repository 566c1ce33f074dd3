// Talking to the CivicReview JSON API from the browser: session cookie + CSRF token.

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) return decodeURIComponent(match[1]);
  const field = /** @type {HTMLInputElement | null} */ (document.querySelector("input[name=csrfmiddlewaretoken]"));
  return field ? field.value : "";
}

/** An API refusal: `status` is the HTTP status, `fields` the {"field": ["message"]} body, if any. */
export class ApiError extends Error {
  constructor(status, body) {
    super(errorMessage(status, body));
    this.status = status;
    this.body = body;
    this.fields = body && typeof body === "object" && !body.detail ? body : {};
  }
}

/** One sentence a person can act on, from an error response's status and body. */
export function errorMessage(status, body) {
  if (body && typeof body === "object") {
    if (typeof body.detail === "string") return body.detail;
    const messages = Object.values(body).flat().filter((m) => typeof m === "string");
    if (messages.length) return messages.join(" ");
  }
  if (status === 0) return "The server could not be reached. Check your connection and try again.";
  if (status === 401) return "Your session has ended. Log in again.";
  if (status === 403) return "You are not allowed to do this.";
  if (status === 404) return "Not found.";
  if (status === 413) return "The file is too large to upload.";
  if (status >= 500) return "The server had a problem. Try again in a moment; if it persists, tell an administrator.";
  return `The request failed (HTTP ${status}).`;
}

/**
 * @param {string} url
 * @param {{method?: string, json?: unknown, body?: BodyInit, headers?: Record<string, string>, signal?: AbortSignal}} [options]
 */
export async function apiFetch(url, { method = "GET", json, body, headers = {}, signal } = {}) {
  /** @type {RequestInit & {headers: Record<string, string>}} */
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json", ...headers }, signal };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers["Content-Type"] = "application/json";
  } else if (body !== undefined) {
    init.body = body;
  }
  if (!["GET", "HEAD", "OPTIONS"].includes(method)) init.headers["X-CSRFToken"] = csrfToken();
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, null);
  }
  const data = await parseBody(response);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

async function parseBody(response) {
  const type = response.headers.get("Content-Type") || "";
  if (!type.includes("json")) return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/**
 * POST a FormData with XMLHttpRequest, so that upload progress can be shown.
 * onProgress(loaded, total) is called while the body is sent.
 * @param {string} url
 * @param {FormData} formData
 * @param {{onProgress?: (loaded: number, total: number) => void}} [options]
 */
export function uploadForm(url, formData, { onProgress } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("X-CSRFToken", csrfToken());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.responseType = "text";
    if (onProgress) {
      xhr.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) onProgress(event.loaded, event.total);
      });
    }
    xhr.addEventListener("load", () => {
      let data;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(new ApiError(xhr.status, data));
    });
    xhr.addEventListener("error", () => reject(new ApiError(0, null)));
    xhr.addEventListener("abort", () => reject(new ApiError(0, { detail: "The upload was cancelled." })));
    xhr.send(formData);
  });
}

export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
