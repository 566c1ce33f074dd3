// What changed since the version this one replaced (GET /api/versions/{id}/changes/): the thumbnail
// strip marks changed and added sheets and can show only those; the previous version's markups that
// found no matching sheet are listed for a reviewer to place on a sheet of their choosing; a changed
// sheet can be compared with the previous version's (compare.js).
import { apiFetch } from "../api.js";
import { offerComparison } from "./compare.js";

const BADGE = { changed: "Changed", added: "New" };
const POLL_MS = 3000;

export async function showChanges(viewer, root, markup) {
  const url = `/api/versions/${viewer.version.id}/changes/`;
  let changes = await apiFetch(url);
  if (changes.previous === null) return; // a first version: nothing to compare with
  const filter = root.querySelector("#changes-filter");
  const summary = root.querySelector("#changes-summary");
  filter.hidden = false;
  summary.textContent = "Comparing with the previous version…";
  while (changes.status === "pending") {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    changes = await apiFetch(url);
  }
  markSheets(viewer, changes, summary);
  offerComparison(viewer, root, changes).catch((error) => console.error("The comparison is unavailable", error));
  root.querySelector("#changed-only").addEventListener("change", (event) => {
    for (const sheet of changes.sheets) {
      const item = viewer.thumbnails.items.get(sheet.page)?.closest("li");
      if (item) item.hidden = event.target.checked && sheet.change === "unchanged";
    }
  });
  if (changes.unmatched_annotations.length) listUnmatched(viewer, root, markup, changes.unmatched_annotations);
}

function markSheets(viewer, changes, summary) {
  const count = (kind) => changes.sheets.filter((sheet) => sheet.change === kind).length;
  const parts = [`${count("changed")} changed`, `${count("added")} new`];
  if (changes.removed.length) parts.push(`${changes.removed.length} removed (${changes.removed.map((s) => s.label || `page ${s.page}`).join(", ")})`);
  summary.textContent = `Since the previous version: ${parts.join(", ")}.`;
  for (const sheet of changes.sheets) {
    const button = viewer.thumbnails.items.get(sheet.page);
    if (!button) continue;
    button.dataset.change = sheet.change;
    if (!BADGE[sheet.change]) continue;
    const badge = Object.assign(document.createElement("span"), { className: "thumb-change", textContent: BADGE[sheet.change] });
    button.querySelector(".thumb-caption").prepend(badge);
    button.title = `${button.title} — ${BADGE[sheet.change].toLowerCase()} in this version`;
  }
}

async function listUnmatched(viewer, root, markup, ids) {
  const section = root.querySelector("#unmatched");
  const list = root.querySelector("#unmatched-list");
  const counter = root.querySelector("#unmatched-count");
  const found = await Promise.all(ids.map((id) => apiFetch(`/api/annotations/${id}/`).catch(() => null)));
  const show = () => {
    counter.textContent = String(list.children.length);
    section.hidden = !list.children.length || !markup?.session.canAnnotate;
  };
  list.replaceChildren(...found.filter(Boolean).map((annotation) => unmatchedItem(viewer, annotation, show)));
  markup?.session.addEventListener("editable", show);
  show();
}

function unmatchedItem(viewer, annotation, done) {
  const item = document.createElement("li");
  item.className = "unmatched-item";
  const text = Object.assign(document.createElement("p"), {
    textContent: `${annotation.department} · ${annotation.category}, page ${annotation.page} of the previous version: ${annotation.text || annotation.kind}`,
  });
  const form = document.createElement("form");
  const id = `place-${annotation.id}`;
  const label = Object.assign(document.createElement("label"), { htmlFor: id, textContent: "Sheet" });
  const select = Object.assign(document.createElement("select"), { id });
  for (const page of viewer.version.pages) select.append(new Option(page.label ? `${page.label} (page ${page.number})` : `Page ${page.number}`, page.number));
  const button = Object.assign(document.createElement("button"), { type: "submit", className: "button button-small", textContent: "Place" });
  const error = Object.assign(document.createElement("p"), { className: "field-error", role: "alert" });
  form.append(label, select, button, error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    try {
      const page = Number(select.value);
      await apiFetch(`/api/versions/${viewer.version.id}/unmatched/${annotation.id}/place/`, { method: "POST", json: { page } });
      item.remove();
      done();
      viewer.go(page);
    } catch (failure) {
      error.textContent = failure.message;
      button.disabled = false;
    }
  });
  item.append(text, form);
  return item;
}
