import { chromium } from 'playwright-core'
import { startServer } from './lib/servers.ts'
import { summarize } from './lib/stats.ts'
import { WorkerPool } from './lib/workers.ts'
const server = await startServer('ours')
const pool = new WorkerPool(1)
const [w] = pool.workers
const doc = 'p5000'
await w!.call({ cmd: 'open', clients: [{ key: doc, protocol: 'hocuspocus', url: server.wsUrl, doc, token: server.token }] })
await w!.call({ cmd: 'seed', key: doc, paragraphs: 5000, text: 'The quick brown fox jumps over the lazy dog, and the dog, unbothered, sleeps on.' })
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'], headless: true })
for (const css of ['', '.ProseMirror > * { content-visibility: auto; contain-intrinsic-size: auto 1.5em; }', '', '.ProseMirror > * { content-visibility: auto; contain-intrinsic-size: auto 1.5em; }']) {
  const page = await browser.newPage()
  await page.goto(`http://127.0.0.1:${server.port}/?doc=${doc}&token=${server.token}`)
  await page.waitForFunction(() => ((window as any).collab?.view.state.doc.childCount ?? 0) >= 5000, undefined, { timeout: 120000 })
  if (css) await page.addStyleTag({ content: css })
  await page.evaluate(() => {
    const w = window as any; w.lat = []; w.fr = []
    window.addEventListener('keydown', (e) => { const s = e.timeStamp; requestAnimationFrame(() => { w.fr.push(performance.now() - s); const c = new MessageChannel(); c.port1.onmessage = () => w.lat.push(performance.now() - s); c.port2.postMessage(null) }) }, { capture: true })
  })
  await page.click('.ProseMirror'); await page.keyboard.press('Control+End')
  await page.keyboard.type('x'.repeat(60), { delay: 60 })
  await new Promise((r) => setTimeout(r, 300))
  const [lat, fr] = await page.evaluate(() => [(window as any).lat, (window as any).fr])
  console.log(css ? 'content-visibility' : 'as is', 'paint', JSON.stringify(summarize(lat.slice(5))), 'frame', JSON.stringify(summarize(fr.slice(5))))
  await page.close()
}
await browser.close(); await pool.stop(); await server.stop(); process.exit(0)
