/* Voice360 wallboard: the supervisor's window picker. The page holds every rolling window's
 * figures (15, 30 and 60 minutes); the picked one is shown on the tiles and marked in the
 * queue details, by `body[data-window]` and service.css. The choice is kept per board in
 * localStorage; the board's own window is the default.
 */
(function () {
  "use strict";

  var picker = document.getElementById("window-picker");
  if (!picker) {
    return;
  }
  var KEY = "wallboard-window:" + window.location.pathname;

  function saved() {
    try {
      return window.localStorage.getItem(KEY);
    } catch (e) {
      return null; // no storage (private mode, sandboxed iframe)
    }
  }

  function pick(value) {
    document.body.setAttribute("data-window", value);
    picker.value = value;
  }

  var choice = saved();
  var allowed = ["15m", "30m", "60m"];
  pick(allowed.indexOf(choice) >= 0 ? choice : picker.getAttribute("data-default"));
  picker.addEventListener("change", function () {
    pick(picker.value);
    try {
      window.localStorage.setItem(KEY, picker.value);
    } catch (e) { /* see saved() */ }
  });
})();
