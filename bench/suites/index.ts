/**
 * Every suite, in the order `npm run bench` runs them.
 */
import type { Suite } from '../lib/suite.ts'
import { fanout } from './fanout.ts'
import { trace } from './trace.ts'
import { manyDocs } from './many-docs.ts'
import { memory } from './memory.ts'
import { durability } from './durability.ts'
import { scaleOut } from './scale-out.ts'
import { browser } from './browser.ts'
import { httpFallback } from './http-fallback.ts'

export const SUITES: Suite[] = [fanout, manyDocs, trace, memory, durability, scaleOut, browser, httpFallback]
