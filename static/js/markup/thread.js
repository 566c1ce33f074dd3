// The selected markup in the side panel: what it is and who made it, its note, resolve or
// reopen, delete, and its discussion with @mentions — all live.

import { apiFetch } from "../api.js";
import { kindLabel } from "./kinds.js";
import { MentionMenu, withMentions } from "./mentions.js";
import { sheetLink, sheetRefs, withSheetLinks } from "./sheet_links.js";
import { measurementText } from "./scale.js";
import { initials } from "./session.js";

const TIME = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });

export class MarkupThread {
  constructor(root, { store, session, actions, sheetLabel, notices, pages, people = [] }) {
    Object.assign(this, { root, store, session, actions, sheetLabel, notices, pages });
    // Who a reply may @mention: the case's departments, and the people reviewing it (a name that
    // is a department's is the department's, as on the server).
    this.mentionable = new Map([...people.map((p) => [p.slug.toLowerCase(), p]), ...session.departments]);
    const $ = (selector) => root.querySelector(selector);
    this.parts = {
      icon: $("#detail-icon"),
      kind: $("#detail-kind"),
      meta: $("#detail-meta"),
      measure: $("#detail-measure"),
      note: $("#detail-text"),
      noteLabel: $("#detail-note-label"),
      noteReadOnly: $("#detail-text-readonly"),
      sheetLinks: $("#detail-sheet-links"),
      status: $("[data-action=toggle-status]"),
      remove: $("[data-action=delete-markup]"),
      thread: $("#thread"),
      threadCount: $("#thread-count"),
      form: $("#reply-form"),
      reply: $("#reply-text"),
      send: $("#reply-form [type=submit]"),
    };
    this.loading = new Set();
    this.mentions = new MentionMenu(this.parts.reply, $("#mention-menu"), [...this.mentionable.values()]);
    this.#bind();
    session.addEventListener("select", () => this.render());
    session.addEventListener("editable", () => this.render());
    store.addEventListener("change", (event) => event.detail.ids.includes(session.selectedId) && this.render());
    store.addEventListener("scale", () => this.render());
    store.addEventListener("comments", (event) => event.detail.annotation === session.selectedId && this.#renderThread());
  }

  get annotation() {
    return this.session.selectedId === null ? null : this.store.get(this.session.selectedId);
  }

  #bind() {
    const { note, status, remove, form, reply } = this.parts;
    this.root.querySelector("[data-action=close-detail]").addEventListener("click", () => this.session.select(null));
    const saveNote = () => {
      const annotation = this.annotation;
      if (annotation && this.session.canEdit(annotation) && note.value.trim() !== annotation.text) {
        this.actions.update(annotation.id, { text: note.value.trim() });
      }
    };
    note.addEventListener("blur", saveNote);
    note.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) saveNote();
      if (event.key === "Escape") {
        note.value = this.annotation?.text ?? "";
        note.blur();
      }
    });
    status.addEventListener("click", () => {
      const annotation = this.annotation;
      if (annotation) this.actions.update(annotation.id, { status: annotation.status === "open" ? "resolved" : "open" });
    });
    remove.addEventListener("click", () => this.confirmDelete());
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#send();
    });
    reply.addEventListener("keydown", (event) => {
      if (this.mentions.handleKey(event)) return;
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        this.#send();
      }
    });
  }

  /** Enter on a markup one may change: its note, in the panel. */
  focusNote() {
    this.parts.note.focus();
    return true;
  }

  /** Enter on another department's markup: the reply box of its discussion. */
  focusReply() {
    if (this.parts.reply.disabled) return false;
    this.parts.reply.focus();
    return true;
  }

  /** Delete the selected markup; ask first when it has a discussion that would go with it. */
  confirmDelete() {
    const annotation = this.annotation;
    if (!annotation || annotation.pending) return;
    const replies = this.store.comments.get(annotation.id)?.length || 0;
    const kind = kindLabel(annotation.kind).toLowerCase();
    const question = `Delete this ${kind} and its ${replies} ${replies === 1 ? "reply" : "replies"}?`;
    if (replies && !window.confirm(question)) return;
    this.actions.remove(annotation.id);
  }

  #send() {
    const annotation = this.annotation;
    const body = this.parts.reply.value.trim();
    if (!annotation || annotation.pending || !body) return;
    this.parts.reply.value = "";
    this.mentions.close();
    this.actions.comment(annotation.id, body);
  }

  render() {
    const annotation = this.annotation;
    this.root.hidden = !annotation;
    this.root.closest(".markup-panel")?.classList.toggle("has-detail", Boolean(annotation));
    if (!annotation) return;
    const { icon, kind, meta, measure, note, noteLabel, noteReadOnly, status, remove, reply, send } = this.parts;
    const department = this.session.department(annotation.department);
    this.root.style.setProperty("--c", this.session.colorOf(annotation));
    icon.replaceChildren(document.querySelector(`.markup-toolbar [data-tool="${annotation.kind}"] svg`)?.cloneNode(true) || "");
    kind.textContent = kindLabel(annotation.kind);
    const when = annotation.created_at ? TIME.format(new Date(annotation.created_at)) : "";
    const who = document.createElement("span");
    who.className = "detail-who";
    who.style.setProperty("--dept", department.color);
    who.textContent = `${department.name} · ${annotation.author}`;
    const where = document.createElement("span");
    where.textContent = [`Sheet ${this.sheetLabel(annotation.page)}`, when].filter(Boolean).join(" · ");
    meta.replaceChildren(who, where);
    this.root.dataset.status = annotation.status;
    const measured = measurementText(annotation, this.store.scaleOf(annotation.page));
    measure.hidden = !measured;
    measure.textContent = measured === "set scale" ? "This sheet has no scale yet: set it to measure." : measured || "";
    const mine = this.session.canEdit(annotation) && !annotation.pending;
    const editable = mine && annotation.kind !== "stamp"; // a stamp keeps the words it was placed with
    noteLabel.textContent = { text: "Text", callout: "Text" }[annotation.kind] || "Note";
    note.hidden = !editable;
    noteLabel.hidden = !editable;
    if (document.activeElement !== note) note.value = annotation.text || "";
    noteReadOnly.hidden = editable || !annotation.text;
    noteReadOnly.textContent = annotation.text || "";
    this.#showSheetLinks(annotation.text);
    status.hidden = !this.session.canSetStatus(annotation) || annotation.pending;
    status.textContent = annotation.status === "open" ? "Resolve" : "Reopen";
    remove.hidden = !mine;
    const canReply = this.session.canAnnotate && !annotation.pending;
    reply.disabled = !canReply;
    send.disabled = !canReply;
    reply.placeholder = canReply ? "Reply… type @ to mention a person or a department" : "Only departments taking part in this case can reply.";
    this.#renderThread();
    this.#load(annotation);
  }

  async #load(annotation) {
    const id = annotation.id;
    if (typeof id !== "number" || this.store.comments.has(id) || this.loading.has(id)) return;
    this.loading.add(id);
    try {
      this.store.loadComments(id, await apiFetch(`/api/annotations/${id}/comments/`));
    } catch (error) {
      if (error.status !== 404) this.notices.show(`The discussion could not be loaded: ${error.message}`, "error");
    } finally {
      this.loading.delete(id);
    }
  }

  #renderThread() {
    const annotation = this.annotation;
    if (!annotation) return;
    const comments = this.store.comments.get(annotation.id);
    const pending = [...this.store.pendingComments.values()].filter((c) => c.annotation === annotation.id);
    const items = (comments || []).map((comment) => this.#comment(comment));
    items.push(...pending.map((comment) => this.#comment(comment, true)));
    if (!items.length) {
      const empty = document.createElement("li");
      empty.className = "thread-empty";
      empty.textContent = comments || annotation.pending ? "No replies yet." : "Loading the discussion…";
      items.push(empty);
    }
    this.parts.thread.replaceChildren(...items);
    this.parts.threadCount.textContent = String((comments || []).length);
    this.parts.thread.lastElementChild?.scrollIntoView({ block: "nearest" });
  }

  /** The sheets the markup's text names, as links (its text may sit in a field, where links cannot). */
  #showSheetLinks(text) {
    const refs = sheetRefs(text, this.pages);
    const { sheetLinks } = this.parts;
    sheetLinks.hidden = refs.length === 0;
    sheetLinks.replaceChildren(refs.length ? "Sheets named: " : "", ...refs.flatMap((ref, i) => [i ? ", " : "", sheetLink(ref)]));
  }

  #comment(comment, pending = false) {
    const item = document.createElement("li");
    item.className = `comment${pending ? " is-pending" : ""}`;
    const authored = this.store.all().find((a) => a.author === comment.author);
    const color = authored ? this.session.department(authored.department).color : "#5a6878";
    item.innerHTML = `<span class="avatar avatar-small"><span class="avatar-initials"></span></span>
      <div class="comment-main">
        <div class="comment-head"><span class="comment-author"></span><time class="comment-time"></time></div>
        <p class="comment-body"></p>
      </div>`;
    item.querySelector(".avatar").style.setProperty("--dept", color);
    item.querySelector(".avatar-initials").textContent = initials(comment.author);
    item.querySelector(".comment-author").textContent = comment.author;
    const time = item.querySelector(".comment-time");
    time.textContent = pending ? "sending…" : TIME.format(new Date(comment.created_at));
    if (!pending) time.dateTime = comment.created_at;
    item.querySelector(".comment-body").append(...withSheetLinks(withMentions(comment.body, this.mentionable), this.pages));
    return item;
  }
}
