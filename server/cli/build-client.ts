/**
 * Builds the client with Vite when `dist/client` is missing or older than its sources, so
 * `npm start` works on a fresh clone and stays fast on the next start.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const SOURCES = ['client', 'shared', 'vite.config.ts', 'package-lock.json']

/** True when the built client is missing or older than any client source file. */
export function clientBuildIsStale(outDir = path.join(root, 'dist', 'client')): boolean {
  const built = path.join(outDir, 'index.html')
  if (!fs.existsSync(built)) return true
  const builtAt = fs.statSync(built).mtimeMs
  return SOURCES.some((source) => newestMtime(path.join(root, source)) > builtAt)
}

/**
 * Builds the client if {@link clientBuildIsStale}; returns whether it built. Concurrent callers
 * (parallel test runs, a server starting meanwhile) take turns through a lock directory, so two
 * builds never write `dist/client` at once.
 */
export async function buildClientIfNeeded(): Promise<boolean> {
  if (!clientBuildIsStale()) return false
  const release = await acquireLock(path.join(root, 'dist', '.build-lock'))
  try {
    if (!clientBuildIsStale()) return false
    const { build } = await import('vite')
    await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' })
    return true
  } finally {
    release()
  }
}

/** Takes a lock by creating `dir` (atomic); a lock older than two minutes is considered abandoned. */
async function acquireLock(dir: string): Promise<() => void> {
  fs.mkdirSync(path.dirname(dir), { recursive: true })
  const deadline = Date.now() + 5 * 60_000
  for (;;) {
    try {
      fs.mkdirSync(dir)
      return () => fs.rmSync(dir, { recursive: true, force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const age = Date.now() - (fs.statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now())
      if (age > 120_000) fs.rmSync(dir, { recursive: true, force: true })
      if (Date.now() > deadline) throw new Error(`timed out waiting for the client build lock ${dir}`)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
}

function newestMtime(target: string): number {
  if (!fs.existsSync(target)) return 0
  const stat = fs.statSync(target)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const entry of fs.readdirSync(target)) {
    if (entry === 'node_modules') continue
    newest = Math.max(newest, newestMtime(path.join(target, entry)))
  }
  return newest
}

if (import.meta.main) {
  await buildClientIfNeeded()
}
