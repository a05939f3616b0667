/**
 * Node view for task items: a real checkbox that toggles the item's `checked` attribute, so
 * ticking a box merges like any other edit.
 */
import type { Node as PMNode } from 'prosemirror-model'
import type { EditorView, NodeView } from 'prosemirror-view'

/** Creates the node view for one task item. */
export function taskItemView(node: PMNode, view: EditorView, getPos: () => number | undefined): NodeView {
  const dom = document.createElement('li')
  dom.dataset.type = 'taskItem'
  const label = document.createElement('label')
  label.contentEditable = 'false'
  const checkbox = document.createElement('input')
  checkbox.type = 'checkbox'
  checkbox.setAttribute('aria-label', 'Done')
  label.appendChild(checkbox)
  const contentDOM = document.createElement('div')
  dom.append(label, contentDOM)

  const show = (current: PMNode) => {
    const checked = current.attrs.checked === true
    checkbox.checked = checked
    dom.dataset.checked = checked ? 'true' : 'false'
  }
  show(node)
  checkbox.addEventListener('mousedown', (event) => event.preventDefault())
  checkbox.addEventListener('change', () => {
    const pos = getPos()
    if (pos === undefined || !view.editable) {
      show(node)
      return
    }
    view.dispatch(view.state.tr.setNodeAttribute(pos, 'checked', checkbox.checked))
  })
  return {
    dom,
    contentDOM,
    update(updated) {
      if (updated.type !== node.type) return false
      node = updated
      show(updated)
      return true
    },
    ignoreMutation: (mutation) => label.contains(mutation.target),
    stopEvent: (event) => label.contains(event.target as Node),
  }
}
