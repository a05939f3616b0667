/**
 * A modal confirm built on `<dialog>`: resolves `true` only when the confirm button is pressed.
 */
import { el } from './dom.ts'

/** Shows the dialog in `host`; resolves with the choice. */
export function confirmDialog(host: HTMLElement, title: string, detail: string, confirmLabel: string): Promise<boolean> {
  const dialog = el('dialog', { className: 'confirm-dialog' })
  const confirm = el('button', { type: 'button', className: 'danger', value: 'confirm' }, [confirmLabel])
  const cancel = el('button', { type: 'button', className: 'cancel', value: 'cancel' }, ['Cancel'])
  dialog.append(el('h2', {}, [title]), el('p', {}, [detail]), el('div', { className: 'dialog-actions' }, [cancel, confirm]))
  host.appendChild(dialog)
  dialog.showModal()
  cancel.focus()
  return new Promise((resolve) => {
    const finish = (result: boolean) => {
      dialog.close()
      dialog.remove()
      resolve(result)
    }
    confirm.addEventListener('click', () => finish(true))
    cancel.addEventListener('click', () => finish(false))
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault()
      finish(false)
    })
  })
}
