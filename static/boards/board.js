/* Voice360 wallboard page behaviour. No inline scripts: everything the page does is here.
 *
 * - Versions: every pushed update names the version it applies to; if the page holds another,
 *   the update is dropped and the full state requested (the server sends it on reconnect too).
 * - Reconnect forever: the htmx ws extension retries only after close codes 1006/1011/1012/1013;
 *   after any other close (daphne's 1000 after its websocket timeout, a proxy's 1001, ...)
 *   this script reconnects with jittered backoff. 4001 means the screen was unlinked: stop.
 * - Clock, call timers, the age of stale data and how long the socket has been down tick
 *   here, from the server's clock.
 * - The supervisor table keeps the sort the user chose across pushed row swaps, full-body
 *   swaps and reloads.
 * - TVs reload once a day (weak TV browsers degrade over weeks), only when the server answers,
 *   during the board's reload hour in the account's time zone.
 * - TV care (README "TV screens"): a page reloads when told to (admin "Reload screen") and when
 *   the server's build id differs from its own after a (re)connect (a deploy), both jittered;
 *   a TV with a playlist gets the next board's title, hours and full state on the same socket;
 *   outside business hours a TV dims (night mode) and pages say when the board opens.
 * Layout (fitting a TV screen) and the burn-in shift are CSS only: see board.css.
 */
(function () {
  "use strict";

  var AUTO_RETRY_CODES = [1006, 1011, 1012, 1013];
  var UNLINKED = 4001;
  var body = document.body;
  var retries = 0;

  // Jittered exponential backoff, capped at 5 s: a screen is back within seconds of its
  // server, and a restart's reconnecting screens are still spread over 2.5 to 5 s. Used for
  // the extension's own retries too (its default grows to 64 s).
  function reconnectDelay(attempt) {
    return Math.min(5000, 500 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
  }
  if (window.htmx) {
    window.htmx.config.wsReconnectDelay = reconnectDelay;
  }
  var downSince = null; // server time (ms) when the socket went down
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

  // A command for this page (a reload), not an element to swap.
  var COMMAND = /^<div id="tv-command" hidden data-command="(\w+)" data-delay-ms="(\d+)"/;

  body.addEventListener("htmx:wsBeforeMessage", function (event) {
    var command = COMMAND.exec(event.detail.message);
    if (command) {
      event.preventDefault();
      if (command[1] === "reload") {
        reloadSoon(parseInt(command[2], 10));
      }
      return;
    }
    var match = MARKER.exec(event.detail.message);
    var behind = match && (
      (match[3] === "diff" && parseInt(match[2], 10) !== pageVersion()) ||
      (match[3] === "status" && parseInt(match[1], 10) !== pageVersion()));
    if (behind) {
      event.preventDefault();
      event.detail.socketWrapper.send(JSON.stringify({ type: "resync" }));
    }
  });

  body.addEventListener("htmx:wsAfterMessage", function (event) {
    var message = event.detail.message;
    readServerClock();
    applySort();
    tick();
    if (message.indexOf('id="wb-build"') >= 0) {
      checkBuild();
    }
    if (message.indexOf('id="board-title"') >= 0) {
      followTitle();
    }
    if (message.indexOf('id="board-hours"') >= 0) {
      checkHours();
    }
  });

  // --- connection state and reconnecting ------------------------------------------------
  body.addEventListener("htmx:wsOpen", function () {
    retries = 0;
    downSince = null;
    body.classList.remove("is-disconnected");
  });

  body.addEventListener("htmx:wsClose", function (event) {
    var code = event.detail.event.code;
    if (code === UNLINKED) {
      body.classList.add("is-unlinked");
      return;
    }
    markDown();
    if (AUTO_RETRY_CODES.indexOf(code) >= 0) {
      return; // the extension retries these itself
    }
    var wrapper = event.detail.socketWrapper;
    var delay = reconnectDelay(retries);
    retries += 1;
    window.setTimeout(function () {
      wrapper.reconnect();
    }, delay);
  });

  body.addEventListener("htmx:wsError", markDown);

  function markDown() {
    if (downSince === null) {
      downSince = serverNow();
    }
    body.classList.add("is-disconnected");
    tick();
  }

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
    var downFor = document.querySelector("[data-down-for]");
    if (downFor) {
      downFor.textContent = downSince === null ? "" : "for " + duration((now - downSince) / 1000);
    }
    followFreshness(freshness);
    var agos = document.querySelectorAll("time[data-epoch]");
    for (var j = 0; j < agos.length; j++) {
      var at = parseFloat(agos[j].getAttribute("data-epoch"));
      agos[j].setAttribute("data-ago", at ? "(" + duration(now / 1000 - at) + " ago)" : "");
    }
  }

  // Supervisor health: "last success" and the poller's current error come with #freshness,
  // which the server refreshes every few seconds, not only when the board changes.
  function followFreshness(freshness) {
    if (!freshness) {
      return;
    }
    var fetchedAt = parseFloat(freshness.getAttribute("data-fetched-at"));
    var success = document.querySelector("time[data-follows-freshness]");
    if (success && fetchedAt > (parseFloat(success.getAttribute("data-epoch")) || 0)) {
      success.setAttribute("data-epoch", String(fetchedAt));
      success.textContent = new Date(fetchedAt * 1000).toISOString().slice(11, 19) + " UTC";
    }
    var errorText = document.querySelector("[data-error-text]");
    var errorChip = document.querySelector("[data-error-chip]");
    if (errorText && errorChip) {
      var error = freshness.getAttribute("data-error");
      errorText.textContent = error || "none";
      errorChip.hidden = !error;
    }
  }

  // --- reloads: daily, on command, after a deploy -------------------------------------------
  // Never reload into an error page: ask the server first (HEAD), and retry a minute later.
  var reloading = false;
  function reloadWhenServerAnswers() {
    var request = new XMLHttpRequest();
    request.open("HEAD", window.location.href);
    request.onload = function () {
      if (request.status === 200) {
        window.location.reload();
      } else {
        window.setTimeout(reloadWhenServerAnswers, 60000);
      }
    };
    request.onerror = function () {
      window.setTimeout(reloadWhenServerAnswers, 60000);
    };
    request.send();
  }

  function reloadSoon(delayMs) {
    if (!reloading) {
      reloading = true;
      window.setTimeout(reloadWhenServerAnswers, delayMs);
    }
  }

  // The server sends its build id at every (re)connect: another one means new assets (a
  // deploy). Reload within the spread the server gives, so screens do not all come at once.
  function checkBuild() {
    var build = document.getElementById("wb-build");
    var theirs = build && build.getAttribute("data-build");
    if (theirs && theirs !== body.getAttribute("data-build")) {
      var spread = parseInt(build.getAttribute("data-spread-ms"), 10) || 0;
      reloadSoon(Math.random() * spread);
    }
  }

  // Weak TV browsers leak and slow down over weeks: start afresh once a day, during the
  // board's reload hour (account's time zone, server clock) at a random minute; a page at
  // least 2 h old, so a reload in that hour does not repeat; after 26 h whatever the hour.
  var loadedAtMs = performance.now();
  var reloadMinute = Math.floor(Math.random() * 60);
  function dailyReloadDue() {
    var age = performance.now() - loadedAtMs;
    if (age > 26 * 3600000) {
      return true;
    }
    var hours = document.getElementById("board-hours");
    if (age < 2 * 3600000 || !hours) {
      return false;
    }
    var at = zonedTime(serverNow(), hours.getAttribute("data-tz"));
    var hour = parseInt(hours.getAttribute("data-reload-hour"), 10);
    return at !== null && Math.floor(at.minutes / 60) === hour && at.minutes % 60 >= reloadMinute;
  }

  // --- the board's title follows a playlist's board -------------------------------------------
  function followTitle() {
    var title = document.getElementById("board-title");
    if (title) {
      document.title = title.textContent + " · Voice360 wallboard";
    }
  }

  // --- business hours: night mode on TVs, "closed" on every page that has hours ----------------
  var WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  var zoneFormats = {};

  // Weekday (ISO, 1 = Monday) and minutes since midnight at `ms` in time zone `zone`; null if
  // the browser does not know the zone.
  function zonedTime(ms, zone) {
    try {
      var format = zoneFormats[zone];
      if (!format) {
        format = zoneFormats[zone] = new Intl.DateTimeFormat("en-US", {
          timeZone: zone || "UTC", weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23"
        });
      }
      var parts = {};
      format.formatToParts(new Date(ms)).forEach(function (part) {
        parts[part.type] = part.value;
      });
      var day = WEEKDAYS.indexOf(parts.weekday) + 1;
      return day ? { day: day, minutes: (parseInt(parts.hour, 10) % 24) * 60 + parseInt(parts.minute, 10) } : null;
    } catch (e) {
      return null;
    }
  }

  function minutesOf(text) {
    var match = /^(\d\d):(\d\d)$/.exec(text || "");
    return match ? parseInt(match[1], 10) * 60 + parseInt(match[2], 10) : null;
  }

  function hhmm(minutes) {
    return pad(Math.floor(minutes / 60)) + ":" + pad(minutes % 60);
  }

  // { closed, label } for the board's hours at server time `ms`. No hours (or the same start
  // and end): always open. An end before the start runs past midnight into the next day.
  function businessState(hours, ms) {
    var opens = minutesOf(hours.getAttribute("data-opens"));
    var closes = minutesOf(hours.getAttribute("data-closes"));
    var at = zonedTime(ms, hours.getAttribute("data-tz"));
    if (opens === null || closes === null || opens === closes || at === null) {
      return { closed: false, label: "" };
    }
    var days = (hours.getAttribute("data-days") || "").split(",").map(Number);
    var today = days.indexOf(at.day) >= 0;
    var yesterday = days.indexOf(at.day === 1 ? 7 : at.day - 1) >= 0;
    var open = opens < closes
      ? today && at.minutes >= opens && at.minutes < closes
      : (today && at.minutes >= opens) || (yesterday && at.minutes < closes);
    if (open) {
      return { closed: false, label: "" };
    }
    for (var ahead = 0; ahead < 8; ahead++) {
      var day = ((at.day - 1 + ahead) % 7) + 1;
      if (days.indexOf(day) >= 0 && (ahead > 0 || at.minutes < opens)) {
        var when = ahead === 0 ? "today" : ahead === 1 ? "tomorrow" : WEEKDAYS[day - 1];
        return { closed: true, label: "Closed · opens " + when + " " + hhmm(opens) };
      }
    }
    return { closed: true, label: "Closed" };
  }

  function checkHours() {
    var hours = document.getElementById("board-hours");
    var chip = document.getElementById("closed-chip");
    if (!hours || !chip) {
      return;
    }
    var state = businessState(hours, serverNow());
    chip.hidden = !state.closed;
    chip.textContent = state.label;
    var dim = state.closed && hours.getAttribute("data-night-mode") === "on";
    body.classList.toggle("is-closed", dim && body.getAttribute("data-audience") === "tv");
  }

  // --- supervisor table: sort by a column, kept across every swap and reload ----------------
  // The choice lives here and in sessionStorage, not in the table: a full-body swap replaces
  // the table, a pushed row replaces a row in place; after either, the rows are sorted again.
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
      return byName;
    };
  }

  function applySort() {
    var table = document.querySelector(".sortable");
    var group = table && table.querySelector(".agent-rows");
    if (!group || !sort) {
      return;
    }
    var headers = table.querySelectorAll("[data-sort]");
    for (var i = 0; i < headers.length; i++) {
      var th = headers[i];
      if (th.getAttribute("data-sort") === sort.key) {
        th.setAttribute("aria-sort", sort.dir === 1 ? "ascending" : "descending");
      } else {
        th.removeAttribute("aria-sort");
      }
    }
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

  readServerClock();
  applySort();
  tick();
  checkHours();
  window.setInterval(tick, 1000);
  window.setInterval(checkHours, 30000);
  if (body.getAttribute("data-audience") === "tv") {
    window.setInterval(function () {
      if (dailyReloadDue()) {
        reloadSoon(0);
      }
    }, 30000);
  }
})();
