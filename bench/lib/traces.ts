/**
 * Finds and applies the real editing traces in `../shared/data/editing-traces` (CC BY 4.0, Joseph
 * Gentle and the trace authors). CI checks `../shared` out beside the repository; a git worktree
 * may sit one level deeper, so parent folders are tried too, and `TRACES_DIR` overrides.
 */
import fs from 'node:fs'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { ROOT } from './servers.ts'

/** A sequential trace (see the traces folder's README). */
export interface SequentialTrace {
  startContent: string
  endContent: string
  txns: { patches: [position: number, deleteCount: number, insertText: string][] }[]
}

/** Path of trace `name` (e.g. `automerge-paper`); throws with the places tried when missing. */
export function traceFile(name: string): string {
  const candidates = [
    ...(process.env.TRACES_DIR ? [process.env.TRACES_DIR] : []),
    path.resolve(ROOT, '../shared/data/editing-traces'),
    path.resolve(ROOT, '../../shared/data/editing-traces'),
  ].map((dir) => path.join(dir, `${name}.json.gz`))
  const found = candidates.find((file) => fs.existsSync(file))
  if (!found) throw new Error(`editing trace ${name} not found; tried ${candidates.join(', ')} (set TRACES_DIR)`)
  return found
}

/** Loads trace `name`. */
export function loadTrace(name: string): SequentialTrace {
  return JSON.parse(gunzipSync(fs.readFileSync(traceFile(name))).toString('utf8')) as SequentialTrace
}

/** The text after the first `limit` transactions (all when null); equals `endContent` for the whole trace. */
export function textAfter(trace: SequentialTrace, limit: number | null): string {
  const txns = limit === null ? trace.txns : trace.txns.slice(0, limit)
  if (limit === null || limit >= trace.txns.length) return trace.endContent
  // Chunks of a rope would be faster; a string splice per edit is fine for prefixes.
  let text = trace.startContent
  for (const txn of txns) {
    for (const [position, deleteCount, insertText] of txn.patches) text = text.slice(0, position) + insertText + text.slice(position + deleteCount)
  }
  return text
}
