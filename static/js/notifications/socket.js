// On every page of a signed-in user: the Inbox link's unread count, kept live from the user's
// notification socket. Each notification is also announced on `document` as
// "civicreview:notification" (the inbox page lists it), each new count as "civicreview:unread",
// and the connection's state as "civicreview:live-status".
import { LiveSocket } from "../realtime.js";

const badge = document.querySelector("[data-testid=inbox-unread]");

function showUnread(count) {
  badge.querySelector(".unread-number").textContent = String(count);
  badge.hidden = count === 0;
  document.dispatchEvent(new CustomEvent("civicreview:unread", { detail: count }));
}

const socket = new LiveSocket("/ws/notifications/");
for (const type of ["hello", "unread"]) socket.addEventListener(type, (event) => showUnread(event.detail.unread));
socket.addEventListener("notification", (event) => {
  showUnread(event.detail.unread);
  document.dispatchEvent(new CustomEvent("civicreview:notification", { detail: event.detail.data }));
});
socket.addEventListener("status", (event) => {
  badge.dataset.status = event.detail;
  document.dispatchEvent(new CustomEvent("civicreview:live-status", { detail: event.detail }));
});
socket.open();
