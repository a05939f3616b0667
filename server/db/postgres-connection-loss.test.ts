/**
 * A PostgreSQL connection dropped in the middle of a transaction (a real one: a loopback proxy in
 * front of the real server is cut) rejects that transaction; it must not crash the process, and
 * the pool recovers once the database is reachable again.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { createTestSchema, PG_URL, withSearchPath, type TestSchema } from '../../tests/helpers/postgres.ts'
import { startTcpProxy, type TcpProxy } from '../../tests/helpers/tcp-proxy.ts'
import { PostgresDatabase } from './postgres-database.ts'

describe('postgres connection loss', () => {
  let schema: TestSchema | undefined
  let proxy: TcpProxy | undefined
  let db: PostgresDatabase | undefined
  afterAll(async () => {
    await db?.close().catch(() => undefined)
    await proxy?.close()
    await schema?.drop()
  })

  it('[DUR6] a connection dropped between the queries of a transaction rejects it; the next transaction works', async () => {
    schema = await createTestSchema('conn_loss')
    const target = new URL(PG_URL)
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432))
    const viaProxy = new URL(PG_URL)
    viaProxy.host = `127.0.0.1:${proxy.port}`
    db = new PostgresDatabase(withSearchPath(viaProxy.toString(), schema.name), 1)
    const cut = proxy
    await expect(
      db.transaction(async (tx) => {
        await tx.query('SELECT 1')
        // No query is running while the connection drops: pg reports it as an 'error' event.
        cut.cut()
        await new Promise((resolve) => setTimeout(resolve, 200))
        await tx.query('SELECT 1')
      }),
    ).rejects.toThrow()
    cut.restore()
    const rows = await db.transaction((tx) => tx.query<{ one: number }>('SELECT 1 AS one'))
    expect(rows[0]?.one).toBe(1)
  })
})
