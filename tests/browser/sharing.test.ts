/**
 * Accounts and sharing in Chromium: register, create a document, share a viewer link, open it in a
 * second browser context as a guest: read-only, sees live edits and the owner's caret; revoking
 * the link closes the viewer's editor.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, screenshot } from '../helpers/browser.ts'
import { startTestServer } from '../helpers/server.ts'
import { caretIn, editorText, waitForStatus, waitForText } from './editor-pages.ts'

describe('browser: accounts and sharing', () => {
  let browser: Browser
  let server: Awaited<ReturnType<typeof startTestServer>>

  beforeAll(async () => {
    server = await startTestServer()
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('[ACCT1][ACCT7][ACCT8][ACCT11] register, create, share a viewer link; the guest viewer is read-only, sees live edits and the owner’s caret; revoking closes it', async () => {
    const ownerContext = await browser.newContext()
    const owner = await ownerContext.newPage()
    await owner.goto(`${server.url}/signin?mode=register`)
    await owner.fill('#auth-username', 'olivia')
    await owner.fill('#auth-name', 'Olivia')
    await owner.fill('#auth-password', 'a long enough password')
    await owner.click('#auth-submit')
    // Home, signed in: the account's (empty) list and a Sign out button.
    await owner.waitForSelector('#sign-out')
    expect(await owner.textContent('#me')).toBe('Olivia')
    const cookies = await ownerContext.cookies()
    expect(cookies.find((cookie) => cookie.name === 'collab_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' })

    await owner.click('#new-document')
    await owner.waitForSelector('.ProseMirror')
    await waitForStatus(owner, 'saved')
    const doc = new URL(owner.url()).pathname.split('/').pop()!
    await caretIn(owner, 'end')
    await owner.keyboard.type('Plan for Monday')
    await waitForStatus(owner, 'saved')

    await owner.waitForSelector('#share-button:not([hidden])')
    await owner.click('#share-button')
    await owner.selectOption('#share-link-role', 'viewer')
    await owner.click('#share-create-link')
    await owner.waitForSelector('#share-link-url:not([hidden])')
    const link = await owner.inputValue('#share-link-url')
    expect(link).toMatch(new RegExp(`^${server.url}/share/[A-Za-z0-9_-]{43}$`))
    await owner.waitForSelector('#share-links li[data-link-id]')
    await screenshot(owner, 'share-dialog')
    await owner.click('#share-close')

    // A second browser, nobody signed in: the link offers to continue as a named guest.
    const viewerContext = await browser.newContext()
    const viewer = await viewerContext.newPage()
    await viewer.goto(link)
    await viewer.fill('#guest-name', 'Vera')
    await viewer.click('#guest-open')
    await viewer.waitForSelector('.ProseMirror')
    expect(new URL(viewer.url()).pathname).toBe(`/d/${doc}`)
    await waitForText(viewer, 'Plan for Monday')
    await viewer.waitForSelector('#view-only:not([hidden])')
    expect(await viewer.getAttribute('.ProseMirror', 'contenteditable')).toBe('false')
    expect(await viewer.isHidden('#share-button')).toBe(true)
    // Typing into a read-only editor changes nothing.
    await viewer.click('.ProseMirror')
    await viewer.keyboard.type('viewer typing')
    expect(await editorText(viewer)).toBe('Plan for Monday')

    // The owner's live edits and caret reach the viewer.
    await owner.bringToFront()
    await caretIn(owner, 'end')
    await owner.keyboard.type(' and Tuesday')
    await waitForText(viewer, 'Plan for Monday and Tuesday')
    const caret = viewer.locator('.ProseMirror-yjs-cursor', { hasText: 'Olivia' })
    await caret.waitFor()
    await expect.poll(() => viewer.$$eval('#presence .participant', (items) => items.map((item) => item.getAttribute('title')))).toEqual(
      expect.arrayContaining(['Vera (you)', 'Olivia']),
    )
    expect(await editorText(owner)).toBe('Plan for Monday and Tuesday')
    await screenshot(viewer, 'share-viewer')

    // Revoking the link closes the viewer's editor: the reconnect is refused.
    await owner.click('#share-button')
    await owner.waitForSelector('#share-links li[data-link-id] .share-revoke')
    const revokedAt = Date.now()
    await owner.click('#share-links li[data-link-id] .share-revoke')
    await waitForStatus(viewer, 'denied', 5_000)
    console.log(`[ACCT8] browser viewer shows access denied ${Date.now() - revokedAt} ms after the revoke click`)
    await ownerContext.close()
    await viewerContext.close()
  }, 90_000)
})
