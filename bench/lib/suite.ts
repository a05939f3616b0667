/**
 * What a benchmark suite is: a named step of `npm run bench` that returns its figures (JSON), a
 * markdown section and optional SVG plots.
 */
import type { Profile } from './profiles.ts'
import type { ServerKind } from './servers.ts'

/** What every suite receives. */
export interface SuiteContext {
  profile: Profile
  /** Servers to compare (default all three). */
  servers: ServerKind[]
  /** Prints a progress line. */
  log(message: string): void
}

/** A plot file to write next to the results. */
export interface Plot {
  /** File name suffix, e.g. `fanout-p99`. */
  name: string
  svg: string
}

/** A suite's output. */
export interface SuiteResult {
  /** Machine-readable figures. */
  data: unknown
  /** Markdown lines (tables, notes), without the section heading. */
  markdown: string[]
  plots?: Plot[]
}

/** A benchmark suite. */
export interface Suite {
  name: string
  title: string
  run(context: SuiteContext): Promise<SuiteResult>
}
