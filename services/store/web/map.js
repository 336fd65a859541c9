// The map: country outlines (shipped TopoJSON) and one circle per event location, in plain SVG.
const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 800, HEIGHT = 440, MARGIN = 30;

// TopoJSON arcs are quantised and delta-encoded; decode each once into [lon, lat] points.
function decodeArcs(topology) {
  const [sx, sy] = topology.transform.scale, [tx, ty] = topology.transform.translate;
  return topology.arcs.map((arc) => {
    let x = 0, y = 0;
    return arc.map(([dx, dy]) => [(x += dx) * sx + tx, (y += dy) * sy + ty]);
  });
}

function ring(arcs, indexes) {
  const points = [];
  for (const index of indexes) {
    const arc = index < 0 ? arcs[~index].slice().reverse() : arcs[index];
    points.push(...(points.length ? arc.slice(1) : arc));
  }
  return points;
}

export function countryShapes(topology) {
  const arcs = decodeArcs(topology);
  return topology.objects.countries.geometries.map((geometry) => {
    const polygons = geometry.type === "Polygon" ? [geometry.arcs] : geometry.type === "MultiPolygon" ? geometry.arcs : [];
    return { name: geometry.properties?.name ?? "", rings: polygons.flatMap((polygon) => polygon.map((r) => ring(arcs, r))) };
  });
}

// Equirectangular with the parallels shortened at the view's latitude: honest enough at country scale.
function viewFor(places) {
  let west = -170, east = 190, south = -58, north = 80;
  if (places.length) {
    west = Math.min(...places.map((p) => p.lon)); east = Math.max(...places.map((p) => p.lon));
    south = Math.min(...places.map((p) => p.lat)); north = Math.max(...places.map((p) => p.lat));
    const pad = Math.max(2, (north - south) * 0.15, (east - west) * 0.1);
    west -= pad; east += pad; south -= pad; north += pad;
  }
  const k = Math.cos((((north + south) / 2) * Math.PI) / 180);
  const scale = Math.min((WIDTH - 2 * MARGIN) / ((east - west) * k), (HEIGHT - 2 * MARGIN) / (north - south));
  const cx = ((west + east) / 2) * k, cy = (north + south) / 2;
  return ([lon, lat]) => [WIDTH / 2 + (lon * k - cx) * scale, HEIGHT / 2 - (lat - cy) * scale];
}

function element(name, attributes = {}) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

// Newest day in view is red; a month or more older fades to grey-blue.
export function recencyColour(latest, newest) {
  const age = latest && newest ? (Date.parse(newest) - Date.parse(latest)) / 86400000 : 30;
  const t = Math.min(Math.max(age / 30, 0), 1);
  return `hsl(${Math.round(4 + t * 206)}, ${Math.round(85 - t * 60)}%, ${Math.round(48 + t * 10)}%)`;
}

export function drawMap(svg, shapes, places, onPlace) {
  const project = viewFor(places);
  svg.replaceChildren();
  const land = element("g", { class: "countries" });
  for (const shape of shapes) {
    const d = shape.rings
      .map((points) => "M" + points.map((p) => project(p).map((v) => v.toFixed(1)).join(",")).join("L") + "Z")
      .join("");
    const path = element("path", { d });
    path.appendChild(element("title")).textContent = shape.name;
    land.appendChild(path);
  }
  svg.appendChild(land);
  const newest = places.reduce((max, p) => (p.latest && p.latest > max ? p.latest : max), "");
  const dots = element("g", { class: "places" });
  const labels = element("g", { class: "labels" });
  // Largest first, so smaller circles stay on top and clickable.
  const ordered = [...places].sort((a, b) => b.count - a.count).map((place) => {
    const [x, y] = project([place.lon, place.lat]);
    return { place, x, y, r: Math.min(4 + 2.5 * Math.sqrt(place.count), 28) };
  });
  for (const { place, x, y, r } of ordered) {
    const circle = element("circle", {
      cx: x.toFixed(1), cy: y.toFixed(1), r: r.toFixed(1),
      fill: recencyColour(place.latest, newest), class: "place",
      "data-place": place.name, "data-geonames-id": place.geonames_id, "data-count": place.count,
    });
    circle.appendChild(element("title")).textContent =
      `${place.name}${place.country_code ? " (" + place.country_code + ")" : ""}: ${place.count} item${place.count === 1 ? "" : "s"}, latest ${place.latest ?? "undated"}`;
    circle.addEventListener("click", () => onPlace(place.name));
    dots.appendChild(circle);
  }
  placeLabels(labels, ordered.slice(0, 20));
  svg.append(dots, labels);
}

// A label goes beside its circle where it hides no other label or circle, else it is left out.
function placeLabels(group, dots) {
  const taken = dots.map(({ x, y, r }) => [x - r, y - r, x + r, y + r]);
  const overlaps = (box) => taken.some(([a, b, c, d]) => box[0] < c && box[2] > a && box[1] < d && box[3] > b);
  for (const { place, x, y, r } of dots) {
    const width = 6.3 * place.name.length, height = 12, gap = r + 2;
    const spots = [[x + gap, y - 2], [x + gap, y + 10], [x - gap - width, y - 2], [x - gap - width, y + 10], [x - width / 2, y - gap - 2]];
    const spot = spots.find(([left, base]) => !overlaps([left, base - height + 2, left + width, base + 2]));
    if (!spot) continue;
    taken.push([spot[0], spot[1] - height + 2, spot[0] + width, spot[1] + 2]);
    const label = element("text", { x: spot[0].toFixed(1), y: spot[1].toFixed(1) });
    label.textContent = place.name;
    group.appendChild(label);
  }
}
