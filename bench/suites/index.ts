/**
 * Every suite, in the order `npm run bench` runs them.
 */
import type { Suite } from '../lib/suite.ts'
import { fanout } from './fanout.ts'
import { trace } from './trace.ts'

export const SUITES: Suite[] = [fanout, trace]
