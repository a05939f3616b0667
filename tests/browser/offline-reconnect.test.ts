/**
 * Coming back online without a reload: the network drops under an open editor, the user keeps
 * typing, the network returns. The reconnect must be one quiet connection that the hardened
 * channel, at its production per-connection limits, has no reason to throttle or refuse.
 */
import type { BrowserContext, Page, WebSocket } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { COLLAB_PATH, HEALTH_PATH } from '../../shared/protocol.ts'
import type { ChannelStats } from '../../server/limits/channel-protection.ts'
import { useBrowserAndServer } from '../helpers/browser.ts'
import { bodyText, connectClient, waitFor, waitForSaved } from '../helpers/clients.ts'
import { testToken } from '../helpers/server.ts'
import { startTcpProxy } from '../helpers/tcp-proxy.ts'
import { caretIn, createDocumentAs, openEditor, statusText, waitForStatus, waitForText } from './editor-pages.ts'

/** The channel counters on `/healthz`. */
async function channelStats(serverUrl: string): Promise<ChannelStats> {
  const response = await fetch(`${serverUrl}${HEALTH_PATH}`)
  return ((await response.json()) as { channel: ChannelStats }).channel
}

/** The document's body as plain text, as the server has it now. */
async function serverText(serverUrl: string, doc: string, user: string): Promise<string> {
  const response = await fetch(`${serverUrl}/api/documents/${doc}/content?format=text`, { headers: { authorization: `Bearer ${await testToken(user)}` } })
  if (response.status !== 200) throw new Error(`reading the content failed: ${response.status} ${await response.text()}`)
  return (await response.text()).trim()
}

interface WatchedSocket {
  socket: WebSocket
  framesSent: number
  framesReceived: number
}

/**
 * The collaboration WebSockets `page` opens from now on that reach the server (receive a frame),
 * with the frames each sent. An attempt the provider's own backoff started just before the path
 * came back, reset by the proxy, never reaches the server and is not a connection.
 */
function watchCollabSockets(page: Page): { readonly sockets: WatchedSocket[] } {
  const all: WatchedSocket[] = []
  page.on('websocket', (socket) => {
    if (!new URL(socket.url()).pathname.startsWith(COLLAB_PATH)) return
    const entry = { socket, framesSent: 0, framesReceived: 0 }
    socket.on('framesent', () => (entry.framesSent += 1))
    socket.on('framereceived', () => (entry.framesReceived += 1))
    all.push(entry)
  })
  return {
    get sockets() {
      return all.filter((entry) => entry.framesReceived > 0)
    },
  }
}

/**
 * Close codes of the page's provider sockets that opened, from now on (-1: closed without a code).
 * An attempt refused by the still-cut path closes (1006) without ever opening; that is the outage,
 * not the server closing a connection.
 */
async function recordCloseCodes(page: Page): Promise<() => Promise<number[]>> {
  await page.evaluate(() => {
    type Socket = {
      on(event: 'open', listener: () => void): void
      on(event: 'close', listener: (payload: { event?: { code?: number } }) => void): void
    }
    const target = window as unknown as { collab: { socket: Socket }; closeCodes: number[] }
    target.closeCodes = []
    let open = false
    target.collab.socket.on('open', () => (open = true))
    target.collab.socket.on('close', ({ event }) => {
      if (open) target.closeCodes.push(event?.code ?? -1)
      open = false
    })
  })
  return () => page.evaluate(() => (window as unknown as { closeCodes: number[] }).closeCodes)
}

/** How the network goes away under the open editor, and comes back. */
interface Outage {
  /** Base URL the page is opened at. */
  pageUrl: string
  start(): Promise<void>
  /** Status the page shows while it lasts. */
  statusDuring: string
  end(page: Page): Promise<void>
  dispose(): Promise<void>
}

describe('browser: reconnecting after an outage', () => {
  // The per-connection message limits at their defaults (the test server lifts them): they are
  // what a tab that queued its offline keystrokes would run into.
  const harness = useBrowserAndServer({ RATE_LIMIT_MESSAGES_PER_SECOND: '30', RATE_LIMIT_MESSAGE_BURST: '300' })

  const outages: [string, (context: BrowserContext) => Promise<Outage>][] = [
    [
      'the browser goes offline',
      async (context) => ({
        pageUrl: harness.server.url,
        start: () => context.setOffline(true),
        statusDuring: 'offline',
        end: () => context.setOffline(false),
        dispose: async () => {},
      }),
    ],
    [
      'the network path is cut while the browser believes it is online',
      async () => {
        const proxy = await startTcpProxy('127.0.0.1', Number(new URL(harness.server.url).port))
        return {
          pageUrl: `http://127.0.0.1:${proxy.port}`,
          start: async () => proxy.cut(),
          statusDuring: 'unreachable',
          end: async (page) => {
            proxy.restore()
            // "Retry now", rather than waiting out the reconnect backoff.
            await page.evaluate(() => (window as unknown as { collab: { retryNow(): void } }).collab.retryNow())
          },
          dispose: () => proxy.close(),
        }
      },
    ],
  ]

  it.each(outages)('[OFF5][OFF2][STAT2] %s: 500 keystrokes typed meanwhile reach the server in one unthrottled, unrefused connection, and "saved" waits for all of them', async (_how, makeOutage) => {
    const doc = await createDocumentAs(harness.server.url, 'Erin')
    const context = await harness.browser.newContext()
    const outage = await makeOutage(context)
    const page = await openEditor(context, outage.pageUrl, doc, 'Erin')
    const reader = connectClient(harness.server.url, doc, await testToken('Reader'))
    try {
      await waitForSaved(reader)

      await outage.start()
      await waitForStatus(page, outage.statusDuring)
      const before = await channelStats(harness.server.url)
      await caretIn(page, 'end')
      // Keystrokes: 500 transactions, 500 Yjs updates.
      const text = Array.from({ length: 500 }, (_, index) => String.fromCharCode(97 + (index % 26))).join('')
      await page.keyboard.type(text)
      await waitForText(page, text)
      expect(await statusText(page)).toMatch(/500 changes kept on this device$/)

      const watched = watchCollabSockets(page)
      const closeCodes = await recordCloseCodes(page)
      const back = Date.now()
      await outage.end(page)
      await waitForStatus(page, 'saved')
      const savedAfter = Date.now() - back
      // "All changes saved" means the server has every one of them when it is shown.
      expect(await serverText(harness.server.url, doc, 'Erin')).toBe(text)
      expect(await statusText(page)).toMatch(/^All changes saved · /)
      await waitFor(() => bodyText(reader.ydoc) === text, 'the reader has the offline keystrokes', 15_000)
      const readerAfter = Date.now() - back

      const after = await channelStats(harness.server.url)
      // One connection after the outage, never closed by the server (no 4431 pre-auth-limit, no 4429).
      expect(await closeCodes()).toEqual([])
      expect(watched.sockets).toHaveLength(1)
      expect(watched.sockets[0]!.socket.isClosed()).toBe(false)
      // The handshake after authentication carries the offline changes: a handful of frames
      // (auth, sync steps, presence), not one per keystroke.
      expect(watched.sockets[0]!.framesSent).toBeLessThan(20)
      expect(after.refused).toEqual(before.refused)
      expect(after.throttled).toBe(before.throttled)
      console.log(`${_how}: saved ${savedAfter} ms after the network returned, the reader had the text after ${readerAfter} ms, ${watched.sockets[0]!.framesSent} frames sent`)
    } finally {
      reader.destroy()
      await context.close()
      await outage.dispose()
    }
  })
})
