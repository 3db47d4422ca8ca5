/* TVB viewer: draw the people or directorate network with vis-network (served locally).
   Data comes from the page's JSON twin (data-src).  Brokers are stars, isolated dossier
   holders triangles, single points of failure diamonds, flagged silos squares; missing
   integration-model links are dashed.  Above the server's limit (~500 nodes) physics is
   switched off once the layout has stabilised.  Tooltips are DOM text nodes, never HTML. */
(function () {
  "use strict";

  var SHAPES = { spof: "diamond", isolated: "triangle", broker: "star", silo: "square" };
  var ORDER = ["spof", "isolated", "broker", "silo"];

  function shapeOf(flags) {
    for (var i = 0; i < ORDER.length; i++) {
      if (flags.indexOf(ORDER[i]) >= 0) { return SHAPES[ORDER[i]]; }
    }
    return "dot";
  }

  function textTip(text) {
    var el = document.createElement("div");
    el.className = "vis-tip";
    el.textContent = text;
    return el;
  }

  function say(el, text) {
    if (el) { el.textContent = text; }
  }

  function draw(container, data) {
    var many = data.nodes.length > 200;
    var nodes = data.nodes.map(function (n) {
      var flags = n.flags || [];
      var node = {
        id: n.id, label: many ? undefined : n.label, title: textTip(n.title || n.label),
        shape: shapeOf(flags), color: { background: n.color, border: flags.length ? "#1b1b1b" : n.color,
          highlight: { background: n.color, border: "#1b1b1b" } },
        borderWidth: flags.length ? 2 : 1, size: (flags.length ? 14 : 8) + 3 * Math.sqrt(n.degree || 0),
        font: { color: "#1b1b1b", size: 14, strokeWidth: 3, strokeColor: "#ffffff" },
        opacity: n.faded ? 0.35 : 1, url: n.url, plainLabel: n.label
      };
      if (n.value !== undefined && data.view === "directorates") { node.value = n.value; }
      return node;
    });
    // Widths are computed here rather than by vis's value scaling, which would also
    // thin out the dashed gap edges that carry no weight.
    var top = Math.max.apply(null, [1].concat(data.edges.map(function (e) { return e.value || 1; })));
    var edges = data.edges.map(function (e, i) {
      var edge = { id: i, from: e.from, to: e.to, width: 1 + 6 * ((e.value || 1) - 1) / Math.max(1, top - 1),
        color: { color: "#8a8f98", highlight: "#1b1b1b", opacity: 0.7 } };
      if (e.title) { edge.title = textTip(e.title); }
      if (e.gap) { edge.dashes = [8, 6]; edge.color = { color: "#b3401b" }; edge.width = 3; }
      return edge;
    });
    var big = data.physics_off_after_stabilisation;
    var dirs = data.view === "directorates";
    var options = {
      autoResize: true,
      layout: { improvedLayout: !big && nodes.length <= 150, randomSeed: 7 },
      nodes: { scaling: { min: 12, max: 36, label: { enabled: true, min: 14, max: 22 } } },
      edges: { smooth: false },
      physics: {
        solver: "forceAtlas2Based",
        forceAtlas2Based: dirs ? { gravitationalConstant: -400, springLength: 220, avoidOverlap: 0.6 }
          : { gravitationalConstant: -60, springLength: 90 },
        stabilization: { enabled: true, iterations: big ? 120 : 400, updateInterval: 50 }
      },
      interaction: { hover: true, tooltipDelay: 150, navigationButtons: true,
        keyboard: { enabled: true, bindToWindow: false }, hideEdgesOnDrag: big }
    };
    var network = new window.vis.Network(container, {
      nodes: new window.vis.DataSet(nodes), edges: new window.vis.DataSet(edges)
    }, options);
    container.dataset.nodes = String(nodes.length);
    container.dataset.edges = String(edges.length);
    network.once("stabilizationIterationsDone", function () {
      if (big) { network.setOptions({ physics: false }); }
      container.dataset.stabilised = "true";
    });
    network.once("afterDrawing", function () { container.dataset.drawn = "true"; });

    var selection = document.getElementById("network-selection");
    network.on("selectNode", function (params) {
      var n = nodes.filter(function (x) { return x.id === params.nodes[0]; })[0];
      if (!n || !selection) { return; }
      while (selection.firstChild) { selection.removeChild(selection.firstChild); }
      if (n.url) {
        var a = document.createElement("a");
        a.href = n.url;
        a.textContent = n.plainLabel;
        selection.appendChild(a);
      } else {
        selection.textContent = n.plainLabel;
      }
    });
    network.on("doubleClick", function (params) {
      var n = nodes.filter(function (x) { return x.id === params.nodes[0]; })[0];
      if (n && n.url) { window.location.href = n.url; }
    });
    window.tvbNetwork = network;
  }

  function init() {
    var container = document.getElementById("network");
    if (!container) { return; }
    if (!window.vis || !window.fetch) { say(container, "vis-network unavailable"); return; }
    say(container, container.dataset.loading || "");
    fetch(container.dataset.src, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(function (data) { say(container, ""); draw(container, data); })
      .catch(function (err) { say(container, String(err)); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
