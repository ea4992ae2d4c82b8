/*
 * The board composer on a board's admin page (templates/admin/boards/board/change_form.html).
 *
 * - A tile shows the options of its kind only (the kinds' options come from the kind field's
 *   data-options, written from boards/layout.py TILE_OPTIONS).
 * - The board's queues are ticks in order: the arrows move a queue, and a queue ticked goes
 *   after the ones ticked before it. The browser posts ticked boxes in page order.
 * - The preview (a 1920x1080 TV page, scaled to its frame) follows the form: each change
 *   posts the form to the preview, never saved (boards/preview.py).
 * Dragging the tiles is django-admin-sortable2's. The admin loads this in the head: it
 * starts once the page is parsed.
 */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";

  var form = document.getElementById("board_form");
  if (!form) {
    return;
  }
  var OPTION_NAMES = ["queue", "queues", "states", "sort", "size", "text", "logo"];

  // --- tiles: the options of their kind ------------------------------------------------
  function showOptions(kindSelect) {
    var tile = kindSelect.closest(".inline-related");
    if (!tile) {
      return;
    }
    var options = JSON.parse(kindSelect.dataset.options || "{}")[kindSelect.value] || [];
    var eachKinds = JSON.parse(kindSelect.dataset.each || "[]");
    OPTION_NAMES.forEach(function (name) {
      tile.querySelectorAll(".form-row.field-" + name).forEach(function (row) {
        row.classList.toggle("composer-hidden", options.indexOf(name) < 0);
      });
    });
    var queue = tile.querySelector("select[name$='-queue']");
    var empty = queue && queue.querySelector("option[value='']");
    if (empty) {
      var each = eachKinds.indexOf(kindSelect.value) >= 0;
      empty.textContent = each ? queue.dataset.each : queue.dataset.together;
    }
  }

  function showAllOptions(root) {
    root.querySelectorAll("select.tile-kind").forEach(showOptions);
  }

  // --- queues: ticks in order ------------------------------------------------------------
  function ticked(item) {
    var box = item.querySelector("input[type=checkbox]");
    return box && box.checked;
  }

  function moveButton(label, symbol, direction) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "ordered-picks__move";
    button.dataset.move = direction;
    button.textContent = symbol;
    button.setAttribute("aria-label", label);
    button.title = label;
    return button;
  }

  function addArrows(list) {
    Array.prototype.forEach.call(list.children, function (item) {
      var name = item.textContent.trim();
      item.classList.add("ordered-picks__item");
      item.appendChild(moveButton("Move " + name + " up", "↑", "up"));
      item.appendChild(moveButton("Move " + name + " down", "↓", "down"));
    });
  }

  function changed(element) {
    element.dispatchEvent(new Event("change", { bubbles: true }));
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest(".ordered-picks__move");
    if (!button) {
      return;
    }
    var item = button.closest(".ordered-picks__item");
    if (button.dataset.move === "up" && item.previousElementSibling) {
      item.parentNode.insertBefore(item, item.previousElementSibling);
    } else if (button.dataset.move === "down" && item.nextElementSibling) {
      item.parentNode.insertBefore(item.nextElementSibling, item);
    }
    button.focus();
    changed(item);
  });

  form.addEventListener("change", function (event) {
    var box = event.target;
    var list = box.closest && box.closest(".ordered-picks");
    if (!list || box.type !== "checkbox") {
      return;
    }
    // A queue ticked goes after those ticked before it; one unticked, after all ticked.
    var item = box.closest(".ordered-picks__item");
    var others = Array.prototype.filter.call(list.children, function (other) {
      return other !== item && ticked(other);
    });
    var last = others[others.length - 1];
    list.insertBefore(item, last ? last.nextElementSibling : list.firstElementChild);
  });

  // --- accent colour -------------------------------------------------------------------------
  form.addEventListener("input", function (event) {
    if (event.target.name === "accent_color") {
      var own = form.querySelector("input[name=theme_accent]");
      if (own) {
        own.checked = false;
      }
    }
  });

  // --- the preview -----------------------------------------------------------------------------
  var button = document.getElementById("composer-preview-button");
  var frame = document.getElementById("composer-preview-frame");
  var timer = null;

  function previewSoon() {
    if (!button) {
      return;
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      form.requestSubmit(button);
    }, 400);
  }

  form.addEventListener("change", previewSoon);
  form.addEventListener("input", previewSoon);
  // A tile dropped or moved by django-admin-sortable2 (its arrows, or a drag).
  form.addEventListener("dragend", previewSoon);
  form.addEventListener("click", function (event) {
    if (event.target.closest(".sort i")) {
      previewSoon();
    }
  });

  function fitFrame() {
    var screen = frame && frame.parentNode;
    if (screen) {
      var scale = screen.clientWidth / Number(screen.dataset.screenWidth || 1920);
      frame.style.transform = "scale(" + scale + ")";
    }
  }

  if (frame && window.ResizeObserver) {
    new ResizeObserver(fitFrame).observe(frame.parentNode);
  }

  // --- start ---------------------------------------------------------------------------------
  form.querySelectorAll(".ordered-picks").forEach(addArrows);
  showAllOptions(form);
  form.addEventListener("change", function (event) {
    if (event.target.matches("select.tile-kind")) {
      showOptions(event.target);
    }
  });
  // Django's inlines.js, for "Add another tile".
  document.addEventListener("formset:added", function (event) {
    showAllOptions(event.target);
  });
});
