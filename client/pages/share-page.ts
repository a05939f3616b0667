/**
 * `/share/<secret>`: opening a share link. Signed in, the link's role is added to the account at
 * once; otherwise the visitor may continue as a named guest (a session of their own) or sign in
 * first. Then the document opens [ACCT7].
 */
import { acceptShareLink, currentAccount } from '../api/auth-api.ts'
import { documentPath } from '../router.ts'
import { resetSession, SIGN_IN_PATH } from '../session.ts'
import { el } from './dom.ts'

/** Renders the page for link `secret`. */
export function renderSharePage(root: HTMLElement, secret: string, navigate: (path: string, options?: { replace?: boolean }) => void): void {
  document.title = 'Shared document · Collab'
  const message = el('p', { className: 'auth-message', role: 'alert', id: 'share-message' })
  const main = el('main', { className: 'auth' }, [el('h1', {}, ['Opening a shared document…']), message])
  root.append(el('header', { className: 'topbar' }, [el('strong', { className: 'brand' }, ['Collab'])]), main)

  const accept = async (name?: string) => {
    const accepted = await acceptShareLink(secret, name)
    resetSession()
    navigate(documentPath(accepted.document), { replace: true })
  }
  void (async () => {
    try {
      if (await currentAccount()) return await accept()
      const nameField = el('input', { id: 'guest-name', type: 'text', maxLength: 64, placeholder: 'Your name', required: true })
      const form = el('form', { className: 'auth-form', id: 'guest-form' }, [
        el('label', { className: 'auth-field' }, [el('span', {}, ['Your name, as others will see it']), nameField]),
        el('button', { type: 'submit', className: 'primary', id: 'guest-open' }, ['Open as guest']),
      ])
      const signIn = el('a', { href: `${SIGN_IN_PATH}?next=${encodeURIComponent(location.pathname)}`, id: 'share-sign-in' }, ['sign in'])
      signIn.dataset.link = ''
      main.replaceChildren(el('h1', {}, ['You were sent a document']), form, el('p', {}, ['Have an account? ', signIn, ' first, and the document is added to it.']), message)
      nameField.focus()
      form.addEventListener('submit', (event) => {
        event.preventDefault()
        accept(nameField.value.trim()).catch((error: unknown) => (message.textContent = (error as Error).message))
      })
    } catch (error) {
      message.textContent = (error as Error).message
    }
  })()
}
