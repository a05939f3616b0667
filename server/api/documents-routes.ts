/**
 * `/api/documents`: list, create, rename, delete.
 */
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { META_MAP, TITLE_KEY } from '../../shared/protocol.ts'
import { replaceBody } from '../../shared/content/yjs-document.ts'
import { sendJson } from '../http/respond.ts'
import { requireRole } from './access.ts'
import type { ApiServices } from './api-services.ts'
import { ApiError } from './api-error.ts'
import { readJson } from './body.ts'
import { parseContent } from './content-formats.ts'
import type { Route } from './router.ts'

/** Longest title accepted, in characters. */
export const MAX_TITLE_LENGTH = 200

const title = z.string().trim().max(MAX_TITLE_LENGTH, `title is longer than ${MAX_TITLE_LENGTH} characters`)

const createBody = z
  .object({
    title: title.optional(),
    markdown: z.string().optional(),
    html: z.string().optional(),
  })
  .strict()
  .refine((body) => body.markdown === undefined || body.html === undefined, 'send "markdown" or "html", not both')

const renameBody = z.object({ title }).strict()

/** Makes a short random document name: 12 characters of `[a-z0-9]`. */
export function newDocumentName(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
  return [...randomBytes(12)].map((byte) => alphabet[byte % alphabet.length]).join('')
}

/** The documents routes. */
export function documentsRoutes(services: ApiServices): Route[] {
  const { policy, registry, documents, store, webhooks, versions, autoVersions, changeLog, restores } = services
  return [
    {
      method: 'GET',
      pattern: '/api/documents',
      async handler({ response, claims }) {
        await services.registryFlushed()
        const allowed = await policy.documentsFor(claims)
        const registered = await registry.list()
        const known = new Map(registered.map((doc) => [doc.name, doc]))
        const entries: { name: string; title: string; updatedAt: Date; updatedBy: { id: string; name: string } | null }[] = [...registered]
        // Documents stored before they were registered (or by other tools) are listed too.
        for (const stored of await store.list()) {
          if (!known.has(stored.name) && !registry.isDeleted(stored.name)) entries.push({ name: stored.name, title: '', updatedAt: stored.updatedAt, updatedBy: null })
        }
        const visible = allowed === null ? entries : entries.filter((entry) => allowed.includes(entry.name))
        visible.sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || a.name.localeCompare(b.name))
        const listed = []
        for (const entry of visible) {
          const role = await policy.roleFor(claims, entry.name)
          if (role === null) continue
          listed.push({ name: entry.name, title: entry.title, updatedAt: entry.updatedAt.toISOString(), updatedBy: entry.updatedBy, role })
        }
        sendJson(response, 200, { documents: listed })
      },
    },
    {
      method: 'POST',
      pattern: '/api/documents',
      async handler({ request, response, claims }) {
        const body = await readJson(request, createBody)
        const content = body.markdown !== undefined ? parseContent('markdown', body.markdown) : body.html !== undefined ? parseContent('html', body.html) : null
        const name = newDocumentName()
        const documentTitle = body.title ?? ''
        await registry.create(name, documentTitle, claims.user)
        await policy.documentCreated(claims, name)
        if (documentTitle !== '' || content) {
          await documents.change(name, claims.user, (ydoc) => {
            if (documentTitle !== '') ydoc.getMap(META_MAP).set(TITLE_KEY, documentTitle)
            if (content) replaceBody(ydoc, content)
          })
        }
        webhooks.emit({ type: 'document.created', document: name, actor: claims.user, data: { title: documentTitle } })
        response.setHeader('location', `/api/documents/${name}`)
        sendJson(response, 201, { name, title: documentTitle })
      },
    },
    {
      method: 'GET',
      pattern: '/api/documents/:name',
      async handler({ response, params, claims }) {
        const role = await requireRole(policy, claims, params.name!, 'read')
        if (!(await documents.exists(params.name!))) throw new ApiError('document-not-found', `no document "${params.name}"`)
        await services.registryFlushed()
        const registered = await registry.get(params.name!)
        const title = registered?.title ?? (await documents.read(params.name!, (ydoc) => String(ydoc.getMap(META_MAP).get(TITLE_KEY) ?? '')))
        sendJson(response, 200, {
          name: params.name,
          title,
          createdAt: registered?.createdAt.toISOString() ?? null,
          createdBy: registered?.createdBy ?? null,
          updatedAt: registered?.updatedAt.toISOString() ?? null,
          updatedBy: registered?.updatedBy ?? null,
          role,
        })
      },
    },
    {
      method: 'PATCH',
      pattern: '/api/documents/:name',
      async handler({ request, response, params, claims }) {
        const name = params.name!
        await requireRole(policy, claims, name, 'edit')
        const body = await readJson(request, renameBody)
        if (!(await documents.exists(name))) throw new ApiError('document-not-found', `no document "${name}"`)
        await documents.change(name, claims.user, (ydoc) => ydoc.getMap(META_MAP).set(TITLE_KEY, body.title))
        await registry.touch(name, new Date(), claims.user, body.title)
        sendJson(response, 200, { name, title: body.title })
      },
    },
    {
      method: 'DELETE',
      pattern: '/api/documents/:name',
      async handler({ response, params, claims }) {
        const name = params.name!
        await requireRole(policy, claims, name, 'delete')
        if (!(await documents.exists(name))) throw new ApiError('document-not-found', `no document "${name}"`)
        // Tombstone first, so clients reconnecting while the content is removed are refused.
        await registry.delete(name)
        // Forget pending history first, so unloading does not save a version of a deleted document.
        autoVersions.forget(name)
        await documents.delete(name)
        await versions.deleteDocument(name)
        await restores.deleteDocument(name)
        await changeLog.deleteDocument(name)
        await policy.documentDeleted(name)
        webhooks.emit({ type: 'document.deleted', document: name, actor: claims.user, data: {} })
        response.writeHead(204).end()
      },
    },
  ]
}
