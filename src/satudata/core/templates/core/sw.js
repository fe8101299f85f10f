// Satu Data's service worker: when the phone is offline, a page that cannot load shows our
// offline page instead of the browser's error. It caches nothing else: pages may hold
// personal data, and a stale figure must never pass for a current one.
const CACHE = "satudata-{{ version }}";
const OFFLINE = "{{ offline_url }}";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll([OFFLINE, "{{ css_url }}", "{{ icon_url }}"]))
  );
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) =>
      Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key)))
    )
  );
  self.clients.claim();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
  } else if (request.method === "GET" && ["{{ css_url }}", "{{ icon_url }}"].includes(new URL(request.url).pathname)) {
    // The offline page's own style and icon, so it looks like the portal.
    event.respondWith(fetch(request).catch(() => caches.match(request)));
  }
});
