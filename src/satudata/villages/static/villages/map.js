/* Pan and zoom on the server-drawn SVG maps, and drawing a feature on the operator's map.
 *
 * Our own small script, no library. Everything works without it: the maps show and switch
 * layers by CSS, and the drawing form takes pasted GeoJSON. Zooming only changes the SVG's
 * viewBox, so no tile server and no extra request is needed.
 */
(function () {
  "use strict";

  var STEP = 1.5; // one button press or wheel notch
  var MAX_ZOOM = 512; // times the whole map
  var DRAG_PIXELS = 5; // a press that moves less than this is a tap, not a drag

  function readBox(svg) {
    return svg.getAttribute("viewBox").trim().split(/[\s,]+/).map(Number);
  }

  // Screen pixels (a pointer event) to the SVG's own units, whatever the zoom.
  function toSvg(svg, clientX, clientY) {
    var point = svg.createSVGPoint();
    point.x = clientX;
    point.y = clientY;
    return point.matrixTransform(svg.getScreenCTM().inverse());
  }

  function button(text, label, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.title = label;
    b.dataset.map = action;
    return b;
  }

  /* Zoom buttons, wheel zoom and drag to pan on one .map-wrap. A tap (no drag) is announced
   * as a "maptap" event carrying the SVG point, which the drawing tool listens to. */
  function panZoom(box, wrap) {
    var svg = wrap.querySelector("svg");
    var home = readBox(svg);
    var view = home.slice();

    function apply() {
      // Keep the map's centre inside the whole map, so it cannot be dragged out of sight.
      var cx = Math.min(Math.max(view[0] + view[2] / 2, home[0]), home[0] + home[2]);
      var cy = Math.min(Math.max(view[1] + view[3] / 2, home[1]), home[1] + home[3]);
      view[0] = cx - view[2] / 2;
      view[1] = cy - view[3] / 2;
      svg.setAttribute("viewBox", view.map(function (v) { return v.toFixed(3); }).join(" "));
      wrap.classList.toggle("zoomed", view[2] < home[2] * 0.999);
      wrap.dispatchEvent(new CustomEvent("mapview"));
    }

    // factor > 1 zooms in; the SVG point (x, y) stays where it is on the screen.
    function zoomAt(factor, x, y) {
      var width = view[2] / factor;
      if (width >= home[2]) {
        view = home.slice();
      } else if (home[2] / width <= MAX_ZOOM) {
        view = [x - (x - view[0]) / factor, y - (y - view[1]) / factor, width, view[3] / factor];
      }
      apply();
    }

    function zoomCentre(factor) {
      zoomAt(factor, view[0] + view[2] / 2, view[1] + view[3] / 2);
    }

    var tools = document.createElement("div");
    tools.className = "map-zoom";
    tools.appendChild(button("+", box.dataset.zoomIn || "+", "in"));
    tools.appendChild(button("\u2212", box.dataset.zoomOut || "-", "out"));
    tools.appendChild(button("\u2922", box.dataset.zoomReset || "reset", "reset"));
    tools.addEventListener("click", function (event) {
      var action = event.target.dataset && event.target.dataset.map;
      if (action === "in") zoomCentre(STEP);
      else if (action === "out") zoomCentre(1 / STEP);
      else if (action === "reset") { view = home.slice(); apply(); }
    });
    wrap.insertBefore(tools, wrap.firstChild);
    wrap.classList.add("js-map");

    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      var p = toSvg(svg, event.clientX, event.clientY);
      zoomAt(event.deltaY < 0 ? STEP : 1 / STEP, p.x, p.y);
    }, { passive: false });

    var drag = null;
    svg.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      drag = { id: event.pointerId, x: event.clientX, y: event.clientY, from: view.slice(), moved: false };
    });
    svg.addEventListener("pointermove", function (event) {
      if (!drag || event.pointerId !== drag.id) return;
      var dx = event.clientX - drag.x;
      var dy = event.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) < DRAG_PIXELS) return;
      if (!drag.moved) {
        drag.moved = true;
        svg.setPointerCapture(event.pointerId);
      }
      var perPixel = view[2] / svg.getBoundingClientRect().width;
      view = [drag.from[0] - dx * perPixel, drag.from[1] - dy * perPixel, view[2], view[3]];
      apply();
    });
    svg.addEventListener("pointerup", function (event) {
      if (!drag || event.pointerId !== drag.id) return;
      var tapped = !drag.moved;
      drag = null;
      if (tapped) {
        wrap.dispatchEvent(new CustomEvent("maptap", { detail: toSvg(svg, event.clientX, event.clientY) }));
      }
    });
    svg.addEventListener("pointercancel", function () { drag = null; });
  }

  /* The drawing form: taps on the map become a point, a line or an area, written as a GeoJSON
   * Feature into the form's textarea; the server checks it like an uploaded file. */
  function drawing(form, wrap) {
    var svg = wrap.querySelector("svg");
    var zoom = Number(svg.dataset.zoom);
    var tile = Number(svg.dataset.tileSize || 256);
    if (svg.dataset.projection !== "web-mercator" || !isFinite(zoom)) return;
    var scale = tile * Math.pow(2, zoom);
    var text = form.querySelector("textarea");
    var name = form.querySelector("input[name$=name]");
    var status = form.querySelector(".draw-status");
    var points = []; // SVG points, in the order tapped

    // The inverse of maps.py's mercator at the map's zoom.
    function lonLat(p) {
      var lon = p.x / scale * 360 - 180;
      var lat = Math.atan(Math.sinh(Math.PI * (1 - 2 * p.y / scale))) * 180 / Math.PI;
      return [Math.round(lon * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6];
    }

    function shape() {
      var checked = form.querySelector("input[name=shape]:checked");
      return checked ? checked.value : "area";
    }

    function geometry() {
      var coords = points.map(lonLat);
      var kind = shape();
      if (kind === "point") return coords.length ? { type: "Point", coordinates: coords[coords.length - 1] } : null;
      if (kind === "line") return coords.length >= 2 ? { type: "LineString", coordinates: coords } : null;
      return coords.length >= 3 ? { type: "Polygon", coordinates: [coords.concat([coords[0]])] } : null;
    }

    var layer = document.createElementNS("http://www.w3.org/2000/svg", "g");
    layer.setAttribute("class", "drawing");
    svg.appendChild(layer);

    function render() {
      while (layer.firstChild) layer.removeChild(layer.firstChild);
      var kind = shape();
      var shown = kind === "point" ? points.slice(-1) : points;
      var perPixel = readBox(svg)[2] / svg.getBoundingClientRect().width;
      if (shown.length > 1) {
        var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
        var d = shown.map(function (p, i) { return (i ? "L" : "M") + p.x + " " + p.y; }).join("");
        path.setAttribute("d", kind === "area" ? d + "Z" : d);
        path.setAttribute("class", kind === "area" ? "draw-area" : "draw-line");
        layer.appendChild(path);
      }
      shown.forEach(function (p) {
        var dot = document.createElementNS("http://www.w3.org/2000/svg", "circle");
        dot.setAttribute("cx", p.x);
        dot.setAttribute("cy", p.y);
        dot.setAttribute("r", 5 * perPixel);
        dot.setAttribute("class", "draw-vertex");
        layer.appendChild(dot);
      });
      var g = geometry();
      text.value = g ? JSON.stringify({ type: "Feature", geometry: g, properties: { name: name ? name.value : "" } }) : "";
      var need = { point: 1, line: 2, area: 3 }[kind];
      var have = kind === "point" ? Math.min(points.length, 1) : points.length;
      status.textContent = (form.dataset.pointsLabel || "{have} / {need}")
        .replace("{have}", have).replace("{need}", need);
    }

    wrap.addEventListener("maptap", function (event) {
      points.push(event.detail);
      render();
    });
    wrap.addEventListener("mapview", render);
    form.addEventListener("change", function (event) {
      if (event.target.name === "shape" && event.target.value === "point") points = points.slice(-1);
      render();
    });
    if (name) name.addEventListener("input", render);
    form.addEventListener("click", function (event) {
      var action = event.target.dataset && event.target.dataset.draw;
      if (action === "undo") points.pop();
      else if (action === "clear") points = [];
      else return;
      render();
    });
    form.addEventListener("submit", function (event) {
      render();
      if (!text.value) {
        event.preventDefault();
        status.textContent = form.dataset.needMore || "";
      }
    });

    // With the script the textarea is filled by drawing; show the drawing tools instead.
    text.closest("div").hidden = true;
    text.required = false; // an empty drawing is reported by the submit handler, in words
    Array.prototype.forEach.call(form.querySelectorAll("[data-js-only]"), function (el) {
      el.hidden = false;
    });
    render();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".map-box"), function (box) {
      var wrap = box.querySelector(".map-wrap");
      if (!wrap || !wrap.querySelector("svg[viewBox]")) return;
      panZoom(box, wrap);
      var form = document.querySelector("form.draw-form");
      if (form) drawing(form, wrap);
    });
  });
})();
