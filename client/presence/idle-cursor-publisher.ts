/**
 * My caret, published when the page is idle. y-prosemirror's caret plugin turns the selection into
 * Yjs positions on every view update, walking the document's top-level blocks from the start
 * twice (0.8 ms a key at the end of a 5,000-paragraph document); deferred, that walk leaves the
 * keystroke's frame and happens once per pause rather than per key [PRES1][EDIT6]. Collaborators
 * see the caret at most ~100 ms later.
 */
import { Plugin } from 'prosemirror-state'
import { deferToIdle } from '../editor/defer-to-idle.ts'

/** `cursorPlugin` (y-prosemirror's `yCursorPlugin`) with its view's update deferred to idle time. */
export function publishCaretWhenIdle(cursorPlugin: Plugin): Plugin {
  const makeView = cursorPlugin.spec.view
  if (!makeView) throw new Error('publishCaretWhenIdle: the plugin has no view')
  return new Plugin({
    ...cursorPlugin.spec,
    view(view) {
      const inner = makeView(view)
      const later = deferToIdle(() => {
        if (!view.isDestroyed) inner.update?.(view, view.state)
      })
      return {
        update: () => later.schedule(),
        destroy: () => {
          later.cancel()
          inner.destroy?.()
        },
      }
    },
  })
}
