/**
 * Registers `/sw.js`, which caches the app shell so the app opens with no network [OFF1].
 * Documents themselves live in IndexedDB (see `local-store.ts`), not in the service worker.
 *
 * Registered in development too: the worker only caches `/` and the built `/assets/*`, and
 * always prefers the network for pages, so it never serves stale dev-server modules.
 */

/** Registers the service worker; failures are logged, the app works without one. */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((error: unknown) => {
    console.warn('service worker registration failed; the app will not open offline', error)
  })
}
