/**
 * The history features' tables on SQLite and on the real PostgreSQL (unique schema per run), so
 * the same queries work on both backends.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DocumentRegistry, migrateDocumentRegistry } from '../../server/api/document-registry.ts'
import { ChangeLog, migrateChangeLog } from '../../server/changelog/change-log.ts'
import type { Database } from '../../server/db/database.ts'
import { PostgresDatabase } from '../../server/db/postgres-database.ts'
import { SqliteDatabase } from '../../server/db/sqlite-database.ts'
import { migrateRestoreLog, RestoreLog } from '../../server/history/restore-log.ts'
import { migrateVersionStore, VersionStore } from '../../server/history/version-store.ts'
import { createLogger } from '../../server/log.ts'
import { migrateWebhooks, WebhookService } from '../../server/webhooks/webhook-service.ts'
import { useTestSchema } from '../helpers/postgres.ts'

const schema = useTestSchema('hist')
const log = createLogger('silent')

const backends: [string, () => Promise<Database>][] = [
  ['sqlite', async () => new SqliteDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hist-')), 'history.sqlite'))],
  ['postgres', async () => new PostgresDatabase(schema.url, 2)],
]

describe.each(backends)('history stores on %s', (_name, open) => {
  let db: Database
  afterAll(async () => {
    await db?.close()
  })

  it('[HIST6][LOG1] registry, change log, versions and webhooks keep their data', async () => {
    db = await open()
    for (const migrate of [migrateDocumentRegistry, migrateChangeLog, migrateVersionStore, migrateRestoreLog, migrateWebhooks]) {
      await migrate(db)
      await migrate(db) // idempotent
    }
    const alice = { id: 'alice', name: 'Alice' }

    const registry = new DocumentRegistry(db)
    await registry.init()
    await registry.create('doc1', 'One', alice, new Date(1_000))
    await registry.touch('doc1', new Date(2_000), null, 'One renamed')
    await registry.touch('doc2', new Date(3_000), alice, null)
    const listed = await registry.list()
    expect(listed.map((doc) => doc.name)).toEqual(['doc2', 'doc1'])
    expect(listed[1]).toMatchObject({ title: 'One renamed', updatedBy: alice, createdBy: alice })
    expect(listed[1]!.updatedAt.getTime()).toBe(2_000)
    await registry.delete('doc2')
    expect(registry.isDeleted('doc2')).toBe(true)
    const reopened = new DocumentRegistry(db)
    await reopened.init()
    expect(reopened.isDeleted('doc2')).toBe(true)

    const changes = new ChangeLog(db, log)
    changes.record({ document: 'doc1', at: new Date(5_000), user: alice, bytes: 10, clients: [42, 43] })
    changes.record({ document: 'doc1', at: new Date(6_000), user: null, bytes: 3, clients: [] })
    const entries = await changes.query({ document: 'doc1', limit: 10 })
    expect(entries.map((entry) => [entry.at.getTime(), entry.user?.id ?? null, entry.bytes])).toEqual([
      [6_000, null, 3],
      [5_000, 'alice', 10],
    ])
    expect(await changes.query({ document: 'doc1', since: new Date(5_500), limit: 10 })).toHaveLength(1)
    expect((await changes.clientAuthors('doc1')).get(43)).toEqual(alice)
    const summary = await changes.summary({ document: 'doc1' })
    expect(summary.map((entry) => [entry.user?.id ?? null, entry.changes, entry.bytes])).toEqual([
      [null, 1, 3],
      ['alice', 1, 10],
    ])

    const versions = new VersionStore(db)
    const state = new Uint8Array([0, 1, 2, 255])
    const saved = await versions.save({ document: 'doc1', kind: 'named', label: 'v', createdBy: alice, authors: [alice], state })
    const loaded = await versions.get('doc1', saved.id)
    expect([...loaded!.state]).toEqual([0, 1, 2, 255])
    expect(loaded).toMatchObject({ kind: 'named', label: 'v', createdBy: alice, authors: [alice], bytes: 4 })
    expect((await versions.latest('doc1'))?.id).toBe(saved.id)
    await versions.deleteDocument('doc1')
    expect(await versions.list('doc1')).toEqual([])

    // Automatic versions are pruned to the newest N, except a state a restore can be undone to.
    const pruned = new VersionStore(db, { maxAutoVersions: 2 })
    const auto = (label: string) => pruned.save({ document: 'doc3', kind: 'auto', label, createdBy: null, authors: [], state })
    const a1 = await auto('a1')
    await new RestoreLog(db).record({ document: 'doc3', versionId: a1.id, beforeVersionId: a1.id, update: state, createdBy: alice })
    await auto('a2')
    await pruned.save({ document: 'doc3', kind: 'named', label: 'n1', createdBy: alice, authors: [], state })
    await auto('a3')
    await auto('a4')
    expect((await pruned.list('doc3')).map((v) => v.label)).toEqual(['a4', 'a3', 'n1', 'a1'])

    const webhooks = new WebhookService(db, log)
    const hook = await webhooks.create({ document: null, url: 'http://127.0.0.1:9/x', events: ['document.created'], createdBy: alice })
    expect((await webhooks.list()).map((h) => h.id)).toEqual([hook.id])
    await webhooks.delete(hook.id)
    expect(await webhooks.get(hook.id)).toBeNull()
    await webhooks.close()
  })
})
