/**
 * Benchmark peer: `@hocuspocus/server` exactly as its README starts it, with no extensions (no
 * authentication, no storage, no limits). Prints `BENCH_LISTENING <port>` once it accepts.
 */
import { Server } from '@hocuspocus/server'

const server = new Server({ port: Number(process.env.PORT ?? 0), address: '127.0.0.1', quiet: true, stopOnSignals: true })
await server.listen()
console.log(`BENCH_LISTENING ${server.address.port}`)
