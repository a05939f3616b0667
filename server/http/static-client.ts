/**
 * Serves the built client (`dist/client`) with `sirv`; unknown paths fall back to `index.html` so
 * client-side routes load the app.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { IncomingMessage, ServerResponse } from 'node:http'
import sirv from 'sirv'

/** A request handler for the built client, or a 503 explaining how to build it if it is missing. */
export function staticClient(clientDir: string): (request: IncomingMessage, response: ServerResponse) => void {
  if (!fs.existsSync(path.join(clientDir, 'index.html'))) {
    return (_request, response) => {
      response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
      response.end(`The client is not built (no ${clientDir}/index.html). Run "npm run build" or "npm start".\n`)
    }
  }
  // `dev: true` looks files up per request, so a rebuilt client (new hashed asset names) is served
  // without restarting the server.
  const serve = sirv(clientDir, { single: true, etag: true, dev: true })
  return (request, response) => serve(request, response)
}
