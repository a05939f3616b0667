/**
 * Size profiles: `smoke` (seconds; what `npm test` runs), `default` (the published figures, about
 * 20 minutes on 2 cores) and `full` (more samples).
 */

/** Sizes every suite reads. */
export interface Profile {
  name: 'smoke' | 'default' | 'full'
  /** Client worker processes for readers (the writer always has its own). */
  readerWorkers: number
  fanout: {
    readers: number[]
    /** Keystrokes of one human-rate run; {@link humanRounds} runs per server and point. */
    humanKeystrokes: number
    humanIntervalMs: number
    /**
     * Human-rate runs per server and point, the servers taking turns; each point pools them. Many
     * short runs rather than a few long ones: a slowdown from outside the servers (seconds long,
     * tens of keystrokes) then falls on every server's runs alike instead of setting the p99 of
     * whichever server's long run it hit.
     */
    humanRounds: number
    fullSpeedKeystrokes: number
    /** Full-speed runs per server and point, the servers taking turns; each point pools them. */
    rounds: number
    /**
     * Warm-up before any measurement (bench/suites/fanout.ts): per kind of client, readers per
     * reader worker and keystrokes typed to them, once for the worker pool; then keystrokes typed
     * into every room, whose server is fresh.
     */
    warmUp: { clientReadersPerWorker: number; clientKeystrokes: number; roomKeystrokes: number }
  }
  manyDocs: {
    documents: number
    keystrokesPerClient: number
    intervalMs: number
    /** Runs per server, the servers taking turns in a random order; the figures pool them. */
    rounds: number
  }
  /**
   * Trace transactions to replay (`null`: all 259,778), and replays per server (alternating
   * between the servers; the table shows the median one, with every round's edits/s).
   */
  trace: { limit: number | null; rounds: number }
  memory: { idleConnections: number[]; loadedDocuments: number; documentsForIdle: number; settleMs: number }
  durability: { readers: number; keystrokes: number; intervalMs: number; traceLimit: number | null }
  scaleOut: { readers: number; keystrokes: number; intervalMs: number }
  browser: { paragraphs: number[]; keystrokes: number; remoteIntervalMs: number }
  httpFallback: { edits: number; receivers: number }
}

/**
 * The published profiles' fan-out warm-up. V8 optimises the clients' message handling in steps, by
 * how much of it each process has run: with 100 keystrokes of warm-up, about 10,000 messages into
 * each reader worker (420 keystrokes at 25 readers a worker), all four workers compiled some 140
 * functions at once, 355 ms of compiling on the machine's two cores, and the 20 keystrokes typed
 * then, 2% of a point's, were its slowest: whichever server's rounds that landed on got the p99.
 * 100 readers a worker and 400 keystrokes (40,000 messages per worker, for each kind of client)
 * put that behind the warm-up. Each room's 500 keystrokes do the same for its fresh server's
 * once-a-keystroke path, and the writer's.
 */
const WARM_UP = { clientReadersPerWorker: 100, clientKeystrokes: 400, roomKeystrokes: 500 }

export const PROFILES: Record<Profile['name'], Profile> = {
  smoke: {
    name: 'smoke',
    readerWorkers: 2,
    fanout: { readers: [4], humanKeystrokes: 15, humanIntervalMs: 50, humanRounds: 2, fullSpeedKeystrokes: 40, rounds: 2, warmUp: { clientReadersPerWorker: 2, clientKeystrokes: 10, roomKeystrokes: 20 } },
    manyDocs: { documents: 10, keystrokesPerClient: 8, intervalMs: 100, rounds: 2 },
    trace: { limit: 2_000, rounds: 1 },
    memory: { idleConnections: [40], loadedDocuments: 20, documentsForIdle: 4, settleMs: 500 },
    durability: { readers: 2, keystrokes: 15, intervalMs: 50, traceLimit: 1_000 },
    scaleOut: { readers: 2, keystrokes: 10, intervalMs: 50 },
    browser: { paragraphs: [50], keystrokes: 10, remoteIntervalMs: 100 },
    httpFallback: { edits: 20, receivers: 2 },
  },
  default: {
    name: 'default',
    readerWorkers: 4,
    fanout: { readers: [10, 100, 500, 1000], humanKeystrokes: 20, humanIntervalMs: 100, humanRounds: 15, fullSpeedKeystrokes: 300, rounds: 3, warmUp: WARM_UP },
    manyDocs: { documents: 1000, keystrokesPerClient: 20, intervalMs: 1000, rounds: 2 },
    trace: { limit: null, rounds: 3 },
    memory: { idleConnections: [1000, 10000], loadedDocuments: 1000, documentsForIdle: 100, settleMs: 3000 },
    durability: { readers: 10, keystrokes: 200, intervalMs: 100, traceLimit: 50_000 },
    scaleOut: { readers: 20, keystrokes: 100, intervalMs: 100 },
    browser: { paragraphs: [100, 1000, 5000], keystrokes: 100, remoteIntervalMs: 100 },
    httpFallback: { edits: 300, receivers: 4 },
  },
  full: {
    name: 'full',
    readerWorkers: 4,
    fanout: { readers: [10, 100, 500, 1000], humanKeystrokes: 20, humanIntervalMs: 100, humanRounds: 45, fullSpeedKeystrokes: 1000, rounds: 3, warmUp: WARM_UP },
    manyDocs: { documents: 1000, keystrokesPerClient: 60, intervalMs: 1000, rounds: 2 },
    trace: { limit: null, rounds: 3 },
    memory: { idleConnections: [1000, 5000, 10000], loadedDocuments: 2000, documentsForIdle: 100, settleMs: 3000 },
    durability: { readers: 10, keystrokes: 500, intervalMs: 100, traceLimit: null },
    scaleOut: { readers: 50, keystrokes: 300, intervalMs: 100 },
    browser: { paragraphs: [100, 1000, 5000], keystrokes: 300, remoteIntervalMs: 100 },
    httpFallback: { edits: 1000, receivers: 4 },
  },
}
