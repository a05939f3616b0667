/**
 * The token-signing secret: `AUTH_SECRET` when set, otherwise a random secret generated on first
 * start and kept in `DATA_DIR`, so tokens minted by `npm run token` stay valid across restarts.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/** File name of the generated secret inside the data directory. */
export const SECRET_FILE = 'auth-secret'

/** Returns the secret to sign and verify tokens with, creating `dataDir/auth-secret` if needed. */
export function resolveAuthSecret(dataDir: string, configured: string | undefined): string {
  if (configured) return configured
  fs.mkdirSync(dataDir, { recursive: true })
  const file = path.join(dataDir, SECRET_FILE)
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const secret = randomBytes(32).toString('base64url')
  try {
    // `wx`: if two processes race on first start, one wins and the other reads its secret.
    fs.writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' })
    return secret
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return fs.readFileSync(file, 'utf8').trim()
  }
}
