/**
 * Accounts and sharing in Chromium: register, create a document, share a viewer link, open it in a
 * second browser context as a guest: read-only, sees live edits and the owner's caret; revoking
 * the link closes the viewer's editor.
 */
import { describe, expect, it } from 'vitest'
import { screenshot, useBrowserAndServer } from '../helpers/browser.ts'
import { startTestServer } from '../helpers/server.ts'
import { Person } from '../accounts/people.ts'
import { caretIn, editorText, waitForStatus, waitForText } from './editor-pages.ts'

describe('browser: accounts and sharing', () => {
  const harness = useBrowserAndServer()

  it('[ACCT1][ACCT7][ACCT8][ACCT11] register, create, share a viewer link; the guest viewer is read-only, sees live edits and the owner’s caret; revoking closes it', async () => {
    const ownerContext = await harness.browser.newContext()
    const owner = await ownerContext.newPage()
    await owner.goto(`${harness.server.url}/signin?mode=register`)
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
    expect(link).toMatch(new RegExp(`^${harness.server.url}/share/[A-Za-z0-9_-]{43}$`))
    await owner.waitForSelector('#share-links li[data-link-id]')
    await screenshot(owner, 'share-dialog')
    await owner.click('#share-close')

    // A second browser, nobody signed in: the link offers to continue as a named guest.
    const viewerContext = await harness.browser.newContext()
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

  it('[ACCT1][ACCT2][ACCT4] without development tokens the app asks to sign in; a signed-in editor keeps one connection across token refreshes; sign-out ends it', async () => {
    const strict = await startTestServer({ DEV_TOKENS: 'false', SESSION_TOKEN_TTL_S: '4' })
    const context = await harness.browser.newContext()
    try {
      const page = await context.newPage()
      await page.goto(`${strict.url}/`)
      await page.waitForURL(/\/signin\?next=%2F$/)
      await page.click('#auth-toggle')
      await page.fill('#auth-username', 'rosa')
      await page.fill('#auth-password', 'a long enough password')
      await page.click('#auth-submit')
      await page.waitForSelector('#sign-out')
      await page.click('#new-document')
      await page.waitForSelector('.ProseMirror')
      await waitForStatus(page, 'saved')
      // Count socket drops from here on.
      await page.evaluate(() => {
        const collab = (window as unknown as { collab: { socket: { on(event: string, listener: () => void): void } } }).collab
        Object.assign(window, { drops: 0 })
        collab.socket.on('disconnect', () => Object.assign(window, { drops: (window as unknown as { drops: number }).drops + 1 }))
      })
      await caretIn(page, 'end')
      // Type across two 4-second token lifetimes: the server asks for fresh tokens meanwhile.
      let typed = ''
      for (let i = 0; i < 32; i++) {
        await page.keyboard.type(`${i % 10}`)
        typed += `${i % 10}`
        await page.waitForTimeout(300)
      }
      await waitForStatus(page, 'saved')
      expect(await page.evaluate(() => (window as unknown as { drops: number }).drops)).toBe(0)
      await page.reload()
      await waitForText(page, typed)

      await page.goto(`${strict.url}/`)
      await page.click('#sign-out')
      await page.waitForURL(/\/signin$/)
      // Signed out, an editor link leads to the sign-in page again.
      await page.goto(`${strict.url}/d/anything`)
      await page.waitForURL(/\/signin\?next=%2Fd%2Fanything$/)
    } finally {
      await context.close()
      await strict.close()
    }
  }, 90_000)

  it('[ACCT5][ACCT6][ACCT8] the owner invites an editor from the Share dialog; the editor sees it at home (no Delete), co-edits, and is closed out when removed', async () => {
    // Accounts made over the API; each browser context gets its person's session cookie.
    const signedIn = async (person: Person) => {
      const context = await harness.browser.newContext()
      const [name, value] = person.cookie!.split('=') as [string, string]
      await context.addCookies([{ name, value, url: harness.server.url, httpOnly: true, sameSite: 'Lax' }])
      return context.newPage()
    }
    const owen = new Person(harness.server.url, 'owen')
    await owen.register({ name: 'Owen' })
    const ivan = new Person(harness.server.url, 'ivan')
    await ivan.register({ name: 'Ivan', email: 'ivan@example.com' })
    const doc = (await owen.api('POST', '/api/documents', { title: 'Team notes', markdown: 'Agenda' })).body.name as string

    const owner = await signedIn(owen)
    await owner.goto(`${harness.server.url}/d/${doc}`)
    await waitForText(owner, 'Agenda')
    await owner.click('#share-button')
    await owner.fill('#share-invite-user', 'ivan@example.com')
    await owner.selectOption('#share-invite-role', 'editor')
    await owner.click('#share-invite-submit')
    await owner.waitForSelector('#share-members li[data-user-id] >> text=Ivan')
    await owner.click('#share-close')

    const editor = await signedIn(ivan)
    await editor.goto(`${harness.server.url}/`)
    const row = editor.locator(`#documents li[data-name="${doc}"]`)
    await row.waitFor()
    expect(await row.locator('.rename').count()).toBe(1)
    expect(await row.locator('.delete').count()).toBe(0)
    await row.locator('a.document-title').click()
    await waitForText(editor, 'Agenda')
    expect(await editor.isHidden('#view-only')).toBe(true)
    await caretIn(editor, 'end')
    await editor.keyboard.type(' from Ivan')
    await waitForText(owner, 'Agenda from Ivan')

    await owner.click('#share-button')
    const ivanRow = owner.locator('#share-members li[data-user-id]', { hasText: 'Ivan' })
    await ivanRow.locator('.share-remove').click()
    await waitForStatus(editor, 'denied', 5_000)
    expect(await editor.getAttribute('.ProseMirror', 'contenteditable')).toBe('false')
    await owner.context().close()
    await editor.context().close()
  }, 90_000)
})
