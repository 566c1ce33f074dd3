// Changing markups: every change is a command through the socket. Where the change is expected
// to pass, it is shown at once as an override; when the server answers, the override goes and
// the broadcast state shows. A refusal says why, and a conflict brings the current state.

import { newRef } from "../realtime.js";

export class MarkupActions {
  constructor({ socket, store, session, notices, history }) {
    this.socket = socket;
    this.store = store;
    this.session = session;
    this.notices = notices;
    this.history = history;
    this.queues = new Map(); // annotation id -> the promise of its last command, so they go in turn
  }

  /** Create a markup; resolves with it as stored, or null when refused. */
  async create(data, { record = true } = {}) {
    const user = this.session.user;
    const ref = newRef();
    const key = `new-${ref}`;
    const now = new Date().toISOString();
    const shown = {
      ...{ id: key, status: "open", text: "", style: {} },
      ...data,
      ...{ author: user.username, department: user.department, revision: 0, created_at: now, updated_at: now },
      pending: true,
    };
    const token = this.store.setOverride(key, shown);
    try {
      const event = await this.socket.command({ type: "annotation.create", ref, data });
      if (record) this.history?.recordCreate(event.data);
      this.history?.noteRevision(event.data.id, event.data.revision);
      return event.data;
    } catch (error) {
      this.#refused(error, null, "create this markup");
      return null;
    } finally {
      this.store.clearOverride(key, token);
    }
  }

  /**
   * Change fields of a markup. `revision`: the one the change was based on (undo passes the
   * revision its action produced); by default the latest this browser has seen.
   */
  update(id, changes, { record = true, revision } = {}) {
    return this.#inTurn(id, async () => {
      const current = this.store.server.get(id);
      if (!current) return this.#gone(id);
      const before = Object.fromEntries(Object.keys(changes).map((field) => [field, current[field]]));
      const onlyStatus = Object.keys(changes).length === 1 && "status" in changes;
      const expected = onlyStatus ? this.session.canSetStatus(current) : this.session.canEdit(current);
      const token = expected ? this.store.setOverride(id, { ...(this.store.get(id) || current), ...changes }) : undefined;
      try {
        const command = { type: "annotation.update", id, revision: revision ?? current.revision, data: changes };
        const event = await this.socket.command(command);
        if (record) this.history?.recordUpdate(id, before, changes);
        this.history?.noteRevision(id, event.data.revision);
        return event.data;
      } catch (error) {
        this.#refused(error, id, "change this markup");
        return null;
      } finally {
        if (token !== undefined) this.store.clearOverride(id, token);
      }
    });
  }

  remove(id, { record = true, revision } = {}) {
    return this.#inTurn(id, async () => {
      const current = this.store.server.get(id);
      if (!current) return this.#gone(id);
      const token = this.session.canEdit(current) ? this.store.setOverride(id, null) : undefined;
      if (token !== undefined && this.session.selectedId === id) this.session.select(null);
      try {
        const event = await this.socket.command({ type: "annotation.delete", id, revision: revision ?? current.revision });
        if (record) this.history?.recordDelete(current);
        return event;
      } catch (error) {
        this.#refused(error, id, "delete this markup");
        return null;
      } finally {
        if (token !== undefined) this.store.clearOverride(id, token);
      }
    });
  }

  /** Reply in a markup's thread; shown as "sending" until the server has it. */
  async comment(annotationId, body) {
    const ref = newRef();
    this.store.pendingComments.set(ref, { annotation: annotationId, body, author: this.session.user.username });
    this.store.dispatchEvent(new CustomEvent("comments", { detail: { annotation: annotationId } }));
    try {
      return (await this.socket.command({ type: "comment.create", ref, annotation: annotationId, body })).data;
    } catch (error) {
      this.store.pendingComments.delete(ref);
      this.store.dispatchEvent(new CustomEvent("comments", { detail: { annotation: annotationId } }));
      this.#refused(error, annotationId, "reply");
      return null;
    }
  }

  /** Set (or with null clear) a sheet's drawing scale. */
  async setScale(page, scale) {
    try {
      await this.socket.command({ type: "page.scale", ref: newRef(), page, scale });
      return true;
    } catch (error) {
      this.#refused(error, null, "set the scale");
      return false;
    }
  }

  #inTurn(id, run) {
    const previous = this.queues.get(id) || Promise.resolve();
    const next = previous.then(run, run);
    this.queues.set(id, next);
    next.finally(() => this.queues.get(id) === next && this.queues.delete(id));
    return next;
  }

  #gone(id) {
    this.notices.show("This markup was deleted meanwhile.", "warning");
    if (this.session.selectedId === id) this.session.select(null);
    return null;
  }

  #refused(error, id, what) {
    if (!error?.code) {
      console.error(error);
      return this.notices.show(`Could not ${what}: ${error?.message || error}`, "error");
    }
    if (error.code === "conflict" && error.current) {
      this.store.upsert(error.current);
      const who = this.store.editors.get(error.current.id) || `Someone in ${this.session.department(error.current.department).name}`;
      const text = `${who} changed this markup meanwhile. You now see the current version; your change was not applied.`;
      return this.notices.show(text, "conflict");
    }
    if (error.code === "not_found" && id !== null) {
      this.store.forget(id);
      return this.#gone(id);
    }
    this.notices.show(error.message || `Could not ${what}.`, error.code === "forbidden" ? "forbidden" : "error");
  }
}
