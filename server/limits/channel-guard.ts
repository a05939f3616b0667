/**
 * The gate every inbound frame passes before Hocuspocus sees it, one per connection, the same for
 * WebSocket, HTTP fallback and y-websocket connections:
 *
 * 1. Rate limits: the frame is paid for from the connection's token buckets and its address's
 *    (until it authenticates) or, once it has (see {@link ChannelGuard.identify}), its user's and
 *    its address's signed-in ceiling.
 *    When they cannot pay, the guard holds the frame and pauses reading from the transport
 *    (TCP backpressure slows the sender, not the server); frames piling up past
 *    `maxQueuedMessages`/`maxQueuedBytes` close the connection with `rate-limited` (4429).
 *    A connection also hands on at most {@link MAX_FRAMES_PER_TURN} frames per event-loop turn:
 *    a burst its budgets allow is spread over turns, so other connections' frames (read in the
 *    same turn's I/O phase) are not stuck behind it [SEC3].
 * 2. Decoding: the frame is decoded completely ({@link inspectFrame}); malformed frames close
 *    with `malformed-message` (4422), Yjs updates over their bounds with `update-too-large` (4413).
 * 3. Pre-authentication caps: frames for documents not yet authenticated are what Hocuspocus
 *    queues; their count, bytes and number of documents are bounded (4431), and a connection
 *    with no authenticated document after `authTimeoutMs` is closed (4408).
 * 4. Merging: consecutive update frames of one authenticated document admitted in the same task
 *    (one TCP read's worth) are handed on as one merged update (see server/sync/update-merging.ts).
 *
 * The guard learns which documents authenticated by watching Hocuspocus's replies
 * ({@link ChannelGuard.observeOutgoing}, via {@link GuardedSocket}).
 */
import type { WebSocketLike } from '@hocuspocus/server'
import { CLOSE_CODES, formatCloseReason, type CloseCode } from '../../shared/close-codes.ts'
import { AUTH_TYPES, MESSAGE_TYPES, SYNC_TYPES, inspectFrame, peekOutgoing, peekOutgoingType } from '../../shared/frame-inspection.ts'
import { MESSAGE_TYPE_SYNC_STATUS } from '../../shared/protocol.ts'
import { MAX_MERGED_UPDATE_BYTES, mergedUpdateFrame, type AckRepeater } from '../sync/update-merging.ts'
import type { ChannelProtection, ChannelStats } from './channel-protection.ts'
import { documentOfAddress } from './continuing-bursts.ts'
import { Budget } from './rate-limiter.ts'
import type { ChannelLimits } from './channel-limits.ts'

/**
 * Frames one connection hands to Hocuspocus per event-loop turn. ws emits every frame of a TCP
 * read at once; a flooder's read holds hundreds, and its full burst (300 by default), handled in
 * one go, is tens of milliseconds in which no other client's keystroke is read. Sixteen frames
 * are a few hundred microseconds; the rest follow on the next turns, after other connections' I/O.
 * Honest clients never send this many in one read, and full-speed replay loses nothing measurable
 * (one setImmediate per 16 frames).
 */
export const MAX_FRAMES_PER_TURN = 16

/** What the guard drives: the connection's transport and Hocuspocus behind it. */
export interface GuardedTransport {
  /** Hands an admitted frame to Hocuspocus. */
  deliver(frame: Uint8Array): void
  /** Closes the transport with a close-table code and reason. */
  close(code: number, reason: string): void
  /** Stops reading from the client (optional: transports without flow control only queue). */
  pause?(): void
  /** Reads again after {@link pause}. */
  resume?(): void
}

/** One connection's gate. */
export class ChannelGuard {
  private readonly limits: ChannelLimits
  private readonly protection: ChannelProtection
  private readonly stats: ChannelStats
  private readonly transport: GuardedTransport
  private readonly connectionBudget: Budget
  /** The address's budget until {@link identify}; then the user's and the address's signed-in ceiling. */
  private sharedBudgets: Budget[]
  private readonly address: string
  private user: string | null = null
  private readonly queue: Uint8Array[] = []
  private queuedBytes = 0
  private pumpTimer: NodeJS.Timeout | null = null
  /** Frames handed on in the current event-loop turn, and the immediate that ends the turn. */
  private framesThisTurn = 0
  private turnEnd: NodeJS.Immediate | null = null
  /** Documents fed in the current turn; while a burst continues past a turn, the documents it fed (see continuing-bursts.ts). */
  private readonly documentsThisTurn = new Set<string>()
  private burstDocuments: Set<string> | null = null
  private paused = false
  private closed = false
  private disposed = false
  private readonly authTimer: NodeJS.Timeout
  private anyAuthenticated = false
  private readonly authenticated = new Set<string>()
  private readonly pending = new Map<string, { messages: number; bytes: number }>()
  private pendingMessages = 0
  private pendingBytes = 0
  /** Admitted update frames of one document not yet handed on: they go as one, at the end of the task. */
  private run: { address: string; frames: Uint8Array[]; updates: Uint8Array[]; bytes: number } | null = null

  /** `clientAddress` is the remote IP (its budget is shared with the address's other connections). */
  constructor(protection: ChannelProtection, clientAddress: string, transport: GuardedTransport) {
    const limits = protection.limits
    this.limits = limits
    this.protection = protection
    this.stats = protection.stats
    this.transport = transport
    this.address = clientAddress
    this.connectionBudget = new Budget(limits.perConnection)
    this.sharedBudgets = [protection.addresses.acquire(clientAddress)]
    this.authTimer = setTimeout(() => {
      if (!this.anyAuthenticated) this.refuse(CLOSE_CODES.authTimeout, `no document authenticated within ${limits.authTimeoutMs} ms`)
    }, limits.authTimeoutMs)
    this.authTimer.unref()
  }

  /** A frame arrived from the client. */
  receive(frame: Uint8Array): void {
    if (this.closed) return
    this.queue.push(frame)
    this.queuedBytes += frame.byteLength
    if (this.queue.length > this.limits.maxQueuedMessages || this.queuedBytes > this.limits.maxQueuedBytes) {
      this.refuse(CLOSE_CODES.rateLimited, `over ${this.limits.maxQueuedMessages} messages or ${this.limits.maxQueuedBytes} bytes waiting`)
      return
    }
    if (this.pumpTimer === null) this.pump()
  }

  /**
   * The connection authenticated as `userId`: from now on its frames pay from that user's budget
   * and the address's (much larger) signed-in ceiling instead of the address's budget. The
   * first user counts (one socket carrying documents of different users is not something the
   * editor does).
   */
  identify(userId: string): void {
    if (this.user !== null || this.disposed) return
    this.user = userId
    this.sharedBudgets = [this.protection.users.acquire(userId), this.protection.signedInAddresses.acquire(this.address)]
    this.protection.addresses.release(this.address)
  }

  /** A frame Hocuspocus sends to the client: tracks which documents authenticated. */
  observeOutgoing(frame: Uint8Array): void {
    // Broadcasts (sync, awareness) are most frames: skip them before decoding the address.
    const type = peekOutgoingType(frame)
    if (type !== MESSAGE_TYPES.auth && type !== MESSAGE_TYPES.close) return
    const head = peekOutgoing(frame)
    if (!head) return
    if (head.type === MESSAGE_TYPES.auth && head.authType === AUTH_TYPES.authenticated) {
      this.forgetPending(head.address)
      this.authenticated.add(head.address)
      this.anyAuthenticated = true
      clearTimeout(this.authTimer)
    } else if (head.type === MESSAGE_TYPES.auth && head.authType === AUTH_TYPES.permissionDenied) {
      // Hocuspocus drops the document's queue on a refusal; a retry starts afresh.
      this.forgetPending(head.address)
    } else if (head.type === MESSAGE_TYPES.close) {
      this.authenticated.delete(head.address)
    }
  }

  /** Closes the connection with `entry` (e.g. a schema violation found later in the pipeline). */
  refuse(entry: CloseCode, detail: string): void {
    if (this.closed) return
    // What was admitted before goes on, as it did when every frame was handed on at once.
    this.handOnRun()
    this.closed = true
    this.queue.length = 0
    this.queuedBytes = 0
    this.stats.refused[entry.reason] = (this.stats.refused[entry.reason] ?? 0) + 1
    // Read again: the closing handshake needs the client's close frame, and a paused socket
    // would hold the connection until ws's 30 s close timeout.
    if (this.paused) {
      this.paused = false
      this.transport.resume?.()
    }
    this.transport.close(entry.code, formatCloseReason(entry, detail))
    this.dispose()
  }

  /** The transport closed: stop timers and give back the address budget. Idempotent. */
  dispose(): void {
    this.closed = true
    if (this.disposed) return
    this.disposed = true
    clearTimeout(this.authTimer)
    if (this.pumpTimer !== null) clearTimeout(this.pumpTimer)
    this.pumpTimer = null
    if (this.turnEnd !== null) clearImmediate(this.turnEnd)
    this.turnEnd = null
    this.endBurst()
    if (this.user === null) {
      this.protection.addresses.release(this.address)
    } else {
      this.protection.users.release(this.user)
      this.protection.signedInAddresses.release(this.address)
    }
  }

  private pump = (): void => {
    this.pumpTimer = null
    while (this.queue.length > 0 && !this.closed) {
      if (this.framesThisTurn >= MAX_FRAMES_PER_TURN) {
        // The rest waits for the next turn (endTurn pumps again); stop reading meanwhile, and
        // let the documents fed so far hold their broadcast for it.
        this.pauseTransport()
        this.continueBurst()
        return
      }
      const frame = this.queue[0]!
      let wait = this.connectionBudget.waitMs(frame.byteLength)
      for (const budget of this.sharedBudgets) wait = Math.max(wait, budget.waitMs(frame.byteLength))
      if (wait > 0) {
        // The rest follows at the rate limit, not in the next turn.
        this.endBurst()
        this.stats.throttled++
        this.pauseTransport()
        this.pumpTimer = setTimeout(this.pump, wait)
        return
      }
      this.connectionBudget.take(frame.byteLength)
      for (const budget of this.sharedBudgets) budget.take(frame.byteLength)
      this.queue.shift()
      this.queuedBytes -= frame.byteLength
      this.framesThisTurn++
      if (this.turnEnd === null) this.turnEnd = setImmediate(this.endTurn)
      this.admit(frame)
    }
    this.endBurst()
    if (this.paused && !this.closed) {
      this.paused = false
      this.transport.resume?.()
    }
  }

  /** Runs after the turn's I/O: the connection may hand on frames again. */
  private endTurn = (): void => {
    this.turnEnd = null
    this.framesThisTurn = 0
    this.documentsThisTurn.clear()
    if (this.pumpTimer === null && this.queue.length > 0) this.pump()
  }

  /**
   * Whether this connection is in a burst: frames it could hand on were held to a later turn by
   * {@link MAX_FRAMES_PER_TURN}, and it will hand them on in the next (not throttled, not drained).
   */
  get bursting(): boolean {
    return this.burstDocuments !== null
  }

  private continueBurst(): void {
    this.burstDocuments ??= new Set()
    for (const document of this.documentsThisTurn) {
      if (this.burstDocuments.has(document)) continue
      this.burstDocuments.add(document)
      this.protection.bursts.mark(document)
    }
  }

  private endBurst(): void {
    if (this.burstDocuments === null) return
    for (const document of this.burstDocuments) this.protection.bursts.unmark(document)
    this.burstDocuments = null
  }

  private pauseTransport(): void {
    if (this.paused) return
    this.paused = true
    this.transport.pause?.()
  }

  private admit(frame: Uint8Array): void {
    this.stats.inspected++
    const inspected = inspectFrame(frame, this.limits.frames)
    if (!inspected.ok) {
      this.refuse(inspected.kind === 'too-large' ? CLOSE_CODES.updateTooLarge : CLOSE_CODES.malformedMessage, inspected.detail)
      return
    }
    const authenticated = this.authenticated.has(inspected.address)
    if (!authenticated && !this.countPending(inspected.address, frame.byteLength)) return
    this.documentsThisTurn.add(documentOfAddress(inspected.address))
    if (authenticated && inspected.type === MESSAGE_TYPES.sync && inspected.syncType === SYNC_TYPES.update) {
      this.addToRun(inspected.address, frame, inspected.update!)
      return
    }
    // Anything else keeps its place after the updates before it.
    this.handOnRun()
    this.transport.deliver(frame)
  }

  /**
   * Holds an update frame until the end of the task (a microtask: ws emits every frame of a read
   * in one task), so the read's consecutive updates to one document go on as one.
   */
  private addToRun(address: string, frame: Uint8Array, update: Uint8Array): void {
    if (this.run && (this.run.address !== address || this.run.bytes + update.byteLength > MAX_MERGED_UPDATE_BYTES)) this.handOnRun()
    if (!this.run) {
      this.run = { address, frames: [], updates: [], bytes: 0 }
      queueMicrotask(this.handOnRun)
    }
    this.run.frames.push(frame)
    this.run.updates.push(update)
    this.run.bytes += update.byteLength
  }

  private handOnRun = (): void => {
    const run = this.run
    if (!run || this.closed) return
    this.run = null
    if (run.frames.length === 1) {
      this.transport.deliver(run.frames[0]!)
      return
    }
    let merged: Uint8Array
    try {
      merged = mergedUpdateFrame(run.address, run.updates)
    } catch {
      // Every update here decoded in full (inspectFrame), and merging decoded updates has not
      // been seen to throw (server/sync/update-merging.test.ts fuzzes it); should one ever, the
      // frames go on one by one as before rather than the error escaping this microtask.
      for (const frame of run.frames) this.transport.deliver(frame)
      return
    }
    this.stats.mergedFrames += run.frames.length
    this.transport.deliver(merged)
  }

  /** Counts a frame for a not-yet-authenticated document; false (and closed) past a cap. */
  private countPending(address: string, bytes: number): boolean {
    let entry = this.pending.get(address)
    if (!entry) {
      if (this.pending.size >= this.limits.preAuthMaxDocuments) {
        this.refuse(CLOSE_CODES.preAuthLimit, `over ${this.limits.preAuthMaxDocuments} documents awaiting authentication`)
        return false
      }
      entry = { messages: 0, bytes: 0 }
      this.pending.set(address, entry)
    }
    entry.messages++
    entry.bytes += bytes
    this.pendingMessages++
    this.pendingBytes += bytes
    if (this.pendingMessages > this.limits.preAuthMaxMessages) {
      this.refuse(CLOSE_CODES.preAuthLimit, `over ${this.limits.preAuthMaxMessages} messages before authentication`)
      return false
    }
    if (this.pendingBytes > this.limits.preAuthMaxBytes) {
      this.refuse(CLOSE_CODES.preAuthLimit, `over ${this.limits.preAuthMaxBytes} bytes before authentication`)
      return false
    }
    return true
  }

  private forgetPending(address: string): void {
    const entry = this.pending.get(address)
    if (!entry) return
    this.pending.delete(address)
    this.pendingMessages -= entry.messages
    this.pendingBytes -= entry.bytes
  }
}

/**
 * The socket Hocuspocus writes to: shows every outgoing frame to the guard, then passes it on, and
 * sends a merged update's acknowledgement once per frame it merged (see update-merging.ts).
 */
export class GuardedSocket implements WebSocketLike, AckRepeater {
  private readonly inner: WebSocketLike
  private readonly guard: ChannelGuard
  /** Copies owed for the next acknowledgement, per message address. */
  private readonly ackCopies = new Map<string, number>()

  constructor(inner: WebSocketLike, guard: ChannelGuard) {
    this.inner = inner
    this.guard = guard
  }

  /** The connection authenticated as `userId` (see {@link ChannelGuard.identify}). */
  identify(userId: string): void {
    this.guard.identify(userId)
  }

  /** See {@link ChannelGuard.bursting}. */
  get bursting(): boolean {
    return this.guard.bursting
  }

  get readyState(): number {
    return this.inner.readyState
  }

  repeatNextAck(address: string, copies: number): void {
    this.ackCopies.set(address, copies)
  }

  clearAckRepeat(address: string): void {
    this.ackCopies.delete(address)
  }

  send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
    if (data instanceof Uint8Array) {
      this.guard.observeOutgoing(data)
      if (this.ackCopies.size > 0 && peekOutgoingType(data) === MESSAGE_TYPE_SYNC_STATUS) {
        const address = peekOutgoing(data)?.address
        const copies = address === undefined ? undefined : this.ackCopies.get(address)
        if (copies !== undefined) {
          this.ackCopies.delete(address!)
          for (let i = 1; i < copies; i++) this.inner.send(data)
        }
      }
    }
    this.inner.send(data)
  }

  close(code?: number, reason?: string): void {
    this.inner.close(code, reason)
  }
}
