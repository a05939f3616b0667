/**
 * The document title lives in the CRDT (`meta` map, `title` key), so a rename made anywhere
 * (this header, another tab, the REST API, offline) merges like content [HOME3].
 */
import type * as Y from 'yjs'
import { META_MAP, TITLE_KEY } from '../../shared/protocol.ts'

/** Longest title the field accepts (the REST API's limit). */
export const MAX_TITLE_LENGTH = 200

/** The title stored in `ydoc` ('' when unset or not a string). */
export function documentTitle(ydoc: Y.Doc): string {
  const value = ydoc.getMap(META_MAP).get(TITLE_KEY)
  return typeof value === 'string' ? value : ''
}

/** Two-way binds `input` to the title in `ydoc`; `onTitle` hears every change. Returns a disposer. */
export function bindTitle(input: HTMLInputElement, ydoc: Y.Doc, onTitle: (title: string) => void): () => void {
  const meta = ydoc.getMap(META_MAP)
  input.maxLength = MAX_TITLE_LENGTH
  const show = () => {
    const title = documentTitle(ydoc)
    // Do not move the caret of someone typing here; their own value wins on the next input.
    if (document.activeElement !== input || input.value === '') input.value = title
    onTitle(title)
  }
  const onInput = () => meta.set(TITLE_KEY, input.value.slice(0, MAX_TITLE_LENGTH))
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Enter') {
      event.preventDefault()
      input.blur()
    }
  }
  const onBlur = () => show()
  meta.observe(show)
  input.addEventListener('input', onInput)
  input.addEventListener('keydown', onKey)
  input.addEventListener('blur', onBlur)
  show()
  return () => {
    meta.unobserve(show)
    input.removeEventListener('input', onInput)
    input.removeEventListener('keydown', onKey)
    input.removeEventListener('blur', onBlur)
  }
}
