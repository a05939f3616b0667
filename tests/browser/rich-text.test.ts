/**
 * Rich text between two Chromium contexts: formatting made with shortcuts, markdown and the
 * toolbar shows up in the other; undo is per user; links from the network are rendered safely.
 */
import type { Page } from 'playwright-core'
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { BODY_FRAGMENT } from '../../shared/protocol.ts'
import { screenshot, useBrowserAndServer } from '../helpers/browser.ts'
import { waitFor } from '../helpers/clients.ts'
import { testToken } from '../helpers/server.ts'
import { caretIn, createDocumentAs, editorJson, editorText, openEditor, selectWordBeforeCaret, waitForStatus, waitForText } from './editor-pages.ts'

describe('browser: rich text', () => {
  const harness = useBrowserAndServer()

  async function pair(title: string): Promise<{ alice: Page; bob: Page; doc: string }> {
    const doc = await createDocumentAs(harness.server.url, 'Alice', title)
    const alice = await openEditor(await harness.browser.newContext(), harness.server.url, doc, 'Alice')
    const bob = await openEditor(await harness.browser.newContext(), harness.server.url, doc, 'Bob')
    return { alice, bob, doc }
  }

  it('[EDIT1][EDIT2] headings, marks, lists, tasks, quotes and code made in one context appear in the other', async () => {
    const { alice, bob } = await pair('Formatting')
    await caretIn(alice, 'end')
    const k = alice.keyboard
    await k.type('# Weekly plan')
    await k.press('Enter')
    await k.type('Some ')
    await k.press('Control+b')
    await k.type('bold')
    await k.press('Control+b')
    await k.type(' and ')
    await alice.click('[data-command="italic"]')
    await k.type('italic')
    await alice.click('[data-command="italic"]')
    await k.type(' and **stars** and `code`.')
    await k.press('Enter')
    await k.type('- first')
    await k.press('Enter')
    await k.type('second')
    await k.press('Enter')
    await k.press('Enter')
    await k.type('1. one')
    await k.press('Enter')
    await k.press('Enter')
    await k.type('[ ] write tests')
    await k.press('Enter')
    await k.press('Enter')
    await k.type('> quoted')
    await k.press('Enter')
    await k.press('Enter')
    await k.type('```')
    await k.type(' let x = 1')

    await waitForStatus(alice, 'saved')
    const aliceJson = await editorJson(alice)
    await expect.poll(() => editorJson(bob)).toEqual(aliceJson)
    const bobHtml = await bob.innerHTML('.ProseMirror')
    expect(bobHtml).toContain('<h1>Weekly plan</h1>')
    expect(bobHtml).toContain('<strong>bold</strong>')
    expect(bobHtml).toContain('<em>italic</em>')
    expect(bobHtml).toContain('<strong>stars</strong>')
    expect(bobHtml).toContain('<code>code</code>')
    expect(await bob.locator('.ProseMirror ul:not([data-type]) > li').count()).toBe(2)
    expect(await bob.locator('.ProseMirror ol > li').count()).toBe(1)
    expect(await bob.locator('.ProseMirror ul[data-type="taskList"] li[data-type="taskItem"]').count()).toBe(1)
    expect(await bob.textContent('.ProseMirror blockquote')).toBe('quoted')

    // Ticking the task in Bob's page ticks it in Alice's.
    await bob.click('.ProseMirror li[data-type="taskItem"] input[type="checkbox"]')
    await alice.waitForFunction(() => document.querySelector('.ProseMirror li[data-type="taskItem"]')?.getAttribute('data-checked') === 'true')
    // The toolbar shows the formats at the caret.
    await alice.click('.ProseMirror h1')
    // The selection follows the click through DOM selection events: poll.
    await expect.poll(() => alice.getAttribute('[data-command="heading1"]', 'aria-pressed')).toBe('true')
    expect(await alice.getAttribute('[data-command="bold"]', 'aria-pressed')).toBe('false')
    await alice.click('.ProseMirror strong')
    await expect.poll(() => alice.getAttribute('[data-command="bold"]', 'aria-pressed')).toBe('true')
    await screenshot(bob, 'rich-text-remote')
    await alice.context().close()
    await bob.context().close()
  })

  it('[EDIT1][LINK1] Mod-K links the selection; a javascript: address is refused with a reason', async () => {
    const { alice, bob } = await pair('Link form')
    await caretIn(alice, 'end')
    await alice.keyboard.type('read the docs')
    await selectWordBeforeCaret(alice, 'read the docs')
    await alice.keyboard.press('Control+k')
    await alice.fill('.link-dialog input', 'javascript:alert(1)')
    await alice.keyboard.press('Enter')
    expect(await alice.textContent('.link-dialog-error')).toContain('Only http://, https:// and mailto: links')
    await alice.fill('.link-dialog input', 'example.com/docs')
    await alice.keyboard.press('Enter')
    await bob.waitForFunction(() => document.querySelector('.ProseMirror a')?.getAttribute('href') === 'https://example.com/docs')
    const paragraph = ((await editorJson(bob)) as { content: { content: unknown[] }[] }).content[0]!.content
    expect(paragraph).toEqual([
      { type: 'text', text: 'read the ' },
      { type: 'text', text: 'docs', marks: [{ type: 'link', attrs: { href: 'https://example.com/docs', title: null } }] },
    ])
    await alice.context().close()
    await bob.context().close()
  })

  it('[AUTH6][EDIT1] a viewer gets a read-only editor with a disabled toolbar', async () => {
    const doc = await createDocumentAs(harness.server.url, 'Alice', 'Read only')
    const context = await harness.browser.newContext()
    const page = await context.newPage()
    await page.goto(`${harness.server.url}/d/${doc}?token=${await testToken('Vera', { grants: { [doc]: 'viewer' } })}`)
    await waitForStatus(page, 'saved')
    await page.waitForFunction(() => document.querySelector('.ProseMirror')?.getAttribute('contenteditable') === 'false')
    expect(await page.isDisabled('[data-command="bold"]')).toBe(true)
    await context.close()
  })

  it('[EDIT3][EDIT4] pasting Google Docs and Word HTML keeps structure, drops scripts and unsafe links', async () => {
    const { alice, bob } = await pair('Paste')
    await caretIn(alice, 'end')
    const paste = (html: string) =>
      alice.evaluate((content) => {
        const data = new DataTransfer()
        data.setData('text/html', content)
        data.setData('text/plain', 'fallback')
        document.querySelector('.ProseMirror')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
      }, html)
    await paste(
      '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1"><h2><span>From Docs</span></h2>' +
        '<p><span style="font-weight:700">strong</span><span> and </span><a href="javascript:alert(1)">trap</a> <a href="https://ok.example/">ok</a></p>' +
        '<script>window.pwned = true</script><ul><li><p>docs item</p></li></ul></b>',
    )
    // Leave the pasted bullet list, so the next paste starts a block of its own.
    await caretIn(alice, 'end')
    await alice.keyboard.press('Enter')
    await alice.keyboard.press('Enter')
    await paste(
      "<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><!--[if !supportLists]--><span style='mso-list:Ignore'>1.<span> </span></span><!--[endif]-->Word item<o:p></o:p></p>",
    )
    await waitForStatus(alice, 'saved')
    const json = JSON.stringify(await editorJson(alice))
    await expect.poll(async () => JSON.stringify(await editorJson(bob))).toBe(json)
    const html = await bob.innerHTML('.ProseMirror')
    expect(html).toContain('<h2>From Docs</h2>')
    expect(html).toContain('<strong>strong</strong>')
    expect(html).toContain('docs item')
    expect(await bob.locator('.ProseMirror ol li', { hasText: 'Word item' }).count()).toBe(1)
    expect(await bob.evaluate(() => [...document.querySelectorAll('.ProseMirror a')].map((a) => a.getAttribute('href')))).toEqual(['https://ok.example/'])
    expect(json).toContain('trap')
    expect(json).not.toContain('javascript')
    expect(await alice.evaluate(() => (window as unknown as { pwned?: boolean }).pwned)).toBeUndefined()
    await alice.context().close()
    await bob.context().close()
  })

  it('[EDIT5] undo removes only my own changes, never a collaborator’s', async () => {
    const { alice, bob } = await pair('Undo')
    await caretIn(alice, 'end')
    await alice.keyboard.type('Alice wrote this.')
    await waitForText(bob, 'Alice wrote this.')
    await caretIn(bob, 'end')
    await bob.keyboard.press('Enter')
    await bob.keyboard.type('Bob wrote this.')
    await waitForText(alice, 'Alice wrote this.Bob wrote this.')
    await waitForStatus(bob, 'saved')

    await alice.click('.ProseMirror p')
    // Undo everything Alice did (a few presses: typing is grouped into steps).
    for (let press = 0; press < 5; press++) await alice.keyboard.press('Control+z')
    await waitForText(alice, 'Bob wrote this.')
    await waitForText(bob, 'Bob wrote this.')
    await alice.keyboard.press('Control+Shift+z')
    await waitForText(bob, 'Alice wrote this.Bob wrote this.')
    await alice.context().close()
    await bob.context().close()
  })

  it('[EDIT4][SCHEMA2] a javascript: link written straight into the CRDT never becomes a clickable href', async () => {
    const { bob, doc } = await pair('Links')
    // The server refuses such updates from clients [SEC8]; documents stored before that check
    // existed can still hold them, so the browser's own defence is tested with content written
    // on the server side, which reaches the page like any remote change.
    await waitFor(() => harness.server.hocuspocus.documents.has(doc), 'the document is loaded')
    const live = harness.server.hocuspocus.documents.get(doc)!
    live.transact(() => {
      const paragraph = new Y.XmlElement('paragraph')
      const text = new Y.XmlText()
      paragraph.insert(0, [text])
      live.getXmlFragment(BODY_FRAGMENT).insert(0, [paragraph])
      text.insert(0, 'evil', { link: { href: 'javascript:alert(document.domain)' } })
      text.insert(4, ' spaced', { link: { href: ' JaVa\tScRiPt:alert(1)' } })
      text.insert(11, ' data', { link: { href: 'data:text/html,<script>alert(1)</script>' } })
      text.insert(16, ' fine', { link: { href: 'https://example.com/' } })
    })
    await bob.waitForFunction(() => document.querySelector('.ProseMirror')?.textContent?.includes('evil spaced data fine'))
    const hrefs = await bob.evaluate(() => [...document.querySelectorAll('a')].map((anchor) => anchor.getAttribute('href')))
    expect(hrefs.filter((href) => href !== null && href !== '/')).toEqual(['https://example.com/'])
    expect(await bob.locator('.ProseMirror a', { hasText: 'evil' }).getAttribute('href')).toBeNull()
    expect(await editorText(bob)).toContain('evil')
    await bob.context().close()
  })
})
