/**
 * The device copy's failures are shown, not swallowed, and closing a tab warns exactly when a
 * change would be lost.
 */
import { describe, expect, it } from 'vitest'
import { screenshot, useBrowserAndServer } from '../helpers/browser.ts'
import { testToken } from '../helpers/server.ts'
import { caretIn, createDocumentAs, openEditor, statusText, waitForLocalFlush, waitForStatus } from './editor-pages.ts'

describe('browser: device copy and leaving', () => {
  const harness = useBrowserAndServer()

  it('[OFF4][STAT3] an IndexedDB that refuses to open is reported, and closing with unacknowledged changes asks first', async () => {
    const doc = await createDocumentAs(harness.server.url, 'Alice', 'No storage')
    const context = await harness.browser.newContext()
    // As in some private modes: opening any database fails.
    await context.addInitScript(() => {
      IDBFactory.prototype.open = function () {
        throw new DOMException('The user denied permission to access the database.', 'InvalidStateError')
      }
    })
    const page = await context.newPage()
    await page.goto(`${harness.server.url}/d/${doc}?token=${await testToken('Alice')}`)
    await waitForStatus(page, 'saved')
    await page.waitForFunction(() => document.getElementById('status')?.dataset.localStore === 'failed')
    expect(await page.textContent('#status .status-store-warning')).toMatch(/not keeping a copy on this device \(InvalidStateError/)

    await context.setOffline(true)
    await waitForStatus(page, 'offline')
    await caretIn(page, 'end')
    await page.keyboard.type('only in memory')
    expect(await statusText(page)).toMatch(/^Offline: 14 changes only in this tab/)
    await screenshot(page, 'status-no-local-storage')
    const dialog = page.waitForEvent('dialog')
    await page.close({ runBeforeUnload: true })
    const shown = await dialog
    expect(shown.type()).toBe('beforeunload')
    await shown.accept()
    await context.close()
  })

  it('[STAT3] closing does not ask when offline changes are safely in IndexedDB', async () => {
    const doc = await createDocumentAs(harness.server.url, 'Bob', 'Kept')
    const context = await harness.browser.newContext()
    const page = await openEditor(context, harness.server.url, doc, 'Bob')
    await context.setOffline(true)
    await waitForStatus(page, 'offline')
    await caretIn(page, 'end')
    await page.keyboard.type('kept on disk')
    await waitForLocalFlush(page)
    let asked = false
    page.on('dialog', (dialog) => {
      asked = true
      void dialog.dismiss()
    })
    await page.close({ runBeforeUnload: true })
    await expect.poll(() => page.isClosed()).toBe(true)
    expect(asked).toBe(false)
    await context.close()
  })
})
