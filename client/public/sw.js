/**
 * Service worker: keeps the app shell (index.html and the hashed assets it references) in the
 * Cache Storage so the app opens with no network [OFF1]. Documents are not cached here; they live
 * in IndexedDB. API, WebSocket and health responses are never cached.
 *
 * - Page loads: network first (fresh shell when online), the cached shell when the network fails
 *   or takes longer than NAVIGATION_TIMEOUT_MS. Every fresh shell re-caches its assets and drops
 *   assets no longer referenced, so the cache stays bounded.
 * - `/assets/*` (content-hashed, immutable): cache first.
 *
 * Plain JavaScript on purpose: it is served as-is from `client/public`, outside the bundle.
 */
const CACHE = 'collab-shell-v1'
const SHELL = '/'
const NAVIGATION_TIMEOUT_MS = 4000
const NEVER_CACHED = [/^\/api\//, /^\/collab/, /^\/healthz/, /^\/sw\.js$/]

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const response = await fetch(SHELL, { cache: 'no-store' })
      if (response.ok) await cacheShell(response)
      await self.skipWaiting()
    })(),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name)
      // Control the page that registered us, so it works offline without a second load.
      await self.clients.claim()
    })(),
  )
})

self.addEventListener('fetch', (event) => {
  const request = event.request
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (url.origin !== self.location.origin) return
  if (NEVER_CACHED.some((pattern) => pattern.test(url.pathname))) return
  if (request.mode === 'navigate') {
    event.respondWith(navigation(event))
    return
  }
  if (url.pathname.startsWith('/assets/')) event.respondWith(cacheFirst(request))
})

/** Network first with a timeout, falling back to the cached shell (every route is the shell). */
async function navigation(event) {
  const network = fetch(event.request).then(async (response) => {
    if (response.ok && (response.headers.get('content-type') || '').includes('text/html')) {
      event.waitUntil(cacheShell(response.clone()))
    }
    return response
  })
  const timeout = new Promise((resolve) => setTimeout(() => resolve(null), NAVIGATION_TIMEOUT_MS))
  try {
    const response = await Promise.race([network, timeout])
    if (response) return response
  } catch {
    // Offline: fall through to the cache.
  }
  const cached = await caches.match(SHELL)
  if (cached) return cached
  return network
}

async function cacheFirst(request) {
  const cached = await caches.match(request)
  if (cached) return cached
  const response = await fetch(request)
  if (response.ok) {
    const cache = await caches.open(CACHE)
    await cache.put(request, response.clone())
  }
  return response
}

/** Stores `response` as the shell, caches every asset it references, and drops stale assets. */
async function cacheShell(response) {
  const html = await response.clone().text()
  const cache = await caches.open(CACHE)
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1])
  // Hashed names never change content: fetch only the ones not cached yet.
  const missing = []
  for (const asset of new Set(assets)) if (!(await cache.match(asset))) missing.push(asset)
  await cache.addAll(missing)
  await cache.put(SHELL, new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } }))
  const keep = new Set(assets.map((asset) => new URL(asset, self.location.origin).href))
  for (const request of await cache.keys()) {
    if (new URL(request.url).pathname.startsWith('/assets/') && !keep.has(request.url)) await cache.delete(request)
  }
}
