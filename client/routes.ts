/**
 * The app's screens. Add a route here to plug a page in (first match wins):
 *
 * | URL | page |
 * | --- | --- |
 * | `/` | documents home page |
 * | `/d/NAME` | editor for document NAME (checks it exists first) |
 * | `/?doc=NAME` | editor, older form (opens or creates NAME) |
 * | `/signin` | sign in or register (`?next=` a path to return to) |
 * | `/share/SECRET` | open a share link (as the signed-in user, or as a guest) |
 */
import { renderEditorPage } from './pages/editor-page.ts'
import { renderHomePage } from './pages/home-page.ts'
import { renderSharePage } from './pages/share-page.ts'
import { renderSignInPage } from './pages/sign-in-page.ts'
import type { Route, Router } from './router.ts'

/** Builds the route table; `router` is resolved lazily so pages can navigate. */
export function appRoutes(router: () => Router): Route[] {
  return [
    {
      name: 'editor',
      match: (url) => {
        const match = /^\/d\/([^/]+)\/?$/.exec(url.pathname)
        return match ? { name: decodeURIComponent(match[1]!) } : null
      },
      render: (root, params) => renderEditorPage(root, params.name!, { checkExists: true }),
    },
    {
      name: 'editor',
      match: (url) => (url.pathname === '/' && url.searchParams.has('doc') ? { name: url.searchParams.get('doc')! } : null),
      render: (root, params) => renderEditorPage(root, params.name!, { checkExists: false }),
    },
    {
      name: 'signin',
      match: (url) => (url.pathname === '/signin' ? {} : null),
      render: (root) => renderSignInPage(root, (path) => void router().navigate(path, { replace: true })),
    },
    {
      name: 'share',
      match: (url) => {
        const match = /^\/share\/([A-Za-z0-9_-]+)\/?$/.exec(url.pathname)
        return match ? { secret: match[1]! } : null
      },
      render: (root, params) => renderSharePage(root, params.secret!, (path, options) => void router().navigate(path, options)),
    },
    {
      name: 'home',
      match: (url) => (url.pathname === '/' || url.pathname === '/index.html' ? {} : null),
      render: (root) => renderHomePage(root, (path) => void router().navigate(path)),
    },
  ]
}

/** Shown for any URL no route matches. */
export const notFoundRoute: Route = {
  name: 'not-found',
  match: () => null,
  render(root) {
    const main = document.createElement('main')
    main.className = 'notice'
    const link = document.createElement('a')
    link.href = '/'
    link.dataset.link = ''
    link.textContent = 'Go to your documents'
    main.append('There is no page here. ', link)
    root.append(main)
  },
}
