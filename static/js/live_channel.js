// The signed-in user's one live channel (/ws/live/), shared by every module on the page: the
// Inbox count (notifications/socket.js) and the screens that follow changes (workflows/live.js).
import { LiveSocket } from "./realtime.js";

/** @type {LiveSocket | undefined} */
let channel;

/** The page's live channel, opened on first use. */
export function liveChannel() {
  channel ??= new LiveSocket("/ws/live/").open();
  return channel;
}
