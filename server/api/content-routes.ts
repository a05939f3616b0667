/**
 * `/api/documents/:name/content`: read a document as ProseMirror JSON, Markdown, HTML or plain
 * text; replace its body from any of them. A replacement is one CRDT change (diffed against the
 * current body), so connected editors see it live and concurrent edits merge.
 */
import { z } from 'zod'
import { bodyDocument, replaceBody } from '../../shared/content/yjs-document.ts'
import { sendJson } from '../http/respond.ts'
import { requireRole } from './access.ts'
import type { ApiServices } from './api-services.ts'
import { ApiError } from './api-error.ts'
import { mediaType, readText, validate } from './body.ts'
import { CONTENT_FORMATS, formatForMediaType, MEDIA_TYPES, parseContent, renderContent } from './content-formats.ts'
import type { Route } from './router.ts'

const contentQuery = z.object({ format: z.enum(CONTENT_FORMATS).default('json') })

/** The content routes. */
export function contentRoutes(services: ApiServices): Route[] {
  const { policy, documents } = services
  return [
    {
      method: 'GET',
      pattern: '/api/documents/:name/content',
      async handler({ response, params, query, claims }) {
        const name = params.name!
        await requireRole(policy, claims, name, 'read')
        const { format } = validate(contentQuery, Object.fromEntries(query), 'invalid-query', 'query')
        if (!(await documents.exists(name))) throw new ApiError('document-not-found', `no document "${name}"`)
        const doc = await documents.read(name, bodyDocument)
        if (format === 'json') return sendJson(response, 200, doc.toJSON())
        response.writeHead(200, { 'content-type': `${MEDIA_TYPES[format]}; charset=utf-8`, 'cache-control': 'no-store' })
        response.end(renderContent(format, doc))
      },
    },
    {
      method: 'PUT',
      pattern: '/api/documents/:name/content',
      async handler({ request, response, params, claims }) {
        const name = params.name!
        await requireRole(policy, claims, name, 'edit')
        const type = mediaType(request)
        const format = formatForMediaType(type)
        if (!format) throw new ApiError('unsupported-media-type', `send one of ${Object.values(MEDIA_TYPES).join(', ')}${type ? `, not ${type}` : ''}`)
        const doc = parseContent(format, await readText(request))
        if (!(await documents.exists(name))) throw new ApiError('document-not-found', `no document "${name}"`)
        await documents.change(name, claims.user, (ydoc) => replaceBody(ydoc, doc))
        sendJson(response, 200, { name, content: doc.toJSON() })
      },
    },
  ]
}
