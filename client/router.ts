/**
 * A tiny client-side router: a list of routes, each matching a URL and rendering a page into the
 * app root. Other features plug their pages in by adding a {@link Route} to `routes.ts`.
 *
 * URLs: `/` is the documents home page, `/d/NAME` opens document NAME (the older `/?doc=NAME`
 * still works). Links marked `data-link` navigate without a page load.
 */

/** Tears a page down when the route changes (close sockets, remove listeners). */
export type Dispose = () => void

/** One screen of the app. */
export interface Route {
  /** Stable name, for tests and debugging. */
  readonly name: string
  /** Parameters when `url` belongs to this route, else `null`. */
  match(url: URL): Record<string, string> | null
  /** Renders into `root` (emptied beforehand); may return a disposer. */
  render(root: HTMLElement, params: Record<string, string>): Promise<Dispose | void> | Dispose | void
}

/** A running router. */
export interface Router {
  /** Goes to `path` (pushing a history entry unless `replace`) and renders its route. */
  navigate(path: string, options?: { replace?: boolean }): Promise<void>
  /** Name of the route on screen, or `null` before the first render. */
  readonly current: string | null
}

/**
 * Starts routing `routes` (first match wins; `fallback` when none matches) into `root`, rendering
 * the current URL right away.
 */
export function startRouter(root: HTMLElement, routes: readonly Route[], fallback: Route): Router {
  let dispose: Dispose | void = undefined
  let current: string | null = null
  // Renders can overlap (a fast second click); only the latest one may mount its page.
  let generation = 0

  const render = async () => {
    const url = new URL(location.href)
    let route = fallback
    let params: Record<string, string> = {}
    for (const candidate of routes) {
      const matched = candidate.match(url)
      if (matched) {
        route = candidate
        params = matched
        break
      }
    }
    const mine = ++generation
    dispose?.()
    dispose = undefined
    root.replaceChildren()
    current = route.name
    root.dataset.route = route.name
    const disposer = await route.render(root, params)
    if (mine !== generation) disposer?.()
    else dispose = disposer
  }

  const router: Router = {
    async navigate(path, options = {}) {
      if (options.replace) history.replaceState(null, '', path)
      else history.pushState(null, '', path)
      await render()
    },
    get current() {
      return current
    },
  }

  window.addEventListener('popstate', () => void render())
  document.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest?.('a[data-link]')
    if (!(link instanceof HTMLAnchorElement) || event.defaultPrevented || event.button !== 0) return
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
    if (link.origin !== location.origin) return
    event.preventDefault()
    void router.navigate(link.pathname + link.search)
  })
  void render()
  return router
}

/** Path of the editor for document `name`. */
export function documentPath(name: string): string {
  return `/d/${encodeURIComponent(name)}`
}
