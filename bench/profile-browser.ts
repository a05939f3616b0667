/**
 * Where the browser spends a keystroke: opens our editor on a seeded document in headless
 * Chromium, types at its end under the DevTools protocol's sampling profiler and a timeline trace,
 * and prints the main thread's time per keystroke by trace event (script, style, layout, paint…)
 * and the heaviest functions by self time.
 *
 *   node bench/profile-browser.ts [--paragraphs 5000] [--keystrokes 100] [--dir /tmp/collab-browser-prof] [--remote]
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { chromium } from 'playwright-core'
import { startServer } from './lib/servers.ts'
import { WorkerPool } from './lib/workers.ts'

const { values } = parseArgs({
  options: {
    paragraphs: { type: 'string', default: '5000' },
    keystrokes: { type: 'string', default: '100' },
    dir: { type: 'string', default: '/tmp/collab-browser-prof' },
    remote: { type: 'boolean', default: false },
    /** Extra CSS injected into the page before typing (to try a rule without rebuilding). */
    css: { type: 'string' },
    /** Script evaluated in the page before typing (e.g. to flip an attribute). */
    eval: { type: 'string' },
    /** Expression evaluated in the page after typing, printed (e.g. counters set up by --eval). */
    report: { type: 'string' },
    /** Skip the JavaScript sampling profiler (it slows script down; the trace alone is lighter). */
    'no-js': { type: 'boolean', default: false },
  },
})
const paragraphs = Number(values.paragraphs)
const keystrokes = Number(values.keystrokes)
const dir = path.resolve(values.dir)
fs.mkdirSync(dir, { recursive: true })
const PARAGRAPH = 'The quick brown fox jumps over the lazy dog, and the dog, unbothered, sleeps on.'
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

type CollabWindow = { collab?: { view: { state: { doc: { childCount: number } } } } }

const server = await startServer('ours')
const pool = new WorkerPool(1)
const [worker] = pool.workers
const chrome = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: FLAGS, headless: true })
try {
  const doc = `profile-${paragraphs}`
  await worker!.call({ cmd: 'open', clients: [{ key: doc, protocol: 'hocuspocus', url: server.wsUrl, doc, token: server.token }] })
  await worker!.call({ cmd: 'seed', key: doc, paragraphs, text: PARAGRAPH })
  const page = await (await chrome.newContext()).newPage()
  page.on('pageerror', (error) => console.log(`page error: ${error.stack ?? error}`))
  await page.goto(`http://127.0.0.1:${server.port}/?doc=${doc}&token=${server.token}`)
  await page.waitForFunction((n) => ((window as CollabWindow).collab?.view.state.doc.childCount ?? 0) >= n, paragraphs, { timeout: 120_000 })
  await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'saved', undefined, { timeout: 60_000 })
  if (values.css) await page.addStyleTag({ content: values.css })
  if (values.eval) await page.evaluate(values.eval)
  await page.click('.ProseMirror')
  await page.keyboard.press('Control+End')
  await page.keyboard.type('warm', { delay: 60 })

  const cdp = await page.context().newCDPSession(page)
  const traceEvents: TraceEvent[] = []
  cdp.on('Tracing.dataCollected', (event) => traceEvents.push(...(event.value as unknown as TraceEvent[])))
  const traceDone = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()))
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 })
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,blink,v8', transferMode: 'ReportEvents' })
  if (!values['no-js']) await cdp.send('Profiler.start')
  const remote = values.remote
    ? worker!.call({ cmd: 'type', typists: [{ key: doc, letter: 'r' }], count: Math.ceil((keystrokes * 60) / 100) + 20, intervalMs: 100 })
    : null
  await page.keyboard.type('x'.repeat(keystrokes), { delay: 60 })
  await page.waitForTimeout(200)
  const profile = values['no-js'] ? null : (await cdp.send('Profiler.stop')).profile
  await cdp.send('Tracing.end')
  await traceDone
  await remote
  if (values.report) console.log(`report: ${JSON.stringify(await page.evaluate(values.report))}`)
  fs.writeFileSync(path.join(dir, 'trace.json'), JSON.stringify({ traceEvents }))
  printTrace(traceEvents, keystrokes)
  if (profile) {
    fs.writeFileSync(path.join(dir, 'keystrokes.cpuprofile'), JSON.stringify(profile))
    printProfile(profile as unknown as CpuProfile, keystrokes)
  }
  console.log(`\nfiles: ${dir}/keystrokes.cpuprofile, ${dir}/trace.json (open in DevTools' Performance panel)`)
} finally {
  await chrome.close()
  await pool.stop()
  await server.stop()
}

interface TraceEvent {
  name: string
  ph: string
  ts: number
  dur?: number
  pid: number
  tid: number
  cat: string
  args?: { name?: string; data?: { type?: string } }
}

/**
 * The renderer's main thread, ms per keystroke: busy time, then self time (own time, without the
 * trace events nested in it) by path of nested trace events, so the figures add up to the busy time.
 */
function printTrace(events: TraceEvent[], keys: number): void {
  const threadNames = new Map<string, string>()
  for (const event of events) if (event.name === 'thread_name') threadNames.set(`${event.pid}:${event.tid}`, event.args?.name ?? '')
  const count = new Map<string, number>()
  for (const event of events) count.set(`${event.pid}:${event.tid}`, (count.get(`${event.pid}:${event.tid}`) ?? 0) + 1)
  // The page's renderer: the main thread with the most events.
  const main = [...threadNames].filter(([, name]) => name === 'CrRendererMain').sort((a, b) => (count.get(b[0]) ?? 0) - (count.get(a[0]) ?? 0))[0]?.[0]
  const spans = events.filter((event) => `${event.pid}:${event.tid}` === main && event.ph === 'X' && event.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!)
  const self = new Map<string, number>()
  const stack: { end: number; path: string }[] = []
  let busy = 0
  for (const event of spans) {
    while (stack.length && stack.at(-1)!.end <= event.ts) stack.pop()
    const parent = stack.at(-1)
    if (parent) self.set(parent.path, (self.get(parent.path) ?? 0) - event.dur!)
    else busy += event.dur!
    const name = event.name === 'EventDispatch' ? `EventDispatch ${event.args?.data?.type ?? ''}` : event.name
    // Keep paths readable: the wrapper events that only nest add nothing.
    const path = parent ? (/^(Blink\.|LocalFrameView::|v8\.callFunction|Document::UpdateStyleAndLayout|Layout$)/.test(name) ? parent.path : `${parent.path} > ${name}`) : name
    self.set(path, (self.get(path) ?? 0) + event.dur!)
    stack.push({ end: event.ts + event.dur!, path })
  }
  console.log(`\nrenderer main thread: busy ${(busy / 1000 / keys).toFixed(2)} ms per keystroke; self time by nesting path:`)
  for (const [path, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${(us / 1000 / keys).toFixed(2).padStart(8)}  ${path}`)
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[]
  samples: number[]
  timeDeltas: number[]
}

/** The heaviest functions by self and total time, per keystroke. */
function printProfile(profile: CpuProfile, keys: number): void {
  const self = new Map<number, number>()
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  const label = (node: CpuProfile['nodes'][number]) =>
    `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*\/assets\//, '').replace(/^https?:\/\/[^/]+\//, '') || '(native)'}:${node.callFrame.lineNumber + 1}`
  const selfByName = new Map<string, number>()
  for (const node of profile.nodes) selfByName.set(label(node), (selfByName.get(label(node)) ?? 0) + (self.get(node.id) ?? 0))
  // Total (inclusive) time: each function counted once per sample however deep it recurses.
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const totalByName = new Map<string, number>()
  profile.samples.forEach((id, i) => {
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) seen.add(label(byId.get(at)!))
    for (const name of seen) totalByName.set(name, (totalByName.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0))
  })
  const top = (map: Map<string, number>, n: number) =>
    [...map].filter(([name]) => !/^\((idle|program|root)\)/.test(name)).sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, us]) => `${(us / 1000 / keys).toFixed(2).padStart(8)}  ${name}`)
  console.log(`\nJavaScript, ms per keystroke by function (self):\n${top(selfByName, 25).join('\n')}`)
  console.log(`\nJavaScript, ms per keystroke by function (total, inclusive):\n${top(totalByName, 40).join('\n')}`)
}
