/* Voice360 wallboard: replay on the supervisor page.
 *
 * The slider's value is seconds before now (0: live). Letting go of it loads the board as it
 * was at that moment (/boards/<slug>/replay?at=<ISO 8601>) into a frame in place of the live
 * board, which keeps updating underneath; "Back to live" (or the slider at 0) shows the live
 * board again. The moment is shown in the account's time zone. A frame keeps the replayed
 * board's ids and scripts apart from the live one's.
 */
(function () {
  "use strict";

  // The board's words (the page's /jsi18n/ catalogue); English without it.
  var gettext = window.gettext || function (text) { return text; };
  var panel = document.getElementById("replay");
  if (!panel) {
    return;
  }
  var slider = document.getElementById("replay-slider");
  var moment = document.getElementById("replay-moment");
  var live = document.getElementById("replay-live");
  var frame = document.getElementById("replay-frame");
  var boardBody = document.getElementById("board-body");
  var title = panel.querySelector(".replay__label");
  // Weekdays in the board's language (the page's), the hours and minutes of the account.
  var format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    timeZone: panel.getAttribute("data-time-zone") || undefined,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function ago(seconds) {
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    return "−" + h + ":" + pad(m) + ":" + pad(seconds % 60);
  }

  function chosen() {
    var back = -parseInt(slider.value, 10);
    return back > 0 ? new Date(window.Wallboard.serverNow() - back * 1000) : null;
  }

  // While dragging, the moment the slider points at; then the one the frame shows.
  function label() {
    var at = chosen();
    moment.textContent = at ? format.format(at) + " (" + ago(-parseInt(slider.value, 10)) + ")" : gettext("Live");
  }

  function goLive() {
    slider.value = "0";
    label();
    frame.hidden = true;
    frame.removeAttribute("src");
    boardBody.hidden = false;
    live.hidden = true;
    title.textContent = gettext("Replay");
    document.body.classList.remove("is-replaying");
  }

  function show() {
    var at = chosen();
    if (!at) {
      goLive();
      return;
    }
    frame.src = panel.getAttribute("data-url") + "?embedded=1&at=" + encodeURIComponent(at.toISOString());
    frame.hidden = false;
    boardBody.hidden = true;
    live.hidden = false;
    title.textContent = gettext("Replaying");
    document.body.classList.add("is-replaying");
  }

  // The frame is ours (same origin): it takes the height of the board it shows.
  frame.addEventListener("load", function () {
    var page = frame.contentDocument;
    if (page && page.documentElement) {
      frame.style.height = page.documentElement.scrollHeight + "px";
    }
  });
  slider.addEventListener("input", label);
  slider.addEventListener("change", show);
  live.addEventListener("click", goLive);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && document.body.classList.contains("is-replaying")) {
      goLive();
    }
  });
  label();
})();
