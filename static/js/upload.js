// The upload form on a case page: send the PDF with progress, then follow its processing.
import { ApiError, formatBytes, uploadForm } from "./api.js";
import { processingFraction, processingText, watchVersion } from "./progress.js";

/**
 * The upload form's fields, by name.
 * @typedef {HTMLFormControlsCollection & {target: RadioNodeList, document: HTMLSelectElement, file: HTMLInputElement,
 *   partial?: HTMLInputElement, title: HTMLInputElement, kind: HTMLSelectElement}} UploadFields
 */

/** @param {Element} box @param {string} selector */
const slot = (box, selector) => /** @type {HTMLElement} */ (box.querySelector(selector));

export class UploadForm {
  /**
   * form: the <form>; statusBox: where progress and results are shown; onChange(): documents changed.
   * @param {HTMLFormElement} form
   * @param {HTMLElement} statusBox
   * @param {{onChange?: () => void}} [options]
   */
  constructor(form, statusBox, { onChange } = {}) {
    this.form = form;
    this.fields = /** @type {UploadFields} */ (form.elements);
    this.status = statusBox;
    this.onChange = onChange || (() => {});
    this.maxBytes = Number(form.dataset.maxUploadMb) * 1024 * 1024;
    this.slots = {
      file: slot(statusBox, "[data-upload-file]"),
      bar: slot(statusBox, "[data-upload-bar]"),
      message: slot(statusBox, "[data-upload-message]"),
      actions: slot(statusBox, "[data-upload-actions]"),
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    form.addEventListener("change", () => this.syncTarget());
    this.syncTarget();
  }

  /** Preselect "new version of `documentId`" (the per-document buttons). */
  targetDocument(documentId) {
    this.fields.target.value = "version";
    this.fields.document.value = String(documentId);
    this.syncTarget();
    this.fields.file.focus();
    this.form.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  /** Documents were added: offer them as targets of a new version. */
  setDocuments(documents) {
    const select = this.fields.document;
    const chosen = select.value;
    select.replaceChildren(...documents.map(({ id, title }) => new Option(title, id)));
    if (chosen) select.value = chosen;
    for (const radio of this.form.querySelectorAll("input[name=target][value=version]")) {
      /** @type {HTMLInputElement} */ (radio).disabled = !documents.length;
    }
    this.syncTarget();
  }

  syncTarget() {
    const asVersion = this.fields.target.value === "version";
    this.fields.document.disabled = !asVersion || !this.fields.document.options.length;
    if (this.fields.partial) this.fields.partial.disabled = this.fields.document.disabled;
    slot(this.form, ".new-document-fields").hidden = asVersion;
  }

  async submit() {
    const file = this.fields.file.files?.[0];
    if (!file) return this.refuse("Choose a PDF file to upload.");
    if (file.size > this.maxBytes) {
      return this.refuse(`The file is ${formatBytes(file.size)}; uploads are limited to ${formatBytes(this.maxBytes)}.`, file);
    }
    const asVersion = this.fields.target.value === "version";
    const data = new FormData();
    data.append("file", file);
    let url;
    if (asVersion) {
      url = `/api/documents/${this.fields.document.value}/versions/`;
      if (this.fields.partial?.checked && !this.fields.partial.disabled) data.append("partial", "true");
    } else {
      url = `/api/cases/${this.form.dataset.caseId}/documents/`;
      data.append("title", this.fields.title.value.trim());
      data.append("kind", this.fields.kind.value);
    }
    this.busy(true);
    this.show(file, "Uploading…", "uploading", 0);
    let created;
    try {
      created = await uploadForm(url, data, {
        onProgress: (loaded, total) =>
          this.show(file, `Uploading… ${Math.round((100 * loaded) / total)}% (${formatBytes(loaded)} of ${formatBytes(total)})`, "uploading", loaded / total),
      });
    } catch (error) {
      this.busy(false);
      return this.refuse(error instanceof ApiError ? error.message : String(error), file);
    }
    this.form.reset();
    this.syncTarget();
    this.busy(false);
    const versionId = asVersion ? created.id : created.versions[0].id;
    this.onChange();
    await this.follow(file, versionId);
  }

  async follow(file, versionId) {
    this.show(file, "Uploaded. Processing…", "processing", 0);
    let version;
    try {
      version = await watchVersion(versionId, (v) => {
        if (v.status === "processing") this.show(file, processingText(v), "processing", processingFraction(v));
      });
    } catch (error) {
      return this.show(file, `Could not follow processing: ${error.message}`, "failed", 0);
    }
    this.onChange();
    if (version.status === "ready") {
      const sheets = `${version.page_count} sheet${version.page_count === 1 ? "" : "s"}`;
      this.show(file, `Ready: ${sheets} processed.`, "ready", 1);
      const open = Object.assign(document.createElement("a"), {
        href: `/versions/${version.id}/`,
        className: "button button-primary",
        textContent: "Open",
      });
      open.dataset.testid = "upload-open";
      this.slots.actions.replaceChildren(open);
    } else {
      this.show(file, `Processing failed: ${version.error || "the file could not be processed."}`, "failed", 0);
    }
  }

  refuse(message, file) {
    this.show(file, message, "refused", 0);
    this.slots.message.setAttribute("role", "alert");
  }

  show(file, message, state, fraction) {
    this.status.hidden = false;
    this.status.dataset.state = state;
    this.slots.file.textContent = file ? `${file.name} · ${formatBytes(file.size)}` : "";
    this.slots.bar.style.width = `${Math.round(fraction * 100)}%`;
    /** @type {HTMLElement} */ (this.slots.bar.parentElement).hidden = state === "refused";
    this.slots.message.textContent = message;
    this.slots.message.removeAttribute("role");
    if (state !== "ready") this.slots.actions.replaceChildren();
  }

  busy(on) {
    for (const element of /** @type {Iterable<HTMLInputElement>} */ (this.form.elements)) {
      if (on) element.dataset.wasDisabled = element.disabled ? "1" : "";
      element.disabled = on ? true : element.dataset.wasDisabled === "1";
    }
    if (!on) this.syncTarget();
  }
}
