/* The account list: sort by any column (numbers as numbers) and filter the rows as you type. */
(function () {
  "use strict";
  const table = document.getElementById("account-table");
  if (!table) return;
  const body = table.tBodies[0];
  const headers = Array.prototype.slice.call(table.tHead.rows[0].cells);

  function value(row, index, kind) {
    const raw = row.cells[index].dataset.value || "";
    return kind === "number" ? parseFloat(raw) || 0 : raw.toLocaleLowerCase();
  }

  headers.forEach(function (th, index) {
    th.tabIndex = 0;
    th.classList.add("sortable");
    function sort() {
      const kind = th.dataset.sort;
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        const x = value(a, index, kind);
        const y = value(b, index, kind);
        const order = kind === "number" ? x - y : x.localeCompare(y);
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (event) { if (event.key === "Enter") sort(); });
  });

  const search = document.getElementById("account-search");
  if (search) {
    search.addEventListener("input", function () {
      const needle = search.value.trim().toLocaleLowerCase();
      Array.prototype.forEach.call(body.rows, function (row) {
        row.hidden = needle !== "" && row.textContent.toLocaleLowerCase().indexOf(needle) === -1;
      });
    });
  }
})();
