/**
 * Webhooks: per-document or global URLs that receive signed JSON events (see `signature.ts`).
 *
 * Events: `document.created`, `document.deleted`, `document.changed` (debounced: one event after
 * a burst of changes settles, naming everyone who changed it), `version.saved`. Each delivery is
 * logged; a failed one (network error, timeout, non-2xx) is retried with exponential backoff, and
 * pending deliveries resume after a restart.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { Database } from '../db/database.ts'
import type { Logger } from '../log.ts'
import type { Author } from '../api/document-registry.ts'
import { internalDestinationProblem } from './address-guard.ts'
import { SIGNATURE_HEADER, signPayload } from './signature.ts'

/** Every event type. */
export const WEBHOOK_EVENTS = ['document.created', 'document.deleted', 'document.changed', 'version.saved'] as const

/** An event type. */
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number]

/** An event before delivery. */
export interface WebhookEvent {
  type: WebhookEventType
  document: string
  actor: Author | null
  data: Record<string, unknown>
}

/** A registered webhook (its secret is only returned on creation). */
export interface Webhook {
  id: string
  /** `null` for a global webhook (every document). */
  document: string | null
  url: string
  events: WebhookEventType[]
  createdAt: Date
  createdBy: Author
}

/** One attempted or pending delivery. */
export interface Delivery {
  id: string
  webhookId: string
  eventId: string
  type: WebhookEventType
  document: string
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  /** HTTP status of the last attempt, or `null` when it did not get one. */
  lastStatus: number | null
  lastError: string | null
  createdAt: Date
  updatedAt: Date
}

/** Tunables. */
export interface WebhookOptions {
  /** Quiet time after the last change before `document.changed` is sent. Default 2,000 ms. */
  changeDebounceMs?: number
  /** Delay before retry n (1-based); the length is the number of retries. Default 1 s, 5 s, 30 s, 2 min, 10 min. */
  retryDelaysMs?: readonly number[]
  /** Per-attempt timeout. Default 10,000 ms. */
  timeoutMs?: number
  /** Whether URLs resolving to loopback/private/link-local addresses may be called. Default true. */
  allowPrivate?: boolean
}

interface HookRow {
  id: string
  document: string | null
  url: string
  secret: string
  events: string
  created_at: number
  created_by_id: string
  created_by_name: string
}

interface DeliveryRow {
  id: string
  webhook_id: string
  event_id: string
  type: WebhookEventType
  document: string
  payload: string
  status: Delivery['status']
  attempts: number
  last_status: number | null
  last_error: string | null
  created_at: number
  updated_at: number
}

/** Creates the webhook tables if missing. */
export async function migrateWebhooks(db: Database): Promise<void> {
  await db.exec(`
    CREATE TABLE IF NOT EXISTS api_webhooks (
      id TEXT PRIMARY KEY,
      document TEXT,
      url TEXT NOT NULL,
      secret TEXT NOT NULL,
      events TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      created_by_id TEXT NOT NULL,
      created_by_name TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS api_webhook_deliveries (
      id TEXT PRIMARY KEY,
      webhook_id TEXT NOT NULL,
      event_id TEXT NOT NULL,
      type TEXT NOT NULL,
      document TEXT NOT NULL,
      payload TEXT NOT NULL,
      status TEXT NOT NULL,
      attempts INTEGER NOT NULL,
      last_status INTEGER,
      last_error TEXT,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS api_webhook_deliveries_hook ON api_webhook_deliveries (webhook_id, created_at);
  `)
}

/** Registers webhooks and delivers events to them. */
export class WebhookService {
  private readonly db: Database
  private readonly log: Logger
  private readonly changeDebounceMs: number
  private readonly retryDelaysMs: readonly number[]
  private readonly timeoutMs: number
  private readonly allowPrivate: boolean
  private readonly changeTimers = new Map<string, { timer: NodeJS.Timeout | undefined; actors: Map<string, Author> }>()
  private readonly retryTimers = new Set<NodeJS.Timeout>()
  private readonly inFlight = new Set<Promise<void>>()
  private closed = false

  constructor(db: Database, log: Logger, options: WebhookOptions = {}) {
    this.db = db
    this.log = log
    this.changeDebounceMs = options.changeDebounceMs ?? 2_000
    this.retryDelaysMs = options.retryDelaysMs ?? [1_000, 5_000, 30_000, 120_000, 600_000]
    this.timeoutMs = options.timeoutMs ?? 10_000
    this.allowPrivate = options.allowPrivate ?? true
  }

  /** Resumes deliveries left pending by a previous run. */
  async init(): Promise<void> {
    const pending = await this.db.query<{ id: string }>("SELECT id FROM api_webhook_deliveries WHERE status = 'pending'")
    for (const row of pending) this.track(this.attempt(row.id))
  }

  /** Why `url` may not be registered (internal destination while those are refused), or `null`. */
  async destinationProblem(url: string): Promise<string | null> {
    if (this.allowPrivate) return null
    try {
      return await internalDestinationProblem(url)
    } catch (error) {
      return `cannot resolve ${new URL(url).hostname}: ${(error as Error).message}`
    }
  }

  /** Registers a webhook; returns it with its signing secret (generated when not given). */
  async create(input: { document: string | null; url: string; events: readonly WebhookEventType[]; secret?: string; createdBy: Author }): Promise<Webhook & { secret: string }> {
    const hook = {
      id: randomUUID(),
      document: input.document,
      url: input.url,
      events: [...input.events],
      createdAt: new Date(),
      createdBy: input.createdBy,
      secret: input.secret ?? randomBytes(24).toString('base64url'),
    }
    await this.db.run(
      'INSERT INTO api_webhooks (id, document, url, secret, events, created_at, created_by_id, created_by_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [hook.id, hook.document, hook.url, hook.secret, JSON.stringify(hook.events), hook.createdAt.getTime(), hook.createdBy.id, hook.createdBy.name],
    )
    return hook
  }

  /** Every webhook, or those of `document` (without global ones) when given. */
  async list(document?: string): Promise<Webhook[]> {
    const rows =
      document === undefined
        ? await this.db.query<HookRow>('SELECT * FROM api_webhooks ORDER BY created_at')
        : await this.db.query<HookRow>('SELECT * FROM api_webhooks WHERE document = ? ORDER BY created_at', [document])
    return rows.map(hookFromRow)
  }

  /** Webhook `id`, or `null`. */
  async get(id: string): Promise<Webhook | null> {
    const rows = await this.db.query<HookRow>('SELECT * FROM api_webhooks WHERE id = ?', [id])
    return rows[0] ? hookFromRow(rows[0]) : null
  }

  /** Removes webhook `id` and its delivery log. */
  async delete(id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run('DELETE FROM api_webhook_deliveries WHERE webhook_id = ?', [id])
      await tx.run('DELETE FROM api_webhooks WHERE id = ?', [id])
    })
  }

  /** The delivery log of webhook `id`, newest first. */
  async deliveries(id: string, limit = 100): Promise<Delivery[]> {
    const rows = await this.db.query<DeliveryRow>('SELECT * FROM api_webhook_deliveries WHERE webhook_id = ? ORDER BY created_at DESC, id LIMIT ?', [id, limit])
    return rows.map(deliveryFromRow)
  }

  /** Notes a change to `document` by `actor`; `document.changed` goes out once changes settle. */
  documentChanged(document: string, actor: Author | null): void {
    if (this.closed) return
    const pending = this.changeTimers.get(document) ?? { timer: undefined, actors: new Map<string, Author>() }
    clearTimeout(pending.timer)
    if (actor) pending.actors.set(actor.id, actor)
    pending.timer = setTimeout(() => {
      this.changeTimers.delete(document)
      this.emit({ type: 'document.changed', document, actor: null, data: { authors: [...pending.actors.values()] } })
    }, this.changeDebounceMs)
    this.changeTimers.set(document, pending)
  }

  /** Sends `event` to every matching webhook (in the background; failures are logged and retried). */
  emit(event: WebhookEvent): void {
    if (this.closed) return
    this.track(this.enqueue(event))
  }

  /** Resolves when no delivery attempt is running (retries may still be scheduled). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight])
  }

  /** Stops timers and waits for attempts in flight; pending deliveries resume on the next start. */
  async close(): Promise<void> {
    this.closed = true
    for (const { timer } of this.changeTimers.values()) clearTimeout(timer)
    this.changeTimers.clear()
    for (const timer of this.retryTimers) clearTimeout(timer)
    this.retryTimers.clear()
    await this.idle()
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.log.error({ err: error }, 'webhook delivery failed unexpectedly'))
    this.inFlight.add(tracked)
    void tracked.finally(() => this.inFlight.delete(tracked))
  }

  private async enqueue(event: WebhookEvent): Promise<void> {
    const hooks = (await this.db.query<HookRow>('SELECT * FROM api_webhooks WHERE document IS NULL OR document = ?', [event.document]))
      .map(hookFromRow)
      .filter((hook) => hook.events.includes(event.type))
    if (hooks.length === 0) return
    const eventId = randomUUID()
    const now = Date.now()
    const payload = JSON.stringify({ id: eventId, type: event.type, document: event.document, occurredAt: new Date(now).toISOString(), actor: event.actor, data: event.data })
    const ids: string[] = []
    for (const hook of hooks) {
      const id = randomUUID()
      ids.push(id)
      await this.db.run(
        `INSERT INTO api_webhook_deliveries (id, webhook_id, event_id, type, document, payload, status, attempts, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
        [id, hook.id, eventId, event.type, event.document, payload, now, now],
      )
    }
    await Promise.all(ids.map((id) => this.attempt(id)))
  }

  private async attempt(deliveryId: string): Promise<void> {
    const rows = await this.db.query<DeliveryRow & { url: string; secret: string }>(
      `SELECT d.*, h.url, h.secret FROM api_webhook_deliveries d JOIN api_webhooks h ON h.id = d.webhook_id WHERE d.id = ?`,
      [deliveryId],
    )
    const row = rows[0]
    if (!row || row.status !== 'pending' || this.closed) return
    const timestamp = Math.floor(Date.now() / 1000)
    let status: number | null = null
    let error: string | null = null
    let final = false
    try {
      // Checked on every attempt: DNS may point somewhere else by now.
      const blocked = await this.destinationProblem(row.url)
      if (blocked !== null) {
        final = true
        throw new Error(blocked)
      }
      const response = await fetch(row.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'collab-editor-webhooks',
          'x-collab-event': row.type,
          'x-collab-delivery': row.id,
          [SIGNATURE_HEADER]: signPayload(row.secret, row.payload, timestamp),
        },
        body: row.payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      })
      status = response.status
      await response.body?.cancel()
      if (status < 200 || status >= 300) error = `receiver answered ${status}`
    } catch (cause) {
      error = (cause as Error).message || String(cause)
    }
    const attempts = Number(row.attempts) + 1
    const retryDelay = this.retryDelaysMs[attempts - 1]
    const next: Delivery['status'] = error === null ? 'delivered' : retryDelay === undefined || final ? 'failed' : 'pending'
    await this.db.run('UPDATE api_webhook_deliveries SET status = ?, attempts = ?, last_status = ?, last_error = ?, updated_at = ? WHERE id = ?', [
      next,
      attempts,
      status,
      error,
      Date.now(),
      deliveryId,
    ])
    if (next === 'pending' && !this.closed) {
      this.log.warn({ delivery: deliveryId, attempts, error, retryInMs: retryDelay }, 'webhook delivery failed; will retry')
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer)
        this.track(this.attempt(deliveryId))
      }, retryDelay)
      this.retryTimers.add(timer)
    } else if (next === 'failed') {
      this.log.warn({ delivery: deliveryId, attempts, error }, 'webhook delivery failed; giving up')
    }
  }
}

function hookFromRow(row: HookRow): Webhook {
  return {
    id: row.id,
    document: row.document,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEventType[],
    createdAt: new Date(Number(row.created_at)),
    createdBy: { id: row.created_by_id, name: row.created_by_name },
  }
}

function deliveryFromRow(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    eventId: row.event_id,
    type: row.type,
    document: row.document,
    status: row.status,
    attempts: Number(row.attempts),
    lastStatus: row.last_status === null ? null : Number(row.last_status),
    lastError: row.last_error,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  }
}
