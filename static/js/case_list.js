// The case list: opening a new case (POST /api/cases/), then going to it.
import { apiFetch, ApiError } from "./api.js";

const byId = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const toggle = byId("new-case-toggle");
const panel = byId("new-case-panel");
const form = /** @type {HTMLFormElement} */ (byId("new-case-form"));
const errorBox = byId("new-case-error");

function setOpen(open) {
  panel.hidden = !open;
  toggle.setAttribute("aria-expanded", String(open));
  if (open) /** @type {HTMLInputElement} */ (form.elements.namedItem("title")).focus();
}

toggle.addEventListener("click", () => setOpen(panel.hidden));
byId("new-case-cancel").addEventListener("click", () => setOpen(false));

function showErrors(fields, message) {
  for (const slot of /** @type {NodeListOf<HTMLElement>} */ (form.querySelectorAll("[data-error-for]"))) {
    const name = /** @type {string} */ (slot.dataset.errorFor);
    const messages = fields[name];
    slot.textContent = messages ? [].concat(messages).join(" ") : "";
    form.querySelector(`[name="${name}"]`)?.setAttribute("aria-invalid", messages ? "true" : "false");
  }
  const shown = Object.keys(fields).filter((name) => form.querySelector(`[data-error-for="${name}"]`));
  const rest = Object.entries(fields).filter(([name]) => !shown.includes(name)).flatMap(([, m]) => m);
  const text = message || rest.join(" ");
  errorBox.textContent = text;
  errorBox.hidden = !text;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const data = /** @type {Record<string, string>} */ (Object.fromEntries(new FormData(form)));
  data.title = data.title.trim();
  if (!data.title) {
    showErrors({ title: ["Give the case a title."] });
    return;
  }
  showErrors({});
  const submit = /** @type {HTMLButtonElement} */ (form.querySelector("button[type=submit]"));
  submit.disabled = true;
  try {
    const created = await apiFetch("/api/cases/", { method: "POST", json: data });
    window.location.assign(`/cases/${created.id}/`);
  } catch (error) {
    submit.disabled = false;
    if (error instanceof ApiError && Object.keys(error.fields).length) showErrors(error.fields);
    else showErrors({}, error.message);
  }
});
