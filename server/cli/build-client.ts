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

/** Builds the client if {@link clientBuildIsStale}; returns whether it built. */
export async function buildClientIfNeeded(): Promise<boolean> {
  if (!clientBuildIsStale()) return false
  const { build } = await import('vite')
  await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' })
  return true
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
