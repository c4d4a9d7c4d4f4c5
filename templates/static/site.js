// A table wider than its box scrolls sideways inside it (on a phone, say). This
// says so in words above every table that does, and names the note as the
// table's description, so that a screen reader says it too; it looks again when
// the window changes size. Without JavaScript the table's edge still shows a
// shadow where more columns are hidden (style.css).
(function () {
  var HINT = "Wider than the screen: scroll the table sideways to see every column.";

  function mark() {
    var wraps = document.querySelectorAll(".table-wrap");
    for (var index = 0; index < wraps.length; index++) {
      var wrap = wraps[index];
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      var hint = wrap.previousElementSibling;
      var hinted = hint !== null && hint.classList.contains("table-hint");
      if (scrolls && !hinted) {
        hint = document.createElement("p");
        hint.className = "table-hint";
        hint.id = "table-hint-" + (index + 1);
        hint.textContent = HINT;
        wrap.parentNode.insertBefore(hint, wrap);
        wrap.setAttribute("aria-describedby", hint.id);
      } else if (!scrolls && hinted) {
        hint.parentNode.removeChild(hint);
        wrap.removeAttribute("aria-describedby");
      }
      wrap.classList.toggle("table-wrap--scrolls", scrolls);
    }
  }

  var pending = null;
  window.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(mark, 100);
  });
})();
