/**
 * The API's history tables on the real PostgreSQL (`HISTORY_DATABASE_URL`), across a restart.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, testToken } from '../helpers/server.ts'
import { api } from '../api/api-client.ts'

const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = `histapi_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

describe('history on PostgreSQL', () => {
  beforeAll(() => admin(`CREATE SCHEMA ${schema}`))
  afterAll(() => admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`))

  it('[HIST6] versions, the registry and the change log live in PostgreSQL and survive a restart', async () => {
    const token = await testToken('Alice')
    const first = await startTestServer({ HISTORY_DATABASE_URL: url })
    let name: string
    try {
      const created = await api(first.url, 'POST', '/api/documents', { token, body: { title: 'On PG', markdown: 'pg words' } })
      name = created.body.name
      const saved = await api(first.url, 'POST', `/api/documents/${name}/versions`, { token, body: { label: 'pg version' } })
      expect(saved.status).toBe(201)
    } finally {
      await first.close()
    }
    const second = await startTestServer({ HISTORY_DATABASE_URL: url, DATA_DIR: first.dataDir })
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
