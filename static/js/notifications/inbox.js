// The inbox: notifications arrive live and are listed newest first; "Mark all read" and
// opening one mark them read (the server then tells every open page the new count).
import { apiFetch, csrfToken } from "../api.js";

const list = /** @type {HTMLElement} */ (document.getElementById("inbox"));
const counter = /** @type {HTMLElement} */ (document.querySelector("[data-testid=unread-count]"));
const markAll = /** @type {HTMLButtonElement} */ (document.querySelector("[data-mark-all-read]"));
const status = /** @type {HTMLElement} */ (document.querySelector("[data-inbox-status]"));
let unread = Number(counter.dataset.unread || 0);

function setUnread(count) {
  unread = Math.max(0, count);
  counter.dataset.unread = String(unread);
  counter.textContent = `${unread} unread`;
  markAll.disabled = unread === 0;
}

function item(notification) {
  const li = document.createElement("li");
  li.className = `inbox-item${notification.read ? "" : " unread"}`;
  li.dataset.notificationId = notification.id;
  li.dataset.kind = notification.kind;
  const tag = document.createElement("span");
  tag.className = "tag";
  tag.textContent = notification.kind;
  const text = /** @type {HTMLAnchorElement} */ (document.createElement(notification.url ? "a" : "span"));
  text.className = "inbox-text";
  text.textContent = notification.text;
  if (notification.url) text.href = notification.url;
  const time = document.createElement("time");
  time.className = "muted";
  time.dateTime = notification.created_at;
  time.textContent = new Date(notification.created_at).toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
  li.append(tag, " ", text, " ", time);
  return li;
}

// Notifications and the unread count come from the user's socket (notifications/socket.js, on every page).
/** @param {string} type @param {(detail: any) => void} handle */
const on = (type, handle) => document.addEventListener(type, (event) => handle(/** @type {CustomEvent} */ (event).detail));
on("civicreview:notification", (notification) => {
  if (list.querySelector(`[data-notification-id="${notification.id}"]`)) return;
  list.querySelector("[data-testid=inbox-empty]")?.remove();
  list.prepend(item(notification));
});
on("civicreview:unread", setUnread);
const STATUS_TEXT = {
  offline: "Reconnecting…",
  refused: "Your session has ended. Log in again to receive notifications.",
};
on("civicreview:live-status", (live) => (status.textContent = STATUS_TEXT[live] || ""));

markAll.addEventListener("click", async () => {
  await apiFetch("/api/notifications/read/", { method: "POST", json: {} });
  for (const element of list.querySelectorAll(".unread")) element.classList.remove("unread");
  setUnread(0);
});

list.addEventListener("click", (event) => {
  const entry = /** @type {HTMLElement | null} */ (/** @type {Element} */ (event.target).closest(".inbox-item.unread"));
  if (!entry) return;
  entry.classList.remove("unread");
  setUnread(unread - 1);
  fetch("/api/notifications/read/", {
    method: "POST",
    credentials: "same-origin",
    keepalive: true,
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify({ ids: [Number(entry.dataset.notificationId)] }),
  });
});

