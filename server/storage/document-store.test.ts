/**
 * The storage contract suite against SQLite and the real PostgreSQL (a private schema per run).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createTestSchema, type TestSchema } from '../../tests/helpers/postgres.ts'
import { PostgresStore } from './postgres-store.ts'
import { SqliteStore } from './sqlite-store.ts'
import { storeContractSuite } from './store-contract.ts'
import { ThreadedSqliteStore } from './threaded-sqlite-store.ts'

const sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-contract-'))
storeContractSuite({
  name: 'sqlite',
  open: async () => new SqliteStore(sqliteDir),
  cleanup: async () => fs.rmSync(sqliteDir, { recursive: true, force: true }),
})

const threadedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-contract-threaded-'))
storeContractSuite({
  name: 'sqlite on a worker thread (the default)',
  open: () => ThreadedSqliteStore.open(threadedDir),
  cleanup: async () => fs.rmSync(threadedDir, { recursive: true, force: true }),
})

let schema: Promise<TestSchema> | undefined
storeContractSuite({
  name: 'postgres',
  open: async () => PostgresStore.open((await (schema ??= createTestSchema('store_contract'))).url),
  cleanup: async () => {
    if (schema) await (await schema).drop()
  },
})
