/**
 * Two Chromium pages on one document: typing in one shows in the other, with a named remote caret.
 */
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { screenshot, useBrowserAndServer } from '../helpers/browser.ts'
import { testToken } from '../helpers/server.ts'

describe('browser: two pages', () => {
  const harness = useBrowserAndServer()

  it('[UI1] typing in one page appears in the other within 2 s, with a caret labelled with the typist’s name', async () => {
    // Separate contexts: separate storage, as two people on two machines.
    const alicePage = await (await harness.browser.newContext()).newPage()
    const bobPage = await (await harness.browser.newContext()).newPage()
    const open = async (page: typeof alicePage, name: string) => {
      await page.goto(`${harness.server.url}/?doc=browser-two-pages&token=${await testToken(name)}`)
      await page.waitForSelector('.ProseMirror')
      await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'saved')
    }
    await open(alicePage, 'Alice')
    await open(bobPage, 'Bob')

    await alicePage.click('.ProseMirror')
    await alicePage.keyboard.type('Hello from Alice')
    // The 2 s budget starts after the last keystroke.
    await bobPage.waitForFunction(() => document.querySelector('.ProseMirror')?.textContent?.includes('Hello from Alice'), undefined, { timeout: 2_000 })

    const caret = bobPage.locator('.ProseMirror-yjs-cursor')
    await caret.waitFor({ timeout: 2_000 })
    expect(await caret.textContent()).toContain('Alice')

    await alicePage.waitForFunction(() => document.getElementById('status')?.dataset.state === 'saved')
    expect(await alicePage.textContent('#status')).toMatch(/All changes saved/)
    const file = await screenshot(bobPage, 'two-pages-remote-caret')
    expect(fs.statSync(file).size).toBeGreaterThan(1_000)
  })
})
