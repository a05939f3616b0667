/**
 * The worker-thread side of {@link ThreadedSqliteStore}: owns the {@link SqliteStore} and answers
 * its calls one at a time, in order. Runs with `node:worker_threads`; see threaded-sqlite-store.ts.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { unpackOperations } from './packed-operations.ts'
import { SqliteStore, type SqliteStoreOptions } from './sqlite-store.ts'
import type { StoreCall, StoreReply } from './threaded-sqlite-store.ts'

const port = parentPort
if (!port) throw new Error('sqlite-store-thread.ts runs only as a worker thread')
const { dataDir, options } = workerData as { dataDir: string; options: SqliteStoreOptions }

let store: SqliteStore
try {
  store = new SqliteStore(dataDir, options)
  port.postMessage({ id: 0, result: null } satisfies StoreReply)
} catch (error) {
  port.postMessage({ id: 0, error: describe(error) } satisfies StoreReply)
  process.exit(1)
}

port.on('message', async (call: StoreCall) => {
  try {
    const args = call.method === 'write' ? [unpackOperations(call.args[0] as Uint8Array)] : call.args
    const result = await (store[call.method] as (...args: unknown[]) => Promise<unknown>)(...args)
    port.postMessage({ id: call.id, result } satisfies StoreReply)
  } catch (error) {
    port.postMessage({ id: call.id, error: describe(error) } satisfies StoreReply)
  }
})

function describe(error: unknown): { message: string; code?: string } {
  if (!(error instanceof Error)) return { message: String(error) }
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? { message: error.message, code } : { message: error.message }
}
