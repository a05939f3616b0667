/**
 * Reads a document from our server's SQLite store after the server stopped, exactly as the
 * persistence extension would load it: snapshot, then the update log.
 */
import * as Y from 'yjs'
import { SqliteStore } from '../../server/storage/sqlite-store.ts'

/** The stored document's first paragraph text and stored size in bytes (snapshot + log). */
export async function readStoredText(dataDir: string, name: string): Promise<{ text: string; storedBytes: number; logEntries: number } | null> {
  const store = new SqliteStore(dataDir)
  try {
    const stored = await store.load(name)
    if (!stored) return null
    const doc = new Y.Doc()
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot)
    for (const update of stored.updates) Y.applyUpdate(doc, update)
    const paragraph = doc.getXmlFragment('default').get(0) as Y.XmlElement | undefined
    const text = (paragraph?.get(0) as Y.XmlText | undefined)?.toString() ?? ''
    const storedBytes = (stored.snapshot?.byteLength ?? 0) + stored.updates.reduce((sum, update) => sum + update.byteLength, 0)
    return { text, storedBytes, logEntries: stored.updates.length }
  } finally {
    await store.close()
  }
}
