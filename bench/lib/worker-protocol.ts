/**
 * Commands the harness sends to client worker processes (`bench/clients/worker.ts`) and their
 * replies. Times in results are monotonic milliseconds comparable across processes.
 */
import type { ClientProtocol } from './servers.ts'

/** One client to connect. */
export interface ClientSpec {
  key: string
  protocol: ClientProtocol
  url: string
  doc: string
  token: string
  /** A thin reader (bench/clients/thin-reader.ts): no document, only arrival times. */
  thin?: boolean
}

/** A command; `id` is added by the pool. */
export type WorkerCommand =
  /** Connects clients in batches of `batchSize` (default 50), each batch synced before the next. */
  | { cmd: 'open'; clients: ClientSpec[]; batchSize?: number; timeoutMs?: number }
  /** `creators` create the body paragraph; resolves when every client in `waiters` has one. */
  | { cmd: 'prepare'; creators: string[]; waiters: string[]; timeoutMs?: number }
  /** Starts recording arrival times of `letters` inserted at these clients. */
  | { cmd: 'watch'; keys: string[]; letters: string[] }
  /**
   * Each typist appends `count` letters, every `intervalMs` (0: one per event-loop turn); returns
   * send times per key, or with `acks` `{sends, acks}` where acks are the acknowledgement times.
   */
  | { cmd: 'type'; typists: { key: string; letter: string }[]; count: number; intervalMs: number; acks?: boolean }
  /** Arrival times recorded so far, per key and letter. */
  | { cmd: 'collect'; keys: string[] }
  /** Resolves true once every key has `count` arrivals of `letter`, false at the timeout. */
  | { cmd: 'waitArrivals'; keys: string[]; letter: string; count: number; timeoutMs: number }
  /** Replays the first `limit` transactions of a trace file through client `key`, one transaction per keystroke. */
  | { cmd: 'trace'; key: string; file: string; limit?: number; yieldEvery: number }
  /** Resolves with the time client `key`'s paragraph text equals `expected`. */
  | { cmd: 'waitText'; key: string; expected: string; timeoutMs: number }
  /** Resolves with the time client `key` has every change acknowledged. */
  | { cmd: 'waitAcked'; key: string; timeoutMs: number }
  /** Appends `paragraphs` paragraphs of `text` to client `key`'s body; resolves once acknowledged. */
  | { cmd: 'seed'; key: string; paragraphs: number; text: string }
  /** Client `key`'s paragraph text. */
  | { cmd: 'text'; key: string }
  /** CPU used since the last reset, and RSS. */
  | { cmd: 'cpu'; reset: boolean }
  /** Disconnects the given clients (default: all). */
  | { cmd: 'close'; keys?: string[] }

/** A reply to the command with the same id. */
export type WorkerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string }

/** Result of `trace`. */
export interface TraceSent {
  start: number
  sent: number
  edits: number
  expected: string
  full: boolean
}
