/**
 * Launches the servers under test, each fresh in its own child process on a free loopback port:
 * ours (`server/cli/start.ts` with `npm start`'s node flags: production configuration), bare `@hocuspocus/server`, and the
 * y-websocket reference server. Every launched process is killed when the harness exits.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { mintToken } from '../../server/auth/tokens.ts'
import { LIFTED_MESSAGE_RATE_LIMITS } from '../../server/limits/channel-limits.ts'
import { SERVER_NODE_FLAGS } from '../../server/cli/node-flags.ts'
import { processCpuMs, processRssBytes } from './proc-stats.ts'

/** Repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Checkout whose server is "ours": this one, or `BENCH_OURS_ROOT` to measure another build with this harness. */
export const OURS_ROOT = path.resolve(process.env.BENCH_OURS_ROOT ?? ROOT)

/**
 * The servers compared, and `floor` (bench/peers/relay-floor.ts): not a server anyone would run
 * but the least one can do, to show how low a fan-out latency can go on the machine.
 */
export type ServerKind = 'ours' | 'hocuspocus' | 'y-websocket' | 'floor'

/** Display names, as in the result tables. */
export const SERVER_LABELS: Record<ServerKind, string> = {
  ours: 'ours (auth + durable SQLite)',
  hocuspocus: 'bare Hocuspocus',
  'y-websocket': 'y-websocket reference',
  floor: 'relay floor (forwards frames, no checks)',
}

/** Which client library speaks to a server. */
export type ClientProtocol = 'hocuspocus' | 'y-websocket'

/** The secret our server signs tokens with in benchmarks. */
export const BENCH_SECRET = 'bench-secret-bench-secret-bench-secret-0123456789'

/** A running server process. */
export interface BenchServer {
  kind: ServerKind
  pid: number
  port: number
  /** WebSocket URL clients connect to (for y-websocket, the room name is appended). */
  wsUrl: string
  protocol: ClientProtocol
  /** Ours only: the base URL of its y-websocket endpoint (`<url>/<document>?token=…`), for stock y-websocket clients. */
  yWebsocketUrl?: string
  /** Token clients present (ours checks it; the peers ignore it). */
  token: string
  /** Ours only: its data directory. */
  dataDir?: string
  cpuMs(): number
  rssBytes(): number
  /** Stops the process (SIGTERM, then SIGKILL after 10 s) and waits for it to exit. */
  stop(): Promise<void>
}

/**
 * Runs the rest of the command line with the open-file limit raised to the hard limit: 10,000
 * sockets need more than the usual soft limit of 1,024. `exec` keeps the pid the node process's.
 */
export const RAISE_FD_LIMIT = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"'

const running = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
})

/** Options for {@link startServer}. */
export interface StartOptions {
  /** Ours: extra environment (e.g. `DURABLE_ACK=false`, `REDIS_URL`). */
  env?: Record<string, string>
  /** Ours: reuse this data directory instead of a fresh one (and keep it on stop). */
  dataDir?: string
  /** Ours: keep the fresh data directory on stop (the caller removes it). */
  keepDataDir?: boolean
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[]
}

const PEER_SCRIPTS: Record<Exclude<ServerKind, 'ours'>, string> = {
  hocuspocus: 'bench/peers/bare-hocuspocus.ts',
  'y-websocket': 'bench/peers/y-websocket-server.ts',
  floor: 'bench/peers/relay-floor.ts',
}

/** Starts a fresh server of `kind`. */
export async function startServer(kind: ServerKind, options: StartOptions = {}): Promise<BenchServer> {
  if (kind === 'ours') {
    const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'collab-bench-'))
    // `npm run bench -- --cpu-prof DIR` profiles every instance of ours (a .cpuprofile per process, written on exit).
    const profiling = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : []
    const child = await launch(path.join(OURS_ROOT, 'server/cli/start.ts'), [...SERVER_NODE_FLAGS, ...profiling, ...(options.nodeArgs ?? [])], {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      AUTH_SECRET: BENCH_SECRET,
      DEV_TOKENS: 'false',
      LOG_LEVEL: 'warn',
      // Production configuration except the message-rate limits: every bench client shares
      // 127.0.0.1 (one address budget) and scripted writers type far faster than people, so the
      // limits would measure the throttle, not the server. Byte limits, frame decoding, update
      // bounds and schema validation stay on; `bench/flood.ts` measures the limits themselves.
      ...LIFTED_MESSAGE_RATE_LIMITS,
      ...options.env,
    })
    const token = await mintToken(BENCH_SECRET, { user: { id: 'bench', name: 'Bench' } })
    return describe(kind, child, `ws://127.0.0.1:${child.port}/collab`, 'hocuspocus', token, options.dataDir || options.keepDataDir ? undefined : dataDir, dataDir)
  }
  const script = PEER_SCRIPTS[kind]
  const child = await launch(path.join(ROOT, script), options.nodeArgs ?? [], { PORT: '0' })
  return describe(kind, child, `ws://127.0.0.1:${child.port}`, kind === 'y-websocket' ? 'y-websocket' : 'hocuspocus', 'bench', undefined, undefined)
}

function describe(
  kind: ServerKind,
  child: ChildProcess & { port: number },
  wsUrl: string,
  protocol: ClientProtocol,
  token: string,
  ownedDataDir: string | undefined,
  dataDir: string | undefined,
): BenchServer {
  const pid = child.pid!
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once('exit', () => resolve())
  })
  return {
    kind,
    pid,
    port: child.port,
    wsUrl,
    protocol,
    token,
    ...(kind === 'ours' ? { yWebsocketUrl: `ws://127.0.0.1:${child.port}/yjs` } : {}),
    ...(dataDir ? { dataDir } : {}),
    cpuMs: () => processCpuMs(pid),
    rssBytes: () => processRssBytes(pid),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
      running.delete(child)
      if (ownedDataDir) fs.rmSync(ownedDataDir, { recursive: true, force: true })
    },
  }
}

/** Spawns `node script` and waits for the line that names its port. */
async function launch(script: string, nodeArgs: string[], env: Record<string, string>): Promise<ChildProcess & { port: number }> {
  const child = spawn('sh', ['-c', RAISE_FD_LIMIT, process.execPath, ...nodeArgs, script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  let output = ''
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${path.basename(script)} did not start within 120 s:\n${output}`)), 120_000)
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /BENCH_LISTENING (\d+)|running at http:\/\/[^\s:]+:(\d+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(Number(match[1] ?? match[2]))
      }
    })
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      // Keep server warnings visible: they explain odd figures.
      if (output.length < 20_000) process.stderr.write(`[${path.basename(script)}] ${chunk.toString()}`)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${path.basename(script)} exited with ${code} before listening:\n${output}`))
    })
  })
  return Object.assign(child, { port })
}
