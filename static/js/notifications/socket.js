// On every page of a signed-in user: the Inbox link's unread count, kept live from the user's
// live channel. Each notification is also announced on `document` as
// "civicreview:notification" (the inbox page lists it), each new count as "civicreview:unread",
// each decision a dashboard of the user's shows as "civicreview:decision" (insight/live.py), and
// the connection's state as "civicreview:live-status".
import { liveChannel } from "../live_channel.js";

const socket = liveChannel();
const badge = /** @type {HTMLElement} */ (document.querySelector("[data-testid=inbox-unread]"));

function showUnread(count) {
  /** @type {HTMLElement} */ (badge.querySelector(".unread-number")).textContent = String(count);
  badge.hidden = count === 0;
  document.dispatchEvent(new CustomEvent("civicreview:unread", { detail: count }));
}

for (const type of ["hello", "unread"]) socket.on(type, (message) => showUnread(message.unread));
socket.on("notification", (message) => {
  showUnread(message.unread);
  document.dispatchEvent(new CustomEvent("civicreview:notification", { detail: message.data }));
});
socket.on("decision", (message) => {
  document.dispatchEvent(new CustomEvent("civicreview:decision", { detail: message.data }));
});
socket.on("status", (status) => {
  badge.dataset.status = status;
  document.dispatchEvent(new CustomEvent("civicreview:live-status", { detail: status }));
});
