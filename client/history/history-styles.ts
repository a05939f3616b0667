/**
 * Styles of the history panel, installed once by the panel (so the feature is one import).
 */

/** The panel's CSS. */
export const HISTORY_STYLES = `
.history-toggle { font: inherit; font-size: 0.9rem; padding: 0.25rem 0.7rem; border: 1px solid #ccc; border-radius: 6px; background: #fff; cursor: pointer; }
.history-toggle[aria-expanded='true'] { background: #eef3ff; border-color: #8aa4e8; }
.history-panel { position: fixed; top: 0; right: 0; bottom: 0; width: min(26rem, 92vw); background: #fff; border-left: 1px solid #e3e3e0; box-shadow: -6px 0 18px rgba(0,0,0,0.06); padding: 1rem 1.2rem; overflow-y: auto; z-index: 5; }
.history-panel[hidden] { display: none; }
.history-panel h2 { font-size: 1.1rem; margin: 0 0 0.8rem; }
.history-panel h3 { font-size: 1rem; margin: 0.6rem 0; }
.history-close { position: absolute; top: 0.6rem; right: 0.8rem; border: 0; background: none; font-size: 1.4rem; cursor: pointer; }
.history-save { display: flex; gap: 0.4rem; margin-bottom: 0.8rem; }
.history-save[hidden] { display: none; }
.history-save input { flex: 1; font: inherit; padding: 0.3rem 0.5rem; }
.history-list { list-style: none; padding: 0; margin: 0; }
.history-list[hidden] { display: none; }
.history-item { display: grid; gap: 0.15rem; width: 100%; text-align: left; font: inherit; background: none; border: 0; border-bottom: 1px solid #eee; padding: 0.55rem 0.3rem; cursor: pointer; }
.history-item:hover { background: #f6f7fb; }
.history-item-label { font-weight: 600; }
.history-item time { font-size: 0.85rem; color: #666; }
.history-item-authors { display: flex; flex-wrap: wrap; gap: 0.3rem; font-size: 0.8rem; }
.history-author { border: 1px solid; border-radius: 999px; padding: 0 0.45rem; font-size: 0.8rem; }
.history-saved-by { color: #777; }
.history-empty { color: #777; font-size: 0.9rem; }
.history-preview[hidden] { display: none; }
.history-back, .history-restore { font: inherit; font-size: 0.9rem; padding: 0.25rem 0.6rem; margin-right: 0.4rem; border-radius: 6px; border: 1px solid #ccc; background: #fff; cursor: pointer; }
.history-restore { background: #1f6feb; border-color: #1f6feb; color: #fff; }
.history-restore[hidden] { display: none; }
.history-legend { display: flex; flex-wrap: wrap; gap: 0.3rem; align-items: center; font-size: 0.85rem; margin: 0.7rem 0; }
.history-diff { border: 1px solid #eee; border-radius: 6px; padding: 0.6rem 0.8rem; line-height: 1.6; }
.history-diff ins { text-decoration: none; border-radius: 2px; }
.history-diff del { color: #b42318; background: #fde7e7; }
.history-modes { display: flex; gap: 0.3rem; margin-top: 0.6rem; }
.history-modes button { font: inherit; font-size: 0.85rem; padding: 0.15rem 0.6rem; border: 1px solid #ccc; border-radius: 999px; background: #fff; cursor: pointer; }
.history-modes button[aria-pressed='true'] { background: #eef3ff; border-color: #8aa4e8; }
.history-diff[hidden], .history-legend[hidden], .history-version[hidden] { display: none; }
.history-version { border: 1px solid #eee; border-radius: 6px; padding: 0.6rem 0.8rem; line-height: 1.6; margin-top: 0.7rem; background: #fafafa; }
.history-today { display: flex; flex-wrap: wrap; gap: 0.3rem; align-items: center; font-size: 0.85rem; color: #555; margin: 0 0 0.8rem; }
.history-today[hidden] { display: none; }
.history-error { color: #b42318; font-size: 0.9rem; }
`
