/**
 * Entry point: open `?doc=NAME` (default "welcome") in the editor.
 */
import { BODY_FRAGMENT } from '../shared/protocol.ts'
import { documentNameProblem } from '../shared/document-name.ts'
import { createEditor } from './editor/create-editor.ts'
import { mountHistoryPanel } from './history/history-panel.ts'
import { localUser, obtainToken } from './identity.ts'
import { openDocument } from './sync/open-document.ts'
import { bindStatus } from './ui/status.ts'

const params = new URLSearchParams(location.search)
const documentName = params.get('doc') ?? 'welcome'
const statusElement = document.getElementById('status')!
const problem = documentNameProblem(documentName)

if (problem) {
  statusElement.dataset.state = 'error'
  statusElement.textContent = `Bad document name: ${problem}`
} else {
  const user = localUser()
  const token = await obtainToken(user)
  const nameFromToken = readTokenName(token)
  if (nameFromToken) user.name = nameFromToken
  document.getElementById('doc-name')!.textContent = documentName
  const me = document.getElementById('me')!
  me.textContent = user.name
  me.style.color = user.color

  const opened = openDocument({ name: documentName, token })
  opened.provider.setAwarenessField('user', { name: user.name, color: user.color })
  bindStatus(statusElement, opened.provider)
  const view = createEditor(document.getElementById('editor')!, opened.ydoc.getXmlFragment(BODY_FRAGMENT), opened.provider.awareness!)
  mountHistoryPanel({ host: document.body, toolbar: document.querySelector('.topbar')!, documentName, token: async () => token, view })
  view.focus()
  // Handles for tests and debugging in the console.
  Object.assign(window, { collab: { view, ...opened } })
}

/** The `name` claim of a JWT, read without verifying (the server verifies). */
function readTokenName(token: string): string | null {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { name?: unknown }
    return typeof payload.name === 'string' ? payload.name : null
  } catch {
    return null
  }
}
