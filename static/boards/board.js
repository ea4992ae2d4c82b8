/* Voice360 wallboard page behaviour. No inline scripts: everything the page does is here.
 *
 * - Versions: every pushed update names the version it applies to; if the page holds another,
 *   the update is dropped and the full state requested (the server sends it on reconnect too).
 * - Reconnect forever: the htmx ws extension retries only after close codes 1006/1011/1012/1013;
 *   after any other close (daphne's 1000 after its websocket timeout, a proxy's 1001, ...)
 *   this script reconnects with jittered backoff. 4001 means the screen was unlinked: stop.
 * - Clock, call timers and the age of stale data tick here, from the server's clock.
 * - TVs shift by a pixel or two every few minutes against burn-in, and fit their tiles to the
 *   screen so that nothing scrolls.
 */
(function () {
  "use strict";

  var AUTO_RETRY_CODES = [1006, 1011, 1012, 1013];
  var UNLINKED = 4001;
  var body = document.body;
  var retries = 0;
  var clockOffsetMs = 0; // server clock minus this browser's clock

  function serverNow() {
    return Date.now() + clockOffsetMs;
  }

  function pageVersion() {
    var marker = document.getElementById("wb-version");
    return marker ? parseInt(marker.getAttribute("data-version"), 10) : -1;
  }

  function readServerClock() {
    var freshness = document.getElementById("freshness");
    var now = freshness && parseFloat(freshness.getAttribute("data-server-now"));
    if (now) {
      clockOffsetMs = now * 1000 - Date.now();
    }
  }

  // --- versions -----------------------------------------------------------------------
  var MARKER = /^<div id="wb-version" hidden data-version="(\d+)"(?: data-prev="(\d+)")? data-kind="(\w+)"/;

  body.addEventListener("htmx:wsBeforeMessage", function (event) {
    var match = MARKER.exec(event.detail.message);
    var behind = match && (
      (match[3] === "diff" && parseInt(match[2], 10) !== pageVersion()) ||
      (match[3] === "status" && parseInt(match[1], 10) !== pageVersion()));
    if (behind) {
      event.preventDefault();
      event.detail.socketWrapper.send(JSON.stringify({ type: "resync" }));
    }
  });

  body.addEventListener("htmx:wsAfterMessage", function () {
    readServerClock();
    tick();
    fit();
  });

  // --- connection state and reconnecting ------------------------------------------------
  body.addEventListener("htmx:wsOpen", function () {
    retries = 0;
    body.classList.remove("is-disconnected");
  });

  body.addEventListener("htmx:wsClose", function (event) {
    var code = event.detail.event.code;
    if (code === UNLINKED) {
      body.classList.add("is-unlinked");
      return;
    }
    body.classList.add("is-disconnected");
    if (AUTO_RETRY_CODES.indexOf(code) >= 0) {
      return; // the extension retries these itself
    }
    var wrapper = event.detail.socketWrapper;
    var delay = Math.min(30000, 500 * Math.pow(2, retries)) * (0.5 + Math.random());
    retries += 1;
    window.setTimeout(function () {
      wrapper.reconnect();
    }, delay);
  });

  body.addEventListener("htmx:wsError", function () {
    body.classList.add("is-disconnected");
  });

  // --- clock, timers, data age ------------------------------------------------------------
  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function duration(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    return (h ? h + ":" + pad(m) : String(m)) + ":" + pad(s);
  }

  function tick() {
    var now = serverNow();
    var clock = document.getElementById("clock");
    if (clock) {
      var d = new Date(now);
      clock.textContent = pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
    }
    var timers = document.querySelectorAll(".timer[data-since]");
    for (var i = 0; i < timers.length; i++) {
      var since = parseFloat(timers[i].getAttribute("data-since"));
      timers[i].textContent = since ? duration(now / 1000 - since) : "";
    }
    var freshness = document.getElementById("freshness");
    if (freshness) {
      var stale = freshness.getAttribute("data-state") === "stale";
      body.classList.toggle("is-stale", stale);
      var age = freshness.querySelector("[data-age]");
      var fetchedAt = parseFloat(freshness.getAttribute("data-fetched-at"));
      if (age) {
        age.textContent = stale ? (fetchedAt ? "data " + duration(now / 1000 - fetchedAt) + " old" : "no data yet") : "";
      }
    }
  }

  // --- fitting a TV screen: no scrollbars, as large as the screen allows -----------------
  function bestGrid(count, width, height, aspect) {
    // Columns that give the largest tiles of the wanted aspect (width / height).
    var best = { cols: 1, rowHeight: height };
    var bestSize = 0;
    for (var cols = 1; cols <= Math.max(1, count); cols++) {
      var rows = Math.ceil(count / cols);
      var cellW = width / cols;
      var cellH = height / rows;
      var size = Math.min(cellW / aspect, cellH);
      if (size > bestSize) {
        bestSize = size;
        best = { cols: cols, rowHeight: Math.min(cellH, cellW / aspect * 1.6) };
      }
    }
    return best;
  }

  function fit() {
    if (body.getAttribute("data-audience") !== "tv" && body.getAttribute("data-audience") !== "public") {
      return;
    }
    var main = document.getElementById("board-body");
    var queues = main && main.querySelector(".queues");
    var agents = main && main.querySelector(".agents");
    if (!main) {
      return;
    }
    var gap = parseFloat(getComputedStyle(main).rowGap) || 8;
    var width = main.clientWidth;
    var height = main.clientHeight;
    var status = main.querySelector(".board-status");
    if (status) {
      height -= status.offsetHeight + (status.offsetHeight ? gap : 0);
    }
    var queueCount = queues ? queues.querySelectorAll(".tile").length : 0;
    var agentCount = agents ? agents.querySelectorAll(".agent").length : 0;
    var queueShare = agentCount ? (queueCount > 6 ? 0.42 : 0.34) : 1;
    if (queues && queueCount) {
      var qHeight = Math.floor(height * queueShare);
      var q = bestGrid(queueCount, width, qHeight, 2.2);
      queues.style.setProperty("--queue-cols", String(q.cols));
      queues.style.setProperty("--queues-height", qHeight + "px");
      queues.style.gridAutoRows = Math.floor((qHeight - gap * (Math.ceil(queueCount / q.cols) - 1)) / Math.ceil(queueCount / q.cols)) + "px";
    }
    if (agents && agentCount) {
      var aHeight = height - (queues && queueCount ? Math.floor(height * queueShare) + gap : 0);
      var a = bestGrid(agentCount, width, aHeight, 4.5);
      var rows = Math.ceil(agentCount / a.cols);
      agents.style.setProperty("--agent-cols", String(a.cols));
      agents.style.setProperty("--agent-row", Math.floor((aHeight - gap * (rows - 1)) / rows) + "px");
    }
  }

  // --- burn-in care: a subtle shift every few minutes -------------------------------------
  var SHIFTS = [[0, 0], [1, 0], [1, 1], [0, 1], [-1, 1], [-1, 0], [-1, -1], [0, -1], [1, -1]];
  var shift = 0;
  function shiftPixels() {
    if (body.getAttribute("data-audience") !== "tv") {
      return;
    }
    shift = (shift + 1) % SHIFTS.length;
    var frame = document.getElementById("board");
    frame.style.transform = "translate(" + SHIFTS[shift][0] * 2 + "px," + SHIFTS[shift][1] * 2 + "px)";
  }

  // --- supervisor table: sort by a column, kept across pushed row updates ----------------
  function sortTable(table, key) {
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    rows.sort(function (a, b) {
      if (key === "name") {
        return a.cells[0].textContent.localeCompare(b.cells[0].textContent);
      }
      if (key === "since") {
        return (parseFloat(a.getAttribute("data-since")) || Infinity) - (parseFloat(b.getAttribute("data-since")) || Infinity);
      }
      return (parseInt(a.getAttribute("data-order"), 10) - parseInt(b.getAttribute("data-order"), 10)) ||
        a.cells[0].textContent.localeCompare(b.cells[0].textContent);
    });
    rows.forEach(function (row) { tbody.appendChild(row); });
    table.setAttribute("data-sorted-by", key);
  }

  body.addEventListener("click", function (event) {
    var th = event.target.closest && event.target.closest("th[data-sort]");
    if (th) {
      sortTable(th.closest("table"), th.getAttribute("data-sort"));
    }
  });

  body.addEventListener("htmx:oobAfterSwap", function () {
    var table = document.querySelector("table[data-sorted-by]");
    if (table) {
      sortTable(table, table.getAttribute("data-sorted-by"));
    }
  });

  readServerClock();
  tick();
  fit();
  window.addEventListener("resize", fit);
  window.setInterval(tick, 1000);
  window.setInterval(shiftPixels, 180000);
})();
