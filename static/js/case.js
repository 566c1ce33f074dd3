// The case page: live processing progress on its versions, and the upload form.
import { processingFraction, processingText, watchVersion } from "./progress.js";
import { UploadForm } from "./upload.js";

const documents = /** @type {HTMLElement} */ (document.getElementById("documents"));
const form = /** @type {HTMLFormElement | null} */ (document.getElementById("upload-form"));
const statusBox = /** @type {HTMLElement} */ (document.getElementById("upload-status"));
const upload = form ? new UploadForm(form, statusBox, { onChange: refreshDocuments }) : null;

documents.addEventListener("click", (event) => {
  const button = /** @type {HTMLElement | null} */ (/** @type {Element} */ (event.target).closest("[data-new-version]"));
  if (button && upload) upload.targetDocument(button.dataset.newVersion);
});

const watched = new Set();

/** Follow every version still processing, showing "Processing page k of n" in its row. */
function watchProcessingRows() {
  for (const row of /** @type {NodeListOf<HTMLElement>} */ (documents.querySelectorAll(".version-row[data-status=processing]"))) {
    const id = Number(row.dataset.versionId);
    if (watched.has(id)) continue;
    watched.add(id);
    watchVersion(id, (version) => updateRow(id, version))
      .then(refreshDocuments, () => {})
      .finally(() => watched.delete(id));
  }
}

function updateRow(id, version) {
  const row = documents.querySelector(`.version-row[data-version-id="${id}"]`);
  if (!row || version.status !== "processing") return;
  const text = /** @type {HTMLElement} */ (row.querySelector("[data-progress-text]"));
  const bar = /** @type {HTMLElement} */ (row.querySelector("[data-progress] .progress-bar"));
  text.textContent = processingText(version);
  bar.style.width = `${Math.round(processingFraction(version) * 100)}%`;
}

/** @type {Promise<void> | null} */
let refreshing = null;
let refreshAgain = false;

/** Re-read the documents section from the server (one template renders it). */
function refreshDocuments() {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = reloadDocuments().finally(() => {
    refreshing = null;
    if (refreshAgain) {
      refreshAgain = false;
      refreshDocuments();
    }
  });
  return refreshing;
}

async function reloadDocuments() {
  const response = await fetch(window.location.href, { credentials: "same-origin" });
  if (!response.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html").getElementById("documents");
  if (!fresh) return;
  documents.replaceChildren(...fresh.childNodes);
  upload?.setDocuments(
    [.../** @type {NodeListOf<HTMLElement>} */ (documents.querySelectorAll("[data-document-id]"))].map((article) => ({
      id: article.dataset.documentId,
      title: article.querySelector(".document-title")?.textContent,
    })),
  );
  watchProcessingRows();
}

watchProcessingRows();
