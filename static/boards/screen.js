/* Voice360 wallboard: looking after a screen that nobody watches over (README "TV screens").
 *
 * - Reloads: when told to (a `reload` message: admin "Reload screen"), when the server's
 *   build differs from the page's after a (re)connect (a `hello` after a deploy), both
 *   jittered, and on TVs once a day during the board's reload hour in the account's time
 *   zone. Never into an error page: the server is asked first.
 * - A TV with a playlist gets the next board's title and hours (a `rotate` message): the
 *   document title follows.
 * - Business hours: outside them a TV dims (night mode) and pages say when the board opens,
 *   from the board's data attributes and the server's clock, every 30 s.
 * Layout (fitting a TV screen) is CSS only: see tv.css. The burn-in shift, the dimming of
 * unchanged areas and the wake lock: tv_care.js.
 */
(function () {
  "use strict";

  var body = document.body;
  var wallboard = window.Wallboard;

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
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
  function checkBuild(envelope) {
    if (envelope.build && envelope.build !== body.getAttribute("data-build")) {
      reloadSoon(Math.random() * (envelope.spread_ms || 0));
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
    var at = zonedTime(wallboard.serverNow(), hours.getAttribute("data-tz"));
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
  var WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]; // as Intl's en-US names them
  var zoneFormats = {};

  // The board's words (the page's /jsi18n/ catalogue); English without it.
  var gettext = window.gettext || function (text) { return text; };
  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (whole, name) { return values[name]; });
  }

  // ISO weekday `day` (1 = Monday) in the page's language: "Mon", "Mo.", "lun."...
  function weekdayName(day) {
    try {
      var language = document.documentElement.lang || "en";
      var format = new Intl.DateTimeFormat(language, { weekday: "short", timeZone: "UTC" });
      return format.format(new Date(Date.UTC(2024, 0, day))); // 1 January 2024 was a Monday
    } catch (e) {
      return WEEKDAYS[day - 1];
    }
  }

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
        var text = ahead === 0 ? gettext("Closed · opens today %(time)s")
          : ahead === 1 ? gettext("Closed · opens tomorrow %(time)s")
          : gettext("Closed · opens %(weekday)s %(time)s");
        return { closed: true, label: fill(text, { weekday: weekdayName(day), time: hhmm(opens) }) };
      }
    }
    return { closed: true, label: gettext("Closed") };
  }

  function checkHours() {
    var hours = document.getElementById("board-hours");
    var chip = document.getElementById("closed-chip");
    if (!hours || !chip) {
      return;
    }
    var state = businessState(hours, wallboard.serverNow());
    chip.hidden = !state.closed;
    chip.textContent = state.label;
    var dim = state.closed && hours.getAttribute("data-night-mode") === "on";
    body.classList.toggle("is-closed", dim && body.getAttribute("data-audience") === "tv");
  }

  wallboard.onMessage(function (envelope) {
    if (envelope.kind === "reload") {
      reloadSoon(envelope.delay_ms || 0);
    } else if (envelope.kind === "hello") {
      checkBuild(envelope);
      followTitle();
      checkHours();
    } else if (envelope.kind === "rotate") {
      followTitle();
      checkHours();
    }
  });

  checkHours();
  window.setInterval(checkHours, 30000);
  if (body.getAttribute("data-audience") === "tv") {
    window.setInterval(function () {
      if (dailyReloadDue()) {
        reloadSoon(0);
      }
    }, 30000);
  }
})();
