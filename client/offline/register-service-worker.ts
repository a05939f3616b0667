/// <reference types="vite/client" />
/**
 * Registers `/sw.js`, which caches the app shell so the app opens with no network [OFF1].
 * Documents themselves live in IndexedDB (see `local-store.ts`), not in the service worker.
 */

/** Registers the service worker; failures are logged, the app works without one. */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return
  // The Vite dev server serves modules, not a built shell: caching them would serve stale code.
  if (import.meta.env.DEV) return
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((error: unknown) => {
    console.warn('service worker registration failed; the app will not open offline', error)
  })
}
