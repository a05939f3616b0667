/**
 * The same checks against SQLite and the real PostgreSQL on 127.0.0.1:5432 (database `test`).
 * In CI a missing PostgreSQL fails this file; elsewhere set PG_URL to point at yours.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Database } from './database.ts'
import { PostgresDatabase, toPostgresPlaceholders } from './postgres-database.ts'
import { SqliteDatabase } from './sqlite-database.ts'

const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

const backends: [string, () => Database][] = [
  ['sqlite', () => new SqliteDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'db-')), 'x.sqlite'))],
  ['postgres', () => new PostgresDatabase(PG_URL, 2)],
]

describe.each(backends)('database on %s', (_name, open) => {
  const db = open()
  const table = `t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  afterAll(async () => {
    await db.exec(`DROP TABLE IF EXISTS ${table}`)
    await db.close()
  })

  it('[DB1] runs queries with ? placeholders, blobs round-trip, transactions commit and roll back', async () => {
    const blob = db.dialect === 'postgres' ? 'BYTEA' : 'BLOB'
    await db.exec(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, data ${blob})`)
    expect(await db.run(`INSERT INTO ${table} (id, name, data) VALUES (?, ?, ?)`, [1, 'a', new Uint8Array([1, 2, 3])])).toBe(1)
    const rows = await db.query<{ name: string; data: Uint8Array }>(`SELECT name, data FROM ${table} WHERE id = ?`, [1])
    expect(rows[0]!.name).toBe('a')
    expect([...rows[0]!.data]).toEqual([1, 2, 3])

    await db.transaction(async (tx) => {
      await tx.run(`INSERT INTO ${table} (id, name) VALUES (?, ?)`, [2, 'b'])
    })
    await expect(
      db.transaction(async (tx) => {
        await tx.run(`INSERT INTO ${table} (id, name) VALUES (?, ?)`, [3, 'c'])
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    const names = (await db.query<{ name: string }>(`SELECT name FROM ${table} ORDER BY id`)).map((r) => r.name)
    expect(names).toEqual(['a', 'b'])
  })
})

describe('placeholders', () => {
  it('[DB2] rewrites ? to numbered PostgreSQL parameters', () => {
    expect(toPostgresPlaceholders('SELECT ? , ?, ?')).toBe('SELECT $1 , $2, $3')
  })
})
