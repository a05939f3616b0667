/**
 * Versions and the change log:
 * `/api/documents/:name/versions[/:id[/changes|/restore]]`, `/api/documents/:name/restores/:id/undo`,
 * `/api/documents/:name/changes`, `/api/changes`.
 */
import { z } from 'zod'
import * as Y from 'yjs'
import { bodyDocument, replaceBody } from '../../shared/content/yjs-document.ts'
import type { ChangeEntry } from '../changelog/change-log.ts'
import { undoRestoreUpdate } from '../history/undo-restore.ts'
import { changesSince } from '../history/version-changes.ts'
import type { VersionInfo } from '../history/version-store.ts'
import { sendJson } from '../http/respond.ts'
import { requireRole } from './access.ts'
import type { ApiServices } from './api-services.ts'
import { ApiError } from './api-error.ts'
import { readJson, validate } from './body.ts'
import { CONTENT_FORMATS, MEDIA_TYPES, renderContent } from './content-formats.ts'
import type { Route } from './router.ts'

/** Longest version label, in characters. */
export const MAX_LABEL_LENGTH = 200

const saveBody = z.object({ label: z.string().trim().min(1, 'label is empty').max(MAX_LABEL_LENGTH, `label is longer than ${MAX_LABEL_LENGTH} characters`) }).strict()
const versionQuery = z.object({ format: z.enum(CONTENT_FORMATS).default('json') }).strict()
const isoDate = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 date-time, e.g. 2026-01-31T09:00:00Z' }).transform((value) => new Date(value))
const changesQuery = z
  .object({
    since: isoDate.optional(),
    until: isoDate.optional(),
    user: z.string().min(1).optional(),
    limit: z.coerce.number().int('limit must be an integer').min(1).max(1000).default(100),
  })
  .strict()

const summaryQuery = z.object({ since: isoDate.optional(), until: isoDate.optional() }).strict()

/** The history routes. */
export function historyRoutes(services: ApiServices): Route[] {
  const { policy, documents, versions, autoVersions, changeLog, restores } = services

  const existing = async (name: string) => {
    if (!(await documents.exists(name))) throw new ApiError('document-not-found', `no document "${name}"`)
  }
  const versionOf = async (name: string, rawId: string) => {
    const id = Number(rawId)
    const version = Number.isSafeInteger(id) && id > 0 ? await versions.get(name, id) : null
    if (!version) throw new ApiError('version-not-found', `document "${name}" has no version "${rawId}"`)
    return version
  }

  return [
    {
      method: 'GET',
      pattern: '/api/documents/:name/versions',
      async handler({ response, params, claims }) {
        await requireRole(policy, claims, params.name!, 'read')
        await existing(params.name!)
        sendJson(response, 200, { versions: (await versions.list(params.name!)).map(versionJson) })
      },
    },
    {
      method: 'POST',
      pattern: '/api/documents/:name/versions',
      async handler({ request, response, params, claims }) {
        const name = params.name!
        await requireRole(policy, claims, name, 'edit')
        const body = await readJson(request, saveBody)
        await existing(name)
        const state = await documents.read(name, (ydoc) => Y.encodeStateAsUpdate(ydoc))
        const authors = autoVersions.takeAuthors(name)
        const version = await versions.save({ document: name, kind: 'named', label: body.label, createdBy: claims.user, authors, state })
        sendJson(response, 201, versionJson(version))
      },
    },
    {
      method: 'GET',
      pattern: '/api/documents/:name/versions/:id',
      async handler({ response, params, query, claims }) {
        await requireRole(policy, claims, params.name!, 'read')
        const { format } = validate(versionQuery, Object.fromEntries(query), 'invalid-query', 'query')
        const version = await versionOf(params.name!, params.id!)
        const doc = bodyDocument(stateDoc(version.state))
        if (format === 'json') return sendJson(response, 200, { ...versionJson(version), content: doc.toJSON() })
        response.writeHead(200, { 'content-type': `${MEDIA_TYPES[format]}; charset=utf-8`, 'cache-control': 'no-store' })
        response.end(renderContent(format, doc))
      },
    },
    {
      method: 'GET',
      pattern: '/api/documents/:name/versions/:id/changes',
      async handler({ response, params, claims }) {
        const name = params.name!
        await requireRole(policy, claims, name, 'read')
        const version = await versionOf(name, params.id!)
        const authors = await changeLog.clientAuthors(name)
        const blocks = await documents.read(name, (ydoc) => changesSince(stateDoc(version.state), ydoc, authors))
        sendJson(response, 200, { version: versionJson(version), blocks })
      },
    },
    {
      method: 'POST',
      pattern: '/api/documents/:name/versions/:id/restore',
      async handler({ response, params, claims }) {
        const name = params.name!
        await requireRole(policy, claims, name, 'edit')
        const version = await versionOf(name, params.id!)
        await existing(name)
        const target = bodyDocument(stateDoc(version.state))
        const { before, update } = await documents.changeCapturing(name, claims.user, (ydoc) => replaceBody(ydoc, target))
        // Keep the state the restore replaced as a version, and the restore's own update, so it
        // can be undone later without losing edits made since (POST .../restores/:id/undo).
        const previous = await versions.save({
          document: name,
          kind: 'auto',
          label: `Before restoring version ${version.id}`,
          createdBy: claims.user,
          authors: autoVersions.takeAuthors(name),
          state: before,
        })
        const restoreId = update
          ? await restores.record({ document: name, versionId: version.id, beforeVersionId: previous.id, update, createdBy: claims.user })
          : null
        sendJson(response, 200, {
          restored: versionJson(version),
          previous: versionJson(previous),
          restoreId,
          undo: restoreId === null ? null : `/api/documents/${encodeURIComponent(name)}/restores/${restoreId}/undo`,
          content: target.toJSON(),
        })
      },
    },
    {
      method: 'POST',
      pattern: '/api/documents/:name/restores/:id/undo',
      async handler({ response, params, claims }) {
        const name = params.name!
        await requireRole(policy, claims, name, 'edit')
        const id = Number(params.id)
        const restore = Number.isSafeInteger(id) && id > 0 ? await restores.get(name, id) : null
        if (!restore) throw new ApiError('not-found', `document "${name}" has no restore "${params.id}"`)
        const before = await versions.get(name, restore.beforeVersionId)
        if (!before) throw new ApiError('version-not-found', `the state before restore ${restore.id} is no longer kept`)
        await existing(name)
        if (!(await restores.markUndone(restore.id))) throw new ApiError('conflict', `restore ${restore.id} was already undone`)
        await documents.change(name, claims.user, (ydoc) => {
          const undo = undoRestoreUpdate(before.state, restore.update, ydoc)
          if (undo) Y.applyUpdate(ydoc, undo)
        })
        const content = await documents.read(name, bodyDocument)
        sendJson(response, 200, { undone: restore.id, content: content.toJSON() })
      },
    },
    {
      method: 'GET',
      pattern: '/api/documents/:name/changes',
      async handler({ response, params, query, claims }) {
        const name = params.name!
        await requireRole(policy, claims, name, 'read')
        const filters = validate(changesQuery, Object.fromEntries(query), 'invalid-query', 'query')
        const entries = await changeLog.query({ document: name, since: filters.since, until: filters.until, userId: filters.user, limit: filters.limit })
        sendJson(response, 200, { changes: entries.map(changeJson) })
      },
    },
    {
      method: 'GET',
      pattern: '/api/documents/:name/changes/summary',
      async handler({ response, params, query, claims }) {
        const name = params.name!
        await requireRole(policy, claims, name, 'read')
        const filters = validate(summaryQuery, Object.fromEntries(query), 'invalid-query', 'query')
        const summary = await changeLog.summary({ document: name, since: filters.since, until: filters.until })
        sendJson(response, 200, {
          authors: summary.map((entry) => ({ ...entry, firstAt: entry.firstAt.toISOString(), lastAt: entry.lastAt.toISOString() })),
        })
      },
    },
    {
      method: 'GET',
      pattern: '/api/changes',
      async handler({ response, query, claims }) {
        const filters = validate(changesQuery, Object.fromEntries(query), 'invalid-query', 'query')
        const allowed = await policy.documentsFor(claims)
        // Over-fetch when filtering by access, then cut to the limit.
        const entries = await changeLog.query({ since: filters.since, until: filters.until, userId: filters.user, limit: allowed === null ? filters.limit : 1000 })
        const visible = allowed === null ? entries : entries.filter((entry) => allowed.includes(entry.document))
        sendJson(response, 200, { changes: visible.slice(0, filters.limit).map(changeJson) })
      },
    },
  ]
}

function stateDoc(state: Uint8Array): Y.Doc {
  const ydoc = new Y.Doc()
  Y.applyUpdate(ydoc, state)
  return ydoc
}

function versionJson(version: VersionInfo) {
  return {
    id: version.id,
    kind: version.kind,
    label: version.label,
    createdAt: version.createdAt.toISOString(),
    createdBy: version.createdBy,
    authors: version.authors,
    bytes: version.bytes,
  }
}

function changeJson(entry: ChangeEntry) {
  return { id: entry.id, document: entry.document, at: entry.at.toISOString(), user: entry.user, bytes: entry.bytes }
}
