/**
 * How remote carets and selections look: a caret in the user's colour with their name on a label
 * (dimmed when they are away), and the selection tinted with the same colour [PRES1].
 */
import type { DecorationAttrs } from 'prosemirror-view'
import { readPresenceUser } from './presence-user.ts'

/** Builds the caret element y-prosemirror places at a remote user's cursor. */
export function buildCursor(user: unknown, clientId: number): HTMLElement {
  const presence = readPresenceUser(user, clientId)
  const caret = document.createElement('span')
  caret.className = 'ProseMirror-yjs-cursor'
  caret.style.borderColor = presence?.color ?? '#888888'
  if (presence?.away) caret.classList.add('is-away')
  const label = document.createElement('div')
  label.style.backgroundColor = presence?.color ?? '#888888'
  // textContent, never innerHTML: names come from the network.
  label.textContent = presence ? (presence.away ? `${presence.name} (away)` : presence.name) : 'Anonymous'
  caret.append(document.createTextNode('\u2060'), label, document.createTextNode('\u2060'))
  return caret
}

/** Decoration attributes for a remote user's selection. */
export function buildSelection(user: unknown, clientId: number): DecorationAttrs {
  const presence = readPresenceUser(user, clientId)
  return {
    style: `background-color: ${presence?.color ?? '#888888'}40`,
    class: 'ProseMirror-yjs-selection',
  }
}
