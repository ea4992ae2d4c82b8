/* Voice360 wallboard: what ticks on the page, from the server's clock (Wallboard.serverNow).
 *
 * The clock, call timers and waits ([data-since]), the age of stale data, how long the
 * socket has been down, and the supervisor's "last success" and current error, which come
 * with the freshness element the server refreshes every few seconds. Once a second and
 * after every message.
 */
(function () {
  "use strict";

  var body = document.body;
  var wallboard = window.Wallboard;

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

  function tickClock(now) {
    var clock = document.getElementById("clock");
    if (clock) {
      var d = new Date(now);
      clock.textContent = pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
    }
  }

  function tickTimers(now) {
    var timers = document.querySelectorAll(".timer[data-since]");
    for (var i = 0; i < timers.length; i++) {
      var since = parseFloat(timers[i].getAttribute("data-since"));
      timers[i].textContent = since ? duration(now / 1000 - since) : "";
    }
    var agos = document.querySelectorAll("time[data-epoch]");
    for (var j = 0; j < agos.length; j++) {
      var at = parseFloat(agos[j].getAttribute("data-epoch"));
      agos[j].setAttribute("data-ago", at ? "(" + duration(now / 1000 - at) + " ago)" : "");
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
        age.textContent = stale ? (fetchedAt ? "data " + duration(now / 1000 - fetchedAt) + " old" : "no data yet") : "";
      }
      followFreshness(freshness);
    }
    var downFor = document.querySelector("[data-down-for]");
    var downSince = wallboard.downSince();
    if (downFor) {
      downFor.textContent = downSince === null ? "" : "for " + duration((now - downSince) / 1000);
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
      errorText.textContent = error || "none";
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
  window.setInterval(tick, 1000);
})();
