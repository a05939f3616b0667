/**
 * Ours over the HTTP fallback (SSE + POST) against ours over WebSocket: fan-out latency and bytes
 * on the wire per edit. Runs `bench/http-fallback.ts` (which predates this harness) in a child
 * process.
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { table } from '../lib/markdown.ts'
import { ROOT } from '../lib/servers.ts'
import type { Suite } from '../lib/suite.ts'

interface TransportResult {
  transport: string
  latencyMs: { p50: number; p95: number; p99: number; max: number }
  bytesPerEdit: { up: number; down: number; total: number }
}

export const httpFallback: Suite = {
  name: 'http-fallback',
  title: '8. HTTP fallback vs WebSocket (ours)',
  async run({ profile, log }) {
    const { edits, receivers } = profile.httpFallback
    log(`http-fallback: ${edits} edits, ${receivers} readers, WebSocket then HTTP`)
    const child = spawn(process.execPath, [path.join(ROOT, 'bench/http-fallback.ts'), '--edits', String(edits), '--receivers', String(receivers), '--json'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    const match = /BENCH_RESULT (.*)/.exec(output)
    if (code !== 0 || !match) throw new Error(`bench/http-fallback.ts failed (exit ${code}): ${output.slice(-2000)}`)
    const summary = JSON.parse(match[1]!) as { setup: string; results: TransportResult[]; ratio: { p50: number; bytesPerEdit: number } }
    const markdown = [
      '',
      `${summary.setup}.`,
      '',
      ...table(
        ['transport', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'bytes/edit up', 'bytes/edit down', 'bytes/edit total'],
        summary.results.map((r) => [r.transport, r.latencyMs.p50, r.latencyMs.p95, r.latencyMs.p99, r.latencyMs.max, r.bytesPerEdit.up, r.bytesPerEdit.down, r.bytesPerEdit.total]),
      ),
      '',
      `HTTP/WebSocket: ${summary.ratio.p50}× the median latency, ${summary.ratio.bytesPerEdit}× the bytes per edit.`,
    ]
    return { data: summary, markdown }
  },
}
