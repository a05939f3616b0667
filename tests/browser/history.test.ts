/**
 * The history panel in Chromium: save a named version, preview the changes since it with the
 * author highlighted, restore it through the editor, and undo the restore with Ctrl-Z.
 */
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { screenshot, useBrowserAndServer } from '../helpers/browser.ts'
import { bodyText, connectClient, paragraphText, waitFor, waitForSaved } from '../helpers/clients.ts'
import { testToken } from '../helpers/server.ts'

describe('browser: history panel', () => {
  const harness = useBrowserAndServer({ VERSION_SETTLE_MS: '600000' })

  it('[HIST3][HIST5] previews a version with changes by author, restores it, and Ctrl-Z undoes the restore', async () => {
    const page = await (await harness.browser.newContext()).newPage()
    await page.goto(`${harness.server.url}/?doc=history-ui&token=${await testToken('Alice')}`)
    await page.waitForSelector('.ProseMirror')
    await page.click('.ProseMirror')
    await page.keyboard.type('Original text')
    await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'saved')

    await page.click('.history-toggle')
    await page.fill('.history-save input', 'First draft')
    await page.click('.history-save button')
    await page.locator('.history-item', { hasText: 'First draft' }).waitFor()

    // Bob changes the document from another client.
    const bob = connectClient(harness.server.url, 'history-ui', await testToken('Bob'))
    try {
      await waitFor(() => bob.provider.synced && bodyText(bob.ydoc) === 'Original text', 'bob synced')
      paragraphText(bob.ydoc).insert(13, ' plus Bob')
      await waitForSaved(bob)
      await page.waitForFunction(() => document.querySelector('.ProseMirror')?.textContent === 'Original text plus Bob')

      // The list says who changed the document today (closing and reopening refreshes it).
      await page.click('.history-close')
      await page.click('.history-toggle')
      await page.locator('.history-today', { hasText: 'Bob (' }).waitFor()
      expect(await page.locator('.history-today').textContent()).toContain('Alice (')
      await page.locator('.history-item', { hasText: 'First draft' }).click()
      const added = page.locator('.history-diff ins[data-author="Bob"]')
      await added.waitFor()
      expect(await added.textContent()).toBe(' plus Bob')
      expect(await page.locator('.history-legend').textContent()).toContain('Bob')
      const file = await screenshot(page, 'history-preview-by-author')
      expect(fs.statSync(file).size).toBeGreaterThan(1_000)
      await page.click('.history-mode-version')
      expect(await page.locator('.history-version').textContent()).toBe('Original text')

      await page.click('.history-restore')
      await page.waitForFunction(() => document.querySelector('.ProseMirror')?.textContent === 'Original text')
      await waitFor(() => bodyText(bob.ydoc) === 'Original text', 'the restore reaches Bob')

      await page.click('.ProseMirror')
      await page.keyboard.press('Control+z')
      await page.waitForFunction(() => document.querySelector('.ProseMirror')?.textContent === 'Original text plus Bob')
      await waitFor(() => bodyText(bob.ydoc) === 'Original text plus Bob', 'the undo reaches Bob')
    } finally {
      bob.destroy()
    }

    // A viewer browses history but is offered neither saving nor restoring.
    const viewer = await (await harness.browser.newContext()).newPage()
    await viewer.goto(`${harness.server.url}/?doc=history-ui&token=${await testToken('Vera', { grants: { 'history-ui': 'viewer' } })}`)
    // (The editor's text also holds Alice's caret label, so compare the start.)
    await viewer.waitForFunction(() => document.querySelector('.ProseMirror')?.textContent?.startsWith('Original text plus Bob'))
    await viewer.waitForFunction(() => (window as any).collab?.provider?.authorizedScope === 'readonly')
    await viewer.click('.history-toggle')
    await viewer.locator('.history-item', { hasText: 'First draft' }).waitFor()
    expect(await viewer.locator('.history-save').isHidden()).toBe(true)
    await viewer.locator('.history-item', { hasText: 'First draft' }).click()
    await viewer.locator('.history-diff').waitFor()
    expect(await viewer.locator('.history-restore').isHidden()).toBe(true)
  })
})
