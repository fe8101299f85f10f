// Wide screens show the menu open; phones keep it behind the "Menu" button.
(function () {
  var menu = document.querySelector("details.menu");
  if (menu && window.matchMedia("(min-width: 720px)").matches) { menu.open = true; }
  // Buttons that ask before a destructive action carry data-confirm.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = button && button.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();

// Offline, a page that cannot load shows the portal's own "no connection" page (sw.js).
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () { navigator.serviceWorker.register("/sw.js"); });
}
