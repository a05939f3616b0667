/**
 * The editor screen: header (home link, title, who is here, status, me), toolbar, document.
 * Opens from the device copy at once; connects when the network allows.
 */
import { documentNameProblem } from '../../shared/document-name.ts'
import { BODY_FRAGMENT } from '../../shared/protocol.ts'
import { ApiProblem, getDocument } from '../api/documents-api.ts'
import { createEditor } from '../editor/create-editor.ts'
import { mountHistoryPanel } from '../history/history-panel.ts'
import { watchAway } from '../presence/away.ts'
import { bindPresenceList } from '../presence/presence-list.ts'
import type { Dispose } from '../router.ts'
import { currentSession } from '../session.ts'
import { openShareDialog } from '../sharing/share-dialog.ts'
import { clientSettings } from '../settings.ts'
import { guardUnsavedChanges } from '../status/leave-guard.ts'
import { trackSaves } from '../status/save-tracker.ts'
import { bindStatus } from '../status/status-view.ts'
import { openDocument } from '../sync/open-document.ts'
import { el } from './dom.ts'
import { bindTitle } from './title-binding.ts'

/** Options for {@link renderEditorPage}. */
export interface EditorPageOptions {
  /** Ask the REST API whether the document exists before connecting (the `/d/NAME` route). */
  checkExists: boolean
}

/** Renders document `name` into `root`. */
export function renderEditorPage(root: HTMLElement, name: string, options: EditorPageOptions): Dispose | void {
  const problem = documentNameProblem(name)
  if (problem) {
    root.append(el('header', { className: 'topbar' }, [homeLink()]), el('main', { className: 'notice', role: 'alert' }, [`Bad document name: ${problem}`]))
    const status = el('span', { id: 'status', className: 'status' })
    status.dataset.state = 'error'
    root.append(status)
    return
  }
  const session = currentSession()
  const { user } = session
  const title = el('input', { className: 'doc-title', type: 'text', placeholder: 'Untitled document' })
  title.setAttribute('aria-label', 'Document title')
  const docName = el('span', { className: 'doc-name', id: 'doc-name' }, [name])
  const presence = el('ul', { className: 'presence', id: 'presence' })
  const status = el('span', { className: 'status', id: 'status', role: 'status' })
  status.setAttribute('aria-live', 'polite')
  const me = el('span', { className: 'me', id: 'me' }, [user.name])
  me.style.color = user.color
  // Owners get a Share button once the API confirms the role; viewers a "View only" badge.
  const share = el('button', { type: 'button', className: 'share-button', id: 'share-button', hidden: true }, ['Share'])
  const viewOnly = el('span', { className: 'view-only', id: 'view-only', hidden: true }, ['View only'])
  const topbar = el('header', { className: 'topbar' }, [homeLink(), title, docName, viewOnly, presence, status, share, me])
  const toolbar = el('div', { className: 'toolbar', id: 'toolbar' })
  const notice = el('div', { className: 'notice', role: 'alert', hidden: true })
  const editorMount = el('div', { className: 'editor', id: 'editor' })
  root.append(topbar, toolbar, notice, el('main', {}, [editorMount]))

  const opened = openDocument({
    name,
    token: session.token,
    deferConnect: options.checkExists,
    onRefused: (refusal) => {
      editor.setEditable(false)
      // A deleted document's device copy would only take space: nothing can sync it any more.
      if (refusal.kind === 'not-found') void opened.local.discard()
      notice.hidden = false
      notice.replaceChildren(
        refusal.kind === 'not-found' ? 'This document does not exist or was deleted. ' : `You cannot open this document (${refusal.reason}). `,
        el('a', { href: '/', className: 'notice-link' }, ['Back to your documents']),
      )
      notice.querySelector('a')!.dataset.link = ''
    },
  })
  const publishUser = (away: boolean) => opened.provider.setAwarenessField('user', { id: user.id, name: user.name, color: user.color, away })
  publishUser(false)
  const editor = createEditor({ editor: editorMount, toolbar }, opened.ydoc.getXmlFragment(BODY_FRAGMENT), opened.provider.awareness!)
  const saves = trackSaves(opened)
  const history = mountHistoryPanel({
    host: root,
    toolbar: topbar,
    documentName: name,
    token: session.token,
    view: editor.view,
    canEdit: () => opened.provider.authorizedScope !== 'readonly',
  })

  // Viewers get a read-only editor (the server ignores their updates anyway).
  const onAuthenticated = () => {
    const readOnly = opened.provider.authorizedScope === 'readonly'
    editor.setEditable(!readOnly)
    viewOnly.hidden = !readOnly
  }
  share.addEventListener('click', () => void openShareDialog(root, name, session.token))
  void getDocument(session.token, name).then(
    (doc) => (share.hidden = doc.role !== 'owner'),
    () => undefined,
  )
  opened.provider.on('authenticated', onAuthenticated)
  let away = false
  const disposers: Dispose[] = [
    bindStatus(status, opened, saves),
    guardUnsavedChanges(saves, opened.local),
    bindPresenceList(presence, opened.provider.awareness!),
    bindTitle(title, opened.ydoc, (value) => (document.title = `${value || 'Untitled document'} · Collab`)),
    watchAway(clientSettings().awayAfterMs, (value) => {
      away = value
      publishUser(value)
    }),
  ]
  // The token may carry the display name: republish once it is known.
  void session.token().then(
    () => {
      me.textContent = user.name
      publishUser(away)
    },
    () => undefined,
  )
  if (options.checkExists) void checkExists(name, session.token, opened)
  editor.view.focus()
  // Handles for tests and debugging in the console.
  Object.assign(window, { collab: { view: editor.view, editor, saves, opened, ...opened } })

  return () => {
    opened.provider.off('authenticated', onAuthenticated)
    disposers.forEach((dispose) => dispose())
    history.dispose()
    saves.dispose()
    editor.destroy()
    opened.close()
  }
}

/**
 * Asks the API whether `name` exists before connecting: connecting would create it. Connects
 * anyway when the API cannot be reached (offline: the socket's own retries take over).
 */
async function checkExists(name: string, token: () => Promise<string>, opened: ReturnType<typeof openDocument>): Promise<void> {
  try {
    await getDocument(token, name)
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 404) {
      await opened.local.loaded
      // A device copy with content means it existed: the socket will tell whether it was deleted.
      if (opened.ydoc.getXmlFragment(BODY_FRAGMENT).length === 0) {
        opened.refuse({ kind: 'not-found', reason: `no document "${name}"` })
        return
      }
    }
  }
  opened.retryNow()
}

function homeLink(): HTMLAnchorElement {
  const link = el('a', { className: 'brand', href: '/' }, ['Collab'])
  link.dataset.link = ''
  link.title = 'All documents'
  return link
}
