/* The committee map: draws the server-computed vis-network data, switches deals, shows warm paths.
 *
 * Every name and text from the data is put into the page with textContent or as vis-network text,
 * never as HTML. State that tests and people can read is mirrored on #map as data attributes:
 * data-state (loading | ready), data-deal-id, data-path-nodes, data-path-edges, data-path-state.
 */
(function () {
  "use strict";
  const scriptStart = performance.now();

  const container = document.getElementById("map");
  const status = document.getElementById("map-status");
  const payload = JSON.parse(document.getElementById("map-data").textContent);
  const palette = payload.palette;
  const accountId = payload.account_id;
  // The page's words in its language (viz/i18n.py), with {name} fields filled in by say().
  const T = payload.text || {};
  function say(key, fields) {
    return String(T[key] || key).replace(/\{(\w+)\}/g, function (_, name) {
      return fields && fields[name] !== undefined ? String(fields[name]) : "";
    });
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function tooltip(info, kind) {
    const box = el("div", "tip");
    box.appendChild(el("div", "tip-name", info.name));
    if (info.title) box.appendChild(el("div", "tip-title", info.title));
    if (info.department) box.appendChild(el("div", "tip-line", say("department") + info.department));
    if (kind === "person") {
      if (info.roles && info.roles.length) box.appendChild(el("div", "tip-line", say("role") + info.roles.join(payload.lang === "zh-CN" ? "、" : ", ")));
      if (info.score !== undefined) {
        box.appendChild(el("div", "tip-line", say("influence", { score: info.score.toFixed(2), rank: info.rank })));
      }
      if (info.explanation) box.appendChild(el("div", "tip-expl", info.explanation));
      box.appendChild(el("div", "tip-line", say("last_touch") + (info.last_touch || say("never"))));
      box.appendChild(el("div", "tip-line eng-" + info.engagement, info.engagement_text));
      if (info.departed) box.appendChild(el("div", "tip-line", say("left_company") + (info.departed_on ? say("left_by") + info.departed_on : "")));
      (info.conflicts || []).forEach(function (text) { box.appendChild(el("div", "tip-line tip-conflict", text)); });
    } else if (info.explanation) {
      box.appendChild(el("div", "tip-expl", info.explanation));
    }
    return box;
  }

  function prepareNode(raw) {
    const node = Object.assign({}, raw);
    if (raw.info) node.title = tooltip(raw.info, raw.kind);
    return node;
  }

  function prepareEdge(raw) {
    const edge = Object.assign({}, raw);
    if (raw.title) edge.title = el("div", "tip-line", raw.title);
    return edge;
  }

  const nodes = new vis.DataSet(payload.nodes.map(prepareNode));
  const edges = new vis.DataSet(payload.edges.map(prepareEdge));
  const network = new vis.Network(container, { nodes: nodes, edges: edges }, payload.options);
  const deals = new Map(payload.deals.map(function (d) { return [d.id, d]; }));

  // --- deals -------------------------------------------------------------------------------------

  function applyDeal(dealId) {
    const deal = deals.get(dealId);
    nodes.remove(nodes.getIds({ filter: function (n) { return n.kind === "placeholder"; } }));
    edges.remove(edges.getIds({ filter: function (e) { return e.kind === "candidate"; } }));
    const updates = [];
    nodes.forEach(function (n) {
      if (n.kind !== "person") return;
      let fill = n.departed ? palette.departed : palette.no_role;
      if (deal && deal.colors[n.id]) fill = deal.colors[n.id];
      const update = { id: n.id };
      if (n.color.background !== fill) {
        update.color = Object.assign({}, n.color, { background: fill,
          highlight: { background: fill, border: palette.path }, hover: { background: fill, border: palette.path } });
      }
      if (n.plain_label) {
        // A card: its third line names the role on this deal, its text contrasts with the new fill.
        const label = (deal && deal.labels[n.id]) || n.plain_label;
        const ink = (deal && deal.fonts[n.id]) || (n.departed ? palette.departed_ink : palette.ink);
        if (label !== n.label) update.label = label;
        if (!n.font || n.font.color !== ink) update.font = Object.assign({}, n.font, { color: ink });
      }
      if (Object.keys(update).length > 1) updates.push(update);
    });
    nodes.update(updates);
    if (deal) {
      nodes.add(deal.placeholders.map(prepareNode));
      edges.add(deal.placeholder_edges.map(prepareEdge));
    }
    document.querySelectorAll(".deal-panel").forEach(function (panel) {
      panel.hidden = panel.dataset.dealId !== dealId;
    });
    container.dataset.dealId = dealId || "";
  }

  // --- clusters (large accounts) -------------------------------------------------------------------

  function clusterByDepartment() {
    const counts = {};
    nodes.forEach(function (n) { if (n.cluster) counts[n.cluster] = (counts[n.cluster] || 0) + 1; });
    Object.keys(counts).sort().forEach(function (dept) {
      if (counts[dept] < 2) return;
      const box = payload.department_boxes[dept];
      // Drawn as big as the block its people occupy, so the overview reads at any zoom.
      const size = box ? Math.max(40, Math.min(box[2], box[3]) * 0.42) : 40;
      const tip = el("div", "tip");
      tip.appendChild(el("div", "tip-name", dept));
      tip.appendChild(el("div", "tip-line", say("cluster_people", { count: counts[dept] })));
      const props = {
        id: "cluster:" + dept, kind: "cluster", label: dept + "\n" + say("cluster_label", { count: counts[dept] }), title: tip,
        shape: "hexagon", size: size, borderWidth: 2,
        color: { background: "rgba(120,144,156,0.12)", border: "#90a4ae",
          highlight: { background: "rgba(255,111,0,0.10)", border: palette.path },
          hover: { background: "rgba(120,144,156,0.2)", border: "#546e7a" } },
        font: { size: Math.max(16, size * 0.22), color: "#455a64", strokeWidth: 0, vadjust: -size * 1.25 },
      };
      if (box) { props.x = box[0]; props.y = box[1]; }
      network.cluster({ joinCondition: function (n) { return n.cluster === dept; }, clusterNodeProperties: props });
    });
  }

  // Opening a department puts its people back where the layout drew them (vis-network's default would
  // stack them all on the cluster's centre).
  function openDepartment(clusterId) {
    network.openCluster(clusterId, { releaseFunction: function (clusterPosition, positions) { return positions; } });
  }

  function revealNode(id) {
    // Open any department cluster that hides this node, so a path can be drawn to it.
    let chain = [];
    try { chain = network.clustering.findNode(id); } catch (err) { chain = [id]; }
    for (let i = 0; i < chain.length - 1; i += 1) {
      if (network.isCluster(chain[i])) openDepartment(chain[i]);
    }
  }

  // --- framing -------------------------------------------------------------------------------------

  // Fit the view to some nodes, leaving a margin so that nothing sits under the map's buttons.
  // `readable`: rather than shrink text below the readable size, centre on the nodes at that size.
  const minReadableScale = (payload.readable_px + 0.1) / payload.card_font_px;
  function frame(ids, readable) {
    const present = ids.filter(function (id) { return network.body.nodes[id] !== undefined; });
    if (!present.length) { network.fit({ animation: false }); return; }
    network.fit({ nodes: present, animation: false, maxZoomLevel: 1.6 });
    const scale = network.getScale() * 0.85;
    if (readable && scale < minReadableScale) {
      // Too many to read at once: at a readable size, the window that shows the most of them
      // (centred on one of them; ties go to the earlier, the committee comes first).
      const spots = network.getPositions(present);
      const halfW = container.clientWidth / 2 / minReadableScale * 0.9;
      const halfH = container.clientHeight / 2 / minReadableScale * 0.9;
      let best = null;
      let bestCount = -1;
      present.forEach(function (id) {
        const c = spots[id];
        const count = present.filter(function (other) {
          return Math.abs(spots[other].x - c.x) <= halfW && Math.abs(spots[other].y - c.y) <= halfH;
        }).length;
        if (count > bestCount) { best = c; bestCount = count; }
      });
      // Centre on the middle of what that window holds, not on its first node.
      const inside = present.filter(function (other) {
        return Math.abs(spots[other].x - best.x) <= halfW && Math.abs(spots[other].y - best.y) <= halfH;
      });
      const xs = inside.map(function (id) { return spots[id].x; });
      const ys = inside.map(function (id) { return spots[id].y; });
      const centre = { x: (Math.min.apply(null, xs) + Math.max.apply(null, xs)) / 2,
        y: (Math.min.apply(null, ys) + Math.max.apply(null, ys)) / 2 };
      network.moveTo({ position: centre, scale: minReadableScale, animation: false });
      return;
    }
    // A few nodes alone would fill the screen with a few huge cards: when readability is the rule,
    // show them at the readable size, with as much of their surroundings as that leaves room for.
    const shown = readable ? Math.min(scale, minReadableScale) : scale;
    network.moveTo({ position: network.getViewPosition(), scale: shown, animation: false });
  }

  // The first view: the chosen deal's committee (or the key people) with our reps when all of them fit
  // at a readable size, else the committee alone at a readable size.
  function firstView() {
    const deal = deals.get(container.dataset.dealId);
    const focus = deal && deal.focus.length ? deal.focus : payload.focus;
    const committee = deal ? deal.committee.map(function (m) { return m.person_id; }) : [];
    // Widest first: with our reps, then with the gaps' candidates, then the committee alone.
    const tries = [focus.concat(payload.reps), focus];
    for (let i = 0; i < tries.length; i += 1) {
      frame(tries[i], false);
      if (network.getScale() >= minReadableScale) return;
    }
    frame(committee.length ? committee : focus, true);
  }

  // --- warm paths ----------------------------------------------------------------------------------

  const pathResult = document.getElementById("path-result");
  let pathState = { nodes: [], edges: [], restore: [] };

  function clearPath() {
    edges.remove(pathState.edges);
    nodes.update(pathState.restore);
    pathState = { nodes: [], edges: [], restore: [] };
    container.dataset.pathNodes = "";
    container.dataset.pathEdges = "";
  }

  function ensureNode(stop) {
    if (nodes.get(stop.map_id)) return;
    nodes.add(prepareNode({ id: stop.map_id, kind: stop.kind, label: stop.label, shape: "box", x: 0, y: 0,
      color: { background: "#34495e", border: "#34495e" }, font: { color: "#ffffff" },
      info: { name: stop.label, title: stop.subtitle || "" } }));
  }

  function drawPath(path, stops) {
    clearPath();
    path.stops.forEach(function (stop) { revealNode(stop.map_id); ensureNode(stop); });
    path.stops.forEach(function (stop) {
      const node = nodes.get(stop.map_id);
      pathState.restore.push({ id: node.id, borderWidth: node.borderWidth, color: node.color });
      nodes.update({ id: node.id, borderWidth: 7,
        color: Object.assign({}, node.color, { border: palette.path }) });
      pathState.nodes.push(node.id);
    });
    path.hops.forEach(function (hop, i) {
      const id = "path:" + i;
      edges.add({ id: id, kind: "path", from: hop.source, to: hop.target, width: 6, arrows: "to",
        color: { color: palette.path, highlight: palette.path, opacity: 1 }, smooth: false,
        title: el("div", "tip-line", hop.reason) });
      pathState.edges.push(id);
    });
    container.dataset.pathNodes = pathState.nodes.join(",");
    container.dataset.pathEdges = pathState.edges.join(",");
    network.selectNodes([path.stops[path.stops.length - 1].map_id], false);
    // The whole path on screen, whatever the zoom it needs (the steps are listed in the panel too).
    frame(pathState.nodes, false);
  }

  function renderPaths(answer) {
    pathResult.textContent = "";
    pathResult.classList.remove("muted");
    const head = el("div", "path-target", answer.target.label);
    if (answer.target.subtitle) head.appendChild(el("div", "muted small", answer.target.subtitle));
    pathResult.appendChild(head);
    if (!answer.paths.length) {
      pathResult.appendChild(el("p", "muted", answer.message));
      container.dataset.pathState = "none";
      clearPath();
      return;
    }
    answer.paths.forEach(function (path, index) {
      const block = el("div", "path-option" + (index === 0 ? " chosen" : ""));
      const hops = payload.lang === "en"
        ? path.hops.length + " hop" + (path.hops.length === 1 ? "" : "s") : say("hops", { n: path.hops.length });
      const title = el("button", "path-choose", (index === 0 ? say("warmest") : say("alternative", { n: index })) +
        " · " + hops + " · " + (path.cost_text || say("cost", { cost: path.cost.toFixed(2) })));
      title.type = "button";
      title.addEventListener("click", function () {
        pathResult.querySelectorAll(".path-option").forEach(function (b) { b.classList.remove("chosen"); });
        block.classList.add("chosen");
        drawPath(path);
      });
      block.appendChild(title);
      if (path.explanation) block.appendChild(el("p", "path-why small", path.explanation));
      const list = el("ol", "path-steps");
      path.hops.forEach(function (hop) {
        const item = el("li");
        item.appendChild(el("strong", null, hop.source_label));
        item.appendChild(document.createTextNode(" → "));
        item.appendChild(el("strong", null, hop.target_label));
        item.appendChild(el("div", "muted small", hop.reason + " (" + say("strength", { strength: hop.strength.toFixed(2) }) + ")"));
        list.appendChild(item);
      });
      block.appendChild(list);
      pathResult.appendChild(block);
    });
    container.dataset.pathState = "found";
    drawPath(answer.paths[0]);
    document.getElementById("path-panel").scrollIntoView({ block: "nearest" });
  }

  // The page session's CSRF token (a meta tag the server renders): the server refuses any write that
  // the session cookie signs unless it carries this header and comes from this origin.
  function pageHeaders(headers) {
    const meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content) headers["X-CSRF-Token"] = meta.content;
    return headers;
  }

  let pathRequest = 0;
  function showPath(personId) {
    const ticket = ++pathRequest;
    // Other panels (the corrections, viz/static/corrections.js) follow the person chosen.
    container.dispatchEvent(new CustomEvent("personchosen", { detail: personId }));
    container.dataset.pathState = "loading";
    pathResult.textContent = say("finding");
    const url = "/accounts/" + encodeURIComponent(accountId) + "/paths/" + encodeURIComponent(personId) +
      "?as_of=" + encodeURIComponent(payload.as_of);
    return fetch(url, { credentials: "same-origin", headers: pageHeaders({ Accept: "application/json" }) })
      .then(function (response) {
        if (!response.ok) {
          return response.json().catch(function () { return {}; }).then(function (problem) {
            throw new Error(problem.detail || problem.title || ("HTTP " + response.status));
          });
        }
        return response.json();
      })
      .then(function (answer) { if (ticket === pathRequest) renderPaths(answer); })
      .catch(function (err) {
        if (ticket !== pathRequest) return;
        container.dataset.pathState = "error";
        pathResult.textContent = say("path_error") + err.message;
      });
  }

  function focusPerson(personId) {
    revealNode(personId);
    if (!nodes.get(personId)) return;
    network.selectNodes([personId], false);
    network.focus(personId, { scale: Math.max(network.getScale(), minReadableScale), animation: false });
    showPath(personId);
  }

  // --- events --------------------------------------------------------------------------------------

  network.on("click", function (params) {
    if (!params.nodes.length) return;
    const id = params.nodes[0];
    if (network.isCluster(id)) { openDepartment(id); return; }
    const node = nodes.get(id);
    if (node && node.kind === "person") showPath(id);
  });
  network.on("doubleClick", function (params) {
    if (params.nodes.length && network.isCluster(params.nodes[0])) openDepartment(params.nodes[0]);
  });

  const dealSelect = document.getElementById("deal-select");
  if (dealSelect) {
    dealSelect.addEventListener("change", function () { applyDeal(dealSelect.value); firstView(); });
  }
  document.querySelectorAll(".person-link").forEach(function (link) {
    link.addEventListener("click", function (event) { event.preventDefault(); focusPerson(link.dataset.personId); });
  });
  // Many touch edges hide the org chart: then only ties to the committee and key people show at first.
  const touchToggle = document.getElementById("touch-toggle");
  function showTouches(all) {
    edges.update(edges.get({ filter: function (e) { return e.kind === "touch"; } })
      .map(function (e) { return { id: e.id, hidden: !all && !e.important }; }));
  }
  touchToggle.checked = edges.get({ filter: function (e) { return e.kind === "touch"; } }).length <=
    payload.touch_edges_shown_up_to;
  showTouches(touchToggle.checked);
  touchToggle.addEventListener("change", function () { showTouches(touchToggle.checked); });
  document.getElementById("fit-button").addEventListener("click", function () { network.fit({ animation: true }); });
  document.getElementById("focus-button").addEventListener("click", firstView);
  document.getElementById("clear-path-button").addEventListener("click", function () {
    clearPath();
    container.dataset.pathState = "";
    pathResult.textContent = pathResult.dataset.hint;
  });

  // Typed search: any part of a name or title, in any script, ignoring case, accents, spaces and order
  // of the name's words ("kelly betty" finds Betty Kelly, "陈洋", "陈 洋" and, by the pinyin the server
  // adds (graph/search.py), "chen yang" find 陈洋).
  const search = document.getElementById("person-search");
  const hits = document.getElementById("person-hits");
  function fold(text) {
    return String(text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function squash(text) { return fold(text).replace(/[\s.,'’·・-]+/g, ""); }
  const people = payload.nodes.filter(function (n) { return n.kind === "person"; }).map(function (n) {
    const words = fold(n.info.name).split(/\s+/).filter(Boolean);
    return { id: n.id, name: n.info.name, title: n.info.title || "",
      keys: [squash(n.info.name), squash(words.slice().reverse().join("")), squash(n.info.title),
        n.info.pinyin || ""] };
  });
  function matches(query) {
    const q = squash(query);
    if (!q) return [];
    const exact = people.filter(function (p) { return p.keys[0] === q || p.keys[1] === q; });
    if (exact.length) return exact;
    return people.filter(function (p) { return p.keys.some(function (k) { return k.indexOf(q) >= 0; }); });
  }
  function showHits(query) {
    hits.textContent = "";
    const found = matches(query);
    found.slice(0, 30).forEach(function (p) {
      const item = el("li");
      const button = el("button", null, p.title ? p.name + " — " + p.title : p.name);
      button.type = "button";
      button.dataset.personId = p.id;
      button.addEventListener("click", function () { hits.textContent = ""; search.value = p.name; focusPerson(p.id); });
      item.appendChild(button);
      hits.appendChild(item);
    });
    if (query.trim() && !found.length) hits.appendChild(el("li", "muted small", search.dataset.none));
    return found;
  }
  search.addEventListener("input", function () { showHits(search.value); });
  search.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    const found = showHits(search.value);
    if (found.length === 1) { hits.textContent = ""; focusPerson(found[0].id); }
  });

  // --- first draw ----------------------------------------------------------------------------------

  applyDeal(payload.selected_deal || "");
  if (payload.clustered) clusterByDepartment();
  network.once("afterDrawing", function () {
    // Milliseconds from navigation start, and spent in this script: for bench/bench_map.py.
    container.dataset.readyMs = String(Math.round(performance.now()));
    container.dataset.scriptMs = String(Math.round(performance.now() - scriptStart));
    container.dataset.state = "ready";
    status.hidden = true;
  });
  firstView();
  window.buyergraphMap = { network: network, nodes: nodes, edges: edges, showPath: showPath,
    applyDeal: applyDeal, focusPerson: focusPerson, clearPath: clearPath, frame: frame,
    revealNode: revealNode, pageHeaders: pageHeaders, say: say, payload: payload };
})();
