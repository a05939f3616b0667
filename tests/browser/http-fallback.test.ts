/**
 * [HTTP6] Chromium behind a proxy that refuses WebSocket upgrades (as some corporate proxies do)
 * still co-edits with a page on a direct connection, sees its caret, gets "All changes saved",
 * and the status says the HTTP fallback is in use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { screenshot, useBrowserAndServer } from '../helpers/browser.ts'
import { startProxy, type TestProxy } from '../http-fallback/proxy.ts'
import { caretIn, createDocumentAs, openEditor, waitForStatus, waitForText } from './editor-pages.ts'

describe('browser: HTTP fallback', () => {
  const harness = useBrowserAndServer()
  let proxy: TestProxy

  beforeAll(async () => {
    proxy = await startProxy(harness.server.url, 'block')
  })
  afterAll(async () => {
    await proxy?.close()
  })

  it('[HTTP6] a page whose WebSocket is refused syncs over HTTP, shares carets, saves, and says so in the status', async () => {
    const doc = await createDocumentAs(harness.server.url, 'Alice')
    const behindProxy = await openEditor(await harness.browser.newContext(), proxy.url, doc, 'Alice')
    const direct = await openEditor(await harness.browser.newContext(), harness.server.url, doc, 'Bob')
    expect(proxy.upgrades).toBeGreaterThan(0)

    const status = behindProxy.locator('#status')
    expect(await status.getAttribute('data-transport')).toBe('http')
    expect(await behindProxy.textContent('#status .status-transport')).toContain('via HTTP (WebSocket blocked)')
    expect(await direct.locator('#status').getAttribute('data-transport')).toBe('websocket')
    expect(await direct.locator('#status .status-transport').isHidden()).toBe(true)

    await caretIn(behindProxy, 'end')
    await behindProxy.keyboard.type('typed behind a proxy')
    await waitForText(direct, 'typed behind a proxy')
    const caret = direct.locator('.ProseMirror-yjs-cursor')
    await caret.waitFor({ timeout: 5_000 })
    expect(await caret.textContent()).toContain('Alice')

    await caretIn(direct, 'end')
    await direct.keyboard.type(', answered directly')
    await waitForText(behindProxy, 'typed behind a proxy, answered directly')
    await behindProxy.locator('.ProseMirror-yjs-cursor').waitFor({ timeout: 5_000 })

    await waitForStatus(behindProxy, 'saved')
    expect(await behindProxy.textContent('#status')).toMatch(/All changes saved/)
    await screenshot(behindProxy, 'http-fallback-status')
  })

  it('[HTTP6][HTTP4] once the proxy lets WebSockets through, the page moves back to WebSocket and the status follows', async () => {
    const switching = await startProxy(harness.server.url, 'block')
    try {
      const doc = await createDocumentAs(harness.server.url, 'Alice')
      const context = await harness.browser.newContext()
      await context.addInitScript(() => Object.assign(window, { collabSettings: { transport: { probeDelayMs: 300, probeHoldMs: 300 } } }))
      const page = await openEditor(context, switching.url, doc, 'Dana')
      expect(await page.locator('#status').getAttribute('data-transport')).toBe('http')
      switching.mode = 'pass'
      await page.waitForFunction(() => document.getElementById('status')?.dataset.transport === 'websocket', undefined, { timeout: 15_000 })
      await waitForStatus(page, 'saved')
      expect(await page.locator('#status .status-transport').isHidden()).toBe(true)
      await caretIn(page, 'end')
      await page.keyboard.type('over WebSocket again')
      await waitForStatus(page, 'saved')
      await context.close()
    } finally {
      await switching.close()
    }
  })

  it('[HTTP6][PRES4] closing the page on HTTP removes its caret from the others within 5 s', async () => {
    const doc = await createDocumentAs(harness.server.url, 'Alice')
    const behindProxy = await openEditor(await harness.browser.newContext(), proxy.url, doc, 'Carol')
    const direct = await openEditor(await harness.browser.newContext(), harness.server.url, doc, 'Bob')
    expect(await behindProxy.locator('#status').getAttribute('data-transport')).toBe('http')
    await caretIn(behindProxy, 'end')
    await behindProxy.keyboard.type('bye')
    const caret = direct.locator('.ProseMirror-yjs-cursor', { hasText: 'Carol' })
    await caret.waitFor({ timeout: 5_000 })
    await behindProxy.close({ runBeforeUnload: true })
    await caret.waitFor({ state: 'detached', timeout: 5_000 })
  })
})
