/**
 * Vitest global setup: the browser tests need the built client.
 */
import { buildClientIfNeeded } from '../../server/cli/build-client.ts'

export default async function setup(): Promise<void> {
  await buildClientIfNeeded()
}
