/**
 * Real trace end to end: automerge-paper (259,778 single-character edits, Martin Kleppmann's
 * LaTeX paper) typed transaction by transaction into one client, through the server, to a second
 * client. Measures edits per second until the second replica equals the trace's text, checks the
 * stored document (ours: the SQLite store read after shutdown; peers: a fresh client's copy of the
 * in-memory document) equals it exactly, and for ours the stored size and the cold open time.
 */
import { spawn } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { table, times } from '../lib/markdown.ts'
import { cpuWindow } from '../lib/proc-stats.ts'
import { BENCH_SECRET, RAISE_FD_LIMIT, ROOT, SERVER_LABELS, startServer, type ServerKind } from '../lib/servers.ts'
import { ratio, round } from '../lib/stats.ts'
import { readStoredText } from '../lib/stored-document.ts'
import type { Suite } from '../lib/suite.ts'
import { loadTrace, textAfter, traceFile } from '../lib/traces.ts'
import type { TraceSent } from '../lib/worker-protocol.ts'
import { WorkerPool } from '../lib/workers.ts'

const TRACE = 'automerge-paper'

interface TraceRow {
  server: ServerKind
  /** Edits/s end to end of every round, in order (this row is the median round's). */
  roundsEditsPerSecond: number[]
  edits: number
  /** Writer finished typing, ms after its first edit. */
  typedMs: number
  /** Second client equal to the trace text, ms after the first edit. */
  replicatedMs: number
  editsPerSecond: number
  /** Ours: every edit acknowledged (durable), ms after the first edit. */
  acknowledgedMs: number | null
  readerMatches: boolean
  storedMatches: boolean
  storedBytes: number | null
  serverCpuPercent: number
  /** Server CPU time per edit, µs. */
  serverCpuUsPerEdit: number
  serverRssMB: number
  /** CPU time per edit of the typing client's and the receiving client's worker processes, µs. */
  writerCpuUsPerEdit: number
  readerCpuUsPerEdit: number
  /**
   * Edits/s the machine's cores could carry at this run's CPU cost per edit (server + both
   * clients), were nothing else running: the ceiling any end-to-end rate here is under.
   */
  cpuBoundEditsPerSecond: number
  /** Ours: cold open of the stored document in fresh server processes, ms (median of 3). */
  coldOpenMs: number | null
  /** Peers: a fresh client's time to receive the whole document, ms. */
  freshClientSyncMs: number
}

export const trace: Suite = {
  name: 'trace',
  title: '3. Real editing trace end to end (automerge-paper)',
  async run({ profile, servers, log }) {
    const file = traceFile(TRACE)
    const loaded = loadTrace(TRACE)
    const limit = profile.trace.limit === null ? null : Math.min(profile.trace.limit, loaded.txns.length)
    const expected = textAfter(loaded, limit)
    const edits = limit ?? loaded.txns.length
    const rounds: TraceRow[] = []
    // Rounds alternate between the servers. The rate depends on how the server's reads happen to
    // batch the writer's frames, which varies from one replay to the next.
    for (let roundIndex = 0; roundIndex < profile.trace.rounds; roundIndex++) for (const kind of servers) {
      const pool = new WorkerPool(2)
      const [writer, reader] = pool.workers as [typeof pool.workers[0], typeof pool.workers[0]]
      const server = await startServer(kind, { keepDataDir: true })
      const doc = 'trace-automerge-paper'
      const spec = (key: string) => ({ key, protocol: server.protocol, url: server.wsUrl, doc, token: server.token })
      let stopped = false
      try {
        await writer.call({ cmd: 'open', clients: [spec('writer')] })
        await reader.call({ cmd: 'open', clients: [spec('reader')] })
        await writer.call({ cmd: 'prepare', creators: ['writer'], waiters: [] })
        await reader.call({ cmd: 'prepare', creators: [], waiters: ['reader'] })
        log(`trace: ${kind}: typing ${edits.toLocaleString('en-US')} edits`)
        const cpu = cpuWindow(server.pid)
        await Promise.all([writer, reader].map((worker) => worker.call({ cmd: 'cpu', reset: true })))
        const replicated = reader.call<number>({ cmd: 'waitText', key: 'reader', expected, timeoutMs: 15 * 60_000 })
        const sent = await writer.call<TraceSent>({ cmd: 'trace', key: 'writer', file, limit: limit ?? undefined, yieldEvery: 100 })
        const replicatedAt = await replicated
        const acknowledgedAt = kind === 'ours' ? await writer.call<number>({ cmd: 'waitAcked', key: 'writer', timeoutMs: 15 * 60_000 }) : null
        const serverCpu = cpu.stop()
        const [writerCpu, readerCpu] = await Promise.all([writer, reader].map((worker) => worker.call<{ cpuMs: number }>({ cmd: 'cpu', reset: false })))
        const serverRssMB = round(server.rssBytes() / 1e6, 1)
        const readerText = await reader.call<string>({ cmd: 'text', key: 'reader' })
        // A fresh client receives the server's copy: for the peers that is their "stored" document.
        const t0 = performance.now()
        await reader.call({ cmd: 'open', clients: [spec('fresh')], timeoutMs: 120_000 })
        const freshClientSyncMs = round(performance.now() - t0)
        const freshText = await reader.call<string>({ cmd: 'text', key: 'fresh' })
        let storedMatches = freshText === expected
        let storedBytes: number | null = null
        let coldOpenMs: number | null = null
        if (kind === 'ours') {
          await pool.stop()
          await server.stop()
          stopped = true
          const stored = await readStoredText(server.dataDir!, doc)
          storedMatches = storedMatches && stored?.text === expected
          storedBytes = stored?.storedBytes ?? null
          const opens: number[] = []
          for (let i = 0; i < 3; i++) opens.push(await coldOpen(server.dataDir!, doc, expected.length))
          coldOpenMs = opens.sort((a, b) => a - b)[1]!
        }
        const row: TraceRow = {
          server: kind,
          roundsEditsPerSecond: [],
          edits,
          typedMs: round(sent.sent - sent.start),
          replicatedMs: round(replicatedAt - sent.start),
          editsPerSecond: Math.round(edits / ((replicatedAt - sent.start) / 1000)),
          acknowledgedMs: acknowledgedAt === null ? null : round(acknowledgedAt - sent.start),
          readerMatches: readerText === expected,
          storedMatches,
          storedBytes,
          serverCpuPercent: serverCpu.cpuPercent,
          serverCpuUsPerEdit: Math.round((serverCpu.cpuMs * 1000) / edits),
          serverRssMB,
          writerCpuUsPerEdit: Math.round((writerCpu!.cpuMs * 1000) / edits),
          readerCpuUsPerEdit: Math.round((readerCpu!.cpuMs * 1000) / edits),
          cpuBoundEditsPerSecond: Math.round((os.cpus().length * edits) / (serverCpu.cpuMs + writerCpu!.cpuMs + readerCpu!.cpuMs)) * 1000,
          coldOpenMs,
          freshClientSyncMs,
        }
        rounds.push(row)
        log(
          `trace: ${kind}${profile.trace.rounds > 1 ? ` (round ${roundIndex + 1})` : ''}: ${row.editsPerSecond.toLocaleString('en-US')} edits/s end to end, replicas ${row.readerMatches && row.storedMatches ? 'match' : 'DIFFER'}${coldOpenMs !== null ? `, stored ${storedBytes} bytes, cold open ${coldOpenMs} ms` : ''}`,
        )
      } finally {
        if (!stopped) {
          await pool.stop()
          await server.stop()
        } else if (server.dataDir) {
          // ours keeps its data directory until the cold opens are done; remove it now.
          ;(await import('node:fs')).rmSync(server.dataDir, { recursive: true, force: true })
        }
      }
    }
    const rows = servers.map((kind) => medianRound(rounds.filter((r) => r.server === kind)))
    const ours = rows.find((r) => r.server === 'ours')
    const markdown = [
      '',
      `${edits.toLocaleString('en-US')} transactions${limit === null ? ' (the whole trace)' : ` (the first ${edits.toLocaleString('en-US')})`}, one per keystroke, typed by one client as fast as it can (yielding to its event loop every 100; its sends in one task leave in one write, as a browser's do), received by a second client. ${profile.trace.rounds} replay${profile.trace.rounds > 1 ? 's' : ''} per server, alternating between the servers; each row is the server's median replay, and "each replay" lists all of them. The CPU-bound ceiling is what the machine's ${os.cpus().length} cores could carry at the measured CPU per edit of the server and both client processes together. "stored" is the SQLite store read after shutdown for ours, and a fresh client's copy for the in-memory peers; both must equal the trace text exactly.`,
      '',
      ...table(
        ['server', 'edits/s end to end', 'each replay, edits/s', 'replicated s', 'typed s', 'all acknowledged (durable) s', 'replica = text', 'stored = text', 'server CPU %', 'server CPU µs per edit', 'writer / reader client CPU µs per edit', 'CPU-bound ceiling, edits/s', 'server RSS MB', 'fresh client sync ms', 'ours/peer edits/s', 'ours/peer CPU per edit'],
        rows.map((r) => [
          SERVER_LABELS[r.server],
          r.editsPerSecond,
          r.roundsEditsPerSecond.join(', '),
          round(r.replicatedMs / 1000),
          round(r.typedMs / 1000),
          r.acknowledgedMs === null ? null : round(r.acknowledgedMs / 1000),
          r.readerMatches ? 'yes' : 'NO',
          r.storedMatches ? 'yes' : 'NO',
          r.serverCpuPercent,
          r.serverCpuUsPerEdit,
          `${r.writerCpuUsPerEdit} / ${r.readerCpuUsPerEdit}`,
          r.cpuBoundEditsPerSecond,
          r.serverRssMB,
          r.freshClientSyncMs,
          r.server === 'ours' ? '' : times(ratio(ours?.editsPerSecond, r.editsPerSecond)),
          r.server === 'ours' ? '' : times(ratio(ours?.serverCpuUsPerEdit, r.serverCpuUsPerEdit)),
        ]),
      ),
      '',
      ours
        ? `Ours: stored size of the document ${ours.storedBytes?.toLocaleString('en-US')} bytes (snapshot + update log; the text is ${expected.length.toLocaleString('en-US')} characters); cold open from the store, server side (load request to document loaded, fresh server process, median of 3): **${ours.coldOpenMs} ms**.`
        : '',
    ]
    return { data: { trace: TRACE, edits, textLength: expected.length, rows }, markdown }
  },
}

/** The round with the median rate (the lower middle one of an even count), knowing every round's rate. */
function medianRound(rounds: readonly TraceRow[]): TraceRow {
  const sorted = [...rounds].sort((a, b) => a.editsPerSecond - b.editsPerSecond)
  return { ...sorted[Math.floor((sorted.length - 1) / 2)]!, roundsEditsPerSecond: rounds.map((r) => r.editsPerSecond) }
}

/** Starts a fresh server process on `dataDir` and returns its cold-open time for `doc`. */
async function coldOpen(dataDir: string, doc: string, expectedLength: number): Promise<number> {
  const child = spawn('sh', ['-c', RAISE_FD_LIMIT, process.execPath, path.join(ROOT, 'bench/peers/cold-open.ts'), doc], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, AUTH_SECRET: BENCH_SECRET, LOG_LEVEL: 'warn', DEV_TOKENS: 'false' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  const match = /BENCH_COLD_OPEN (.*)/.exec(output)
  if (code !== 0 || !match) throw new Error(`cold open failed (exit ${code}): ${output}`)
  const result = JSON.parse(match[1]!) as { ms: number; textLength: number }
  if (result.textLength !== expectedLength) throw new Error(`cold open loaded ${result.textLength} characters, expected ${expectedLength}`)
  return result.ms
}
