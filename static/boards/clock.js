/* Voice360 wallboard: what ticks on the page, from the server's clock (Wallboard.serverNow).
 *
 * The clock, call timers and waits ([data-since]), the age of stale data, how long the
 * socket has been down, and the supervisor's "last success" and current error, which come
 * with the freshness element the server refreshes every few seconds. Four times a second
 * and after every message, writing only what changed: each timer turns over at its own
 * fraction of a second, and a once-a-second tick would show it up to a second late.
 */
(function () {
  "use strict";

  var body = document.body;
  var wallboard = window.Wallboard;
  var TICK_MS = 250;

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

  function show(element, text) {
    if (element.textContent !== text) {
      element.textContent = text;
    }
  }

  function tickClock(now) {
    var clock = document.getElementById("clock");
    if (clock) {
      var d = new Date(now);
      show(clock, pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()));
    }
  }

  function tickTimers(now) {
    var timers = document.querySelectorAll(".timer[data-since]");
    for (var i = 0; i < timers.length; i++) {
      var since = parseFloat(timers[i].getAttribute("data-since"));
      show(timers[i], since ? duration(now / 1000 - since) : "");
    }
    var agos = document.querySelectorAll("time[data-epoch]");
    for (var j = 0; j < agos.length; j++) {
      var at = parseFloat(agos[j].getAttribute("data-epoch"));
      var ago = at ? "(" + duration(now / 1000 - at) + " ago)" : "";
      if (agos[j].getAttribute("data-ago") !== ago) {
        agos[j].setAttribute("data-ago", ago);
      }
    }
  }

  function tickFreshness(now) {
    var freshness = document.getElementById("freshness");
    if (freshness) {
      var stale = freshness.getAttribute("data-state") === "stale";
      body.classList.toggle("is-stale", stale);
      var age = freshness.querySelector("[data-age]");
      var fetchedAt = parseFloat(freshness.getAttribute("data-fetched-at"));
      if (age) {
        show(age, stale ? (fetchedAt ? "data " + duration(now / 1000 - fetchedAt) + " old" : "no data yet") : "");
      }
      followFreshness(freshness);
    }
    var downFor = document.querySelector("[data-down-for]");
    var downSince = wallboard.downSince();
    if (downFor) {
      show(downFor, downSince === null ? "" : "for " + duration((now - downSince) / 1000));
    }
  }

  // Supervisor health: "last success" and the poller's current error come with #freshness,
  // which the server refreshes every few seconds, not only when the board changes.
  function followFreshness(freshness) {
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
      show(errorText, error || "none");
      errorChip.hidden = !error;
    }
  }

  function tick() {
    var now = wallboard.serverNow();
    tickClock(now);
    tickTimers(now);
    tickFreshness(now);
  }

  wallboard.onMessage(tick);
  tick();
  window.setInterval(tick, TICK_MS);
})();
