/**
 * The documents home page in Chromium: list, create, rename (merging into open editors), delete
 * with a confirm; and the editor's messages for a missing document and for refused access.
 */
import { describe, expect, it } from 'vitest'
import { screenshot, useBrowserAndServer } from '../helpers/browser.ts'
import { testToken } from '../helpers/server.ts'
import { caretIn, createDocumentAs, openEditor, statusText, waitForStatus } from './editor-pages.ts'

describe('browser: documents home page', () => {
  const harness = useBrowserAndServer()

  it('[HOME1][HOME2][HOME3][HOME4] lists my documents, creates one, renames it (open editors follow) and deletes it after a confirm', async () => {
    const existing = await createDocumentAs(harness.server.url, 'Alice', 'Roadmap')
    const context = await harness.browser.newContext()
    const home = await context.newPage()
    // Moving between screens tears pages down; nothing may throw while doing so.
    const pageErrors: string[] = []
    home.on('pageerror', (error) => pageErrors.push(error.message))
    await home.goto(`${harness.server.url}/?token=${await testToken('Alice')}`)
    const row = (name: string) => home.locator(`#documents .document[data-name="${name}"]`)
    await row(existing).waitFor()
    expect(await row(existing).locator('.document-title').textContent()).toBe('Roadmap')
    expect(await row(existing).locator('.document-meta').textContent()).toMatch(/^Edited (just now|\d+ minutes? ago)/)

    // Create: lands in the editor of the new document; the title typed there is in the CRDT.
    await home.click('#new-document')
    await home.waitForURL(/\/d\/[a-z0-9]+$/)
    const name = new URL(home.url()).pathname.split('/')[2]!
    await waitForStatus(home, 'saved')
    await home.fill('.doc-title', 'Launch notes')
    await caretIn(home, 'end')
    await home.keyboard.type('First line.')
    await waitForStatus(home, 'saved')
    await screenshot(home, 'editor')

    // A second person has it open while it is renamed from the home page.
    const bob = await openEditor(await harness.browser.newContext(), harness.server.url, name, 'Bob')
    expect(await bob.inputValue('.doc-title')).toBe('Launch notes')
    await home.click('.brand')
    await row(name).waitFor()
    await expect.poll(() => row(name).locator('.document-title').textContent()).toBe('Launch notes')
    expect(await row(name).locator('.document-meta').textContent()).toContain('by Alice')
    expect(await home.locator('#documents .document').first().getAttribute('data-name')).toBe(name)
    await screenshot(home, 'home')

    await row(name).locator('.rename').click()
    await home.fill('.rename-form input', 'Launch notes v2')
    await home.click('.rename-form button[type="submit"]')
    await expect.poll(() => row(name).locator('.document-title').textContent()).toBe('Launch notes v2')
    await expect.poll(() => bob.inputValue('.doc-title')).toBe('Launch notes v2')

    // Delete: cancelling keeps it, confirming removes it.
    await row(existing).locator('.delete').click()
    await home.click('.confirm-dialog .cancel')
    expect(await row(existing).count()).toBe(1)
    await row(existing).locator('.delete').click()
    await screenshot(home, 'home-delete-confirm')
    await home.click('.confirm-dialog .danger')
    await expect.poll(() => row(existing).count()).toBe(0)
    expect(pageErrors).toEqual([])
    await bob.context().close()
    await context.close()
  })

  it('[HOME5][STAT4] a missing document says so; a refused one says access denied and stops reconnecting', async () => {
    const context = await harness.browser.newContext()
    const page = await context.newPage()
    await page.goto(`${harness.server.url}/d/no-such-document?token=${await testToken('Alice')}`)
    await waitForStatus(page, 'not-found')
    expect(await page.textContent('.notice')).toContain('does not exist')
    expect(await page.getAttribute('.ProseMirror', 'contenteditable')).toBe('false')

    const secret = await createDocumentAs(harness.server.url, 'Alice', 'Secret')
    const outsider = await testToken('Eve', { grants: { 'some-other-doc': 'editor' } })
    await page.goto(`${harness.server.url}/d/${secret}?token=${outsider}`)
    await waitForStatus(page, 'denied')
    expect(await statusText(page)).toMatch(/^Access denied: forbidden/)
    expect(await page.isVisible('#status .status-retry')).toBe(false)
    // Fatal: the socket is told not to reconnect.
    expect(await page.evaluate(() => (window as unknown as { collab: { socket: { shouldConnect: boolean } } }).collab.socket.shouldConnect)).toBe(false)
    await context.close()
  })

  it('[HOME5][OFF3] an open document deleted elsewhere says so, turns read-only and drops its device copy', async () => {
    const doc = await createDocumentAs(harness.server.url, 'Alice', 'Doomed')
    const page = await openEditor(await harness.browser.newContext(), harness.server.url, doc, 'Alice')
    await caretIn(page, 'end')
    await page.keyboard.type('soon gone')
    await waitForStatus(page, 'saved')
    const databases = () => page.evaluate(async () => (await indexedDB.databases()).map((database) => database.name))
    expect(await databases()).toContain(`collab:${doc}`)
    const response = await fetch(`${harness.server.url}/api/documents/${doc}`, { method: 'DELETE', headers: { authorization: `Bearer ${await testToken('Alice')}` } })
    expect(response.status).toBe(204)
    await waitForStatus(page, 'not-found')
    expect(await page.getAttribute('.ProseMirror', 'contenteditable')).toBe('false')
    await expect.poll(databases).not.toContain(`collab:${doc}`)
    await page.context().close()
  })

  it('[STAT4] an unreachable server shows "Retry now", which reconnects at once', async () => {
    const doc = await createDocumentAs(harness.server.url, 'Alice', 'Flaky')
    const context = await harness.browser.newContext()
    await context.addInitScript(() => Object.assign(window, { collabSettings: { unreachableAfterFailures: 2 } }))
    const page = await context.newPage()
    // The WebSocket and its HTTP fallback are refused until `reachable` is set, then passed through.
    let reachable = false
    await page.routeWebSocket(/\/collab/, (socket) => {
      if (reachable) socket.connectToServer()
      else void socket.close({ code: 1011, reason: 'test: unreachable' })
    })
    await page.route(/\/collab-http\//, (route) => (reachable ? route.continue() : route.abort('connectionrefused')))
    await page.goto(`${harness.server.url}/d/${doc}?token=${await testToken('Alice')}`)
    await waitForStatus(page, 'unreachable')
    expect(await page.isVisible('#status .status-retry')).toBe(true)
    await screenshot(page, 'status-unreachable')
    reachable = true
    await page.click('#status .status-retry')
    await waitForStatus(page, 'saved', 5_000)
    await context.close()
  })
})
