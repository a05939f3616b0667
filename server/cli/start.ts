/**
 * `npm start`: builds the client if needed and runs the server on the embedded SQLite store.
 */
import { startServer } from '../app.ts'
import { ConfigError, loadConfig } from '../config.ts'
import { buildClientIfNeeded } from './build-client.ts'

let config
try {
  config = loadConfig()
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`)
    process.exit(2)
  }
  throw error
}

if (await buildClientIfNeeded()) console.log('Built the client into dist/client.')
let server
try {
  server = await startServer(config)
} catch (error) {
  // Typically the database named by DATABASE_URL is unreachable or refuses the schema migration.
  console.error(`Could not start: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
console.log(`Collaborative editor running at ${server.url}/  (data in ${config.dataDir})`)

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    server.log.info({ signal }, 'shutting down: flushing pending writes')
    // With the store down the flush never ends; give up after the timeout rather than hang until
    // the supervisor's SIGKILL. Nothing acknowledged is lost: unwritten changes were never
    // acknowledged, so their clients still hold them and send them to the next server.
    setTimeout(() => {
      server.log.error(
        { pendingWrites: server.writer.pendingOperations, timeoutMs: config.shutdownTimeoutMs },
        'shutdown: pending changes could not be stored in time; exiting without them (unacknowledged, clients keep them)',
      )
      process.exit(1)
    }, config.shutdownTimeoutMs)
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.log.error({ err: error }, 'shutdown failed')
        process.exit(1)
      },
    )
  })
}
