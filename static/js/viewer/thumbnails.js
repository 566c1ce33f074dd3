// The strip of sheet thumbnails (rendered by the server at upload) with their sheet labels and titles.

export class ThumbnailStrip {
  /** list: the <ol>; pages: [{number, width, height, label, title, thumbnail_url}]; onSelect(number). */
  constructor(list, pages, onSelect) {
    this.list = list;
    this.items = new Map();
    list.replaceChildren(...pages.map((page) => this.#item(page)));
    list.addEventListener("click", (event) => {
      const button = event.target.closest("[data-page]");
      if (button) onSelect(Number(button.dataset.page));
    });
  }

  #item(page) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "thumb";
    button.dataset.page = String(page.number);
    const sheet = page.label ? `Sheet ${page.label} (page ${page.number})` : `Page ${page.number}`;
    button.title = page.title ? `${sheet}: ${page.title}` : sheet;
    const frame = document.createElement("span");
    frame.className = "thumb-frame";
    frame.style.aspectRatio = `${page.width} / ${page.height}`;
    if (page.thumbnail_url) {
      const image = new Image();
      image.loading = "lazy";
      image.decoding = "async";
      image.alt = "";
      image.src = page.thumbnail_url;
      frame.append(image);
    }
    const caption = document.createElement("span");
    caption.className = "thumb-caption";
    caption.innerHTML = '<span class="thumb-label"></span><span class="thumb-number"></span>';
    caption.firstChild.textContent = page.label || "—";
    caption.lastChild.textContent = String(page.number);
    button.append(frame, caption);
    if (page.title) {
      const title = document.createElement("span");
      title.className = "thumb-title";
      title.textContent = page.title;
      button.append(title);
    }
    item.append(button);
    this.items.set(page.number, button);
    return item;
  }

  select(number) {
    for (const [n, button] of this.items) {
      if (n === number) button.setAttribute("aria-current", "page");
      else button.removeAttribute("aria-current");
    }
    this.items.get(number)?.scrollIntoView({ block: "nearest" });
  }
}
