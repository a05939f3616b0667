/**
 * `npm run dev`: the server on PORT (default 1234) and the Vite dev server with HMR on VITE_PORT
 * (default 5173), which proxies /collab, /api and /healthz to the server.
 */
import { createServer } from 'vite'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer } from '../app.ts'
import { loadConfig } from '../config.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const server = await startServer(loadConfig())
const vite = await createServer({ configFile: path.join(root, 'vite.config.ts') })
await vite.listen()
console.log(`API and WebSocket at ${server.url}; open the editor at http://127.0.0.1:${vite.config.server.port}/`)
process.on('SIGINT', () => {
  Promise.all([vite.close(), server.close()]).then(() => process.exit(0))
})
