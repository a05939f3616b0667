/**
 * A real keystroke-by-keystroke editing history replayed through the server: the second client and
 * the stored document must end at the trace's `endContent` exactly.
 */
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { bodyText, connectClient, paragraphText, waitFor, waitForSaved } from './helpers/clients.ts'
import { startTestServer, testToken } from './helpers/server.ts'
import { loadTrace } from './helpers/traces.ts'

describe('trace replay', () => {
  it('[CONV1] clownschool_flat, one transaction per keystroke, ends at endContent on both replicas and in the store', async () => {
    const trace = loadTrace('clownschool_flat')
    // All 23,136 keystrokes are sent at once, far above a person's rate: lift the per-connection
    // rate limits so this measures sync (and content validation), not throttling [SEC3].
    const server = await startTestServer({
      RATE_LIMIT_MESSAGES_PER_SECOND: '1000000',
      RATE_LIMIT_MESSAGE_BURST: '1000000',
      RATE_LIMIT_MAX_QUEUED_MESSAGES: '1000000',
      ADDRESS_RATE_LIMIT_MESSAGES_PER_SECOND: '1000000',
      ADDRESS_RATE_LIMIT_MESSAGE_BURST: '1000000',
    })
    const writer = connectClient(server.url, 'clownschool', await testToken('Writer'))
    const reader = connectClient(server.url, 'clownschool', await testToken('Reader'))
    try {
      await waitFor(() => writer.provider.synced && reader.provider.synced, 'both synced')
      const text = paragraphText(writer.ydoc)
      if (trace.startContent) text.insert(0, trace.startContent)
      for (const txn of trace.txns) {
        writer.ydoc.transact(() => {
          for (const [position, deleteCount, insertText] of txn.patches) {
            if (deleteCount > 0) text.delete(position, deleteCount)
            if (insertText) text.insert(position, insertText)
          }
        })
      }
      expect(text.toString()).toBe(trace.endContent)
      await waitForSaved(writer, 60_000)
      await waitFor(() => bodyText(reader.ydoc) === trace.endContent, 'reader reaches endContent', 60_000)

      await server.writer.whenDurable()
      const stored = await server.store.load('clownschool')
      const replica = new Y.Doc()
      if (stored?.snapshot) Y.applyUpdate(replica, stored.snapshot)
      for (const update of stored?.updates ?? []) Y.applyUpdate(replica, update)
      expect(bodyText(replica)).toBe(trace.endContent)
    } finally {
      writer.destroy()
      reader.destroy()
      await server.close()
    }
  })
})
