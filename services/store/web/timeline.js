// The timeline: one bar per event day between the first and the last, height by item count.
const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 800, HEIGHT = 130, LEFT = 36, BOTTOM = 22, TOP = 8;
const DAY = 86400000;

function element(name, attributes = {}) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

export function drawTimeline(svg, days, onDay) {
  svg.replaceChildren();
  if (!days.length) {
    svg.appendChild(element("text", { x: WIDTH / 2, y: HEIGHT / 2, class: "empty" })).textContent = "No dated items";
    return;
  }
  const first = Date.parse(days[0].date), last = Date.parse(days[days.length - 1].date);
  const span = Math.round((last - first) / DAY) + 1;
  const most = Math.max(...days.map((d) => d.count));
  const step = (WIDTH - LEFT - 4) / span, plot = HEIGHT - BOTTOM - TOP;
  const bars = element("g", { class: "bars" });
  for (const { date, count } of days) {
    const index = Math.round((Date.parse(date) - first) / DAY);
    const height = Math.max(1, (count / most) * plot);
    const bar = element("rect", {
      x: (LEFT + index * step).toFixed(2), y: (TOP + plot - height).toFixed(2),
      width: Math.max(step - 1, 0.8).toFixed(2), height: height.toFixed(2), class: "day", "data-date": date, "data-count": count,
    });
    bar.appendChild(element("title")).textContent = `${date}: ${count} item${count === 1 ? "" : "s"}`;
    bar.addEventListener("click", () => onDay(date));
    bars.appendChild(bar);
  }
  const axis = element("g", { class: "axis" });
  axis.appendChild(element("line", { x1: LEFT, x2: WIDTH - 4, y1: TOP + plot + 0.5, y2: TOP + plot + 0.5 }));
  axis.appendChild(element("text", { x: LEFT, y: HEIGHT - 6 })).textContent = days[0].date;
  if (span > 1) {
    axis.appendChild(element("text", { x: WIDTH - 4, y: HEIGHT - 6, "text-anchor": "end" })).textContent = isoDay(last);
  }
  axis.appendChild(element("text", { x: LEFT - 6, y: TOP + 10, "text-anchor": "end" })).textContent = String(most);
  axis.appendChild(element("text", { x: LEFT - 6, y: TOP + plot, "text-anchor": "end" })).textContent = "0";
  svg.append(bars, axis);
}
