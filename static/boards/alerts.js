/* Voice360 wallboard: alert sound and acknowledgement. No inline scripts, no audio files.
 *
 * - Sound: while the page holds a tile with an unacknowledged alert that has sound
 *   ([data-alert-sound], pushed with the fragments) and this screen has sound enabled, a
 *   short beep pattern plays every few seconds (WebAudio oscillator). A TV has sound enabled
 *   when its kiosk token says so (body[data-sound-enabled]); a supervisor opts in with the
 *   header's toggle, kept in localStorage. The page is checked twice a second, so a pushed
 *   swap (fired, acknowledged, cleared) starts or stops the sound within half a second.
 * - Autoplay: if the browser keeps the AudioContext suspended until a user gesture, an
 *   "Enable sound" button appears (only on screens with sound enabled); one click resumes it.
 * - Acknowledge: the tile's button carries only its URL (tiles are shared by all
 *   supervisors); this posts to it with the CSRF token of this user's page.
 * - body.dataset.alertBeeps counts the patterns played (the browser tests read it).
 */
(function () {
  "use strict";

  // The board's words (the page's /jsi18n/ catalogue); English without it.
  var gettext = window.gettext || function (text) { return text; };
  var body = document.body;
  var audience = body.getAttribute("data-audience");
  if (audience === "public") {
    return;
  }
  var SUPERVISOR = audience === "supervisor" || audience === "admin";
  var STORAGE_KEY = "wallboard-alert-sound";
  var PATTERN_EVERY_MS = 3000;
  var CHECK_EVERY_MS = 500;
  var context = null;
  var lastPattern = 0;
  var enableButton = null;
  var toggleButton = null;

  body.dataset.alertBeeps = "0";

  // --- whether this screen may sound ----------------------------------------------------
  function supervisorOptedIn() {
    try {
      return window.localStorage.getItem(STORAGE_KEY) === "on";
    } catch (e) {
      return false; // no storage (private mode): sound stays off
    }
  }

  function soundEnabled() {
    return SUPERVISOR ? supervisorOptedIn() : body.hasAttribute("data-sound-enabled");
  }

  function alertWantsSound() {
    return document.querySelector("#board-body [data-alert-sound]") !== null;
  }

  // --- audio --------------------------------------------------------------------------
  function audioContext() {
    if (context === null) {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) {
        return null;
      }
      context = new Context();
      context.addEventListener("statechange", showEnableButton);
    }
    return context;
  }

  function beep(at, frequency, seconds) {
    var oscillator = context.createOscillator();
    var gain = context.createGain();
    oscillator.type = "square";
    oscillator.frequency.value = frequency;
    // A short ramp in and out: no clicks.
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + seconds);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(at);
    oscillator.stop(at + seconds + 0.02);
  }

  function playPattern() {
    var now = context.currentTime;
    beep(now, 880, 0.16);
    beep(now + 0.24, 660, 0.16);
    beep(now + 0.48, 880, 0.22);
    body.dataset.alertBeeps = String(parseInt(body.dataset.alertBeeps, 10) + 1);
  }

  function check() {
    var wanted = soundEnabled() && alertWantsSound();
    body.classList.toggle("is-alert-sounding", wanted);
    if (!wanted) {
      return;
    }
    var ctx = audioContext();
    if (ctx === null || ctx.state !== "running") {
      showEnableButton();
      return;
    }
    if (Date.now() - lastPattern >= PATTERN_EVERY_MS) {
      lastPattern = Date.now();
      playPattern();
    }
  }

  // --- "Enable sound": only when the autoplay policy holds the audio back ---------------
  function showEnableButton() {
    var suspended = soundEnabled() && context !== null && context.state !== "running";
    if (suspended && enableButton === null) {
      enableButton = document.createElement("button");
      enableButton.type = "button";
      enableButton.className = "sound-enable";
      enableButton.textContent = gettext("♪ Enable sound");
      enableButton.addEventListener("click", function () {
        context.resume().then(showEnableButton);
      });
      header().insertBefore(enableButton, document.getElementById("clock"));
    }
    if (enableButton !== null) {
      enableButton.hidden = !suspended;
    }
  }

  function header() {
    return document.querySelector(".board__header") || body;
  }

  // --- the supervisor's opt-in toggle ---------------------------------------------------
  function renderToggle() {
    var on = supervisorOptedIn();
    toggleButton.setAttribute("aria-pressed", on ? "true" : "false");
    toggleButton.textContent = on ? gettext("♪ Alert sound: on") : gettext("♪ Alert sound: off");
  }

  function addToggle() {
    toggleButton = document.createElement("button");
    toggleButton.type = "button";
    toggleButton.className = "sound-toggle";
    toggleButton.addEventListener("click", function () {
      try {
        window.localStorage.setItem(STORAGE_KEY, supervisorOptedIn() ? "off" : "on");
      } catch (e) { /* no storage: nothing to remember */ }
      renderToggle();
      if (supervisorOptedIn()) {
        // A click is a user gesture: the browser lets the audio start now.
        var ctx = audioContext();
        if (ctx !== null && ctx.state !== "running") {
          ctx.resume().then(showEnableButton);
        }
      }
      showEnableButton();
      check();
    });
    renderToggle();
    var clock = document.getElementById("clock");
    header().insertBefore(toggleButton, clock);
  }

  // --- acknowledge ----------------------------------------------------------------------
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  body.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-alert-ack]");
    if (!button || button.disabled) {
      return;
    }
    button.disabled = true;
    button.textContent = gettext("Acknowledging…");
    window.fetch(button.getAttribute("data-alert-ack"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      // The pushed tile replaces this button within a moment, on every screen.
      button.textContent = gettext("Acknowledged");
    }).catch(function () {
      button.disabled = false;
      button.textContent = gettext("Failed: try again");
    });
  });

  // --- start ----------------------------------------------------------------------------
  if (SUPERVISOR) {
    addToggle();
  }
  if (soundEnabled()) {
    audioContext();
    showEnableButton();
  }
  body.addEventListener("htmx:wsAfterMessage", check);
  window.setInterval(check, CHECK_EVERY_MS);
  check();
})();
