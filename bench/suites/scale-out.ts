/**
 * Scale-out cost: fan-out latency with the writer and readers on one instance, against the writer
 * on instance A and the readers on instance B of two instances joined by Redis (`REDIS_URL`,
 * sharing a PostgreSQL schema through `DATABASE_URL`). When the server build ignores `REDIS_URL`
 * (an edit on A does not reach B within 5 s), the suite says "not available" instead of failing.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { table } from '../lib/markdown.ts'
import { startServer, type BenchServer } from '../lib/servers.ts'
import { ratio } from '../lib/stats.ts'
import type { Suite } from '../lib/suite.ts'
import { closeRoom, openRoom, typeAndMeasure, type TypingResult } from '../lib/typing.ts'
import { WorkerPool } from '../lib/workers.ts'

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

interface ScaleRow {
  setup: string
  available: boolean
  reason?: string
  latency?: TypingResult
}

export const scaleOut: Suite = {
  name: 'scale-out',
  title: '6. Scale-out cost: two instances on Redis vs one',
  async run({ profile, log }) {
    const { readers, keystrokes, intervalMs } = profile.scaleOut
    const rows: ScaleRow[] = []
    const measure = async (setup: string, writerServer: BenchServer, readerServer: BenchServer) => {
      const pool = new WorkerPool(profile.readerWorkers + 1)
      const [writerWorker, ...readerWorkers] = pool.workers
      try {
        // Probe: does a live edit on the writer's instance reach a client of the readers' instance
        // within 5 s? (Both clients are connected first, so the store cannot carry it.)
        const probe = await openRoom({
          writerWorker: writerWorker!,
          readerWorkers: [readerWorkers[0]!],
          readerCount: 0,
          prefix: 'probe',
          spec: (key) => ({ key, protocol: 'hocuspocus', url: writerServer.wsUrl, doc: 'scale', token: writerServer.token }),
        })
        await readerWorkers[0]!.call({ cmd: 'open', clients: [{ key: 'probe-b', protocol: 'hocuspocus', url: readerServer.wsUrl, doc: 'scale', token: readerServer.token }] })
        await readerWorkers[0]!.call({ cmd: 'watch', keys: ['probe-b'], letters: ['p'] })
        await writerWorker!.call({ cmd: 'type', typists: [{ key: probe.writer.key, letter: 'p' }], count: 1, intervalMs: 0 })
        const reached = await readerWorkers[0]!.call<boolean>({ cmd: 'waitArrivals', keys: ['probe-b'], letter: 'p', count: 1, timeoutMs: 5_000 })
        if (!reached) {
          rows.push({ setup, available: false, reason: 'a live edit on instance A did not reach a client of instance B within 5 s (this build ignores REDIS_URL)' })
          log(`scale-out: ${setup}: not available`)
          return
        }
        await closeRoom(probe)
        await readerWorkers[0]!.call({ cmd: 'close', keys: ['probe-b'] })
        const room = await openRoom({
          writerWorker: writerWorker!,
          readerWorkers,
          readerCount: readers,
          prefix: 'scale',
          spec: (key, role) => {
            const server = role === 'writer' ? writerServer : readerServer
            return { key, protocol: 'hocuspocus', url: server.wsUrl, doc: 'scale', token: server.token }
          },
        })
        await typeAndMeasure(room, 'w', 20, 20, 30_000)
        const latency = await typeAndMeasure(room, 'h', keystrokes, intervalMs, 30_000)
        rows.push({ setup, available: true, latency })
        log(`scale-out: ${setup}: p50 ${latency.allReaders.p50} ms, p99 ${latency.allReaders.p99} ms`)
        await closeRoom(room)
      } finally {
        await pool.stop()
      }
    }

    // One instance, default configuration (SQLite).
    const single = await startServer('ours')
    try {
      await measure('one instance (SQLite)', single, single)
    } finally {
      await single.stop()
    }

    // Two instances on Redis and a shared PostgreSQL schema (and a shared data directory, for builds without PostgreSQL).
    const schema = `bench_scale_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
    const admin = new pg.Client({ connectionString: PG_URL })
    let databaseUrl: string | null = null
    try {
      await admin.connect()
      await admin.query(`CREATE SCHEMA ${schema}`)
      const url = new URL(PG_URL)
      url.searchParams.set('options', `-c search_path=${schema}`)
      databaseUrl = url.toString()
    } catch (error) {
      rows.push({ setup: 'two instances on Redis', available: false, reason: `PostgreSQL at ${PG_URL} unavailable: ${(error as Error).message}` })
    }
    if (databaseUrl) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'collab-bench-scale-'))
      const env = { REDIS_URL, REDIS_PREFIX: `bench-${process.pid}-${Date.now()}`, DATABASE_URL: databaseUrl }
      const instances: BenchServer[] = []
      try {
        instances.push(await startServer('ours', { env, dataDir }))
        await measure('one instance, DATABASE_URL + REDIS_URL set', instances[0]!, instances[0]!)
        instances.push(await startServer('ours', { env, dataDir }))
        await measure('two instances: writer on A, readers on B', instances[0]!, instances[1]!)
      } finally {
        for (const instance of instances) await instance.stop()
        fs.rmSync(dataDir, { recursive: true, force: true })
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {})
      }
    }
    await admin.end().catch(() => {})

    const base = rows.find((r) => r.setup.startsWith('one instance (') && r.available)
    const markdown = [
      '',
      `Ours only. One writer, ${readers} readers, ${keystrokes} keystrokes one every ${intervalMs} ms; latency until every reader applied the keystroke.`,
      '',
      ...table(
        ['setup', 'p50 ms', 'p99 ms', 'max ms', 'lost', '/ one instance p50', '/ one instance p99'],
        rows.map((r) =>
          r.available
            ? [r.setup, r.latency!.allReaders.p50, r.latency!.allReaders.p99, r.latency!.allReaders.max, r.latency!.lost, `${ratio(r.latency!.allReaders.p50, base?.latency?.allReaders.p50)}×`, `${ratio(r.latency!.allReaders.p99, base?.latency?.allReaders.p99)}×`]
            : [r.setup, `not available: ${r.reason}`, '', '', '', '', ''],
        ),
      ),
    ]
    return { data: { readers, keystrokes, intervalMs, rows }, markdown }
  },
}
