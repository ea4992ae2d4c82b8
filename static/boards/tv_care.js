/* Voice360 wallboard: looking after a TV's panel (README "TV screens"). TVs only: a
 * supervisor's or the public page is left alone, and so is a replay (a still).
 *
 * - Burn-in shift: the whole screen (header, labels, clock and every tile alike) steps around
 *   a ring of nine positions, one step every three minutes, by a few pixels. This sets
 *   body[data-burn-x|y] (-1, 0, 1); tv_care.css turns them into a shift smaller than the
 *   frame's padding, so nothing is ever cut off at the screen's edge. The step comes from the
 *   clock, so a reload carries on where the ring was instead of starting in the middle.
 * - Dimming: with data-dim-after minutes (the board's setting, on #board-hours or else the
 *   body; 0: never), a fragment of the board body (a tile, a card: each has an id) that the
 *   server has not changed for that long gets `is-unchanged`; tv_care.css dims it, except
 *   where it must stay loud. A swapped fragment is a new element without the class: it is
 *   bright the moment it changes. A full state (a reconnect, a resync, an agent who came or
 *   went) brings every fragment anew: the server's HTML of each is compared with what it
 *   was, so only those whose HTML differs count as changed.
 * - Screen Wake Lock, where the browser has it: the display stays awake while the board is
 *   open, taken again when the page is visible after being hidden and after the system
 *   released it. Where the browser has no such API nothing happens; a refusal is logged once,
 *   at debug level.
 */
(function () {
  "use strict";

  var body = document.body;
  if (body.getAttribute("data-audience") !== "tv" || body.hasAttribute("data-replay-at")) {
    return;
  }
  var TICK_MS = 15000;

  // --- burn-in shift ------------------------------------------------------------------------
  var BURN_IN_STEP_MS = 180000;
  var RING = [[0, 0], [1, 0], [1, 1], [0, 1], [-1, 1], [-1, 0], [-1, -1], [0, -1], [1, -1]];

  function shift() {
    var at = RING[Math.floor(Date.now() / BURN_IN_STEP_MS) % RING.length];
    setData("data-burn-x", String(at[0]));
    setData("data-burn-y", String(at[1]));
  }

  function setData(name, value) {
    if (body.getAttribute(name) !== value) {
      body.setAttribute(name, value);
    }
  }

  // --- dimming what has not changed -----------------------------------------------------------
  var UNCHANGED = "is-unchanged";
  var boardBody = document.getElementById("board-body");
  // Maps without a prototype: a fragment's id is never taken for an inherited property.
  var changedAt = Object.create(null); // fragment id -> performance.now() when its HTML changed
  var htmlOf = Object.create(null); // fragment id -> the server's HTML of it, as last swapped in

  // The fragments of a container: its outermost elements with an id (those the server swaps).
  function fragmentsOf(container, found) {
    found = found || [];
    for (var child = container.firstElementChild; child; child = child.nextElementSibling) {
      if (child.id) {
        found.push(child);
      } else {
        fragmentsOf(child, found);
      }
    }
    return found;
  }

  // Before htmx swaps: the fragment's new HTML is still as the server sent it (no timer
  // written into it yet), so it compares with the last one. Only the board body's swaps count.
  function noteSwap(event) {
    var target = event.detail.target;
    if (!boardBody || !boardBody.contains(target) || !event.detail.fragment) {
      return;
    }
    var now = performance.now();
    var incoming = fragmentsOf(event.detail.fragment);
    for (var i = 0; i < incoming.length; i++) {
      var id = incoming[i].id;
      var html = incoming[i].outerHTML;
      if (htmlOf[id] !== html) {
        htmlOf[id] = html;
        changedAt[id] = now;
      }
    }
  }

  // The board's minutes: those of the board on screen now where the header says (#board-hours
  // comes anew with each board of a playlist), else the page's.
  function dimAfterMs() {
    var hours = document.getElementById("board-hours");
    var source = hours && hours.hasAttribute("data-dim-after") ? hours : body;
    var minutes = parseFloat(source.getAttribute("data-dim-after"));
    return minutes > 0 ? minutes * 60000 : 0;
  }

  // Marks each fragment on the page; forgets those that are gone (an agent who left).
  function dim() {
    if (!boardBody) {
      return;
    }
    var after = dimAfterMs();
    var now = performance.now();
    var fragments = fragmentsOf(boardBody);
    var keptAt = Object.create(null);
    var keptHtml = Object.create(null);
    for (var i = 0; i < fragments.length; i++) {
      var id = fragments[i].id;
      keptAt[id] = id in changedAt ? changedAt[id] : now;
      keptHtml[id] = htmlOf[id];
      fragments[i].classList.toggle(UNCHANGED, after > 0 && now - keptAt[id] >= after);
    }
    changedAt = keptAt;
    htmlOf = keptHtml;
  }

  // --- Screen Wake Lock -----------------------------------------------------------------------
  var WAKE_LOCK_RETRY_MS = 30000;

  function keepAwake() {
    var wakeLock = navigator.wakeLock;
    if (!wakeLock || typeof wakeLock.request !== "function") {
      return;
    }
    var held = null;
    var asking = false;
    var retry = null;
    var told = false;

    function acquire() {
      if (held || asking || document.visibilityState !== "visible") {
        return;
      }
      asking = true;
      var request;
      try {
        request = wakeLock.request("screen");
      } catch (error) {
        refused(error);
        return;
      }
      Promise.resolve(request).then(function (sentinel) {
        asking = false;
        held = sentinel;
        sentinel.addEventListener("release", function () {
          held = null;
          later(); // hidden: visibilitychange takes it again sooner; visible: the system let go
        });
      }, refused);
    }

    function refused(error) {
      asking = false;
      if (!told) {
        told = true;
        console.debug("Screen wake lock not granted: " + (error && error.name ? error.name : error));
      }
      later();
    }

    function later() {
      if (retry === null) {
        retry = window.setTimeout(function () {
          retry = null;
          acquire();
        }, WAKE_LOCK_RETRY_MS);
      }
    }

    document.addEventListener("visibilitychange", acquire);
    acquire();
  }

  body.addEventListener("htmx:oobBeforeSwap", noteSwap);
  window.Wallboard.onMessage(dim); // after the swaps: the fragments that came anew
  shift();
  dim();
  window.setInterval(function () {
    shift();
    dim();
  }, TICK_MS);
  keepAwake();
})();
