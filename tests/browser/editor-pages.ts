/**
 * Helpers for browser tests of the editor: open a document page as a named user, read its state,
 * wait for its status.
 */
import type { BrowserContext, Page } from 'playwright-core'
import { testToken } from '../helpers/server.ts'

/** Creates a document through the REST API as `user`; resolves to its name. */
export async function createDocumentAs(serverUrl: string, user: string, title = ''): Promise<string> {
  const response = await fetch(`${serverUrl}/api/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await testToken(user)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title }),
  })
  if (response.status !== 201) throw new Error(`creating a document failed: ${response.status} ${await response.text()}`)
  return ((await response.json()) as { name: string }).name
}

/** Opens `/d/<doc>` as `user` in a new page of `context` and waits until it is saved (synced). */
export async function openEditor(context: BrowserContext, serverUrl: string, doc: string, user: string): Promise<Page> {
  const page = await context.newPage()
  await page.goto(`${serverUrl}/d/${doc}?token=${await testToken(user)}`)
  await page.waitForSelector('.ProseMirror')
  await waitForStatus(page, 'saved')
  return page
}

/** Waits until the status indicator's `data-state` is `state`. */
export async function waitForStatus(page: Page, state: string, timeout = 15_000): Promise<void> {
  await page.waitForFunction((expected) => document.getElementById('status')?.dataset.state === expected, state, { timeout })
}

/** Waits until the service worker controls the page (so a reload works offline). */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.waitForFunction(async () => {
    await navigator.serviceWorker.ready
    return navigator.serviceWorker.controller !== null
  })
}

/** Waits until every local change is committed to IndexedDB. */
export async function waitForLocalFlush(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(() => (window as unknown as { collab?: { local: { flushed: boolean } } }).collab?.local.flushed === true, undefined, { timeout })
}

/**
 * How many updates the device copy of `doc` holds in its IndexedDB log (y-indexeddb folds the log
 * into a snapshot once it passes 500 updates, so this shows whether compaction ran).
 */
export function storedUpdateCount(page: Page, doc: string): Promise<number> {
  return page.evaluate(
    (database) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open(database)
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const request = open.result.transaction('updates').objectStore('updates').count()
          request.onsuccess = () => {
            open.result.close()
            resolve(request.result)
          }
        }
      }),
    `collab:${doc}`,
  )
}

/** The editor's document as ProseMirror JSON. */
export function editorJson(page: Page): Promise<unknown> {
  return page.evaluate(() => (window as unknown as { collab: { view: { state: { doc: { toJSON(): unknown } } } } }).collab.view.state.doc.toJSON())
}

/** The editor's text content (from its state: remote caret labels are not text). */
export function editorText(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as { collab: { view: { state: { doc: { textContent: string } } } } }).collab.view.state.doc.textContent)
}

/** Waits until the editor's text (see {@link editorText}) is `text`. */
export async function waitForText(page: Page, text: string, timeout = 15_000): Promise<void> {
  try {
    await page.waitForFunction(
      (expected) => (window as unknown as { collab?: { view: { state: { doc: { textContent: string } } } } }).collab?.view.state.doc.textContent === expected,
      text,
      { timeout },
    )
  } catch (error) {
    const actual = await editorJson(page).catch(() => null)
    throw new Error(`editor text never became ${JSON.stringify(text)}; the document is ${JSON.stringify(actual)}`, { cause: error })
  }
}

/** The status indicator's words (without its buttons). */
export async function statusText(page: Page): Promise<string> {
  return (await page.textContent('#status .status-text')) ?? ''
}

/** Puts the caret at the end (or start) of the document's first textblock. */
export async function caretIn(page: Page, where: 'start' | 'end'): Promise<void> {
  await page.click('.ProseMirror')
  await page.keyboard.press(where === 'start' ? 'Control+Home' : 'Control+End')
  // ProseMirror reads native caret moves from the DOM's selectionchange event, asynchronously:
  // wait until its state has the caret, or the next key would act at the old position.
  await page.waitForFunction((edge) => {
    type Selection = { from: number; constructor: { atStart(doc: unknown): { from: number }; atEnd(doc: unknown): { from: number } } }
    const { state } = (window as unknown as { collab: { view: { state: { doc: unknown; selection: Selection } } } }).collab.view
    const target = edge === 'start' ? state.selection.constructor.atStart(state.doc) : state.selection.constructor.atEnd(state.doc)
    return state.selection.from === target.from
  }, where)
}

/**
 * Selects the word before the caret with Shift+Ctrl+ArrowLeft, once `typed` is in the editor's
 * state. ProseMirror picks the selection up from the DOM's selectionchange event; on a loaded
 * machine the key can land before ProseMirror has read the typing and the selection be redrawn
 * away, so it is pressed again (from the end of the line) if ProseMirror saw no selection.
 */
export async function selectWordBeforeCaret(page: Page, typed: string): Promise<void> {
  type Collab = { collab: { view: { state: { selection: { empty: boolean }; doc: { textContent: string } } } } }
  await page.waitForFunction((text) => (window as unknown as Collab).collab.view.state.doc.textContent.includes(text), typed)
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Shift+Control+ArrowLeft')
    const selected = await page
      .waitForFunction(() => (window as unknown as Collab).collab.view.state.selection.empty === false, undefined, { timeout: 5_000 })
      .then(() => true, () => false)
    if (selected) return
    if (attempt === 3) throw new Error('Shift+Control+ArrowLeft selected nothing, three times')
    await page.keyboard.press('End')
  }
}
