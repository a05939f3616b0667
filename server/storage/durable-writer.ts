/**
 * Batches store writes and tells callers when what they enqueued is durable.
 *
 * Every document update is enqueued the moment it is applied in memory; everything enqueued in one
 * event-loop turn is written in one transaction (one fsync), so durability costs latency of one
 * commit, not throughput. A client's change is acknowledged only after `whenDurable()` resolves.
 *
 * When the store fails (database down, disk full) nothing is dropped: the batch goes back to the
 * front of the queue and is retried with capped exponential backoff; acknowledgements wait.
 */
import type { Logger } from '../log.ts'
import type { DocumentStore, StoreOperation } from './document-store.ts'

/** Tunables for {@link DurableWriter}. */
export interface DurableWriterOptions {
  /** Most operations written in one transaction. Default 10,000. */
  maxBatchOperations?: number
  /** First retry delay after a failed write, doubled per failure up to `maxRetryDelayMs`. Default 100 ms. */
  initialRetryDelayMs?: number
  /** Cap on the retry delay. Default 5,000 ms. */
  maxRetryDelayMs?: number
  /** Least time between the starts of two writes; operations enqueued meanwhile join the next. Default 0. */
  minCommitIntervalMs?: number
}

interface Waiter {
  target: number
  resolve: () => void
}

/** Queues {@link StoreOperation}s and writes them to a {@link DocumentStore} in batches. */
export class DurableWriter {
  private queue: { seq: number; op: StoreOperation }[] = []
  private waiters: Waiter[] = []
  private enqueuedSeq = 0
  private durableSeq = 0
  private writing = false
  private scheduled: NodeJS.Immediate | NodeJS.Timeout | null = null
  private consecutiveFailures = 0
  private stopped = false
  private lastError: unknown = null
  private readonly maxBatchOperations: number
  private readonly initialRetryDelayMs: number
  private readonly maxRetryDelayMs: number
  private readonly minCommitIntervalMs: number
  private lastWriteStart = -Infinity

  private readonly store: DocumentStore
  private readonly log: Logger

  constructor(store: DocumentStore, log: Logger, options: DurableWriterOptions = {}) {
    this.store = store
    this.log = log
    this.maxBatchOperations = options.maxBatchOperations ?? 10_000
    this.initialRetryDelayMs = options.initialRetryDelayMs ?? 100
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 5_000
    this.minCommitIntervalMs = options.minCommitIntervalMs ?? 0
  }

  /** Queues `op`; it is written in the next event-loop turn, or once `minCommitIntervalMs` has passed since the last write started. */
  enqueue(op: StoreOperation): void {
    if (this.stopped) {
      this.log.warn({ document: op.document, kind: op.kind }, 'store write after shutdown ignored')
      return
    }
    this.queue.push({ seq: ++this.enqueuedSeq, op })
    this.schedule(0)
  }

  /** Resolves once every operation enqueued before this call (or up to `mark`) is durable. Never rejects. */
  whenDurable(mark = this.enqueuedSeq): Promise<void> {
    if (this.durableSeq >= mark) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push({ target: mark, resolve }))
  }

  /** A mark for everything enqueued so far, for {@link isDurable} and {@link whenDurable}. */
  get mark(): number {
    return this.enqueuedSeq
  }

  /** Whether everything enqueued before `mark` was taken is durable. */
  isDurable(mark: number): boolean {
    return this.durableSeq >= mark
  }

  /** Stops writing: later operations are dropped with a warning. Call after `whenDurable()`. */
  stop(): void {
    this.stopped = true
    if (this.scheduled !== null) {
      clearTimeout(this.scheduled as NodeJS.Timeout)
      clearImmediate(this.scheduled as NodeJS.Immediate)
      this.scheduled = null
    }
    this.queue = []
  }

  /** Operations enqueued but not yet durable. */
  get pendingOperations(): number {
    return this.enqueuedSeq - this.durableSeq
  }

  /** `null` while writes succeed; otherwise the error of the last failed attempt. */
  get failure(): unknown {
    return this.consecutiveFailures > 0 ? this.lastError : null
  }

  private schedule(delayMs: number): void {
    if (this.scheduled !== null || this.writing || this.queue.length === 0) return
    if (delayMs === 0) delayMs = Math.ceil(this.untilIntervalMs())
    this.scheduled = delayMs === 0 ? setImmediate(() => this.flush()) : setTimeout(() => this.flush(), delayMs)
  }

  /** Milliseconds until the commit interval since the last write's start has passed (0: it has). */
  private untilIntervalMs(): number {
    return this.minCommitIntervalMs > 0 ? Math.max(0, this.lastWriteStart + this.minCommitIntervalMs - performance.now()) : 0
  }

  private async flush(): Promise<void> {
    this.scheduled = null
    if (this.writing || this.queue.length === 0) return
    // A timer can fire early against performance.now() (the event loop's clock is cached).
    if (this.consecutiveFailures === 0 && this.untilIntervalMs() > 0) return this.schedule(0)
    this.writing = true
    const batch = this.queue.splice(0, this.maxBatchOperations)
    this.lastWriteStart = performance.now()
    try {
      await this.store.write(batch.map((entry) => entry.op))
      if (this.consecutiveFailures > 0) {
        this.log.info({ failures: this.consecutiveFailures }, 'store reachable again; pending changes written')
      }
      this.consecutiveFailures = 0
      this.durableSeq = batch[batch.length - 1]!.seq
      this.releaseWaiters()
    } catch (error) {
      // Keep the batch, in order, ahead of anything queued meanwhile.
      this.queue = batch.concat(this.queue)
      this.consecutiveFailures++
      this.lastError = error
      const delay = Math.min(this.maxRetryDelayMs, this.initialRetryDelayMs * 2 ** (this.consecutiveFailures - 1))
      this.log.error(
        { err: error, pendingOperations: this.queue.length, retryInMs: delay },
        'store write failed; changes kept in memory and not acknowledged until stored',
      )
      this.writing = false
      this.schedule(delay)
      return
    }
    this.writing = false
    this.schedule(0)
  }

  private releaseWaiters(): void {
    // Waiters are mostly in target order (marks only grow), but one may wait for an older mark.
    if (this.waiters.length === 0) return
    const still: Waiter[] = []
    for (const waiter of this.waiters) {
      if (waiter.target <= this.durableSeq) waiter.resolve()
      else still.push(waiter)
    }
    this.waiters = still
  }
}
