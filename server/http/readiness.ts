/**
 * `/readyz`: whether this instance can do its job right now, for load balancers and orchestrators.
 * 200 when the document store answers and takes writes (and Redis answers, when configured);
 * 503 with a JSON body naming what is wrong otherwise. `/healthz` stays a liveness probe.
 */
import type { ServerResponse } from 'node:http'
import type { DocumentStore } from '../storage/document-store.ts'
import type { DurableWriter } from '../storage/durable-writer.ts'
import { sendJson } from './respond.ts'

/** Path of the readiness probe. */
export const READY_PATH = '/readyz'

/** What readiness checks. */
export interface ReadinessChecks {
  store: DocumentStore
  writer: DurableWriter
  /** Present when `REDIS_URL` is set. */
  redis?: { ping(timeoutMs?: number): Promise<void> } | undefined
  /** How long each check may take. Default 2,000 ms. */
  timeoutMs?: number
}

/** One check's outcome. */
export interface CheckResult {
  ok: boolean
  error?: string
}

/** The store's state as `/healthz` and `/readyz` report it. */
export function storeWriteStatus(writer: DurableWriter): { ok: boolean; pendingWrites: number; error?: string } {
  const failure = writer.failure
  return failure === null
    ? { ok: true, pendingWrites: writer.pendingOperations }
    : { ok: false, pendingWrites: writer.pendingOperations, error: `writes failing, retrying: ${describe(failure)}` }
}

/** Runs the checks and answers the probe. */
export async function handleReadiness(response: ServerResponse, checks: ReadinessChecks): Promise<void> {
  const timeoutMs = checks.timeoutMs ?? 2_000
  const writes = storeWriteStatus(checks.writer)
  const ping = await check(() => withTimeout(checks.store.ping(), timeoutMs, 'store'))
  const store = { ...writes, ok: writes.ok && ping.ok, ...(ping.ok ? {} : { error: ping.error }) }
  const body: Record<string, unknown> = { store }
  let ready = store.ok
  if (checks.redis) {
    const redis = await check(() => checks.redis!.ping(timeoutMs))
    body.redis = redis
    ready &&= redis.ok
  }
  sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', ...body })
}

async function check(run: () => Promise<void>): Promise<CheckResult> {
  try {
    await run()
    return { ok: true }
  } catch (error) {
    return { ok: false, error: describe(error) }
  }
}

function withTimeout(promise: Promise<void>, timeoutMs: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<void>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer in ${timeoutMs} ms`)), timeoutMs))),
  ]).finally(() => clearTimeout(timer))
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0])
  if (error instanceof Error) return error.message || error.name
  return String(error)
}
