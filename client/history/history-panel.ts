/**
 * The history panel beside the editor: lists versions (time, name, authors), saves named
 * versions, previews a version as the current text with the changes since it highlighted by
 * author, and restores it through the editor (see `restore.ts`: undoable, merges).
 */
import { DOMSerializer, Node as PMNode } from 'prosemirror-model'
import type { EditorView } from 'prosemirror-view'
import { schema } from '../../shared/schema.ts'
import { changeSummary, listVersions, saveVersion, versionChanges, versionContent, type TokenSource, type VersionSummary } from './history-api.ts'
import { authorColor, renderChanges } from './render-changes.ts'
import { restoreInEditor } from './restore.ts'
import { HISTORY_STYLES } from './history-styles.ts'

/** Options for {@link mountHistoryPanel}. */
export interface HistoryPanelOptions {
  /** Where the panel is appended (e.g. beside the editor). */
  host: HTMLElement
  /** Where the "History" toggle button is appended (e.g. the top bar). */
  toolbar: HTMLElement
  documentName: string
  token: TokenSource
  view: EditorView
  /** Whether this user may change the document (viewers browse history but cannot save or restore); asked each time the panel opens. Default true. */
  canEdit?: boolean | (() => boolean)
}

/** A mounted panel. */
export interface HistoryPanel {
  readonly element: HTMLElement
  /** Opens (and refreshes) or closes the panel. */
  toggle(open?: boolean): Promise<void>
  /** Removes the panel and its button. */
  dispose(): void
}

/** Mounts the panel (closed) and its toggle button. */
export function mountHistoryPanel(options: HistoryPanelOptions): HistoryPanel {
  installStyles()
  const canEdit = () => (typeof options.canEdit === 'function' ? options.canEdit() : (options.canEdit ?? true))
  const button = element('button', { className: 'history-toggle', type: 'button', textContent: 'History' })
  button.setAttribute('aria-expanded', 'false')
  const panel = element('aside', { className: 'history-panel', hidden: true })
  panel.setAttribute('aria-label', 'Version history')
  const heading = element('h2', { textContent: 'Version history' })
  const close = element('button', { className: 'history-close', type: 'button', textContent: '×', title: 'Close history' })
  const form = element('form', { className: 'history-save' })
  const labelInput = element('input', { type: 'text', placeholder: 'Name this version', maxLength: 200, required: true })
  labelInput.setAttribute('aria-label', 'Version name')
  form.append(labelInput, element('button', { type: 'submit', textContent: 'Save version' }))
  form.hidden = !canEdit()
  const today = element('p', { className: 'history-today' })
  const list = element('ol', { className: 'history-list' })
  const preview = element('section', { className: 'history-preview', hidden: true })
  const previewTitle = element('h3')
  const back = element('button', { type: 'button', textContent: '← All versions', className: 'history-back' })
  const restore = element('button', { type: 'button', textContent: 'Restore this version', className: 'history-restore' })
  restore.hidden = !canEdit()
  const legend = element('div', { className: 'history-legend' })
  const modes = element('div', { className: 'history-modes' })
  modes.setAttribute('role', 'group')
  const showChanges = element('button', { type: 'button', textContent: 'Changes since', className: 'history-mode-changes' })
  const showVersion = element('button', { type: 'button', textContent: 'As it was', className: 'history-mode-version' })
  modes.append(showChanges, showVersion)
  const diff = element('div', { className: 'history-diff' })
  const asItWas = element('div', { className: 'history-version', hidden: true })
  preview.append(back, previewTitle, restore, modes, legend, diff, asItWas)
  const error = element('p', { className: 'history-error' })
  error.setAttribute('role', 'alert')
  panel.append(close, heading, today, form, list, preview, error)
  options.toolbar.append(button)
  options.host.append(panel)

  let selected: VersionSummary | null = null
  const fail = (problem: unknown) => {
    error.textContent = problem instanceof Error ? problem.message : String(problem)
  }

  const refresh = async () => {
    error.textContent = ''
    const midnight = new Date()
    midnight.setHours(0, 0, 0, 0)
    const [versions, todays] = await Promise.all([listVersions(options.token, options.documentName), changeSummary(options.token, options.documentName, midnight)])
    today.replaceChildren(
      element('span', { textContent: todays.length ? 'Changed today by ' : 'No changes today.' }),
      ...todays.map((entry) => {
        const chip = element('span', { className: 'history-author', textContent: `${entry.user?.name ?? 'the server'} (${entry.changes})` })
        chip.style.borderColor = authorColor(entry.user)
        chip.title = `${entry.changes} changes, last at ${new Date(entry.lastAt).toLocaleTimeString()}`
        return chip
      }),
    )
    list.replaceChildren(
      ...versions.map((version) => {
        const item = element('li')
        const open = element('button', { type: 'button', className: 'history-item' })
        open.dataset.versionId = String(version.id)
        const title = element('span', { className: 'history-item-label', textContent: version.kind === 'named' ? version.label : 'Automatic version' })
        const when = element('time', { textContent: new Date(version.createdAt).toLocaleString() })
        when.dateTime = version.createdAt
        const who = element('span', { className: 'history-item-authors' })
        for (const author of version.authors) {
          const chip = element('span', { className: 'history-author', textContent: author.name })
          chip.style.borderColor = authorColor(author)
          who.append(chip)
        }
        if (version.createdBy) who.append(element('span', { className: 'history-saved-by', textContent: `saved by ${version.createdBy.name}` }))
        open.append(title, when, who)
        open.addEventListener('click', () => void showPreview(version).catch(fail))
        item.append(open)
        return item
      }),
    )
    if (versions.length === 0) list.append(element('li', { className: 'history-empty', textContent: 'No versions yet. They are saved automatically as you edit.' }))
  }

  const showPreview = async (version: VersionSummary) => {
    selected = version
    error.textContent = ''
    const blocks = await versionChanges(options.token, options.documentName, version.id)
    previewTitle.textContent = `${version.kind === 'named' ? version.label : 'Automatic version'} · ${new Date(version.createdAt).toLocaleString()}`
    const authors = renderChanges(diff, blocks)
    legend.replaceChildren(
      element('span', { textContent: authors.length ? 'Changed since by: ' : 'No additions since this version.' }),
      ...authors.map((author) => {
        const chip = element('span', { className: 'history-author', textContent: author.name })
        chip.style.backgroundColor = `${authorColor(author)}33`
        chip.style.borderColor = authorColor(author)
        return chip
      }),
    )
    // The version itself, read-only, rendered by the schema's own toDOM (so unsafe links never render).
    const content = PMNode.fromJSON(schema, await versionContent(options.token, options.documentName, version.id))
    asItWas.replaceChildren(DOMSerializer.fromSchema(schema).serializeFragment(content.content))
    setMode('changes')
    list.hidden = true
    form.hidden = true
    today.hidden = true
    restore.hidden = !canEdit()
    preview.hidden = false
  }

  const setMode = (mode: 'changes' | 'version') => {
    diff.hidden = legend.hidden = mode !== 'changes'
    asItWas.hidden = mode !== 'version'
    showChanges.setAttribute('aria-pressed', String(mode === 'changes'))
    showVersion.setAttribute('aria-pressed', String(mode === 'version'))
  }
  showChanges.addEventListener('click', () => setMode('changes'))
  showVersion.addEventListener('click', () => setMode('version'))

  const showList = () => {
    selected = null
    preview.hidden = true
    list.hidden = false
    today.hidden = false
    form.hidden = !canEdit()
  }

  const toggle = async (open = panel.hidden) => {
    panel.hidden = !open
    button.setAttribute('aria-expanded', String(open))
    if (open) {
      showList()
      await refresh().catch(fail)
    }
  }

  button.addEventListener('click', () => void toggle())
  close.addEventListener('click', () => void toggle(false))
  back.addEventListener('click', () => {
    showList()
    void refresh().catch(fail)
  })
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const label = labelInput.value.trim()
    if (!label) return
    void saveVersion(options.token, options.documentName, label)
      .then(() => {
        labelInput.value = ''
        return refresh()
      })
      .catch(fail)
  })
  restore.addEventListener('click', () => {
    const version = selected
    if (!version) return
    void versionContent(options.token, options.documentName, version.id)
      .then((content) => {
        restoreInEditor(options.view, content)
        void toggle(false)
        options.view.focus()
      })
      .catch(fail)
  })

  return {
    element: panel,
    toggle,
    dispose() {
      panel.remove()
      button.remove()
    },
  }
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}): HTMLElementTagNameMap[K] {
  return Object.assign(document.createElement(tag), props)
}

function installStyles(): void {
  if (document.getElementById('history-panel-styles')) return
  const style = document.createElement('style')
  style.id = 'history-panel-styles'
  style.textContent = HISTORY_STYLES
  document.head.append(style)
}
