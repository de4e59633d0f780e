// Loading and failure notices shown before the WebAssembly app takes over the page, and the
// loader of the lazily loaded Flashcards module.
// The app removes #boot when it starts; until then these helpers keep the person informed.
(function () {
  "use strict";
  var started = false;
  var progressed = false;

  function showFailure(detail) {
    var box = document.getElementById("boot");
    if (!box) return; // the app is running; nothing to report here
    box.classList.add("boot-failed");
    box.setAttribute("role", "alert");
    box.setAttribute("data-testid", "boot-error");
    var message = document.getElementById("boot-message");
    if (message) {
      message.textContent =
        "Faultline could not start. " +
        (detail ? "(" + detail + ") " : "") +
        "Your browser may not support WebAssembly, or the app's files did not load. Reload the page to try again.";
    }
    var bar = document.getElementById("boot-progress");
    if (bar) bar.remove();
  }

  window.faultlineBoot = {
    started: function () {
      started = true;
    },
    progress: function (current, total) {
      progressed = true;
      var bar = document.getElementById("boot-progress");
      if (bar && total > 0) bar.value = Math.min(100, Math.round((100 * current) / total));
    },
    failed: showFailure,
    loadCards: loadCards,
  };

  // The Flashcards page is a second WebAssembly module (cards.js + cards_bg.wasm next to
  // index.html), downloaded the first time the page is opened. Resolves to the module's exports
  // once it is initialised; a failed attempt is forgotten, so the next call downloads again
  // (under a fresh URL: browsers remember a module that failed to load).
  var cards = null;
  var attempts = 0;
  function loadCards() {
    if (!cards) {
      var base = document.baseURI;
      var query = attempts++ ? "?retry=" + attempts : "";
      cards = import(new URL("cards.js" + query, base).href).then(function (module) {
        return module.default({ module_or_path: new URL("cards_bg.wasm" + query, base) }).then(function () {
          return module;
        });
      });
      cards.catch(function () {
        cards = null;
      });
    }
    return cards;
  }

  if (typeof WebAssembly !== "object") {
    document.addEventListener("DOMContentLoaded", function () {
      showFailure("this browser has no WebAssembly");
    });
  }

  // If the loader script itself never runs (blocked or missing), say so instead of spinning forever.
  setTimeout(function () {
    if (!started && !progressed) showFailure("nothing was downloaded within 30 seconds");
  }, 30000);
})();
