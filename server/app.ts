/**
 * The composition root: one HTTP server carrying the built client, `/healthz`, the development
 * token endpoint and the Hocuspocus WebSocket at `/collab`, with each concern a separate module.
 */
import http from 'node:http'
import type { Duplex } from 'node:stream'
import type { AddressInfo } from 'node:net'
import { Hocuspocus } from '@hocuspocus/server'
import { CLOSE_CODES, formatCloseReason } from '../shared/close-codes.ts'
import { COLLAB_PATH, HEALTH_PATH } from '../shared/protocol.ts'
import { localAccessChanges } from './access/access-changes.ts'
import { recheckConnections } from './access/revocation.ts'
import { openAccounts } from './accounts/accounts.ts'
import { openApiFeatures } from './api/api.ts'
import { authentication } from './auth/authentication.ts'
import { resolveAuthSecret } from './auth/secret.ts'
import type { ServerConfig } from './config.ts'
import { openFeatureDatabase } from './db/open-database.ts'
import { DEV_TOKEN_PATH, handleDevToken } from './http/dev-token.ts'
import { sendJson, sendProblem } from './http/respond.ts'
import { staticClient } from './http/static-client.ts'
import { createLogger, type Logger } from './log.ts'
import type { DocumentStore } from './storage/document-store.ts'
import { DurableWriter } from './storage/durable-writer.ts'
import { noEcho } from './sync/no-echo.ts'
import { broadcastWrites } from './sync/broadcast-writes.ts'
import { burstCoalescing } from './sync/burst-coalescing.ts'
import { mergedUpdateAcks } from './sync/update-merging.ts'
import { persistence } from './storage/persistence.ts'
import { openDocumentStore } from './storage/open-store.ts'
import { handleReadiness, READY_PATH, storeWriteStatus } from './http/readiness.ts'
import { redisScaleOut } from './scale/redis-scale-out.ts'
import { createWebSocketEndpoint } from './sync/websocket-endpoint.ts'
import { FanoutThread } from './sync/fanout-thread.ts'
import { useFanoutThread } from './sync/shared-frame-socket.ts'
import { createYWebsocketEndpoint } from './interop/y-websocket-endpoint.ts'
import { createChannelProtection, type ChannelProtection } from './limits/channel-protection.ts'
import { userBudgets } from './limits/user-budgets.ts'
import { isAllowedOrigin, type OriginPolicy } from './http/origin-policy.ts'
import { requestTarget } from './http/request-target.ts'
import { applySecurityHeaders } from './http/security-headers.ts'
import { contentValidation } from './validation/content-validation.ts'
import { collectable } from './validation/gc-guard.ts'
import { createHttpFallbackEndpoint } from './transport/http-fallback-endpoint.ts'

/** A running server. */
export interface RunningServer {
  /** `http://host:port` the server listens on. */
  readonly url: string
  readonly port: number
  readonly hocuspocus: Hocuspocus
  readonly store: DocumentStore
  readonly writer: DurableWriter
  /** The secret tokens are signed with. */
  readonly authSecret: string
  readonly log: Logger
  /** Limits and counters of the hardened channel. */
  readonly protection: ChannelProtection
  /** Stops accepting, writes everything pending, closes clients with a retryable code, closes the store. */
  close(): Promise<void>
}

/** Starts a server for `config` and resolves once it accepts connections. */
export async function startServer(config: ServerConfig, log: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  const authSecret = resolveAuthSecret(config.dataDir, config.authSecret)
  const store = await openDocumentStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl })
  // Several processes as one (REDIS_URL); its extension goes first (it sets priority 1000).
  const scaleOut = config.redisUrl ? redisScaleOut(config.redisUrl, config.redisPrefix, log) : undefined
  if (scaleOut) {
    await scaleOut.connected().catch(async (error: unknown) => {
      await scaleOut.close()
      await store.close()
      throw error
    })
  }
  const writer = new DurableWriter(store, log, { minCommitIntervalMs: config.storeCommitIntervalMs })
  const fanoutThread = config.fanoutThread ? new FanoutThread() : null
  const releaseFanoutThread = useFanoutThread(fanoutThread)
  // Accounts, roles and history share one database (SQLite by default, PostgreSQL when configured).
  const database = openFeatureDatabase(config.dataDir, config.historyDatabaseUrl)
  // Revocations reach every instance's connections (over Redis when scaled out).
  const accessChanges = scaleOut?.accessChanges ?? localAccessChanges()
  const accounts = await openAccounts({
    database,
    secret: authSecret,
    log,
    external: config.externalIdentity,
    sessionMaxAgeSeconds: config.sessionMaxAgeSeconds,
    tokenTtlSeconds: config.sessionTokenTtlSeconds,
    allowRegistration: config.allowRegistration,
    accessChanges,
    signInThrottle: scaleOut?.signInThrottle,
  })
  const accessPolicy = accounts.policy
  const apiFeatures = await openApiFeatures({
    dataDir: config.dataDir,
    database,
    log,
    policy: accessPolicy,
    routes: accounts.routes,
    publicRoutes: accounts.publicRoutes,
    autoVersions: { settleMs: config.versionSettleMs, minIntervalMs: config.versionMinIntervalMs },
    webhooks: { changeDebounceMs: config.webhookDebounceMs, retryDelaysMs: config.webhookRetryDelaysMs, allowPrivate: config.webhookAllowPrivate },
  })
  // The hardened channel: every transport's frames pass a ChannelGuard; updates are checked against the schema.
  const protection = createChannelProtection(config.channelLimits)
  const origins: OriginPolicy = { allowedOrigins: config.allowedOrigins, allowLoopback: config.allowLoopbackOrigins }
  const hocuspocus = new Hocuspocus({
    quiet: true,
    // Hocuspocus merges the updates of one event-loop turn before broadcasting them, and
    // Y.mergeUpdates grows quadratically with their number: a server that falls behind merges
    // ever bigger batches and falls further behind (bench: a 30k-edit trace burst ran at
    // 2.3-3k edits/s with the 1 MiB default, 10k with 4 KiB, and used a third of the CPU).
    flushMaxBytes: 4096,
    // A malformed update must not be able to make Yjs's garbage collection throw: that wedges the
    // document for good (see server/validation/gc-guard.ts). Hocuspocus types the filter without
    // its argument; Yjs passes the item.
    yDocOptions: { gc: true, gcFilter: collectable as unknown as () => boolean },
    // Hocuspocus's own pre-authentication bounds, set to ours as a second line behind the guard.
    maxUnauthenticatedQueueSize: config.channelLimits.preAuthMaxBytes,
    maxUnauthenticatedQueueMessages: config.channelLimits.preAuthMaxMessages,
    maxPendingDocuments: config.channelLimits.preAuthMaxDocuments,
    extensions: [
      // First: nothing outside the schema reaches any other extension or the document.
      contentValidation(log, protection.stats),
      ...(scaleOut ? [scaleOut.extension] : []),
      authentication(accounts.verify, accessPolicy),
      // Authenticated connections pay from their user's rate budget, not their address's.
      userBudgets(),
      ...accounts.extensions,
      persistence(store, writer, { compactAfterUpdates: config.compactAfterUpdates }),
      // A client's own update is not broadcast back to it.
      noEcho(),
      // A burst the guards spread over turns is broadcast once, not once per turn.
      burstCoalescing(protection.bursts),
      // A broadcast is written to the sockets when it is handed out, before the rest of its tick.
      broadcastWrites(),
      // A burst the guards merged into one update is acknowledged once per update the client sent.
      mergedUpdateAcks(),
      ...apiFeatures.extensions,
    ],
  })
  accessChanges.handle((change) => recheckConnections(hocuspocus, accessPolicy, change.document, change.userIds))
  const handleApi = apiFeatures.attach({ hocuspocus, store, writer, authenticate: (request) => accounts.authenticate(request) })
  const websocket = createWebSocketEndpoint({ hocuspocus, writer, log, maxMessageBytes: config.maxMessageBytes, durableAck: config.durableAck, protection })
  const yWebsocket = createYWebsocketEndpoint({ hocuspocus, log, maxMessageBytes: config.maxMessageBytes, protection })
  // Where WebSockets are blocked: the same Hocuspocus connections over SSE + POST.
  const httpFallback = createHttpFallbackEndpoint({
    hocuspocus,
    writer,
    log,
    maxMessageBytes: config.maxMessageBytes,
    limits: { maxSessionsPerAddress: config.httpSessionsPerAddress },
    protection,
    origins,
  })
  const serveClient = staticClient(config.clientDir)

  const handleRequest = (request: http.IncomingMessage, response: http.ServerResponse) => {
    const path = (request.url ?? '/').split('?', 1)[0]
    if (path === HEALTH_PATH) {
      return sendJson(response, 200, {
        status: 'ok',
        documents: hocuspocus.getDocumentsCount(),
        connections: websocket.sockets.size,
        httpSessions: httpFallback.sessions.size,
        store: storeWriteStatus(writer),
        channel: protection.stats,
      })
    }
    if (path === READY_PATH) {
      handleReadiness(response, { store, writer, redis: scaleOut }).catch((error: unknown) => {
        log.error({ err: error }, 'readiness check failed')
        if (!response.headersSent) sendProblem(response, 500, 'internal', 'readiness check failed')
      })
      return
    }
    if (path === DEV_TOKEN_PATH) {
      if (!config.devTokens) return sendProblem(response, 404, 'not-found', 'development tokens are disabled (DEV_TOKENS=false)')
      handleDevToken(request, response, authSecret).catch((error: unknown) => {
        log.error({ err: error }, 'dev token failed')
        if (!response.headersSent) sendProblem(response, 500, 'internal', 'could not mint a token')
      })
      return
    }
    if (path !== undefined && httpFallback.matches(path)) return httpFallback.handle(request, response)
    if (handleApi(request, response)) return
    if (path?.startsWith('/api/')) return sendProblem(response, 404, 'not-found', `no such endpoint: ${path}`)
    serveClient(request, response)
  }

  const handleUpgrade = (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // Browsers send cookies with cross-site upgrades and apply no CORS to them: check Origin here.
    if (!isAllowedOrigin(request, origins)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    const path = (request.url ?? '/').split('?', 1)[0]
    if (path !== undefined && yWebsocket.matches(path)) return yWebsocket.handleUpgrade(request, socket, head)
    if (path !== COLLAB_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
      return
    }
    websocket.handleUpgrade(request, socket, head)
  }

  // Everything a client sends is input: a request target that is not a path is refused before
  // any handler parses it, and a handler that still throws costs that request, not the process.
  const httpServer = http.createServer((request, response) => {
    applySecurityHeaders(response)
    if (requestTarget(request) === null) return sendProblem(response, 400, 'bad-request', 'the request target must be a path')
    try {
      handleRequest(request, response)
    } catch (error) {
      log.error({ err: error, url: request.url }, 'request handler failed')
      if (!response.headersSent) sendProblem(response, 500, 'internal', 'internal error')
      else response.destroy()
    }
  })
  httpServer.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (requestTarget(request) === null) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    try {
      handleUpgrade(request, socket, head)
    } catch (error) {
      log.error({ err: error, url: request.url }, 'upgrade handler failed')
      socket.destroy()
    }
  })

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject)
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject)
      resolve()
    })
  })
  const { port } = httpServer.address() as AddressInfo
  const host = config.host.includes(':') ? `[${config.host}]` : config.host

  let closing: Promise<void> | null = null
  const close = () =>
    (closing ??= (async () => {
      httpServer.close()
      websocket.closeAll(CLOSE_CODES.serverShuttingDown.code, formatCloseReason(CLOSE_CODES.serverShuttingDown, 'restarting'))
      yWebsocket.closeAll(CLOSE_CODES.serverShuttingDown.code, formatCloseReason(CLOSE_CODES.serverShuttingDown, 'restarting'))
      httpFallback.closeAll(CLOSE_CODES.serverShuttingDown.code, formatCloseReason(CLOSE_CODES.serverShuttingDown, 'restarting'))
      await writer.whenDurable()
      await apiFeatures.close()
      accounts.close()
      await database.close()
      // Unloading documents may still enqueue compactions; the log they fold is already durable.
      writer.stop()
      await scaleOut?.close()
      websocket.terminateAll()
      yWebsocket.terminateAll()
      httpFallback.terminateAll()
      httpServer.closeAllConnections()
      protection.stop()
      releaseFanoutThread()
      await fanoutThread?.stop()
      await store.close()
    })())

  return { url: `http://${host}:${port}`, port, hocuspocus, store, writer, authSecret, log, protection, close }
}
