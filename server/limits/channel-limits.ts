/**
 * Every limit on what a client connection can make the server hold or do, with its environment
 * variable and default, in one place. README "Security" lists the same table.
 */
import type { FrameBounds } from '../../shared/frame-inspection.ts'

/** Token-bucket rates: a sustained rate and the burst allowed above it. */
export interface RateLimit {
  /** Messages per second, sustained. */
  messagesPerSecond: number
  /** Messages allowed at once on a full bucket. */
  messageBurst: number
  /** Bytes per second, sustained. */
  bytesPerSecond: number
  /** Bytes allowed at once on a full bucket (at least one maximum-size message). */
  byteBurst: number
}

/** Limits of the hardened channel (see SPEC "Hardened channel"). */
export interface ChannelLimits {
  /** Field and Yjs update bounds every inbound frame is decoded against. */
  frames: FrameBounds
  /**
   * Per connection (socket or HTTP session). A fast typist sends about 10 updates a second plus
   * as many presence updates; a paste or an offline reconnect is one message. The defaults leave
   * room for that and bound what one socket costs the server (every update is validated, stored
   * and broadcast): `bench/flood.ts` measures honest latency under flooders held to them.
   */
  perConnection: RateLimit
  /**
   * Per client address, over all its connections and transports, for connections not yet
   * authenticated (who they are is unknown: the address is all there is to hold them to).
   */
  perAddress: RateLimit
  /**
   * Per signed-in user, over all their connections (tabs, devices) and transports, once a
   * connection has authenticated. Keyed by user rather than address so that the people of an
   * office behind one NAT do not share (and exhaust) one budget.
   */
  perUser: RateLimit
  /**
   * Per client address over its authenticated connections, all users together: a ceiling, ten
   * times the address budget, so that accounts (registration is open by default, and share links
   * make guests) cannot multiply what one address may send without bound.
   */
  perAddressSignedIn: RateLimit
  /**
   * Received frames waiting for rate-limit tokens, per connection. Past either bound the client
   * is not merely fast but ignoring backpressure: close with `rate-limited` (4429).
   */
  maxQueuedMessages: number
  maxQueuedBytes: number
  /** A connection with no authenticated document this long after opening is closed (4408). */
  authTimeoutMs: number
  /** Before any document authenticates: frames, bytes and distinct documents a connection may send (4431 past them). */
  preAuthMaxMessages: number
  preAuthMaxBytes: number
  preAuthMaxDocuments: number
}

/** Reads one integer variable; `config.ts` supplies its validating reader. */
export type IntegerReader = (name: string, fallback: number, min: number, max: number) => number

/** The limits from the environment, given the message size limit they must be consistent with. */
export function readChannelLimits(read: IntegerReader, maxMessageBytes: number): ChannelLimits {
  const MiB = 1024 * 1024
  return {
    frames: {
      maxUpdateBytes: read('MAX_UPDATE_BYTES', maxMessageBytes, 1024, maxMessageBytes),
      maxStructs: read('MAX_UPDATE_STRUCTS', 200_000, 1, 10_000_000),
      maxDeleteRanges: read('MAX_UPDATE_DELETE_RANGES', 200_000, 1, 10_000_000),
      maxAddressBytes: 512,
      maxTokenBytes: read('MAX_TOKEN_BYTES', 16 * 1024, 256, MiB),
      maxAwarenessBytes: read('MAX_AWARENESS_BYTES', 64 * 1024, 1024, maxMessageBytes),
      maxAwarenessStates: 64,
      maxStatelessBytes: read('MAX_STATELESS_BYTES', 64 * 1024, 1024, maxMessageBytes),
      maxStateVectorEntries: 100_000,
    },
    perConnection: {
      messagesPerSecond: read('RATE_LIMIT_MESSAGES_PER_SECOND', 30, 1, 1_000_000),
      messageBurst: read('RATE_LIMIT_MESSAGE_BURST', 300, 1, 10_000_000),
      bytesPerSecond: read('RATE_LIMIT_BYTES_PER_SECOND', MiB, 1024, 1024 * MiB),
      byteBurst: read('RATE_LIMIT_BYTE_BURST', 2 * maxMessageBytes, maxMessageBytes, 4096 * MiB),
    },
    perAddress: {
      messagesPerSecond: read('ADDRESS_RATE_LIMIT_MESSAGES_PER_SECOND', 300, 1, 10_000_000),
      messageBurst: read('ADDRESS_RATE_LIMIT_MESSAGE_BURST', 3_000, 1, 100_000_000),
      bytesPerSecond: read('ADDRESS_RATE_LIMIT_BYTES_PER_SECOND', 8 * MiB, 1024, 16 * 1024 * MiB),
      byteBurst: read('ADDRESS_RATE_LIMIT_BYTE_BURST', 8 * maxMessageBytes, maxMessageBytes, 16 * 1024 * MiB),
    },
    perUser: {
      messagesPerSecond: read('USER_RATE_LIMIT_MESSAGES_PER_SECOND', 300, 1, 10_000_000),
      messageBurst: read('USER_RATE_LIMIT_MESSAGE_BURST', 3_000, 1, 100_000_000),
      bytesPerSecond: read('USER_RATE_LIMIT_BYTES_PER_SECOND', 8 * MiB, 1024, 16 * 1024 * MiB),
      byteBurst: read('USER_RATE_LIMIT_BYTE_BURST', 8 * maxMessageBytes, maxMessageBytes, 16 * 1024 * MiB),
    },
    perAddressSignedIn: {
      messagesPerSecond: read('SIGNED_IN_ADDRESS_RATE_LIMIT_MESSAGES_PER_SECOND', 3_000, 1, 100_000_000),
      messageBurst: read('SIGNED_IN_ADDRESS_RATE_LIMIT_MESSAGE_BURST', 30_000, 1, 1_000_000_000),
      bytesPerSecond: read('SIGNED_IN_ADDRESS_RATE_LIMIT_BYTES_PER_SECOND', 64 * MiB, 1024, 64 * 1024 * MiB),
      byteBurst: read('SIGNED_IN_ADDRESS_RATE_LIMIT_BYTE_BURST', 64 * maxMessageBytes, maxMessageBytes, 64 * 1024 * MiB),
    },
    maxQueuedMessages: read('RATE_LIMIT_MAX_QUEUED_MESSAGES', 10_000, 1, 10_000_000),
    maxQueuedBytes: read('RATE_LIMIT_MAX_QUEUED_BYTES', 4 * maxMessageBytes, maxMessageBytes, 4096 * MiB),
    authTimeoutMs: read('AUTH_TIMEOUT_MS', 10_000, 100, 600_000),
    preAuthMaxMessages: read('PRE_AUTH_MAX_MESSAGES', 100, 1, 100_000),
    preAuthMaxBytes: read('PRE_AUTH_MAX_BYTES', maxMessageBytes + MiB, 1024, 4096 * MiB),
    preAuthMaxDocuments: read('PRE_AUTH_MAX_DOCUMENTS', 20, 1, 10_000),
  }
}

/**
 * Environment settings that lift every message-rate limit, for tests and benchmarks whose subject
 * is not the limits: their scripted clients share 127.0.0.1 and a user, and type far faster than
 * people, so the limits would measure the throttle. Byte limits, decoding and validation stay on.
 */
export const LIFTED_MESSAGE_RATE_LIMITS: Readonly<Record<string, string>> = {
  RATE_LIMIT_MESSAGES_PER_SECOND: '1000000',
  RATE_LIMIT_MESSAGE_BURST: '1000000',
  ADDRESS_RATE_LIMIT_MESSAGES_PER_SECOND: '1000000',
  ADDRESS_RATE_LIMIT_MESSAGE_BURST: '1000000',
  USER_RATE_LIMIT_MESSAGES_PER_SECOND: '1000000',
  USER_RATE_LIMIT_MESSAGE_BURST: '1000000',
  SIGNED_IN_ADDRESS_RATE_LIMIT_MESSAGES_PER_SECOND: '1000000',
  SIGNED_IN_ADDRESS_RATE_LIMIT_MESSAGE_BURST: '1000000',
}
