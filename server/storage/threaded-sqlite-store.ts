/**
 * The embedded SQLite store on a worker thread, so the main thread never waits for the disk.
 *
 * `node:sqlite` is synchronous: with `synchronous = FULL` every commit fsyncs, and measured here a
 * commit took 0.5 ms at the median but 15 ms at p99, all of it with the event loop stopped. Every
 * client of the server waited through those stalls (they were most of an honest client's p99
 * while another client flooded the document). Here the same {@link SqliteStore} runs in a worker
 * thread; the durable writer already awaits each batch, so acknowledgements still wait for the
 * commit, while sync traffic goes on meanwhile.
 *
 * Calls are answered in the order they were made. If the worker dies, pending calls fail (the
 * durable writer keeps their operations and retries) and the next call starts a new worker.
 */
import { Worker } from 'node:worker_threads'
import type { DocumentStore, DocumentSummary, StoreOperation, StoredDocument } from './document-store.ts'
import { packOperations } from './packed-operations.ts'
import type { SqliteStoreOptions } from './sqlite-store.ts'

type StoreMethod = 'load' | 'write' | 'delete' | 'list' | 'ping'

/** A call to the worker (`write` carries its operations packed, see packed-operations.ts). */
export interface StoreCall {
  id: number
  method: StoreMethod
  args: unknown[]
}

/** The worker's answer to call `id` (id 0: the store opened, or failed to). */
export type StoreReply = { id: number; result: unknown; error?: undefined } | { id: number; error: { message: string; code?: string } }

interface Pending {
  resolve: (value: unknown) => void
  reject: (error: Error) => void
}

const THREAD_FILE = new URL('./sqlite-store-thread.ts', import.meta.url)

/** {@link DocumentStore} on a SQLite file in `dataDir`, written from a worker thread. Create with {@link ThreadedSqliteStore.open}. */
export class ThreadedSqliteStore implements DocumentStore {
  private readonly dataDir: string
  private readonly options: SqliteStoreOptions
  private worker: Promise<Worker> | null = null
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private closed = false

  private constructor(dataDir: string, options: SqliteStoreOptions) {
    this.dataDir = dataDir
    this.options = options
  }

  /** Starts the worker and opens the database; rejects if it cannot be opened. */
  static async open(dataDir: string, options: SqliteStoreOptions = {}): Promise<ThreadedSqliteStore> {
    const store = new ThreadedSqliteStore(dataDir, options)
    await store.started()
    return store
  }

  load(name: string): Promise<StoredDocument | null> {
    return this.call('load', [name]) as Promise<StoredDocument | null>
  }

  write(operations: readonly StoreOperation[]): Promise<void> {
    // One buffer, transferred: cloning hundreds of small arrays cost more than the copy.
    const packed = packOperations(operations)
    return this.call('write', [packed], [packed.buffer]) as Promise<void>
  }

  delete(name: string): Promise<void> {
    return this.call('delete', [name]) as Promise<void>
  }

  list(): Promise<DocumentSummary[]> {
    return this.call('list', []) as Promise<DocumentSummary[]>
  }

  ping(): Promise<void> {
    return this.call('ping', []) as Promise<void>
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    const worker = await this.worker?.catch(() => null)
    // Terminating waits for a running call to return from SQLite; the database file is closed with the thread.
    await worker?.terminate()
    this.worker = null
  }

  private async call(method: StoreMethod, args: unknown[], transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.closed) throw new Error('document store is closed')
    const worker = await this.started()
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      worker.postMessage({ id, method, args } satisfies StoreCall, transfer)
    })
  }

  private started(): Promise<Worker> {
    this.worker ??= new Promise<Worker>((resolve, reject) => {
      const worker = new Worker(THREAD_FILE, { workerData: { dataDir: this.dataDir, options: this.options }, name: 'sqlite-store' })
      let ready = false
      worker.on('message', (reply: StoreReply) => {
        if (reply.id === 0) {
          if (reply.error) return reject(toError(reply.error))
          ready = true
          return resolve(worker)
        }
        const pending = this.pending.get(reply.id)
        if (!pending) return
        this.pending.delete(reply.id)
        if (reply.error) pending.reject(toError(reply.error))
        else pending.resolve(reply.result)
      })
      const died = (error: Error) => {
        this.worker = null
        if (!ready) reject(error)
        for (const pending of this.pending.values()) pending.reject(error)
        this.pending.clear()
      }
      worker.on('error', died)
      worker.on('exit', (code) => died(new Error(`document store thread exited with code ${code}`)))
    })
    return this.worker
  }
}

function toError(described: { message: string; code?: string }): Error {
  return Object.assign(new Error(described.message), described.code ? { code: described.code } : {})
}
