// The workflow forms: deciding a task and submitting plans for review. They post to the
// JSON API and, once it answers, have the screen re-read; refusals are shown in the form.
import { apiFetch } from "../api.js";

/** Handle every decision and submission form inside `root`; `refresh()` re-reads the screen. */
export function handleForms(root, refresh) {
  root.addEventListener("submit", (event) => {
    const decide = event.target.closest("form[data-decide-task]");
    const submit = event.target.closest("form[data-submit-form]");
    if (!decide && !submit) return;
    event.preventDefault();
    if (decide) sendDecision(decide, event.submitter, refresh);
    else sendSubmission(submit, refresh);
  });
}

async function sendDecision(form, button, refresh) {
  const body = { decision: button ? button.value : "approved", comment: form.elements.comment.value };
  await send(form, `/api/tasks/${form.dataset.decideTask}/decision/`, body, refresh);
}

async function sendSubmission(form, refresh) {
  const departments = [...form.querySelectorAll("input[name=departments]:checked")].map((input) => input.value);
  const body = { template: form.elements.template.value, departments };
  await send(form, `/api/versions/${form.elements.version.value}/submit/`, body, refresh);
}

async function send(form, url, json, refresh) {
  if (form.dataset.busy) return;
  const error = form.querySelector("[data-form-error]");
  form.dataset.busy = "1";
  error.hidden = true;
  for (const button of form.querySelectorAll("button")) button.disabled = true;
  try {
    await apiFetch(url, { method: "POST", json });
    form.reset();
    delete form.dataset.busy;
    await refresh();
  } catch (failure) {
    error.textContent = failure.message;
    error.hidden = false;
  } finally {
    delete form.dataset.busy;
    for (const button of form.querySelectorAll("button")) button.disabled = false;
  }
}
