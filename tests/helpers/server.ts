/**
 * Real servers for tests: in-process on a free port, or as a child process (for restarts and
 * kill -9), each on its own temporary data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer, type RunningServer } from '../../server/app.ts'
import { SERVER_NODE_FLAGS } from '../../server/cli/node-flags.ts'
import { mintToken, type MintOptions } from '../../server/auth/tokens.ts'
import { loadConfig } from '../../server/config.ts'
import { LIFTED_MESSAGE_RATE_LIMITS } from '../../server/limits/channel-limits.ts'
import { createLogger } from '../../server/log.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/**
 * Message rate limits lifted for tests that are not about them: every test client shares
 * 127.0.0.1 (one address budget), many share a user, and scripted clients type far faster than
 * people. The
 * rate-limit tests and `bench/flood.ts` set the limits they test explicitly [SEC3].
 */
export const UNTHROTTLED = LIFTED_MESSAGE_RATE_LIMITS

/** A fixed secret so tokens can be minted before a server starts. */
export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123456789'

/** Makes a fresh temporary data directory. */
export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'collab-test-'))
}

/** Starts a server in this process on a free port. */
export async function startTestServer(env: Record<string, string> = {}): Promise<RunningServer & { dataDir: string }> {
  const dataDir = env.DATA_DIR ?? tempDataDir()
  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, AUTH_SECRET: TEST_SECRET, ...UNTHROTTLED, ...env })
  const server = await startServer(config, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'))
  return Object.assign(server, { dataDir })
}

/** A server running as a child process. */
export interface ChildServer {
  url: string
  port: number
  dataDir: string
  process: ChildProcess
  /** Everything the process wrote to stdout and stderr so far (pino JSON lines at LOG_LEVEL). */
  output(): string
  /** Sends `signal` and waits for exit; resolves to the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** Starts `npm start`'s entry point as a child process and waits for its URL line. */
export async function spawnTestServer(env: Record<string, string> = {}): Promise<ChildServer> {
  const dataDir = env.DATA_DIR ?? tempDataDir()
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, path.join(root, 'server/cli/start.ts')], {
    cwd: root,
    env: { ...inheritedEnv(), PORT: '0', DATA_DIR: dataDir, AUTH_SECRET: TEST_SECRET, LOG_LEVEL: 'warn', ...UNTHROTTLED, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  let started = false
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${output}`)), 30_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (started) return
      const match = /running at (http:\/\/[^\s/]+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        started = true
        resolve(match[1]!)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code} before starting:\n${output}`))
    })
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return {
    url,
    port: Number(new URL(url).port),
    dataDir,
    process: child,
    output: () => output,
    stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
}

/**
 * This process's environment minus the store and Redis settings: a test server uses PostgreSQL
 * or Redis only when its test asks, never because the shell running the tests had them set
 * (servers of unrelated tests would share a schema or a Redis prefix and see each other).
 */
function inheritedEnv(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _database, HISTORY_DATABASE_URL: _history, REDIS_URL: _redis, REDIS_PREFIX: _prefix, ...rest } = process.env
  return rest
}

/** Mints a token with the test secret. */
export function testToken(name: string, options: Partial<MintOptions> = {}): Promise<string> {
  return mintToken(TEST_SECRET, { user: { id: name.toLowerCase(), name }, ...options })
}

/** WebSocket URL of a server's collaboration endpoint. */
export function collabUrl(httpUrl: string): string {
  return `${httpUrl.replace(/^http/, 'ws')}/collab`
}
