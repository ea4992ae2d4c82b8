/* Voice360 wallboard: the websocket protocol, page side (live/protocol.py is the server's).
 *
 * Every message is a JSON envelope on its first line, then HTML that the htmx ws extension
 * swaps out of band by id. Here, in `htmx:wsBeforeMessage`, the envelope alone decides:
 * - full: the whole board; the page's version becomes the envelope's.
 * - diff: applies only on top of `base`, the version the page holds; else it is dropped and
 *   the full state asked for ({"type": "resync"}).
 * - status: the freshness element at `version`; the same rule.
 * - hello, rotate: header elements, swapped as they come; unlinked: the notice (4001 follows).
 * - reload: nothing to swap; the page reloads (screen.js) after `delay_ms`.
 * - clock: nothing to swap; sent when nothing else was for a while.
 * The `wb-envelope` extension strips the envelope before htmx parses the rest as HTML.
 *
 * The server's clock: every envelope carries `now`, the web process's clock when it sent the
 * message, and the page body the server's clock when the page was rendered (data-server-now).
 * Each is a sample of the server's clock that is late by the delay it took to arrive, never
 * early; the page keeps the least late of the last two minutes' (the sample ahead of the
 * others), so a slow message never sets the clock back, and a server clock that stepped back
 * is followed within two minutes. The samples are taken against performance.now(), the
 * browser's monotonic clock, not Date.now(): a browser clock set minutes off, or stepped
 * while the page runs, changes nothing.
 *
 * Reconnect forever: the htmx ws extension retries only after close codes 1006/1011/1012/1013;
 * after any other close (daphne's 1000 after its websocket timeout, a proxy's 1001, our own
 * 4012 "the board changed" and 4013 "try again", live/fanout.py) this script reconnects with
 * jittered backoff. 4001 means the screen was unlinked: stop.
 * 4003 means the login or the grant ended: reload, into the login page or a plain 404.
 *
 * Other scripts of the page listen with Wallboard.onMessage(function (envelope) {...}),
 * called after each applied message, and read the server's clock with Wallboard.serverNow().
 * The same envelope is dispatched on the body as a `wallboard:message` event, and the body
 * carries the version the page holds (data-version) and, once the socket brought the
 * board, data-synced: what browser tests and benchmarks watch.
 */
(function () {
  "use strict";

  var AUTO_RETRY_CODES = [1006, 1011, 1012, 1013];
  var UNLINKED = 4001;
  var PERMISSION_ENDED = 4003;
  var body = document.body;
  var version = parseInt(body.getAttribute("data-version"), 10);
  var retries = 0;
  var applying = null; // the envelope of the message htmx is swapping now
  var listeners = [];
  var CLOCK_WINDOW_MS = 120000;
  var clockSamples = []; // {at, offset}: the best first, each later one less good but newer

  // Jittered exponential backoff, capped at 5 s: a screen is back within seconds of its
  // server, and a restart's reconnecting screens are still spread over 2.5 to 5 s. Used for
  // the extension's own retries too (its default grows to 64 s).
  function reconnectDelay(attempt) {
    return Math.min(5000, 500 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
  }

  function split(message) {
    var newline = message.indexOf("\n");
    var head = newline < 0 ? message : message.slice(0, newline);
    try {
      var envelope = JSON.parse(head);
      return envelope && envelope.v === 1 ? envelope : null;
    } catch (e) {
      return null;
    }
  }

  if (window.htmx) {
    window.htmx.config.wsReconnectDelay = reconnectDelay;
    window.htmx.defineExtension("wb-envelope", {
      transformResponse: function (text) {
        var newline = text.indexOf("\n");
        return newline < 0 ? "" : text.slice(newline + 1);
      }
    });
  }

  function resync(socket) {
    socket.send(JSON.stringify({ type: "resync" }));
  }

  body.addEventListener("htmx:wsBeforeMessage", function (event) {
    var envelope = split(event.detail.message);
    applying = null;
    if (envelope === null) {
      event.preventDefault(); // not ours: never swap what we cannot read
      return;
    }
    takeServerClock(envelope.now);
    var stale = (envelope.kind === "diff" && envelope.base !== version) ||
      (envelope.kind === "status" && envelope.version !== version);
    if (stale) {
      event.preventDefault();
      resync(event.detail.socketWrapper);
      return;
    }
    if (envelope.kind === "reload" || envelope.kind === "clock") {
      event.preventDefault();
      notify(envelope);
      return;
    }
    applying = envelope;
  });

  body.addEventListener("htmx:wsAfterMessage", function () {
    var envelope = applying;
    applying = null;
    if (envelope === null) {
      return;
    }
    if (envelope.kind === "full" || envelope.kind === "diff") {
      version = envelope.version;
      body.setAttribute("data-version", String(version));
      body.setAttribute("data-synced", "");
    }
    if (envelope.kind === "unlinked") {
      body.classList.add("is-unlinked");
    }
    notify(envelope);
  });

  function notify(envelope) {
    for (var i = 0; i < listeners.length; i++) {
      listeners[i](envelope);
    }
    body.dispatchEvent(new CustomEvent("wallboard:message", { detail: envelope, bubbles: true }));
  }

  // --- the server's clock (see the top) ----------------------------------------------------
  // A sliding-window maximum of (server clock - performance.now()): samples that a newer,
  // better one beats can never be the best again and are dropped, so few are ever kept.
  function takeServerClock(serverSeconds) {
    if (typeof serverSeconds !== "number" || !isFinite(serverSeconds) || serverSeconds <= 0) {
      return;
    }
    var at = performance.now();
    var offset = serverSeconds * 1000 - at;
    while (clockSamples.length && clockSamples[clockSamples.length - 1].offset <= offset) {
      clockSamples.pop();
    }
    clockSamples.push({ at: at, offset: offset });
    while (at - clockSamples[0].at > CLOCK_WINDOW_MS) {
      clockSamples.shift();
    }
  }

  // A replay is a still of one moment: every timer on it stands at that moment.
  var replayAt = parseFloat(body.getAttribute("data-replay-at"));

  function serverNow() {
    if (replayAt) {
      return replayAt * 1000;
    }
    var now = performance.now();
    while (clockSamples.length > 1 && now - clockSamples[0].at > CLOCK_WINDOW_MS) {
      clockSamples.shift(); // expired; the newest stays whatever its age
    }
    return clockSamples.length ? now + clockSamples[0].offset : Date.now();
  }

  // --- connection state and reconnecting ------------------------------------------------
  var downSince = null; // server time (ms) when the socket went down

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
    if (code === PERMISSION_ENDED) {
      window.location.reload();
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
      downSince = window.Wallboard.serverNow();
    }
    body.classList.add("is-disconnected");
    notify({ kind: "down" });
  }

  takeServerClock(parseFloat(body.getAttribute("data-server-now")));
  window.Wallboard = {
    serverNow: serverNow,
    downSince: function () {
      return downSince;
    },
    onMessage: function (listener) {
      listeners.push(listener);
    }
  };
})();
