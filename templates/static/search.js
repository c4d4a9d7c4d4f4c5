// Pagefind's search box. The site has one search index per section, merged here;
// addresses are made relative to this copy of the site, so search works wherever
// the site is hosted, including a sub-folder.
//
// A browser will not let a page opened from a folder on disk (file://) read the
// search index, so there the box says so, and how to serve the site instead.
window.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("site-search");
  if (!box || !box.dataset.bundles) {
    return;
  }
  if (window.location.protocol === "file:") {
    explainServing(box);
    return;
  }
  if (typeof PagefindUI === "undefined") {
    return;
  }
  var root = new URL(box.dataset.root, window.location.href);
  var bundles = box.dataset.bundles.split(" ").map(function (section) {
    return new URL("pagefind/" + section + "/", root).pathname;
  });
  new PagefindUI({
    element: "#site-search",
    bundlePath: bundles[0],
    mergeIndex: bundles.slice(1).map(function (path) { return { bundlePath: path }; }),
    showSubResults: false,
    showImages: false,
    resetStyles: false,
    baseUrl: root.pathname,
  });
});

function explainServing(box) {
  function part(tag, text) {
    var element = document.createElement(tag);
    element.textContent = text;
    return element;
  }
  var note = document.createElement("p");
  note.className = "search-offline";
  note.appendChild(part("strong", "Search works only when the site is served over http, "));
  note.appendChild(document.createTextNode("not opened from a folder. In a terminal, in the site's folder, run "));
  note.appendChild(part("code", "python -m http.server"));
  note.appendChild(document.createTextNode(" and open "));
  note.appendChild(part("code", "http://localhost:8000/"));
  note.appendChild(document.createTextNode("; or, in the project, run "));
  note.appendChild(part("code", "briefing serve"));
  note.appendChild(document.createTextNode(". Every page is also reachable from the menu."));
  box.appendChild(note);
}
