/**
 * A small hand-written SVG line chart (a few series, optional log-scaled x axis): enough for
 * "latency vs readers" and "memory vs connections" without a plotting dependency.
 */

/** One line of the chart. */
export interface Series {
  name: string
  points: [x: number, y: number][]
}

/** Chart options. */
export interface ChartOptions {
  title: string
  xLabel: string
  yLabel: string
  series: Series[]
  logX?: boolean
  width?: number
  height?: number
}

const COLOURS = ['#d62728', '#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd']

/** Renders `options` as a standalone SVG document. */
export function lineChart(options: ChartOptions): string {
  const width = options.width ?? 640
  const height = options.height ?? 400
  const margin = { left: 70, right: 34, top: 40, bottom: 80 }
  const plotW = width - margin.left - margin.right
  const plotH = height - margin.top - margin.bottom
  const all = options.series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
  const fx = (x: number) => (options.logX ? Math.log10(Math.max(x, 1e-9)) : x)
  const xs = all.map(([x]) => fx(x))
  let xMin = Math.min(...xs, Infinity)
  let xMax = Math.max(...xs, -Infinity)
  if (!Number.isFinite(xMin)) [xMin, xMax] = [0, 1]
  if (xMin === xMax) [xMin, xMax] = [xMin - 1, xMax + 1]
  const yMax = niceCeil(Math.max(...all.map(([, y]) => y), 0) || 1)
  const px = (x: number) => margin.left + ((fx(x) - xMin) / (xMax - xMin)) * plotW
  const py = (y: number) => margin.top + plotH - (y / yMax) * plotH
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${escape(options.title)}</text>`,
  ]
  // Y grid and ticks.
  for (let i = 0; i <= 5; i++) {
    const value = (yMax / 5) * i
    const y = py(value)
    parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y}" y2="${y}" stroke="#ddd"/>`)
    parts.push(`<text x="${margin.left - 6}" y="${y + 4}" text-anchor="end">${format(value)}</text>`)
  }
  // X ticks at the data's x values.
  for (const x of [...new Set(all.map(([x]) => x))].sort((a, b) => a - b)) {
    parts.push(`<line x1="${px(x)}" x2="${px(x)}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#eee"/>`)
    parts.push(`<text x="${px(x)}" y="${margin.top + plotH + 16}" text-anchor="middle">${format(x)}</text>`)
  }
  parts.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`)
  parts.push(`<text x="${margin.left + plotW / 2}" y="${margin.top + plotH + 34}" text-anchor="middle">${escape(options.xLabel)}${options.logX ? ' (log scale)' : ''}</text>`)
  parts.push(`<text transform="translate(16 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(options.yLabel)}</text>`)
  options.series.forEach((series, index) => {
    const colour = COLOURS[index % COLOURS.length]
    const points = series.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).sort((a, b) => a[0] - b[0])
    if (points.length > 1) parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`)
    for (const [x, y] of points) parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3.5" fill="${colour}"><title>${escape(series.name)}: ${format(y)} at ${format(x)}</title></circle>`)
    const legendX = margin.left + index * (plotW / Math.max(1, options.series.length))
    const legendY = height - 18
    parts.push(`<rect x="${legendX}" y="${legendY - 9}" width="12" height="12" fill="${colour}"/>`)
    parts.push(`<text x="${legendX + 16}" y="${legendY + 1}">${escape(series.name)}</text>`)
  })
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}

function niceCeil(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value))
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power
  return 10 * power
}

function format(value: number): string {
  if (value >= 1000) return value.toLocaleString('en-US', { maximumFractionDigits: 0 })
  if (value >= 10) return String(Math.round(value))
  return String(Math.round(value * 100) / 100)
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
