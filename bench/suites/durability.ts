/**
 * Durability cost: ours acknowledging changes only once they are on disk (the default, DUR2)
 * against ours with `DURABLE_ACK=false` (acknowledged once in memory, as stock Hocuspocus does).
 * Fan-out does not wait for the disk either way; what changes is how long "saved" takes.
 */
import { table } from '../lib/markdown.ts'
import { cpuWindow } from '../lib/proc-stats.ts'
import { startServer } from '../lib/servers.ts'
import { ratio, round, summarize, type Summary } from '../lib/stats.ts'
import type { Suite } from '../lib/suite.ts'
import { traceFile } from '../lib/traces.ts'
import { closeRoom, openRoom, typeAndMeasure, type TypingResult } from '../lib/typing.ts'
import type { TraceSent } from '../lib/worker-protocol.ts'
import { WorkerPool } from '../lib/workers.ts'

interface DurabilityRow {
  durableAck: boolean
  fanout: TypingResult
  /** Per keystroke at human rate: time until the writer's change was acknowledged. */
  ack: Summary
  /** Trace prefix typed as fast as possible: edits per second until every edit was acknowledged. */
  traceEdits: number
  traceAckedEditsPerSecond: number
  serverCpuPercent: number
}

export const durability: Suite = {
  name: 'durability',
  title: '5. Durability cost: acknowledgement after fsync vs in memory (ours)',
  async run({ profile, log }) {
    const { readers, keystrokes, intervalMs, traceLimit } = profile.durability
    const rows: DurabilityRow[] = []
    for (const durableAck of [true, false]) {
      const pool = new WorkerPool(profile.readerWorkers + 1)
      const [writerWorker, ...readerWorkers] = pool.workers
      const server = await startServer('ours', { env: { DURABLE_ACK: String(durableAck) } })
      try {
        const room = await openRoom({
          writerWorker: writerWorker!,
          readerWorkers,
          readerCount: readers,
          prefix: 'dur',
          spec: (key) => ({ key, protocol: server.protocol, url: server.wsUrl, doc: 'durability', token: server.token }),
        })
        await typeAndMeasure(room, 'w', 20, 20)
        const cpu = cpuWindow(server.pid)
        const fanout = await typeAndMeasure(room, 'h', keystrokes, intervalMs)
        // Acknowledgement latency, keystroke by keystroke at the same rate.
        const { sends, acks } = await writerWorker!.call<{ sends: Record<string, number[]>; acks: Record<string, number[]> }>({
          cmd: 'type',
          typists: [{ key: room.writer.key, letter: 'k' }],
          count: keystrokes,
          intervalMs,
          acks: true,
        })
        const sent = sends[room.writer.key]!
        const acked = acks[room.writer.key]!
        const ack = summarize(sent.map((t, k) => acked[k]! - t))
        await closeRoom(room)
        // Throughput until acknowledged: a trace prefix typed as fast as the client can.
        await writerWorker!.call({ cmd: 'open', clients: [{ key: 'tracer', protocol: server.protocol, url: server.wsUrl, doc: 'durability-trace', token: server.token }] })
        const traced = await writerWorker!.call<TraceSent>({ cmd: 'trace', key: 'tracer', file: traceFile('automerge-paper'), limit: traceLimit ?? undefined, yieldEvery: 100 })
        const ackedAt = await writerWorker!.call<number>({ cmd: 'waitAcked', key: 'tracer', timeoutMs: 600_000 })
        const serverCpu = cpu.stop()
        const row: DurabilityRow = {
          durableAck,
          fanout,
          ack,
          traceEdits: traced.edits,
          traceAckedEditsPerSecond: Math.round(traced.edits / ((ackedAt - traced.start) / 1000)),
          serverCpuPercent: serverCpu.cpuPercent,
        }
        rows.push(row)
        log(`durability: DURABLE_ACK=${durableAck}: fan-out p99 ${fanout.allReaders.p99} ms, acknowledgement p50 ${ack.p50} ms / p99 ${ack.p99} ms, trace ${row.traceAckedEditsPerSecond} edits/s acknowledged`)
      } finally {
        await pool.stop()
        await server.stop()
      }
    }
    const on = rows.find((r) => r.durableAck)
    const off = rows.find((r) => !r.durableAck)
    const markdown = [
      '',
      `One writer and ${readers} readers, ${keystrokes} keystrokes one every ${intervalMs} ms; then a trace prefix (${on?.traceEdits.toLocaleString('en-US')} automerge-paper edits) typed as fast as the client can, timed until every edit was acknowledged. \`DURABLE_ACK=false\` is a benchmarking switch only (see Configuration).`,
      '',
      ...table(
        ['acknowledgement', 'fan-out p50 ms', 'fan-out p99 ms', '"saved" p50 ms', '"saved" p99 ms', 'trace edits/s until acknowledged', 'server CPU %'],
        rows.map((r) => [r.durableAck ? 'after fsync (default)' : 'in memory (DURABLE_ACK=false)', r.fanout.allReaders.p50, r.fanout.allReaders.p99, r.ack.p50, r.ack.p99, r.traceAckedEditsPerSecond, r.serverCpuPercent]),
      ),
      '',
      `Durable/in-memory: fan-out p99 ${ratio(on?.fanout.allReaders.p99, off?.fanout.allReaders.p99)}×, "saved" p50 ${ratio(on?.ack.p50, off?.ack.p50)}× (+${round((on?.ack.p50 ?? 0) - (off?.ack.p50 ?? 0))} ms), p99 ${ratio(on?.ack.p99, off?.ack.p99)}×, acknowledged trace throughput ${ratio(on?.traceAckedEditsPerSecond, off?.traceAckedEditsPerSecond)}×.`,
    ]
    return { data: { readers, keystrokes, intervalMs, rows }, markdown }
  },
}
