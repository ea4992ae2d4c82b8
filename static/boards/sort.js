/* Voice360 wallboard: the supervisor's agent table, sorted by a column and kept sorted
 * across every swap and reload.
 *
 * The choice lives here and in sessionStorage, not in the table: a full-body swap replaces
 * the table, a pushed row replaces a row in place; after either, the rows are sorted again.
 */
(function () {
  "use strict";

  var body = document.body;
  var SORT_KEY = "wallboard-sort:" + window.location.pathname;
  var sort = readSort();

  function readSort() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(SORT_KEY) || "null");
      if (saved && typeof saved.key === "string") {
        return { key: saved.key, dir: saved.dir === -1 ? -1 : 1 };
      }
    } catch (e) { /* no storage (private mode, sandboxed iframe): keep it in memory */ }
    return null;
  }

  function saveSort() {
    try {
      window.sessionStorage.setItem(SORT_KEY, JSON.stringify(sort));
    } catch (e) { /* see readSort */ }
  }

  function rowName(row) {
    var name = row.querySelector(".agent-row__name");
    return name ? name.textContent : "";
  }

  function compareRows(key) {
    return function (a, b) {
      var byName = rowName(a).localeCompare(rowName(b));
      if (key === "since") {
        // Longest call first: the earliest start; rows without a call last, by name.
        var sa = parseFloat(a.getAttribute("data-since")) || Infinity;
        var sb = parseFloat(b.getAttribute("data-since")) || Infinity;
        return sa === sb ? byName : (sa < sb ? -1 : 1);
      }
      if (key === "order") {
        return (parseInt(a.getAttribute("data-order"), 10) - parseInt(b.getAttribute("data-order"), 10)) || byName;
      }
      if (key === "answered" || key === "talk") {
        // Today's calls answered or talk time, fewest first (a second click: most first).
        var na = parseFloat(a.getAttribute("data-" + key)) || 0;
        var nb = parseFloat(b.getAttribute("data-" + key)) || 0;
        return (na - nb) || byName;
      }
      return byName;
    };
  }

  function markHeaders(table) {
    var headers = table.querySelectorAll("[data-sort]");
    for (var i = 0; i < headers.length; i++) {
      var th = headers[i];
      if (th.getAttribute("data-sort") === sort.key) {
        th.setAttribute("aria-sort", sort.dir === 1 ? "ascending" : "descending");
      } else {
        th.removeAttribute("aria-sort");
      }
    }
  }

  function applySort() {
    var table = document.querySelector(".sortable");
    var group = table && table.querySelector(".agent-rows");
    if (!group || !sort) {
      return;
    }
    markHeaders(table);
    var rows = Array.prototype.slice.call(group.children).filter(function (row) {
      return row.id;
    });
    var compare = compareRows(sort.key);
    var dir = sort.dir;
    rows.sort(function (a, b) {
      return dir * compare(a, b);
    });
    // Move only rows that are out of place: fewer DOM writes, no flicker of the rest.
    for (var j = 0; j < rows.length; j++) {
      if (group.children[j] !== rows[j]) {
        group.insertBefore(rows[j], group.children[j] || null);
      }
    }
  }

  body.addEventListener("click", function (event) {
    var th = event.target.closest && event.target.closest(".sortable [data-sort]");
    if (!th) {
      return;
    }
    var key = th.getAttribute("data-sort");
    sort = { key: key, dir: sort && sort.key === key ? -sort.dir : 1 };
    saveSort();
    applySort();
  });

  window.Wallboard.onMessage(applySort);
  applySort();
})();
