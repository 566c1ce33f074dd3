// The live markup layer of the sheet viewer: connects to the version's websocket, loads the
// markups, and wires the overlay, tools, panel, presence and connection status together.
//
//   const markup = startMarkup(viewer);   // viewer: the Viewer of viewer.js

import { apiFetch } from "../api.js";
import { VersionSocket } from "../realtime.js";
import { MarkupActions } from "./actions.js";
import { Calibration } from "./calibration.js";
import { TextEditor } from "./editor.js";
import { UndoHistory } from "./history.js";
import { MarkupLayer } from "./layer.js";
import { MarkupList } from "./panel.js";
import { Presence } from "./presence.js";
import { SelectionTool } from "./selection.js";
import { MarkupSession } from "./session.js";
import { SheetKeys } from "./sheet_keys.js";
import { bindMarkupKeys } from "./shortcuts.js";
import { ConnectionStatus, Notices } from "./status.js";
import { MarkupStore } from "./store.js";
import { MarkupThread } from "./thread.js";
import { MarkupToolbar } from "./toolbar.js";
import { StandardComments } from "./toolchest.js";
import { DrawingTools } from "./tools.js";

/** What a <template> of the page lists: one object of data-* fields per child. */
function listed(root, id) {
  const template = root.querySelector(`#${id}`);
  return [...(template?.content.children || [])].map((item) => ({ ...item.dataset }));
}

export function startMarkup(viewer) {
  const root = document.getElementById("viewer");
  const versionId = Number(root.dataset.versionId);
  const view = viewer.view;
  const sheetLabel = (number) => viewer.pages?.[number - 1]?.label || String(number);

  const session = new MarkupSession(listed(root, "case-departments"));
  const store = new MarkupStore();
  const notices = new Notices(root.querySelector("#markup-notice")).bindClose();
  const status = new ConnectionStatus(root.querySelector("#connection-status"), session);
  const socket = new VersionSocket(`/ws/versions/${versionId}/`);
  const history = new UndoHistory();
  const actions = new MarkupActions({ socket, store, session, notices, history });
  history.actions = actions;

  const layer = new MarkupLayer({ view, store, session });
  const editor = new TextEditor(view.overlay);
  const toolbar = new MarkupToolbar(root.querySelector(".markup-toolbar"), { session, store, history, actions });
  const selection = new SelectionTool({ view, layer, store, session, actions, editor });
  let calibration = null;
  const onCalibrate = (points) => calibration.measured(points);
  const tools = new DrawingTools({ view, layer, store, session, actions, editor, toolbar, onCalibrate });
  calibration = new Calibration(root, { view, store, session, actions, notices, tools, sheetLabel });
  const list = new MarkupList(root.querySelector("#markup-panel"), { store, session, viewer, layer, sheetLabel, versionId });
  const thread = new MarkupThread(root.querySelector("#markup-detail"), {
    store, session, actions, sheetLabel, notices, pages: viewer.pages, people: listed(root, "case-people"),
  });
  const presence = new Presence({ element: root.querySelector("#presence"), view, viewer, socket, session, sheetLabel });
  const standardComments = new StandardComments(root, { session, editor, notices });
  const announcer = root.querySelector("#sheet-announce");
  const sheetKeys = new SheetKeys({ view, layer, store, session, tools, selection, actions, editor, thread, announcer });
  bindMarkupKeys({ session, store, tools, selection, history, thread, editor, list });
  root
    .querySelector("[data-action=zoom-to-markup]")
    .addEventListener("click", () => list.reveal(store.get(session.selectedId)));

  // Drawing tools take the pointer: the sheet no longer pans under them.
  session.addEventListener("tool", () => {
    const drawing = session.tool !== "select";
    view.panEnabled = !drawing;
    layer.element.classList.toggle("is-drawing", drawing);
    view.scroller.classList.toggle("is-drawing", drawing);
  });
  view.scroller.addEventListener("pointermove", (event) => tools.hover(event));
  view.addEventListener("pagechange", () => editor.cancel());

  socket.addEventListener("status", (event) => {
    status.show(event.detail);
    session.setConnected(event.detail !== "refused");
  });
  socket.addEventListener("refused", () => {
    const text = "The live session refused this connection. Reload the page; you may need to log in again.";
    notices.show(text, "error", { timeout: 0 });
  });
  socket.addEventListener("error", (event) => event.detail.message && notices.show(event.detail.message, "error"));
  socket.addEventListener("change", (event) => store.apply(event.detail));
  socket.addEventListener("hello", (event) => {
    const first = session.user === null;
    session.setConnected(true);
    session.setUser(event.detail.user);
    if (first) loadSnapshot();
  });

  // The state as of (or after) hello; changes broadcast meanwhile wait in the store.
  async function loadSnapshot() {
    try {
      const [annotations, version] = await Promise.all([
        apiFetch(`/api/versions/${versionId}/annotations/`),
        apiFetch(`/api/versions/${versionId}/`),
      ]);
      store.load(annotations, version.pages || []);
      root.dataset.markup = "ready";
      openLinkedMarkup();
    } catch (error) {
      notices.show(`The markups could not be loaded: ${error.message}`, "error", { timeout: 0 });
    }
  }

  // A link from a notification: ?annotation=<id> opens that markup.
  function openLinkedMarkup() {
    const wanted = Number(new URLSearchParams(window.location.search).get("annotation"));
    if (wanted && store.get(wanted)) list.reveal(store.get(wanted));
  }

  root.querySelector("[data-action=toggle-panel]").addEventListener("click", (event) => {
    const hidden = root.classList.toggle("panel-hidden");
    event.currentTarget.setAttribute("aria-pressed", String(!hidden));
  });

  list.render();
  thread.render();
  calibration.show();
  // For the tests and for debugging.
  return { socket, store, session, actions, history, layer, tools, selection, list, thread, presence, toolbar, standardComments, sheetKeys };
}
