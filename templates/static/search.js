// Pagefind's search box. The site has one search index per section, merged here;
// addresses are made relative to this copy of the site, so search works wherever
// the site is hosted, including a sub-folder.
window.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("site-search");
  if (!box || typeof PagefindUI === "undefined" || !box.dataset.bundles) {
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
