/**
 * Keyboard shortcuts: marks (Mod-B/I/U, Mod-Shift-S strike, Mod-E code), headings
 * (Mod-Alt-1..3, Mod-Alt-0 paragraph), lists (Enter splits, Tab/Shift-Tab nest), hard break
 * (Shift-Enter), links (Mod-K) and the per-user undo of y-prosemirror (Mod-Z, Mod-Shift-Z, Mod-Y).
 */
import { baseKeymap, chainCommands, exitCode, setBlockType } from 'prosemirror-commands'
import { keymap } from 'prosemirror-keymap'
import { liftListItem, sinkListItem, splitListItem } from 'prosemirror-schema-list'
import type { Command, Plugin } from 'prosemirror-state'
import { redoCommand, undoCommand } from 'y-prosemirror'
import { schema } from '../../shared/schema.ts'
import { insertHardBreak, toggle, toggleHeading } from './commands.ts'

const { nodes, marks } = schema

/** The editor's keymaps, most specific first. `openLinkDialog` runs on Mod-K. */
export function editorKeymaps(openLinkDialog: Command): Plugin[] {
  const hardBreak = chainCommands(exitCode, insertHardBreak)
  return [
    keymap({
      // y-prosemirror's undo manager only tracks this client's transactions: undo never
      // removes a collaborator's text [EDIT5].
      'Mod-z': undoCommand,
      'Mod-Shift-z': redoCommand,
      'Mod-y': redoCommand,
      'Mod-b': toggle(marks.bold!),
      'Mod-i': toggle(marks.italic!),
      'Mod-u': toggle(marks.underline!),
      'Mod-Shift-s': toggle(marks.strike!),
      'Mod-e': toggle(marks.code!),
      'Mod-k': openLinkDialog,
      'Mod-Alt-0': setBlockType(nodes.paragraph!),
      'Mod-Alt-1': toggleHeading(1),
      'Mod-Alt-2': toggleHeading(2),
      'Mod-Alt-3': toggleHeading(3),
      'Shift-Enter': hardBreak,
      'Mod-Enter': hardBreak,
      Enter: chainCommands(splitListItem(nodes.listItem!), splitListItem(nodes.taskItem!)),
      Tab: chainCommands(sinkListItem(nodes.listItem!), sinkListItem(nodes.taskItem!)),
      'Shift-Tab': chainCommands(liftListItem(nodes.listItem!), liftListItem(nodes.taskItem!)),
    }),
    keymap(baseKeymap),
  ]
}
