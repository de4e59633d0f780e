// Loading and failure notices shown before the WebAssembly app takes over the page, and the
// loader of the lazily loaded modules (Flashcards, lab extras).
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
    loadModule: loadModule,
  };

  // Lazily loaded WebAssembly modules next to index.html, each a `NAME.js` + `NAME_bg.wasm` pair
  // built by Trunk: "cards" (the Flashcards page) and "labx" (the lab's extra views: the breaker
  // playground, the small models and the jitter chart). Each is downloaded the first time it is
  // needed. Resolves to the module's exports once it is initialised; a failed attempt is
  // forgotten, so the next call downloads again (under a fresh URL: browsers remember a module
  // that failed to load).
  var modules = {};
  var attempts = {};
  function loadModule(name) {
    if (!modules[name]) {
      var base = document.baseURI;
      var n = attempts[name] || 0;
      attempts[name] = n + 1;
      var query = n ? "?retry=" + n : "";
      var loading = import(new URL(name + ".js" + query, base).href).then(function (module) {
        return module.default({ module_or_path: new URL(name + "_bg.wasm" + query, base) }).then(function () {
          return module;
        });
      });
      modules[name] = loading;
      loading.catch(function () {
        delete modules[name];
      });
    }
    return modules[name];
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
