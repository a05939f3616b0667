/**
 * The documents home page: the documents I can open (title, last edited, by whom), newest first;
 * create, rename (the title lives in the CRDT, so renames merge) and delete (after a confirm)
 * through the REST API. Offline, it shows the last list it saw [HOME1-HOME4].
 */
import { ApiProblem, createDocument, deleteDocument, listDocuments, renameDocument, type DocumentSummary } from '../api/documents-api.ts'
import { documentPath, type Dispose } from '../router.ts'
import { signOut } from '../api/auth-api.ts'
import { currentSession, resetSession, SIGN_IN_PATH } from '../session.ts'
import { el } from './dom.ts'
import { confirmDialog } from './confirm-dialog.ts'
import { formatWhen } from './format-when.ts'

const CACHE_KEY = 'collab.documents'

/** Renders the home page into `root`; `navigate` opens a path in the app. */
export function renderHomePage(root: HTMLElement, navigate: (path: string) => void): Dispose {
  const session = currentSession()
  document.title = 'Documents · Collab'
  const create = el('button', { type: 'button', className: 'primary', id: 'new-document' }, ['New document'])
  const me = el('span', { className: 'me', id: 'me' }, [session.user.name])
  me.style.color = session.user.color
  // Signed in: a Sign out button. Using a development token (local use): a Sign in link.
  const account = el('span', { className: 'account', id: 'account' })
  const header = el('header', { className: 'topbar' }, [el('strong', { className: 'brand' }, ['Collab']), el('span', { className: 'spacer' }), me, account])
  const message = el('p', { className: 'home-message', role: 'status' })
  const list = el('ul', { className: 'document-list', id: 'documents' })
  const main = el('main', { className: 'home' }, [el('div', { className: 'home-head' }, [el('h1', {}, ['Documents']), create]), message, list])
  root.append(header, main)
  let disposed = false

  const show = (documents: DocumentSummary[]) => {
    list.replaceChildren(...documents.map((doc) => row(doc)))
    if (documents.length === 0) list.append(el('li', { className: 'empty' }, ['No documents yet. Create one to start writing.']))
  }
  const say = (text: string, tone: 'info' | 'error' = 'info') => {
    message.textContent = text
    message.dataset.tone = tone
  }
  const refresh = async () => {
    try {
      const documents = await listDocuments(session.token)
      if (disposed) return
      localStorage.setItem(CACHE_KEY, JSON.stringify(documents))
      // The token is known now, and with it the display name.
      me.textContent = session.user.name
      showAccount()
      say('')
      show(documents)
    } catch (error) {
      if (disposed) return
      const cached = readCache()
      if (cached) show(cached)
      say(error instanceof ApiProblem && error.code === 'network' ? 'Offline: showing the documents this device saw last.' : `Could not load your documents: ${(error as Error).message}`, 'error')
    }
  }

  const showAccount = () => {
    if (session.origin === 'account') {
      const out = el('button', { type: 'button', className: 'sign-out', id: 'sign-out' }, ['Sign out'])
      out.addEventListener('click', () => {
        void signOut().then(() => {
          resetSession()
          localStorage.removeItem(CACHE_KEY)
          navigate(SIGN_IN_PATH)
        }, (error: unknown) => say(`Could not sign out: ${(error as Error).message}`, 'error'))
      })
      account.replaceChildren(out)
    } else if (session.origin === 'dev') {
      const signIn = el('a', { href: SIGN_IN_PATH, id: 'sign-in' }, ['Sign in'])
      signIn.dataset.link = ''
      account.replaceChildren(signIn)
    } else {
      account.replaceChildren()
    }
  }

  const row = (doc: DocumentSummary): HTMLLIElement => {
    const link = el('a', { href: documentPath(doc.name), className: 'document-title' }, [doc.title || 'Untitled document'])
    link.dataset.link = ''
    const edited = el('span', { className: 'document-meta' }, [
      `Edited ${formatWhen(new Date(doc.updatedAt))}${doc.updatedBy ? ` by ${doc.updatedBy.name}` : ''}${doc.role === 'viewer' ? ' · view only' : ''}`,
    ])
    const item = el('li', { className: 'document' }, [el('div', { className: 'document-text' }, [link, edited])])
    item.dataset.name = doc.name
    if (doc.role !== 'viewer') {
      const rename = el('button', { type: 'button', className: 'rename' }, ['Rename'])
      rename.addEventListener('click', () => startRename(item, doc))
      const actions = el('div', { className: 'document-actions' }, [rename])
      // Deleting is the owner's (ACCT5).
      if (doc.role === 'owner') {
        const remove = el('button', { type: 'button', className: 'delete' }, ['Delete'])
        remove.addEventListener('click', () => void confirmDelete(doc))
        actions.append(remove)
      }
      item.append(actions)
    }
    return item
  }

  const startRename = (item: HTMLLIElement, doc: DocumentSummary) => {
    const form = el('form', { className: 'rename-form' })
    const input = el('input', { type: 'text', value: doc.title, maxLength: 200, placeholder: 'Untitled document' })
    input.setAttribute('aria-label', 'New title')
    form.append(input, el('button', { type: 'submit' }, ['Save']), el('button', { type: 'button', className: 'cancel' }, ['Cancel']))
    item.querySelector('.document-text')!.replaceWith(form)
    input.focus()
    input.select()
    form.querySelector('.cancel')!.addEventListener('click', () => void refresh())
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      void (async () => {
        try {
          await renameDocument(session.token, doc.name, input.value)
        } catch (error) {
          say(`Could not rename: ${(error as Error).message}`, 'error')
        }
        await refresh()
      })()
    })
  }

  const confirmDelete = async (doc: DocumentSummary) => {
    const ok = await confirmDialog(root, `Delete “${doc.title || 'Untitled document'}”?`, 'It is deleted for everyone who can open it.', 'Delete')
    if (!ok) return
    try {
      await deleteDocument(session.token, doc.name)
    } catch (error) {
      say(`Could not delete: ${(error as Error).message}`, 'error')
    }
    await refresh()
  }

  create.addEventListener('click', () => {
    void (async () => {
      create.disabled = true
      try {
        const created = await createDocument(session.token, '')
        navigate(documentPath(created.name))
      } catch (error) {
        say(`Could not create a document: ${(error as Error).message}`, 'error')
        create.disabled = false
      }
    })()
  })

  const cached = readCache()
  if (cached) show(cached)
  void refresh()
  const onOnline = () => void refresh()
  window.addEventListener('online', onOnline)
  return () => {
    disposed = true
    window.removeEventListener('online', onOnline)
  }
}

function readCache(): DocumentSummary[] | null {
  try {
    const parsed = JSON.parse(localStorage.getItem(CACHE_KEY) ?? 'null') as unknown
    return Array.isArray(parsed) ? (parsed as DocumentSummary[]) : null
  } catch {
    return null
  }
}
