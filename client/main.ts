/**
 * Entry point: registers the service worker (the app opens offline) and starts the router
 * (`routes.ts` lists the screens).
 */
import { registerServiceWorker } from './offline/register-service-worker.ts'
import { startRouter, type Router } from './router.ts'
import { appRoutes, notFoundRoute } from './routes.ts'

registerServiceWorker()
let router: Router | null = null
router = startRouter(document.getElementById('app')!, appRoutes(() => router!), notFoundRoute)
Object.assign(window, { collabRouter: router })
