/**
 * Real editing traces from ../shared/data/editing-traces (CC BY 4.0, Joseph Gentle and the trace
 * authors; see that folder's README). Read in place, not copied.
 */
import fs from 'node:fs'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'

/** A sequential trace: apply every patch of every transaction in order to reach `endContent`. */
export interface SequentialTrace {
  startContent: string
  endContent: string
  txns: { time?: string; patches: [position: number, deleteCount: number, insertText: string][] }[]
}

// EDITING_TRACES_DIR: where the repository is not checked out beside ../shared (e.g. a git worktree).
const tracesDir =
  process.env.EDITING_TRACES_DIR || path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data', 'editing-traces')

/** Loads `name` (e.g. `clownschool_flat`) from the shared traces folder; throws if it is missing. */
export function loadTrace(name: string): SequentialTrace {
  const file = path.join(tracesDir, `${name}.json.gz`)
  if (!fs.existsSync(file)) throw new Error(`editing trace not found at ${file}: is ../shared checked out beside the repository?`)
  return JSON.parse(gunzipSync(fs.readFileSync(file)).toString('utf8')) as SequentialTrace
}
