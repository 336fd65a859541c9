// The list of items, with dates, places and actors marked in the text, and the bulletin panel.

function html(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

// Mention offsets are Python str offsets (code points) into full_text: index an array of code points, not UTF-16.
export function markedText(item, onFilter) {
  const chars = Array.from(item.full_text);
  const mentions = [
    ...(item.dates ?? []).map((m) => ({ ...m, kind: "date", tip: m.value ?? "unresolved" })),
    ...(item.places ?? []).map((m) => ({ ...m, kind: "place", tip: `${m.name}${m.country_code ? ", " + m.country_code : ""}${m.role === "metonym" ? " (government)" : ""}` })),
    ...(item.actors ?? []).map((m) => ({ ...m, kind: "actor", tip: [m.name, m.role, m.country].filter(Boolean).join(", ") })),
  ].sort((a, b) => a.start - b.start || b.end - a.end);
  const paragraph = html("p", "text");
  let at = 0;
  for (const mention of mentions) {
    if (mention.start < at || mention.end > chars.length) continue; // overlapping or out of range: keep the first
    paragraph.append(chars.slice(at, mention.start).join(""));
    const mark = html("mark", mention.kind, chars.slice(mention.start, mention.end).join(""));
    mark.title = mention.tip;
    if (mention.kind === "place") mark.dataset.filter = JSON.stringify(["place", mention.name]);
    if (mention.kind === "actor") mark.dataset.filter = JSON.stringify(["actor", mention.actor_id ?? mention.name]);
    if (mark.dataset.filter) {
      mark.addEventListener("click", (event) => { event.stopPropagation(); onFilter(...JSON.parse(mark.dataset.filter)); });
    }
    paragraph.append(mark);
    at = mention.end;
  }
  paragraph.append(chars.slice(at).join(""));
  return paragraph;
}

export function itemEntry(item, { onFilter, onOpen }) {
  const entry = html("li", "item");
  entry.dataset.itemId = item.item_id;
  entry.dataset.bulletinId = item.bulletin_id;
  const meta = html("div", "meta");
  const when = item.event_date?.value ?? "undated";
  meta.append(html("span", "when", when));
  if (item.event_location) {
    const where = html("button", "where", item.event_location.name);
    where.type = "button";
    where.addEventListener("click", (event) => { event.stopPropagation(); onFilter("place", item.event_location.name); });
    meta.append(where);
  }
  meta.append(html("span", "source", `${item.source} · bulletin of ${item.reference_date}`));
  entry.append(meta, markedText(item, onFilter));
  entry.addEventListener("click", () => onOpen(item));
  return entry;
}

export async function showBulletin(panel, body, item, onFilter) {
  const response = await fetch(`/v1/bulletins/${encodeURIComponent(item.bulletin_id)}`);
  body.replaceChildren();
  if (!response.ok) {
    body.append(html("p", "error", `Bulletin ${item.bulletin_id} could not be loaded (${response.status}).`));
  } else {
    const bulletin = await response.json();
    body.append(html("h2", null, `${bulletin.source} · ${bulletin.published_at}`));
    if (bulletin.url) {
      const link = html("a", null, bulletin.url);
      link.href = bulletin.url;
      link.rel = "noopener noreferrer";
      body.append(link);
    }
    const list = html("ol", "bulletin-items");
    list.start = 0;
    for (const each of bulletin.items) {
      const entry = html("li", each.item_id === item.item_id ? "chosen" : "");
      entry.append(markedText(each, onFilter));
      list.append(entry);
    }
    body.append(list);
    body.dataset.bulletinId = bulletin.bulletin_id;
  }
  panel.hidden = false;
}
