/**
 * Cold open of a stored document, measured inside a freshly started server process: the time from
 * Hocuspocus's load request (a direct connection, as the first client's connection would make) to
 * the document being loaded, with every extension of the production configuration.
 *
 *   DATA_DIR=... AUTH_SECRET=... node bench/peers/cold-open.ts <document>
 *
 * Prints `BENCH_COLD_OPEN {"ms":...,"textLength":...}`.
 */
import { startServer } from '../../server/app.ts'
import { loadConfig } from '../../server/config.ts'
import { createLogger } from '../../server/log.ts'

const name = process.argv[2]
if (!name) throw new Error('usage: cold-open.ts <document>')
const server = await startServer(loadConfig({ ...process.env, PORT: '0' }), createLogger('warn'))
const t0 = performance.now()
const connection = await server.hocuspocus.openDirectConnection(name)
const ms = performance.now() - t0
const paragraph = connection.document?.getXmlFragment('default').get(0)
const textLength = paragraph && 'get' in paragraph ? String(paragraph.get(0) ?? '').length : 0
console.log(`BENCH_COLD_OPEN ${JSON.stringify({ ms: Math.round(ms * 100) / 100, textLength })}`)
await connection.disconnect()
await server.close()
process.exit(0)
