// Undo and redo of one's own markup changes. Each step is sent as a command like any other,
// carrying the revision this person's own last change produced: if someone else changed the
// markup since, the server refuses the step as a conflict rather than undo their work.
//
// A markup deleted and brought back by undo gets a new id; the steps that refer to it share a
// handle whose id follows it.

const FIELDS = ["page", "kind", "geometry", "style", "text", "status"];

export class UndoHistory extends EventTarget {
  constructor() {
    super();
    this.actions = null; // set once the actions exist (they record into this history)
    this.done = [];
    this.undone = [];
    this.handles = new Map(); // annotation id -> {id, revision}
    this.busy = false;
  }

  get canUndo() {
    return !this.busy && this.done.length > 0;
  }

  get canRedo() {
    return !this.busy && this.undone.length > 0;
  }

  #handle(id) {
    if (!this.handles.has(id)) this.handles.set(id, { id, revision: null });
    return this.handles.get(id);
  }

  noteRevision(id, revision) {
    this.#handle(id).revision = revision;
  }

  #record(step) {
    this.done.push(step);
    this.undone = [];
    this.#changed();
  }

  recordCreate(annotation) {
    this.#record({ type: "create", handle: this.#handle(annotation.id), data: pick(annotation) });
  }

  recordUpdate(id, before, after) {
    this.#record({ type: "update", handle: this.#handle(id), before, after });
  }

  recordDelete(annotation) {
    this.#record({ type: "delete", handle: this.#handle(annotation.id), data: pick(annotation) });
  }

  undo() {
    return this.#step(this.done, this.undone, "undo");
  }

  redo() {
    return this.#step(this.undone, this.done, "redo");
  }

  async #step(from, to, direction) {
    if (this.busy || !from.length) return false;
    const step = from.pop();
    this.busy = true;
    this.#changed();
    try {
      const ok = await this.#run(step, direction);
      if (ok) to.push(step);
      return ok; // a refused step is dropped: the markup is no longer as it left it
    } finally {
      this.busy = false;
      this.#changed();
    }
  }

  async #run(step, direction) {
    const { handle } = step;
    const options = { record: false, revision: handle.revision ?? undefined };
    const adding = (step.type === "create") === (direction === "redo");
    if (step.type === "update") {
      const changes = direction === "undo" ? step.before : step.after;
      return Boolean(await this.actions.update(handle.id, changes, options));
    }
    if (adding) {
      const created = await this.actions.create(step.data, { record: false });
      if (!created) return false;
      this.handles.delete(handle.id);
      handle.id = created.id;
      handle.revision = created.revision;
      this.handles.set(created.id, handle);
      this.actions.session.select(created.id);
      return true;
    }
    return Boolean(await this.actions.remove(handle.id, options));
  }

  #changed() {
    this.dispatchEvent(new CustomEvent("change"));
  }
}

/** The fields that recreate a markup. */
function pick(annotation) {
  return Object.fromEntries(FIELDS.filter((field) => field in annotation).map((field) => [field, annotation[field]]));
}
