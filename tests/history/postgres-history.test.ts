/**
 * The API's history tables on the real PostgreSQL (`HISTORY_DATABASE_URL`), across a restart.
 */
import { describe, expect, it } from 'vitest'
import { useTestSchema } from '../helpers/postgres.ts'
import { startTestServer, testToken } from '../helpers/server.ts'
import { api } from '../api/api-client.ts'

describe('history on PostgreSQL', () => {
  const schema = useTestSchema('histapi')

  it('[HIST6] versions, the registry and the change log live in PostgreSQL and survive a restart', async () => {
    const token = await testToken('Alice')
    const first = await startTestServer({ HISTORY_DATABASE_URL: schema.url })
    let name: string
    try {
      const created = await api(first.url, 'POST', '/api/documents', { token, body: { title: 'On PG', markdown: 'pg words' } })
      name = created.body.name
      const saved = await api(first.url, 'POST', `/api/documents/${name}/versions`, { token, body: { label: 'pg version' } })
      expect(saved.status).toBe(201)
    } finally {
      await first.close()
    }
    const second = await startTestServer({ HISTORY_DATABASE_URL: schema.url, DATA_DIR: first.dataDir })
    try {
      const versions = await api(second.url, 'GET', `/api/documents/${name}/versions`, { token })
      expect(versions.body.versions.map((v: { label: string }) => v.label)).toContain('pg version')
      const list = await api(second.url, 'GET', '/api/documents', { token })
      expect(list.body.documents.find((d: { name: string }) => d.name === name)).toMatchObject({ title: 'On PG', updatedBy: { name: 'Alice' } })
      const changes = await api(second.url, 'GET', `/api/documents/${name}/changes`, { token })
      expect(changes.body.changes.length).toBeGreaterThan(0)
    } finally {
      await second.close()
    }
  })
})
