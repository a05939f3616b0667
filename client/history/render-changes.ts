/**
 * Renders the "changes since a version" blocks read-only: text added since is highlighted in its
 * author's colour (with the name as a tooltip), text removed since is struck through.
 */
import type { ApiUser, ChangeBlock, ChangeMark } from './history-api.ts'

const PALETTE = ['#d1495b', '#00798c', '#edae49', '#30638e', '#6a4c93', '#2a9d8f', '#e76f51', '#8ac926']

/** A stable colour for `user`. */
export function authorColor(user: ApiUser | null): string {
  if (!user) return '#888'
  let hash = 0
  for (const char of user.id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  return PALETTE[hash % PALETTE.length]!
}

/** Fills `target` with the blocks; returns the authors that appear, for a legend. */
export function renderChanges(target: HTMLElement, blocks: readonly ChangeBlock[]): ApiUser[] {
  target.replaceChildren()
  const authors = new Map<string, ApiUser>()
  for (const block of blocks) {
    const element = document.createElement(blockTag(block))
    element.className = 'history-block'
    element.style.marginLeft = `${block.depth * 1.2}rem`
    if (block.change) decorate(element, block.change, authors)
    if (block.type === 'horizontalRule') element.append(document.createElement('hr'))
    for (const run of block.runs) {
      if (!run.change) {
        element.append(run.text)
        continue
      }
      const span = document.createElement(run.change.kind === 'added' ? 'ins' : 'del')
      span.textContent = run.text
      decorate(span, run.change, authors)
      element.append(span)
    }
    target.append(element)
  }
  return [...authors.values()]
}

function decorate(element: HTMLElement, change: ChangeMark, authors: Map<string, ApiUser>): void {
  element.dataset.change = change.kind
  if (change.kind === 'added') {
    const color = authorColor(change.author)
    element.style.backgroundColor = `${color}33`
    element.style.borderBottom = `2px solid ${color}`
    if (change.author) {
      element.dataset.author = change.author.name
      element.title = `Added by ${change.author.name}`
      authors.set(change.author.id, change.author)
    } else {
      element.title = 'Added'
    }
  } else {
    element.title = 'Removed since this version'
  }
}

function blockTag(block: ChangeBlock): string {
  if (block.type === 'heading') return `h${Math.min(3, Math.max(1, Number(block.attrs.level) || 1))}`
  if (block.type === 'codeBlock') return 'pre'
  return block.type === 'horizontalRule' ? 'div' : 'p'
}
