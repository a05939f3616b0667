/**
 * Browser: keystroke-to-paint latency in Chromium (our editor, ours only: the peers have no
 * client) in documents of 100, 1,000 and 5,000 paragraphs, with and without a remote typist, and
 * the initial open time of the largest document from IndexedDB while offline.
 *
 * Keystroke-to-paint: a capturing keydown listener notes the event's time; the next animation
 * frame posts a message, which runs once that frame is painted; the difference is the latency.
 *
 * A control runs the same probe and typing on a plain `contenteditable` holding the same
 * paragraphs (no ProseMirror, no sync): what Chromium itself needs on this machine at that
 * moment, so a figure can be told apart from the browser's own floor and from other load.
 *
 * Is the measure sound? It does not contain a forced wait for the next vsync: when the page is
 * idle, Chromium starts the frame for a keystroke at once (the animation frame's timestamp, the
 * frame's begin time, is then often before the keydown), so an empty page measures 3–6 ms, not
 * 8 ms plus a random wait. When the page is busy, waiting for the next frame is part of what a
 * user sees, and it stays in.
 */
import { chromium, type Browser, type Page } from 'playwright-core'
import fs from 'node:fs'
import { table } from '../lib/markdown.ts'
import { startServer } from '../lib/servers.ts'
import { round, summarize, type Summary } from '../lib/stats.ts'
import { lineChart } from '../lib/svg.ts'
import type { Suite } from '../lib/suite.ts'
import { WorkerPool } from '../lib/workers.ts'

/** The launch flags of tests/helpers/browser.ts. */
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** The control: a plain contenteditable of the same size, typed into the same way. */
interface ControlRow {
  paragraphs: number
  latency: Summary
  toFrame: Summary
  cpu: RendererCpu
}

/**
 * The page's renderer per keystroke, from the DevTools protocol's Performance.getMetrics over the
 * typing: main-thread CPU time (steadier than latencies on a shared machine: waiting for a core is
 * not in it) and how long its tasks, scripts and layouts ran (wall time).
 */
interface RendererCpu {
  mainThreadCpuMs: number
  taskMs: number
  scriptMs: number
  layoutMs: number
}

interface BrowserRow {
  paragraphs: number
  remoteTypist: boolean
  latency: Summary
  /** Keydown to the next frame's start (input handling and editor update only). */
  toFrame: Summary
  cpu: RendererCpu
}

const PARAGRAPH = 'The quick brown fox jumps over the lazy dog, and the dog, unbothered, sleeps on.'

type CollabWindow = {
  collab?: { view: { state: { doc: { childCount: number } } }; local: { flushed: boolean } }
  keyLatencies?: number[]
  /** Keydown to the start of the next frame: the input handled and the editor updated, before layout and paint. */
  keyToFrame?: number[]
  openedAt?: number
}

export const browser: Suite = {
  name: 'browser',
  title: '7. Browser: keystroke to paint, and opening offline (ours)',
  async run({ profile, log }) {
    const { paragraphs: sizes, keystrokes, remoteIntervalMs } = profile.browser
    const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
    if (!fs.existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath} (set CHROMIUM_PATH)`)
    const server = await startServer('ours')
    const pool = new WorkerPool(1)
    const [worker] = pool.workers
    let chrome: Browser | null = null
    const rows: BrowserRow[] = []
    const controls: ControlRow[] = []
    let offlineOpenMs: number | null = null
    try {
      chrome = await chromium.launch({ executablePath, args: CHROMIUM_FLAGS, headless: true })
      const httpUrl = `http://127.0.0.1:${server.port}`
      for (const size of sizes) {
        const doc = `paragraphs-${size}`
        await worker!.call({ cmd: 'open', clients: [{ key: doc, protocol: 'hocuspocus', url: server.wsUrl, doc, token: server.token }] })
        await worker!.call({ cmd: 'seed', key: doc, paragraphs: size, text: PARAGRAPH })
        const context = await chrome.newContext()
        const page = await context.newPage()
        await page.goto(`${httpUrl}/?doc=${doc}&token=${server.token}`)
        await page.waitForFunction((n) => ((window as CollabWindow).collab?.view.state.doc.childCount ?? 0) >= n, size, { timeout: 120_000 })
        await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'saved', undefined, { timeout: 60_000 })
        await installProbe(page)
        await page.click('.ProseMirror')
        await page.keyboard.press('Control+End')
        for (const remoteTypist of [false, true]) {
          log(`browser: ${size} paragraphs, ${remoteTypist ? 'with' : 'without'} a remote typist: ${keystrokes} keystrokes`)
          await page.evaluate(() => {
            ;(window as CollabWindow).keyLatencies = []
            ;(window as CollabWindow).keyToFrame = []
          })
          const remote = remoteTypist
            ? worker!.call({ cmd: 'type', typists: [{ key: doc, letter: 'r' }], count: Math.ceil((keystrokes * 60) / remoteIntervalMs) + 20, intervalMs: remoteIntervalMs })
            : null
          const meter = await rendererMeter(page)
          await page.keyboard.type('x'.repeat(keystrokes), { delay: 60 })
          // The last key's frame may still be on its way.
          await page.waitForFunction((n) => ((window as CollabWindow).keyLatencies?.length ?? 0) >= n, keystrokes, { timeout: 10_000 })
          const cpu = await meter.perKeystroke(keystrokes)
          const [latencies, toFrame] = await page.evaluate(() => [(window as CollabWindow).keyLatencies ?? [], (window as CollabWindow).keyToFrame ?? []])
          await remote
          if (latencies.length !== keystrokes) throw new Error(`${latencies.length} keystrokes measured of ${keystrokes}`)
          const row = { paragraphs: size, remoteTypist, latency: summarize(latencies.slice(5)), toFrame: summarize(toFrame.slice(5)), cpu }
          rows.push(row)
          log(`browser: ${size} paragraphs, ${remoteTypist ? 'with' : 'without'} remote typist: p50 ${row.latency.p50} ms, p99 ${row.latency.p99} ms, renderer main-thread CPU ${cpu.mainThreadCpuMs} ms/keystroke`)
        }
        if (size === Math.max(...sizes)) {
          // Offline open from IndexedDB: the device copy is complete, the app shell cached.
          await page.waitForFunction(async () => {
            await navigator.serviceWorker.ready
            return navigator.serviceWorker.controller !== null && (window as CollabWindow).collab?.local.flushed === true
          }, undefined, { timeout: 120_000 })
          await context.setOffline(true)
          const opens: number[] = []
          for (let i = 0; i < 3; i++) {
            await page.reload({ waitUntil: 'commit' })
            await page.waitForFunction(
              (n) => {
                const w = window as CollabWindow
                if ((w.collab?.view.state.doc.childCount ?? 0) < n) return false
                w.openedAt ??= performance.now()
                return true
              },
              size,
              { timeout: 120_000, polling: 'raf' },
            )
            opens.push(await page.evaluate(() => (window as CollabWindow).openedAt!))
          }
          offlineOpenMs = round(opens.sort((a, b) => a - b)[1]!)
          log(`browser: ${size} paragraphs opened offline from IndexedDB in ${offlineOpenMs} ms (median of 3 reloads)`)
        }
        await context.close()
        await worker!.call({ cmd: 'close', keys: [doc] })
        const control = await typeIntoPlainEditable(chrome, size, keystrokes)
        controls.push(control)
        log(`browser: ${size} paragraphs, plain contenteditable (control): p50 ${control.latency.p50} ms, p99 ${control.latency.p99} ms, renderer main-thread CPU ${control.cpu.mainThreadCpuMs} ms/keystroke`)
      }
    } finally {
      await chrome?.close()
      await pool.stop()
      await server.stop()
    }
    const markdown = [
      '',
      `Headless Chromium (\`${executablePath}\`, software rendering), our editor at \`/?doc=…\`; ${keystrokes} keystrokes typed at the end of the document, 60 ms apart (the first 5 dropped as warm-up). Latency from the keydown event to the end of the next painted frame, and to the start of that frame (input handled and the editor's DOM updated, before layout and paint). No fixed wait for the next vsync is in it: an idle page starts the keystroke's frame at once (the frame's timestamp is then often before the keydown; a plain page measures 3–6 ms); waiting for a frame happens only when the page is still busy, and then it is part of what a user sees. The remote typist is a Node client appending to the first paragraph every ${remoteIntervalMs} ms. Per keystroke, from the DevTools protocol's \`Performance.getMetrics\` over the typing: the renderer's main-thread CPU time (the steadier figure on a shared machine) and the wall time of its tasks, scripts and layouts (all work in those 60 ms, remote updates included).`,
      '',
      ...table(
        ['paragraphs', 'remote typist', 'to paint p50 ms', 'to paint p99 ms', 'to paint max ms', 'to frame start p50 ms', 'to frame start p99 ms', ...CPU_HEADERS],
        rows.map((r) => [r.paragraphs.toLocaleString('en-US'), r.remoteTypist ? 'yes' : 'no', r.latency.p50, r.latency.p99, r.latency.max, r.toFrame.p50, r.toFrame.p99, ...cpuCells(r.cpu)]),
      ),
      '',
      `Control: the same probe and typing on a plain \`contenteditable\` holding the same paragraphs (no ProseMirror, no sync, same fonts and spacing), in the same run: Chromium's own cost on this machine at that moment.`,
      '',
      ...table(
        ['paragraphs', 'to paint p50 ms', 'to paint p99 ms', 'to paint max ms', 'to frame start p50 ms', 'to frame start p99 ms', ...CPU_HEADERS],
        controls.map((r) => [r.paragraphs.toLocaleString('en-US'), r.latency.p50, r.latency.p99, r.latency.max, r.toFrame.p50, r.toFrame.p99, ...cpuCells(r.cpu)]),
      ),
      '',
      `Opening the ${Math.max(...sizes).toLocaleString('en-US')}-paragraph document offline (network cut, page reloaded, app shell from the service worker, document from IndexedDB), from navigation start until every paragraph is in the editor: **${offlineOpenMs ?? 'n/a'} ms** (median of 3 reloads).`,
    ]
    const plots = (['p50', 'p99'] as const).map((stat) => ({
      name: `browser-${stat}`,
      svg: lineChart({
        title: `Keystroke to paint, ${stat}, Chromium`,
        xLabel: 'paragraphs in the document',
        yLabel: `keystroke to paint ${stat}, ms`,
        logX: true,
        series: [
          { name: 'ours', points: rows.filter((r) => !r.remoteTypist).map((r) => [r.paragraphs, r.latency[stat]] as [number, number]) },
          { name: 'ours, remote typist', points: rows.filter((r) => r.remoteTypist).map((r) => [r.paragraphs, r.latency[stat]] as [number, number]) },
          { name: 'plain contenteditable (control)', points: controls.map((r) => [r.paragraphs, r.latency[stat]] as [number, number]) },
        ],
      }),
    }))
    return { data: { keystrokes, rows, controls, offlineOpenMs }, markdown, plots }
  },
}

/** Types `keystrokes` keys at the end of a plain contenteditable of `size` paragraphs; the same probe as ours. */
async function typeIntoPlainEditable(chrome: Browser, size: number, keystrokes: number): Promise<ControlRow> {
  const context = await chrome.newContext()
  try {
    const page = await context.newPage()
    const paragraphs = Array.from({ length: size }, (_, i) => `<p>${i + 1}. ${PARAGRAPH}</p>`).join('')
    // The editor's typography (client/styles.css), nothing else.
    const css = `body { margin: 0; font-family: system-ui, sans-serif; } main { max-width: 52rem; margin: 1.5rem auto; padding: 0 1rem; }
      .plain { background: #fff; padding: 2rem 3rem; outline: none; white-space: pre-wrap; word-wrap: break-word; line-height: 1.6; } .plain p { margin: 0 0 0.8em; }`
    await page.setContent(`<style>${css}</style><main><div class="plain" contenteditable="true">${paragraphs}</div></main>`)
    await page.evaluate(() => {
      ;(window as CollabWindow).keyToFrame = []
    })
    await installProbe(page)
    await page.click('.plain')
    await page.keyboard.press('Control+End')
    const meter = await rendererMeter(page)
    await page.keyboard.type('x'.repeat(keystrokes), { delay: 60 })
    await page.waitForFunction((n) => ((window as CollabWindow).keyLatencies?.length ?? 0) >= n, keystrokes, { timeout: 10_000 })
    const cpu = await meter.perKeystroke(keystrokes)
    const [latencies, toFrame] = await page.evaluate(() => [(window as CollabWindow).keyLatencies ?? [], (window as CollabWindow).keyToFrame ?? []])
    return { paragraphs: size, latency: summarize(latencies.slice(5)), toFrame: summarize(toFrame.slice(5)), cpu }
  } finally {
    await context.close()
  }
}

const CPU_HEADERS = ['main-thread CPU ms/key', 'tasks ms/key', 'script ms/key', 'layout ms/key']

function cpuCells(cpu: RendererCpu): number[] {
  return [cpu.mainThreadCpuMs, cpu.taskMs, cpu.scriptMs, cpu.layoutMs]
}

/** Starts metering `page`'s renderer; `perKeystroke` reads the change since, divided by `keystrokes`. */
async function rendererMeter(page: Page): Promise<{ perKeystroke(keystrokes: number): Promise<RendererCpu> }> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' })
  const read = async () => new Map((await cdp.send('Performance.getMetrics')).metrics.map((metric) => [metric.name, metric.value]))
  const before = await read()
  return {
    async perKeystroke(keystrokes) {
      const after = await read()
      await cdp.detach()
      // Durations are in seconds.
      const per = (name: string) => round((((after.get(name) ?? 0) - (before.get(name) ?? 0)) * 1000) / keystrokes)
      return { mainThreadCpuMs: per('ThreadTime'), taskMs: per('TaskDuration'), scriptMs: per('ScriptDuration'), layoutMs: per('LayoutDuration') }
    },
  }
}

/** Records, per keydown, the time until the frame after it has been painted. */
async function installProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as CollabWindow
    w.keyLatencies = []
    window.addEventListener(
      'keydown',
      (event) => {
        const start = event.timeStamp
        // The list of this measurement: a frame landing after the next run began must not count there.
        const list = w.keyLatencies!
        const frames = w.keyToFrame!
        requestAnimationFrame(() => {
          frames.push(performance.now() - start)
          const channel = new MessageChannel()
          channel.port1.onmessage = () => list.push(performance.now() - start)
          channel.port2.postMessage(null)
        })
      },
      { capture: true },
    )
  })
}
