// Pagefind's search box. Result addresses are made relative to this copy of the
// site, so search works wherever the site is hosted, including a sub-folder.
window.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("site-search");
  if (!box || typeof PagefindUI === "undefined") {
    return;
  }
  new PagefindUI({
    element: "#site-search",
    showSubResults: false,
    showImages: false,
    resetStyles: false,
    baseUrl: new URL(box.dataset.root, window.location.href).pathname,
  });
});
