/* Corrections on the committee map (for a page session whose key may write): mark the chosen person
 * as left, set or draw their reporting line, assert their role on the chosen deal (or drag them onto a
 * missing role's dashed box), and undo a correction. Every request goes to /api/v1/corrections with
 * the session's CSRF header (committee_map.js's pageHeaders); the page then reloads, so the map, the
 * panels and the analyses show the corrected account. Texts go in with textContent only.
 * State for tests: #map data-fix-state (saving | saved | error), data-fix-person.
 */
(function () {
  "use strict";
  const map = window.buyergraphMap;
  const container = document.getElementById("map");
  const panel = document.getElementById("correct-panel");
  if (!map || !panel) return;
  const payload = map.payload;
  const say = map.say;
  const status = document.getElementById("fix-status");
  const who = document.getElementById("fix-person");
  const form = document.getElementById("fix-form");
  const conflictList = document.getElementById("fix-conflicts");
  let chosen = null;
  let drawing = false;

  function nameOf(id) {
    const node = map.nodes.get(id);
    return node && node.info ? node.info.name : id;
  }

  function choose(personId) {
    const node = map.nodes.get(personId);
    if (!node || node.kind !== "person") return;
    if (drawing && chosen && personId !== chosen) {
      drawing = false;
      send({ kind: "reporting", person_id: chosen, manager_id: personId,
        line_kind: document.getElementById("fix-line-kind").value });
      return;
    }
    chosen = personId;
    container.dataset.fixPerson = personId;
    who.textContent = say("fix_selected") + nameOf(personId);
    form.hidden = false;
    conflictList.textContent = "";
    (node.info.conflicts || []).forEach(function (text) {
      const item = document.createElement("li");
      item.textContent = text;
      conflictList.appendChild(item);
    });
  }

  function send(body, method, url) {
    container.dataset.fixState = "saving";
    status.textContent = say("fix_saving");
    return fetch(url || "/api/v1/corrections", {
      method: method || "POST",
      credentials: "same-origin",
      headers: map.pageHeaders({ "Content-Type": "application/json", Accept: "application/json" }),
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (response) {
      if (!response.ok) {
        return response.json().catch(function () { return {}; }).then(function (problem) {
          throw new Error(problem.detail || problem.title || ("HTTP " + response.status));
        });
      }
      container.dataset.fixState = "saved";
      window.location.reload();
      return null;
    }).catch(function (err) {
      container.dataset.fixState = "error";
      status.textContent = say("fix_error") + err.message;
    });
  }

  function needPerson() {
    if (chosen) return true;
    status.textContent = say("fix_pick");
    return false;
  }

  function chosenDeal() {
    return container.dataset.dealId || payload.selected_deal || "";
  }

  container.addEventListener("personchosen", function (event) { choose(event.detail); });

  document.getElementById("fix-left").addEventListener("click", function () {
    if (!needPerson()) return;
    send({ kind: "left", person_id: chosen, on: document.getElementById("fix-left-on").value });
  });
  document.getElementById("fix-report").addEventListener("click", function () {
    if (!needPerson()) return;
    send({ kind: "reporting", person_id: chosen, manager_id: document.getElementById("fix-manager").value,
      line_kind: document.getElementById("fix-line-kind").value });
  });
  document.getElementById("fix-draw").addEventListener("click", function () {
    if (!needPerson()) return;
    drawing = true;
    status.textContent = say("fix_draw", { name: nameOf(chosen) });
  });
  const roleButton = document.getElementById("fix-role-add");
  if (roleButton) {
    roleButton.addEventListener("click", function () {
      if (!needPerson() || !chosenDeal()) return;
      send({ kind: "role", deal_id: chosenDeal(), person_id: chosen, role: document.getElementById("fix-role").value });
    });
  }
  document.querySelectorAll(".fix-undo").forEach(function (button) {
    button.addEventListener("click", function () {
      send(null, "DELETE", "/api/v1/corrections/" + encodeURIComponent(button.dataset.correctionId));
    });
  });

  // Dragging a person onto a missing role's dashed box asserts that role on the box's deal.
  map.network.on("dragEnd", function (params) {
    if (!params.nodes.length) return;
    const dragged = map.nodes.get(params.nodes[0]);
    if (!dragged || dragged.kind !== "person") return;
    const point = params.pointer.canvas;
    const target = map.nodes.get({ filter: function (n) { return n.kind === "placeholder"; } }).find(function (box) {
      const b = map.network.getBoundingBox(box.id);
      return b && point.x >= b.left && point.x <= b.right && point.y >= b.top && point.y <= b.bottom;
    });
    if (!target) return;
    const label = target.info ? target.info.name : target.role;
    if (!window.confirm(say("fix_drop", { name: nameOf(dragged.id), role: label }))) return;
    send({ kind: "role", deal_id: target.deal_id, person_id: dragged.id, role: target.role });
  });
})();
