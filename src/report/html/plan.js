"use strict";
(function () {
  // Ticks live in this browser's local storage only; nothing is sent anywhere.
  var PREFIX = "credaudit-done:";
  var store = null;
  try { store = window.localStorage; store.getItem(PREFIX); } catch (e) { store = null; }
  var items = Array.prototype.slice.call(document.querySelectorAll("li.account"));
  var filter = document.getElementById("filter");
  var hideTicked = document.getElementById("hide-ticked");
  var progress = document.getElementById("progress");
  function box(item) { return item.querySelector("input.tick"); }
  function update() {
    var query = filter.value.trim().toLowerCase();
    var ticked = 0;
    items.forEach(function (item) {
      var done = box(item).checked;
      if (done) { ticked += 1; }
      item.classList.toggle("ticked", done);
      var match = !query || item.textContent.toLowerCase().indexOf(query) !== -1;
      item.hidden = !match || (hideTicked.checked && done);
    });
    progress.textContent = ticked + " of " + items.length + " done";
  }
  items.forEach(function (item) {
    var input = box(item);
    var key = PREFIX + input.getAttribute("data-key");
    if (!input.disabled && store && store.getItem(key) === "1") { input.checked = true; }
    input.addEventListener("change", function () {
      if (store && !input.disabled) {
        if (input.checked) { store.setItem(key, "1"); } else { store.removeItem(key); }
      }
      update();
    });
  });
  filter.addEventListener("input", update);
  hideTicked.addEventListener("change", update);
  document.getElementById("controls").hidden = false;
  update();
})();
