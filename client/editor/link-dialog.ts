/**
 * The link editor opened by Mod-K or the toolbar: a small form under the selection. Only
 * http(s) and mailto addresses are accepted [LINK1]; anything else shows why and is not applied.
 */
import type { Command } from 'prosemirror-state'
import type { EditorView } from 'prosemirror-view'
import { linkAt, setLink } from './commands.ts'

/** Makes the command that opens the link form for `view` (mounted into `host`). */
export function linkDialogCommand(host: HTMLElement): Command {
  return (state, dispatch, view) => {
    if (!view || !view.editable) return false
    if (dispatch) openLinkDialog(view, host)
    return true
  }
}

/** Opens the form for the view's selection; Enter applies, Escape cancels, empty removes. */
export function openLinkDialog(view: EditorView, host: HTMLElement): void {
  host.querySelector('.link-dialog')?.remove()
  const form = document.createElement('form')
  form.className = 'link-dialog'
  form.setAttribute('role', 'dialog')
  form.setAttribute('aria-label', 'Edit link')
  const input = document.createElement('input')
  input.type = 'text'
  input.name = 'href'
  input.placeholder = 'https://example.com'
  input.value = linkAt(view.state) ?? ''
  input.setAttribute('aria-label', 'Link address')
  const apply = document.createElement('button')
  apply.type = 'submit'
  apply.textContent = 'Apply'
  const remove = document.createElement('button')
  remove.type = 'button'
  remove.textContent = 'Remove'
  const error = document.createElement('p')
  error.className = 'link-dialog-error'
  error.setAttribute('role', 'alert')
  form.append(input, apply, remove, error)

  const coords = view.coordsAtPos(view.state.selection.from)
  const box = host.getBoundingClientRect()
  form.style.left = `${Math.max(0, coords.left - box.left)}px`
  form.style.top = `${coords.bottom - box.top + 6}px`

  const close = () => {
    form.remove()
    view.focus()
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    if (setLink(input.value)(view.state, view.dispatch)) close()
    else error.textContent = 'Only http://, https:// and mailto: links are allowed.'
  })
  remove.addEventListener('click', () => {
    setLink('')(view.state, view.dispatch)
    close()
  })
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault()
      close()
    }
  })
  host.appendChild(form)
  input.focus()
  input.select()
}
