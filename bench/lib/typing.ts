/**
 * The measurement shared by fan-out, durability and scale-out: one writer typing into a document
 * with readers spread over client workers; per keystroke, the time until every reader applied it.
 */
import type { ClientWorker } from './workers.ts'
import type { ClientSpec } from './worker-protocol.ts'
import { summarize, type Summary } from './stats.ts'

/** A connected document: a writer and its readers, placed on workers. */
export interface TypingRoom {
  writer: { worker: ClientWorker; key: string }
  readers: { worker: ClientWorker; keys: string[] }[]
}

/** Connects a writer on `writerWorker` and `readerCount` readers round-robin over `readerWorkers`. */
export async function openRoom(options: {
  writerWorker: ClientWorker
  readerWorkers: ClientWorker[]
  readerCount: number
  /** Builds the client spec for a key; readers may go to another server (scale-out). */
  spec: (key: string, role: 'writer' | 'reader', index: number) => ClientSpec
  prefix: string
  timeoutMs?: number
}): Promise<TypingRoom> {
  const writerKey = `${options.prefix}-w`
  await options.writerWorker.call({ cmd: 'open', clients: [options.spec(writerKey, 'writer', 0)], timeoutMs: options.timeoutMs })
  await options.writerWorker.call({ cmd: 'prepare', creators: [writerKey], waiters: [] })
  const readers = options.readerWorkers.map((worker) => ({ worker, keys: [] as string[] }))
  for (let i = 0; i < options.readerCount; i++) readers[i % readers.length]!.keys.push(`${options.prefix}-r${i}`)
  let index = 0
  await Promise.all(
    readers.map(({ worker, keys }) =>
      worker.call({ cmd: 'open', clients: keys.map((key) => options.spec(key, 'reader', index++)), timeoutMs: options.timeoutMs ?? 120_000 }),
    ),
  )
  await Promise.all(readers.map(({ worker, keys }) => worker.call({ cmd: 'prepare', creators: [], waiters: keys, timeoutMs: 60_000 })))
  return { writer: { worker: options.writerWorker, key: writerKey }, readers: readers.filter((r) => r.keys.length > 0) }
}

/** Latency of one or more typing runs. */
export interface TypingResult {
  /** Per keystroke: time until the last reader applied it, ms. */
  allReaders: Summary
  /** Per keystroke and reader: time until that reader applied it, ms. */
  eachReader: Summary
  keystrokes: number
  readers: number
  /** Deliveries that never arrived within the timeout. */
  lost: number
}

/** The raw latencies of one typing run, to be pooled with other runs by {@link summarizeTyping}. */
export interface TypingSamples {
  /** Per keystroke: time until the last reader applied it, ms (lost keystrokes left out). */
  allReaders: number[]
  /** Per keystroke and reader, ms. */
  eachReader: number[]
  keystrokes: number
  readers: number
  lost: number
}

/** Types `count` `letter`s at the writer and times their arrival at every reader. */
export async function typeAndMeasure(room: TypingRoom, letter: string, count: number, intervalMs: number, timeoutMs = 120_000): Promise<TypingResult> {
  return summarizeTyping([await typeAndSample(room, letter, count, intervalMs, timeoutMs)])
}

/** Pools runs on the same room size into one summary (percentiles over every run's keystrokes). */
export function summarizeTyping(runs: readonly TypingSamples[]): TypingResult {
  return {
    allReaders: summarize(runs.flatMap((run) => run.allReaders)),
    eachReader: summarize(runs.flatMap((run) => run.eachReader)),
    keystrokes: runs.reduce((sum, run) => sum + run.keystrokes, 0),
    readers: Math.max(0, ...runs.map((run) => run.readers)),
    lost: runs.reduce((sum, run) => sum + run.lost, 0),
  }
}

/** {@link typeAndMeasure}'s run, returning the samples instead of their summary. */
export async function typeAndSample(room: TypingRoom, letter: string, count: number, intervalMs: number, timeoutMs = 120_000): Promise<TypingSamples> {
  await Promise.all(room.readers.map(({ worker, keys }) => worker.call({ cmd: 'watch', keys, letters: [letter] })))
  const sends = await room.writer.worker.call<Record<string, number[]>>({ cmd: 'type', typists: [{ key: room.writer.key, letter }], count, intervalMs })
  const sent = sends[room.writer.key]!
  await Promise.all(room.readers.map(({ worker, keys }) => worker.call({ cmd: 'waitArrivals', keys, letter, count, timeoutMs })))
  const collected = await Promise.all(room.readers.map(({ worker, keys }) => worker.call<Record<string, Record<string, number[]>>>({ cmd: 'collect', keys })))
  const worst = new Float64Array(count).fill(-Infinity)
  const each: number[] = []
  let lost = 0
  let readers = 0
  for (const perKey of collected) {
    for (const perLetter of Object.values(perKey)) {
      readers++
      const arrivals = perLetter[letter] ?? []
      for (let k = 0; k < count; k++) {
        const arrival = arrivals[k]
        if (arrival === undefined) {
          lost++
          worst[k] = Infinity
          continue
        }
        const latency = arrival - sent[k]!
        each.push(latency)
        if (latency > worst[k]!) worst[k] = latency
      }
    }
  }
  return { allReaders: Array.from(worst).filter(Number.isFinite), eachReader: each, keystrokes: count, readers, lost }
}

/** Disconnects a room's clients. */
export async function closeRoom(room: TypingRoom): Promise<void> {
  await room.writer.worker.call({ cmd: 'close', keys: [room.writer.key] })
  await Promise.all(room.readers.map(({ worker, keys }) => worker.call({ cmd: 'close', keys })))
}
