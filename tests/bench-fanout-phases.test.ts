/**
 * The fan-out phase timing behind `node bench/fanout-phases.ts`: a real server publishes each
 * keystroke's steps on the diagnostics channel in order, its writes naming every reader's socket,
 * and the tool, with the probe loaded into a server process of its own, times every keystroke.
 */
import diagnostics_channel from 'node:diagnostics_channel'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FANOUT_PHASE_CHANNEL, type FanoutPhaseEvent } from '../server/sync/fanout-phases.ts'
import { BODY_FRAGMENT } from '../shared/protocol.ts'
import { runBenchScript } from './helpers/bench-script.ts'
import { bodyText, connectClient, paragraphText, waitFor } from './helpers/clients.ts'
import { startTestServer, testToken } from './helpers/server.ts'

describe('fan-out phases', () => {
  const cleanups: (() => unknown)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('[BENCH1] a keystroke publishes its steps in order: its frame, the broadcast, the writes to every reader', async () => {
    const server = await startTestServer()
    cleanups.push(() => server.close())
    const writer = connectClient(server.url, 'phases', await testToken('Writer'))
    cleanups.push(() => writer.destroy())
    const readers = await Promise.all([1, 2, 3].map(async (i) => connectClient(server.url, 'phases', await testToken(`Reader ${i}`))))
    for (const reader of readers) cleanups.push(() => reader.destroy())
    await waitFor(() => [writer, ...readers].every((client) => client.provider.synced), 'every client synced')
    paragraphText(writer.ydoc)
    await waitFor(() => readers.every((reader) => reader.ydoc.getXmlFragment(BODY_FRAGMENT).length === 1), 'the readers to get the paragraph')

    const events: FanoutPhaseEvent[] = []
    const listen = (message: unknown) => events.push(message as FanoutPhaseEvent)
    diagnostics_channel.subscribe(FANOUT_PHASE_CHANNEL, listen)
    cleanups.push(() => diagnostics_channel.unsubscribe(FANOUT_PHASE_CHANNEL, listen))
    paragraphText(writer.ydoc).insert(0, 'x')
    await waitFor(() => readers.every((reader) => bodyText(reader.ydoc) === 'x'), 'every reader to get the keystroke')

    const start = events.findIndex((event) => event.phase === 'broadcast-start')
    expect(start, JSON.stringify(events)).toBeGreaterThan(0)
    expect(events.slice(0, start).map((event) => event.phase)).toContain('frame-received')
    const [broadcastStart, broadcastEnd, writesStart, writesEnd] = events.slice(start, start + 4)
    expect([broadcastStart, broadcastEnd, writesStart, writesEnd].map((event) => event?.phase)).toEqual(['broadcast-start', 'broadcast-end', 'writes-start', 'writes-end'])
    // Every reader's socket in that tick (the writer's own echo is left out; its acknowledgement may join).
    expect(writesEnd!.sockets).toBeGreaterThanOrEqual(readers.length)
    expect(writesEnd!.sockets).toBeLessThanOrEqual(readers.length + 1)
    const received = events.slice(0, start).findLast((event) => event.phase === 'frame-received')!
    const times = [received, broadcastStart, broadcastEnd, writesStart, writesEnd].map((event) => event!.at)
    expect(times).toEqual([...times].sort((a, b) => a - b))
  })

  it('[BENCH1] bench/fanout-phases.ts times every keystroke of a small run in a server of its own', { timeout: 120_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collab-phases-test-'))
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }))
    const json = path.join(dir, 'phases.json')
    const { code, output } = await runBenchScript(['bench/fanout-phases.ts', '--readers', '4', '--keystrokes', '12', '--interval', '20', '--warm-up', '10', '--json', json])
    expect(code, output).toBe(0)
    const result = JSON.parse(fs.readFileSync(json, 'utf8'))
    expect(result.endToEnd.allReaders.count).toBe(12)
    expect(result.endToEnd.lost).toBe(0)
    expect(result.broadcasts).toBe(12)
    expect(result.steps).toHaveLength(5)
    for (const step of result.steps) {
      for (const value of [step.p50, step.p90, step.p99]) {
        expect(Number.isFinite(value), `${step.name}: ${value}`).toBe(true)
        expect(value, step.name).toBeGreaterThanOrEqual(0)
      }
      expect(step.p99, step.name).toBeGreaterThanOrEqual(step.p50)
    }
    // Writing four sockets and the whole way take time; the whole way is at least its last step.
    const writes = result.steps[3]
    const whole = result.steps[4]
    expect(writes.p50).toBeGreaterThan(0)
    expect(whole.p50).toBeGreaterThanOrEqual(writes.p50)
    // Below the fan-out thread's 32 readers, the event loop writes every socket itself.
    expect(result.writes.threadWroteNone).toBe(12)
    expect(output).toContain('end to end (every reader)')
  })
})
