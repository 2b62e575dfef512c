// The network page's graph: Cytoscape.js on a canvas, data from /network/graph.json.
// Progressive enhancement: the page's tables and filter form work without this file.
(function () {
  "use strict";

  var root = document.querySelector("[data-network]");
  var container = document.getElementById("network-canvas");
  if (!root || !container || typeof window.cytoscape !== "function") { return; }
  if (typeof window.pageTexts !== "function") { return; }
  var t = window.pageTexts("network-texts"); // the page's language, from the template

  var panel = document.getElementById("network-panel");
  var legend = document.getElementById("network-legend");
  var status = document.getElementById("network-status");
  var searchForm = document.querySelector("[data-network-search]");
  var searchError = document.getElementById("network-search-error");
  var colourBy = container.dataset.colour || "county";
  var layoutBy = container.dataset.layout || "map";
  var view = container.dataset.view || "graph";
  var focus = container.dataset.focus || "";
  var cy = null;

  // Fill colours: every node also has a dark border, so it stands out whatever the fill.
  var COUNTY_COLOURS = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
    "#ff9da7", "#9c755f", "#bab0ac", "#1f77b4", "#aec7e8", "#ffbb78", "#98df8a",
    "#c5b0d5", "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5", "#8c6d31", "#e7969c"
  ];
  // Fixed per county code, so a county keeps its colour in every view.
  var COUNTY_ORDER = ["01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14",
    "17", "18", "19", "20", "21", "22", "23", "24", "25"];
  var GROUP_COLOURS = {
    A1: "#08306b", A2: "#4292c6",
    B3: "#00441b", B4: "#41ab5d", B5: "#c7e9c0",
    C6: "#7f2704", C7: "#f16913", C8: "#fdae6b", C9: "#fee6ce"
  };
  // Shape by main group, so the legend does not rely on colour alone.
  var GROUP_SHAPES = { A: "diamond", B: "round-rectangle", C: "ellipse" };
  var MISSING_COLOUR = "#d0d5da";
  var MISSING_SHAPE = "triangle";
  var MAX_DRAWN_EDGES = 3000;
  var ROLE_NAMES = { host: t("roleHost"), purchaser: t("rolePurchaser"), member: t("roleMember") };
  // Parties that are not kommuner: squares, one fill per kind (the legend names each).
  var KIND_COLOURS = {
    region: "#6a3d9a", forbund: "#b15928", finsam: "#1b7837", company: "#c51b7d", agency: "#525252"
  };
  var KIND_NAMES = {};
  try { KIND_NAMES = JSON.parse(document.getElementById("network-kinds").textContent); } catch (error) { KIND_NAMES = {}; }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function svgShape(shape, fill) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "18");
    svg.setAttribute("height", "18");
    svg.setAttribute("viewBox", "0 0 18 18");
    svg.setAttribute("aria-hidden", "true");
    var item;
    if (shape === "diamond") {
      item = document.createElementNS(ns, "polygon");
      item.setAttribute("points", "9,1 17,9 9,17 1,9");
    } else if (shape === "round-rectangle" || shape === "square") {
      item = document.createElementNS(ns, "rect");
      item.setAttribute("x", "2"); item.setAttribute("y", "2");
      item.setAttribute("width", "14"); item.setAttribute("height", "14");
      item.setAttribute("rx", shape === "square" ? "0" : "3");
    } else if (shape === "triangle") {
      item = document.createElementNS(ns, "polygon");
      item.setAttribute("points", "9,1 17,16 1,16");
    } else if (shape === "line") {
      item = document.createElementNS(ns, "line");
      item.setAttribute("x1", "1"); item.setAttribute("y1", "9");
      item.setAttribute("x2", "17"); item.setAttribute("y2", "9");
      item.setAttribute("stroke-width", fill);
      fill = "none";
    } else {
      item = document.createElementNS(ns, "circle");
      item.setAttribute("cx", "9"); item.setAttribute("cy", "9"); item.setAttribute("r", "7");
    }
    item.setAttribute("fill", fill);
    item.setAttribute("stroke", "#1b1f23");
    item.setAttribute("stroke-width", item.getAttribute("stroke-width") || "1");
    svg.appendChild(item);
    return svg;
  }

  function legendItem(shape, fill, text) {
    var item = el("li", { "class": "legend__item" });
    item.appendChild(svgShape(shape, fill));
    item.appendChild(el("span", {}, text));
    return item;
  }

  function countyColour(code) {
    var index = COUNTY_ORDER.indexOf(code);
    return index < 0 ? MISSING_COLOUR : COUNTY_COLOURS[index % COUNTY_COLOURS.length];
  }

  function numberSv(value, decimals) {
    return Number(value).toLocaleString("sv-SE", {
      minimumFractionDigits: decimals || 0, maximumFractionDigits: decimals || 0
    });
  }

  function graphElements(data) {
    var counties = data.labels.county.map(function (c) { return c.id; }).sort();
    var countyNames = {};
    data.labels.county.forEach(function (c) { countyNames[c.id] = c.label; });
    var elements = [];
    var clusters = layoutBy === "communities" ? data.labels.community : data.labels.county;
    // One län alone: its kommuner are spread out (packed as on the country map, their names
    // would cover each other).
    var spread = 1, cx = 0, cy0 = 0;
    if (!data.focus && clusters.length === 1 && data.nodes.length > 1) {
      spread = 3.5;
      data.nodes.forEach(function (n) {
        cx += layoutBy === "communities" ? n.cx : n.x; cy0 += layoutBy === "communities" ? n.cy : n.y;
      });
      cx /= data.nodes.length; cy0 /= data.nodes.length;
    }
    function placed(x, y) { return { x: cx + (x - cx) * spread, y: cy0 + (y - cy0) * spread }; }
    if (!data.focus) {
      clusters.forEach(function (c) {
        elements.push({
          group: "nodes", classes: "cluster-label", selectable: false, grabbable: false,
          data: { id: "label-" + c.id, label: c.label }, position: placed(c.x, c.y)
        });
      });
    }
    data.nodes.forEach(function (n) {
      if (n.kind && n.kind !== "kommun") {
        elements.push({
          group: "nodes", classes: "organisation",
          data: {
            id: n.id, name: n.name, kind: n.kind, organisation: n.organisation,
            fill: KIND_COLOURS[n.kind] || MISSING_COLOUR, shape: "rectangle", partners: n.partners,
            depth: n.depth, countyName: countyNames[n.county] || n.county
          },
          position: layoutBy === "communities" ? placed(n.cx, n.cy) : placed(n.x, n.y)
        });
        return;
      }
      var group = n.group || "";
      var fill = colourBy === "group"
        ? (GROUP_COLOURS[group] || MISSING_COLOUR)
        : countyColour(n.county);
      var shape = colourBy === "group" ? (GROUP_SHAPES[group.charAt(0)] || MISSING_SHAPE) : "ellipse";
      var position = layoutBy === "communities" ? placed(n.cx, n.cy) : placed(n.x, n.y);
      elements.push({
        group: "nodes", classes: "kommun",
        data: {
          id: n.id, name: n.name, fill: fill, shape: shape, partners: n.partners,
          depth: n.depth, countyName: countyNames[n.county] || n.county, group: group
        },
        position: position
      });
    });
    // The whole country can have over 10,000 edges: draw the strongest ones so the picture
    // stays readable (and fast); the tables below list every one.
    var drawn = data.edges;
    var minWeight = 1;
    if (!data.focus && drawn.length > MAX_DRAWN_EDGES) {
      drawn = drawn.slice().sort(function (a, b) { return b.w - a.w; }).slice(0, MAX_DRAWN_EDGES);
      minWeight = drawn[drawn.length - 1].w;
      drawn = data.edges.filter(function (e) { return e.w >= minWeight; });
      if (drawn.length > MAX_DRAWN_EDGES * 1.5) {
        minWeight += 1;
        drawn = data.edges.filter(function (e) { return e.w >= minWeight; });
      }
    }
    drawn.forEach(function (e) {
      elements.push({ group: "edges", data: { id: e.s + "-" + e.t, source: e.s, target: e.t, weight: e.w } });
    });
    return { elements: elements, counties: counties, countyNames: countyNames, drawnEdges: drawn.length, minWeight: minWeight };
  }

  function bipartiteElements(data) {
    var elements = [];
    data.nodes.forEach(function (n) {
      if (n.kind === "agreement") {
        elements.push({ group: "nodes", classes: "agreement", data: { id: n.id, name: n.name, depth: n.depth, fill: "#ffffff", shape: "round-rectangle", partners: 0 } });
      } else {
        var group = n.group || "";
        elements.push({
          group: "nodes", classes: "kommun",
          data: {
            id: n.id, code: n.code, name: n.name, depth: n.depth, partners: 4,
            fill: colourBy === "group" ? (GROUP_COLOURS[group] || MISSING_COLOUR) : "#4e79a7",
            shape: colourBy === "group" ? (GROUP_SHAPES[group.charAt(0)] || MISSING_SHAPE) : "ellipse"
          }
        });
      }
    });
    data.edges.forEach(function (e, i) {
      elements.push({ group: "edges", data: { id: "e" + i, source: e.s, target: e.t, weight: 1, role: e.role } });
    });
    return { elements: elements };
  }

  function styles(maxWeight, large) {
    var maxW = Math.max(maxWeight, 2);
    // A neighbourhood is drawn as rings, zoomed out to fit: larger text keeps names readable.
    var fontSize = focus ? 16 : 9;
    return [
      { selector: "node.kommun", style: {
        "background-color": "data(fill)", "shape": "data(shape)",
        "border-width": 1, "border-color": "#1b1f23",
        "width": "mapData(partners, 0, 40, 9, 26)", "height": "mapData(partners, 0, 40, 9, 26)",
        "label": "data(name)", "font-size": fontSize, "color": "#1b1f23",
        "text-valign": "bottom", "text-margin-y": 2,
        "text-background-color": "#ffffff", "text-background-opacity": 0.8,
        "text-background-padding": 1,
        "min-zoomed-font-size": large ? 8 : 4
      } },
      { selector: "node.organisation", style: {
        "background-color": "data(fill)", "shape": "rectangle",
        "border-width": 2, "border-color": "#1b1f23",
        "width": "mapData(partners, 0, 40, 12, 28)", "height": "mapData(partners, 0, 40, 12, 28)",
        "label": "data(name)", "font-size": fontSize, "color": "#1b1f23", "font-style": "italic",
        "text-valign": "bottom", "text-margin-y": 2,
        "text-background-color": "#ffffff", "text-background-opacity": 0.8,
        "text-background-padding": 1, "min-zoomed-font-size": large ? 8 : 4
      } },
      { selector: "node.agreement", style: {
        "background-color": "#ffffff", "shape": "round-rectangle", "width": 12, "height": 12,
        "border-width": 2, "border-color": "#1d4f6e", "label": "data(name)", "font-size": 7,
        "text-wrap": "ellipsis", "text-max-width": 120, "min-zoomed-font-size": 6,
        "text-valign": "bottom", "color": "#4f5a63"
      } },
      { selector: "node.cluster-label", style: {
        "background-opacity": 0, "border-width": 0, "width": 1, "height": 1,
        "label": "data(label)", "font-size": 30, "font-weight": "bold", "color": "#163d55",
        "text-valign": "center", "text-background-color": "#ffffff",
        "text-background-opacity": 0.85, "text-background-padding": 2, "events": "no"
      } },
      { selector: "edge", style: {
        "width": "mapData(weight, 1, " + maxW + ", 0.6, 7)",
        "line-color": "#4f5a63",
        "opacity": "mapData(weight, 1, " + maxW + ", " + (large ? "0.12" : "0.35") + ", 0.85)",
        "curve-style": large ? "haystack" : "bezier",
        "events": "no"
      } },
      { selector: "node.kommun:selected, node.kommun.found", style: {
        "border-width": 4, "border-color": "#0b0c0c", "background-color": "#ffdd00",
        "font-size": 14, "font-weight": "bold", "min-zoomed-font-size": 0, "z-index": 20
      } },
      { selector: ".faded", style: { "opacity": 0.12 } },
      { selector: "node.label-hidden", style: { "label": "" } },
      { selector: "node.neighbour", style: { "min-zoomed-font-size": 0, "z-index": 10 } },
      { selector: "edge.highlight", style: { "line-color": "#1d4f6e", "opacity": 0.9, "z-index": 10 } }
    ];
  }

  function buildLegend(data, extra) {
    legend.textContent = "";
    var heading = el("h3", {}, t("legend"));
    legend.appendChild(heading);
    var list = el("ul", { "class": "network__legend", "aria-label": t("legend") });
    if (view === "bipartite") {
      list.appendChild(legendItem("ellipse", "#4e79a7", t("legendKommun")));
      list.appendChild(legendItem("round-rectangle", "#ffffff", t("legendAgreement")));
      list.appendChild(legendItem("line", "2", t("legendPartyLine")));
    } else if (colourBy === "group") {
      var labels = data.group_labels || {};
      Object.keys(GROUP_COLOURS).forEach(function (group) {
        list.appendChild(legendItem(GROUP_SHAPES[group.charAt(0)], GROUP_COLOURS[group], group + " " + (labels[group] || "")));
      });
      list.appendChild(legendItem(MISSING_SHAPE, MISSING_COLOUR, t("legendNoGroup")));
    } else {
      extra.counties.forEach(function (code) {
        list.appendChild(legendItem("ellipse", countyColour(code), extra.countyNames[code] || code));
      });
    }
    if (view !== "bipartite") {
      var kinds = {};
      data.nodes.forEach(function (n) { if (n.kind && n.kind !== "kommun") { kinds[n.kind] = true; } });
      Object.keys(KIND_COLOURS).forEach(function (kind) {
        if (kinds[kind]) { list.appendChild(legendItem("square", KIND_COLOURS[kind], KIND_NAMES[kind] || kind)); }
      });
      if (Object.keys(kinds).length) { list.appendChild(el("li", { "class": "legend__item" }, t("legendOrganisations"))); }
      list.appendChild(legendItem("ellipse", "#ffffff", t("legendSize")));
      list.appendChild(legendItem("line", "1", t("legendThin")));
      list.appendChild(legendItem("line", "5", t("legendThick", { n: data.max_weight })));
      if (colourBy === "county" && !data.focus) {
        list.appendChild(el("li", { "class": "legend__item" },
          t(layoutBy === "communities" ? "legendCommunities" : "legendCounties")));
      }
    }
    legend.appendChild(list);
  }

  function showPanelMessage(title, text) {
    panel.textContent = "";
    panel.appendChild(el("h3", { id: "network-panel-title" }, title));
    panel.appendChild(el("p", {}, text));
  }

  function renderPanel(info) {
    panel.textContent = "";
    panel.appendChild(el("h3", { id: "network-panel-title" }, info.name));
    var facts = [info.county];
    if (info.group) { facts.push(info.group); }
    if (info.population) { facts.push(t("population", { n: numberSv(info.population) })); }
    panel.appendChild(el("p", { "class": "muted" }, facts.join(" · ")));
    var m = info.measures;
    var dl = el("dl", { "class": "network__facts" });
    var rows = [
      [t("partners"), numberSv(m.partners)],
      [t("agreements"), numberSv(m.agreements)],
      [t("asHost"), numberSv(m.as_host)],
      [t("asPurchaser"), numberSv(m.as_purchaser)],
      [t("asMember"), numberSv(m.as_member)],
      [t("dependsOn"), m.depends_on
        ? t("dependsOnValue", { n: m.depends_on, host: m.main_host, count: m.main_host_count }, m.depends_on)
        : t("dependsOnNone")],
      [t("serves"), t("servesValue", { n: numberSv(m.serves) }, m.serves)],
      [t("bridge"), m.other_groups
        ? t("bridgeValue", { n: numberSv(m.partners_outside), groups: numberSv(m.other_groups) }, m.other_groups)
        : (m.partners ? t("bridgeNone") : "–")],
      [t("group"), m.community ? String(m.community) : "–"]
    ];
    rows.forEach(function (row) {
      dl.appendChild(el("dt", {}, row[0]));
      dl.appendChild(el("dd", {}, row[1]));
    });
    panel.appendChild(dl);
    panel.appendChild(el("h4", {}, t("agreementsHeading", { n: info.agreement_total })));
    if (info.agreements.length) {
      var list = el("ul", { "data-panel-agreements": "" });
      info.agreements.forEach(function (a) {
        var li = el("li");
        li.appendChild(el("a", { href: a.url }, a.title));
        var detail = " – " + a.form + ", " + (ROLE_NAMES[a.role] || a.role);
        if (a.partners.length) { detail += "; " + t("withPartners", { names: a.partners.join(", ") }); }
        li.appendChild(el("span", { "class": "muted" }, detail));
        list.appendChild(li);
      });
      panel.appendChild(list);
      if (info.agreement_total > info.agreements.length) {
        var more = el("p");
        more.appendChild(el("a", { href: info.urls.all_agreements }, t("showAll")));
        panel.appendChild(more);
      }
    } else {
      panel.appendChild(el("p", {}, t("noAgreements")));
    }
    var links = el("ul");
    [[info.urls.neighbourhood, t("neighbourhood")],
     [info.urls.similar, t("similar")],
     [info.urls.municipality, t("municipalityPage")]].forEach(function (pair) {
      var li = el("li");
      li.appendChild(el("a", { href: pair[0] }, pair[1]));
      links.appendChild(li);
    });
    panel.appendChild(links);
  }

  function openPanel(code, moveFocus) {
    showPanelMessage(t("loading"), "");
    fetch(container.dataset.panel.replace("CODE", encodeURIComponent(code)), {
      headers: { "Accept": "application/json" }, credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (info) {
      renderPanel(info);
      if (moveFocus) { panel.focus(); }
    }).catch(function () {
      showPanelMessage(t("loadFailedTitle"), t("loadFailed"));
    });
  }

  // No two labels overlap: the most important node keeps its label (the chosen kommun and its
  // partners, then by steps from the focus, then by number of partners) and a label that would
  // cover one already shown is left out; selecting that node shows it again. Boxes are in the
  // graph's own coordinates, where labels scale with the nodes, so one pass holds at any zoom.
  function rank(n) {
    var depth = n.data("depth");
    return [n.hasClass("found") ? 0 : 1, n.hasClass("neighbour") ? 0 : 1,
      depth === null || depth === undefined ? 9 : depth, -(n.data("partners") || 0), n.data("name") || ""];
  }

  function before(a, b) {
    var ra = rank(a), rb = rank(b);
    for (var i = 0; i < ra.length; i += 1) {
      if (ra[i] < rb[i]) { return -1; }
      if (ra[i] > rb[i]) { return 1; }
    }
    return 0;
  }

  function declutter() {
    if (!cy) { return; }
    var labelled = cy.nodes(".kommun, .organisation, .agreement");
    labelled.removeClass("label-hidden");
    var placed = [];
    cy.nodes(".cluster-label").forEach(function (c) {
      placed.push(c.boundingBox({ includeNodes: false, includeLabels: true }));
    });
    labelled.sort(before).forEach(function (n) {
      if (n.hasClass("faded")) { n.addClass("label-hidden"); return; }
      var box = n.boundingBox({ includeNodes: false, includeLabels: true });
      if (!box.w) { return; }
      var clash = placed.some(function (p) {
        return !(box.x2 <= p.x1 || p.x2 <= box.x1 || box.y2 <= p.y1 || p.y2 <= box.y1);
      });
      if (clash) { n.addClass("label-hidden"); } else { placed.push(box); }
    });
  }

  function highlight(node) {
    cy.batch(function () {
      cy.elements().removeClass("faded neighbour highlight found");
      if (!node) { return; }
      var hood = node.closedNeighborhood();
      cy.elements().not(hood).not(".cluster-label").addClass("faded");
      hood.nodes().addClass("neighbour");
      hood.edges().addClass("highlight");
      node.addClass("found");
    });
    declutter();
  }

  function select(node, moveFocus) {
    cy.$(":selected").unselect();
    node.select();
    highlight(node);
    var code = node.data("code") || node.id();
    if (node.hasClass("agreement")) { return; }
    if (node.hasClass("organisation")) {
      panel.textContent = "";
      panel.appendChild(el("h3", { id: "network-panel-title" }, node.data("name")));
      panel.appendChild(el("p", { "class": "muted" }, KIND_NAMES[node.data("kind")] || node.data("kind")));
      panel.appendChild(el("p", {}, t("organisationPanel")));
      var link = el("p");
      link.appendChild(el("a", { href: container.dataset.organisation + node.data("organisation") }, t("organisationPage")));
      panel.appendChild(link);
      if (moveFocus) { panel.focus(); }
      return;
    }
    openPanel(code, moveFocus);
  }

  function layoutFor(count) {
    if (focus || view === "bipartite") {
      if (focus) {
        return {
          name: "concentric", animate: false, minNodeSpacing: view === "bipartite" ? 10 : (count < 20 ? 120 : 40),
          concentric: function (n) { var d = n.data("depth"); return 10 - (d === null || d === undefined ? 9 : d); },
          levelWidth: function () { return 1; }
        };
      }
      return { name: "cose", animate: false, randomize: true, nodeRepulsion: function () { return 8000; }, idealEdgeLength: function () { return 40; }, numIter: count > 300 ? 600 : 1000 };
    }
    return { name: "preset", fit: true, padding: 20 };
  }

  // Cytoscape adds a <style> element (blocked by our CSP) unless one with this id exists; the
  // rule it would add (position: relative) is in app.css (.graph-canvas).
  function preventInjectedStyle() {
    if (!document.getElementById("__________cytoscape_stylesheet")) {
      var marker = document.createElement("meta");
      marker.id = "__________cytoscape_stylesheet";
      document.head.appendChild(marker);
    }
  }

  function draw(data) {
    if (data.too_many) {
      status.textContent = t("tooMany", { n: numberSv(data.agreement_count) });
      container.hidden = true;
      return;
    }
    var built = view === "bipartite" ? bipartiteElements(data) : graphElements(data);
    var large = data.edges.length > 1500;
    preventInjectedStyle();
    cy = window.cytoscape({
      container: container,
      elements: built.elements,
      style: styles(data.max_weight || 1, large),
      layout: layoutFor(data.nodes.length),
      minZoom: 0.05,
      maxZoom: 6,
      boxSelectionEnabled: false,
      autoungrabify: !focus && view === "graph",
      hideEdgesOnViewport: large,
      textureOnViewport: large,
      pixelRatio: large ? 1 : "auto"
    });
    // A small neighbourhood should not be blown up to fill the canvas.
    if (cy.zoom() > 1.6) { cy.zoom(1.6); cy.center(); }
    buildLegend(data, built);
    declutter();
    cy.on("tap", "node.kommun, node.agreement, node.organisation", function (event) { select(event.target, false); });
    cy.on("tap", function (event) {
      if (event.target === cy) { cy.$(":selected").unselect(); highlight(null); }
    });
    var kommuner = cy.nodes(".kommun").length;
    if (view === "bipartite") {
      var agreements = cy.nodes(".agreement").length;
      status.textContent = t("drawnBipartite", { kommuner: numberSv(kommuner), n: numberSv(agreements) }, agreements);
    } else if (built.drawnEdges < data.edges.length) {
      status.textContent = t("drawnStrongest", {
        kommuner: numberSv(kommuner), drawn: numberSv(built.drawnEdges),
        n: numberSv(data.edges.length), min: built.minWeight
      });
    } else {
      status.textContent = t("drawn", { kommuner: numberSv(kommuner), n: numberSv(data.edges.length) }, data.edges.length);
    }
    container.dataset.ready = "true";
    if (focus) {
      var start = cy.getElementById(view === "bipartite" ? "m:" + focus : focus);
      if (start.nonempty()) { select(start, false); }
    }
  }

  function findNode(query) {
    var wanted = query.trim().toLocaleLowerCase("sv-SE");
    if (!wanted) { return null; }
    var nodes = cy.nodes(".kommun");
    var exact = nodes.filter(function (n) { return n.data("name").toLocaleLowerCase("sv-SE") === wanted; });
    if (exact.nonempty()) { return exact[0]; }
    var prefix = nodes.filter(function (n) { return n.data("name").toLocaleLowerCase("sv-SE").indexOf(wanted) === 0; });
    return prefix.nonempty() ? prefix[0] : null;
  }

  if (searchForm) {
    searchForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!cy) { return; }
      var input = searchForm.querySelector("input");
      var node = findNode(input.value);
      if (!node) {
        searchError.hidden = false;
        searchError.textContent = t("notFound", { name: input.value });
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", "network-search-hint network-search-error");
        return;
      }
      searchError.hidden = true;
      input.removeAttribute("aria-invalid");
      input.setAttribute("aria-describedby", "network-search-hint");
      cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 1.6) }, { duration: 250 });
      select(node, true);
    });
  }

  root.hidden = false;
  status.textContent = t("drawing");
  fetch(container.dataset.src, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    })
    .then(draw)
    .catch(function () {
      status.textContent = t("drawFailed");
    });
})();
