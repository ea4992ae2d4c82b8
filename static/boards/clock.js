/* Voice360 wallboard: what ticks on the page, from the server's clock (Wallboard.serverNow).
 *
 * The clock (#clock, and every [data-clock] tile), call timers and waits ([data-since]), the
 * age of stale data, how long the socket has been down, and the supervisor's "last success"
 * and current error, which come with the freshness element the server refreshes every few
 * seconds. Four times a second and after every message, writing only what changed: each timer
 * turns over at its own fraction of a second, and a once-a-second tick would show it up to a
 * second late.
 *
 * Times of day are the board's: in the account's time zone (body[data-time-zone]) on the
 * board's 12- or 24-hour clock (body[data-clock-hours]), in the board's language (<html lang>).
 * The server writes every other time the same way (boards/templatetags/board_time.py); the
 * page writes only what it ticks. A browser that cannot convert to the zone (no Intl, or no
 * time-zone data) shows UTC rather than nothing.
 */
(function () {
  "use strict";

  // The board's words (the page's /jsi18n/ catalogue); English without it.
  var gettext = window.gettext || function (text) { return text; };
  var body = document.body;
  var wallboard = window.Wallboard;
  var TICK_MS = 250;
  var TWELVE_HOURS = body.getAttribute("data-clock-hours") === "12";
  var timeOfDay = zonedFormat(body.getAttribute("data-time-zone") || "UTC") || utcTimeOfDay;

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

  // hh:mm:ss at `ms` in `zone` on the board's clock, or null where the browser cannot.
  function zonedFormat(zone) {
    var options = { timeZone: zone, hour: TWELVE_HOURS ? "numeric" : "2-digit", minute: "2-digit", second: "2-digit" };
    var format;
    try {
      options.hourCycle = TWELVE_HOURS ? "h12" : "h23";
      format = new Intl.DateTimeFormat(document.documentElement.lang || "en", options);
      if (!format.resolvedOptions().hourCycle) {
        // Older engines ignore hourCycle: hour12 says the same to them.
        delete options.hourCycle;
        options.hour12 = TWELVE_HOURS;
        format = new Intl.DateTimeFormat(document.documentElement.lang || "en", options);
      }
      format.format(0);
    } catch (e) {
      return null; // no Intl, an unknown zone or language: UTC below
    }
    return function (ms) {
      return format.format(new Date(ms));
    };
  }

  function utcTimeOfDay(ms) {
    var d = new Date(ms);
    var h = d.getUTCHours();
    var clock = ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds());
    return TWELVE_HOURS ? ((h % 12) || 12) + clock + (h < 12 ? " AM" : " PM") : pad(h) + clock;
  }

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (whole, name) { return values[name]; });
  }

  function show(element, text) {
    if (element.textContent !== text) {
      element.textContent = text;
    }
  }

  function tickClock(now) {
    var text = timeOfDay(now);
    var clocks = document.querySelectorAll("#clock, [data-clock]");
    for (var i = 0; i < clocks.length; i++) {
      show(clocks[i], text);
    }
  }

  function tickTimers(now) {
    var timers = document.querySelectorAll(".timer[data-since]");
    for (var i = 0; i < timers.length; i++) {
      var since = parseFloat(timers[i].getAttribute("data-since"));
      show(timers[i], since ? duration(now / 1000 - since) : "");
    }
    var agos = document.querySelectorAll("time.ago[data-epoch]");
    for (var j = 0; j < agos.length; j++) {
      var at = parseFloat(agos[j].getAttribute("data-epoch"));
      var ago = at ? fill(gettext("(%(duration)s ago)"), { duration: duration(now / 1000 - at) }) : "";
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
        var old = fetchedAt ? fill(gettext("data %(duration)s old"), { duration: duration(now / 1000 - fetchedAt) }) : "";
        show(age, stale ? old || gettext("no data yet") : "");
      }
      followFreshness(freshness);
    }
    var downFor = document.querySelector("[data-down-for]");
    var downSince = wallboard.downSince();
    if (downFor) {
      var down = downSince === null ? "" : duration((now - downSince) / 1000);
      show(downFor, down && fill(gettext("for %(duration)s"), { duration: down }));
    }
  }

  // Supervisor health: "last success" and the poller's current error come with #freshness,
  // which the server refreshes every few seconds, not only when the board changes. The
  // later of the two (a pushed status fragment may be newer) is shown, on the board's clock.
  function followFreshness(freshness) {
    var fetchedAt = parseFloat(freshness.getAttribute("data-fetched-at")) || 0;
    var success = document.querySelector("time[data-follows-freshness]");
    if (success) {
      var rendered = parseFloat(success.getAttribute("data-epoch")) || 0;
      if (fetchedAt > rendered) {
        success.setAttribute("data-epoch", String(fetchedAt));
      }
      if (Math.max(fetchedAt, rendered)) {
        show(success, timeOfDay(Math.max(fetchedAt, rendered) * 1000));
      }
    }
    var errorText = document.querySelector("[data-error-text]");
    var errorChip = document.querySelector("[data-error-chip]");
    if (errorText && errorChip) {
      var error = freshness.getAttribute("data-error");
      show(errorText, error || gettext("none"));
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
