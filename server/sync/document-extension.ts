/**
 * The shape of the sync extensions that adjust each document once it is loaded, by wrapping one of
 * its (private) broadcast methods: no-echo.ts, burst-coalescing.ts, broadcast-writes.ts.
 */
import type { Document, Extension, afterLoadDocumentPayload } from '@hocuspocus/server'

/** An extension named `extensionName` that calls `adjust` on every document after it loads. */
export function everyLoadedDocument(extensionName: string, adjust: (document: Document) => void): Extension {
  return {
    extensionName,
    async afterLoadDocument({ document }: afterLoadDocumentPayload) {
      adjust(document)
    },
  }
}
