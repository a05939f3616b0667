/**
 * Offline-first in Chromium: the app opens from the service worker with no network, documents
 * open from IndexedDB, offline edits survive a reload and merge on reconnect.
 */
import { describe, expect, it } from 'vitest'
import { screenshot, useBrowserAndServer } from '../helpers/browser.ts'
import { testToken } from '../helpers/server.ts'
import { caretIn, createDocumentAs, editorJson, editorText, openEditor, statusText, storedUpdateCount, waitForText, waitForLocalFlush, waitForServiceWorker, waitForStatus } from './editor-pages.ts'

describe('browser: offline', () => {
  const harness = useBrowserAndServer()

  it('[OFF2][STAT2][OFF1] two offline editors of one paragraph, one reloading offline, converge with nothing lost', async () => {
    const doc = await createDocumentAs(harness.server.url, 'Alice', 'Offline plan')
    const aliceContext = await harness.browser.newContext()
    const bobContext = await harness.browser.newContext()
    const alice = await openEditor(aliceContext, harness.server.url, doc, 'Alice')
    const bob = await openEditor(bobContext, harness.server.url, doc, 'Bob')
    await waitForServiceWorker(alice)
    await caretIn(alice, 'end')
    await alice.keyboard.type('Shared paragraph.')
    await waitForText(bob, 'Shared paragraph.')
    await waitForStatus(alice, 'saved')

    await aliceContext.setOffline(true)
    await bobContext.setOffline(true)
    await waitForStatus(alice, 'offline')
    await waitForStatus(bob, 'offline')
    await caretIn(alice, 'end')
    await alice.keyboard.type(' Alice was here offline.')
    await caretIn(bob, 'start')
    await bob.keyboard.type('Bob offline: ')
    expect(await statusText(alice)).toMatch(/^Offline: \d+ changes kept on this device/)
    expect(await statusText(bob)).toMatch(/^Offline: \d+ changes kept on this device/)
    await screenshot(alice, 'offline-status')

    // Reload with no network: the shell comes from the service worker, the text from IndexedDB.
    await waitForLocalFlush(alice)
    const reloaded = await alice.reload()
    expect(reloaded?.fromServiceWorker()).toBe(true)
    await alice.waitForSelector('.ProseMirror')
    await waitForText(alice, 'Shared paragraph. Alice was here offline.')
    await waitForStatus(alice, 'offline')
    // The changes made before the reload are still unacknowledged, and still counted.
    expect(await statusText(alice)).toBe('Offline: 24 changes kept on this device')
    await caretIn(alice, 'end')
    await alice.keyboard.type(' After reload.')
    await waitForLocalFlush(alice)

    await aliceContext.setOffline(false)
    await bobContext.setOffline(false)
    await waitForStatus(alice, 'saved')
    await waitForStatus(bob, 'saved')
    const expected = 'Bob offline: Shared paragraph. Alice was here offline. After reload.'
    await waitForText(alice, expected)
    await waitForText(bob, expected)
    expect(await editorJson(alice)).toEqual(await editorJson(bob))
    expect(await editorText(bob)).toBe(expected)
    expect(await statusText(alice)).toMatch(/All changes saved · /)
    await screenshot(bob, 'offline-merged')
    await aliceContext.close()
    await bobContext.close()
  })

  it('[OFF1][HOME1][OFF2] with no network the home page shows the last list and documents open from the device', async () => {
    const doc = await createDocumentAs(harness.server.url, 'Dana', 'Field notes')
    const context = await harness.browser.newContext()
    const editor = await openEditor(context, harness.server.url, doc, 'Dana')
    await waitForServiceWorker(editor)
    await caretIn(editor, 'end')
    await editor.keyboard.type('Written online.')
    // The last key reaches the document through ProseMirror's DOM observer: wait for it first.
    await waitForText(editor, 'Written online.')
    await waitForStatus(editor, 'saved')
    // Leaving a page can abort IndexedDB writes still in flight (the server has them anyway):
    // let the device copy catch up, as it does within milliseconds for a person.
    await waitForLocalFlush(editor)
    await editor.goto(`${harness.server.url}/?token=${await testToken('Dana')}`)
    const row = editor.locator(`#documents .document[data-name="${doc}"]`)
    await row.waitFor()

    await context.setOffline(true)
    const reloaded = await editor.reload()
    expect(reloaded?.fromServiceWorker()).toBe(true)
    await row.waitFor()
    await expect.poll(() => editor.textContent('.home-message')).toBe('Offline: showing the documents this device saw last.')
    await row.locator('.document-title').click()
    await waitForText(editor, 'Written online.')
    await waitForStatus(editor, 'offline')
    expect(await editor.inputValue('.doc-title')).toBe('Field notes')
    await context.close()
  })

  it('[OFF3] 600 offline keystrokes, past y-indexeddb compaction, survive a reload; the database stays bounded', async () => {
    const doc = await createDocumentAs(harness.server.url, 'Carol')
    const context = await harness.browser.newContext()
    const page = await openEditor(context, harness.server.url, doc, 'Carol')
    await waitForServiceWorker(page)
    await context.setOffline(true)
    await waitForStatus(page, 'offline')
    await caretIn(page, 'end')
    const text = Array.from({ length: 600 }, (_, index) => String.fromCharCode(97 + (index % 26))).join('')
    await page.keyboard.type(text)
    await waitForLocalFlush(page)
    expect(await statusText(page)).toBe('Offline: 600 changes kept on this device')
    // y-indexeddb folds its log into a snapshot once it passes 500 updates (1 s after the last).
    await expect.poll(() => storedUpdateCount(page, doc), { timeout: 15_000 }).toBeLessThan(50)

    await page.reload()
    await waitForText(page, text)
    await context.setOffline(false)
    await waitForStatus(page, 'saved')
    await context.close()
  })
})
