/**
 * A private PostgreSQL schema per test file on the real server (127.0.0.1:5432, database `test`,
 * or `PG_URL`), so parallel runs never see each other's tables. Missing PostgreSQL fails the test.
 */
import pg from 'pg'
import { afterAll, beforeAll } from 'vitest'

/** `PG_URL`, default the local trust-auth server. */
export const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A created schema and a connection URL whose `search_path` is that schema. */
export interface TestSchema {
  name: string
  url: string
  /** Drops the schema and everything in it. */
  drop(): Promise<void>
}

/** Creates a fresh schema named `<prefix>_<pid>_<random>`. */
export async function createTestSchema(prefix: string, base = PG_URL): Promise<TestSchema> {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  await adminQuery(base, `CREATE SCHEMA ${name}`)
  return {
    name,
    url: withSearchPath(base, name),
    drop: () => adminQuery(base, `DROP SCHEMA IF EXISTS ${name} CASCADE`),
  }
}

/**
 * A fresh schema (see {@link createTestSchema}) for the tests of the calling file or `describe`
 * block: created before them, dropped after them. `url` is available inside tests and in hooks
 * registered after this call.
 */
export function useTestSchema(prefix: string): { readonly url: string } {
  let schema: TestSchema | undefined
  beforeAll(async () => {
    schema = await createTestSchema(prefix)
  })
  afterAll(async () => {
    await schema?.drop()
  })
  return {
    get url() {
      if (!schema) throw new Error(`the ${prefix} schema is created in beforeAll: use it inside a test or a later hook`)
      return schema.url
    },
  }
}

/** `url` with its sessions' `search_path` set to `schema`. */
export function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url)
  parsed.searchParams.set('options', `-c search_path=${schema}`)
  return parsed.toString()
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}
