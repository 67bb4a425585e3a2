/**
 * The HTML report: one self-contained file (no network; it works from file://). The run's data is embedded as
 * JSON in a non-executable script element, with `<`, `>` and `&` written as \u escapes so no name can close it;
 * the page's own script (`html-client.js`) reads it and puts every name into the page as text, never as markup.
 * The fault maps are drawn on canvases, so 100,000 cases cost no more than 100,000 rectangles.
 *
 * Cases are stored column by column, and replay commands as templates around the case id, which keeps a
 * 100,000-case report to a few megabytes.
 */
import { readFileSync } from 'node:fs';
import { INVARIANTS } from '../invariants.ts';
import { type CaseResult, type RunReport, summarize } from '../results.ts';
import { type Reporter, writeOutput } from './reporter.ts';

const CLIENT = readFileSync(new URL('./html-client.js', import.meta.url), 'utf8');

/** Verdict colours: pass, skip, and one per invariant for a failure (the legend shows the same values). */
export const VERDICT_COLOURS: Readonly<Record<string, string>> = {
  pass: '#2e9d4a',
  skip: '#a9adb3',
  safety: '#d62728',
  'no-brick': '#7a0c0c',
  exactness: '#ff7f0e',
  convergence: '#9467bd',
  'no-collateral': '#e377c2',
  'no-rollback': '#8c564b',
  'clock-independence': '#bcbd22',
  'idempotent-recovery': '#17becf',
  'flash-discipline': '#1f3fbf',
};

const STATUS_CODES = { pass: 0, fail: 1, skip: 2 } as const;

export interface HtmlData {
  readonly info: RunReport['info'];
  readonly durationMs: number;
  readonly stoppedEarly: string | null;
  readonly summary: ReturnType<typeof summarize>;
  readonly colours: Readonly<Record<string, string>>;
  readonly invariants: readonly { readonly name: string; readonly ref: string; readonly title: string }[];
  readonly suites: readonly string[];
  readonly replays: readonly string[];
  /** String tables the columns index into. */
  readonly rows: readonly string[];
  readonly lanes: readonly string[];
  readonly phases: readonly string[];
  readonly kinds: readonly string[];
  /** One entry per case, column by column. */
  readonly columns: {
    /** The case id, or null where it is `<row>/<phase>/op<op>/<lane>` (or `<row>/clean`), which the page rebuilds. */
    readonly id: readonly (string | null)[];
    readonly suite: readonly number[];
    readonly row: readonly number[];
    readonly lane: readonly number[];
    readonly status: readonly number[];
    /** Index into `invariants` of the first violation; -1 for none. */
    readonly invariant: readonly number[];
    /** The operation cut; -1 for a case without a cut. */
    readonly op: readonly number[];
    readonly phase: readonly number[];
    readonly kind: readonly number[];
    readonly offset: readonly number[];
    readonly seed: readonly number[];
    readonly boots: readonly number[];
    /** The replay command: an index into `replays` (a template whose NUL stands for the case id), or the command. */
    readonly replay: readonly (number | string)[];
  };
  /** The rest of every case that has more to say (failures and notes), by case index. */
  readonly details: Readonly<Record<number, Pick<CaseResult, 'title' | 'violations' | 'fault' | 'trace' | 'journal' | 'bootLog' | 'note'>>>;
}

export function htmlData(report: RunReport): HtmlData {
  const invariants = Object.entries(INVARIANTS).map(([name, v]) => ({ name, ref: v.ref, title: v.title }));
  const invariantIndex = new Map(invariants.map((v, i) => [v.name, i]));
  const suiteNames = [...new Set([...report.info.suites, ...report.cases.map((c) => c.suite)])];
  const tables = { rows: new Interner(), lanes: new Interner(), phases: new Interner(), kinds: new Interner(), replays: new Interner() };
  const columns = {
    id: [] as (string | null)[],
    suite: [] as number[],
    row: [] as number[],
    lane: [] as number[],
    status: [] as number[],
    invariant: [] as number[],
    op: [] as number[],
    phase: [] as number[],
    kind: [] as number[],
    offset: [] as number[],
    seed: [] as number[],
    boots: [] as number[],
    replay: [] as (number | string)[],
  };
  const details: Record<number, HtmlData['details'][number]> = {};
  report.cases.forEach((c, i) => {
    const suite = suiteNames.indexOf(c.suite);
    const f = c.fault;
    const scenario = scenarioOf(c);
    const lane = f ? `${f.outcome}${f.second ? ` + 2nd ${f.second.outcome}` : ''}` : 'no cut';
    // Most ids are their scenario, phase, op and outcome, which the page rebuilds: those are left out (null).
    const derived = f ? `${scenario}/${f.phase}/op${f.op}/${lane}` : `${scenario}/clean`;
    columns.id.push(derived === c.id ? null : c.id);
    columns.suite.push(suite);
    columns.row.push(tables.rows.of(`${c.suite}\u0000${scenario}`));
    columns.lane.push(tables.lanes.of(lane));
    columns.status.push(STATUS_CODES[c.status]);
    columns.invariant.push(c.violations.length > 0 ? (invariantIndex.get(c.violations[0].invariant) ?? -1) : -1);
    columns.op.push(f ? f.op : -1);
    columns.phase.push(f ? tables.phases.of(f.phase) : -1);
    columns.kind.push(f ? tables.kinds.of(f.kind) : -1);
    columns.offset.push(f ? f.offset : -1);
    columns.seed.push(c.seed);
    columns.boots.push(c.boots);
    // A replay command is nearly always its suite's command with the case id in it: kept once, as a template.
    const at = c.replay.lastIndexOf(c.id);
    columns.replay.push(at < 0 ? c.replay : tables.replays.of(`${c.replay.slice(0, at)}\u0000${c.replay.slice(at + c.id.length)}`));
    if (c.status === 'fail' || c.note) {
      details[i] = { title: c.title, violations: c.violations, fault: f, trace: c.trace, journal: c.journal, bootLog: c.bootLog, note: c.note };
    }
  });
  return {
    info: report.info,
    durationMs: report.durationMs,
    stoppedEarly: report.stoppedEarly ?? null,
    summary: summarize(report.cases),
    colours: VERDICT_COLOURS,
    invariants,
    suites: suiteNames,
    replays: tables.replays.list,
    rows: tables.rows.list.map((key) => key.slice(key.indexOf('\u0000') + 1)),
    lanes: tables.lanes.list,
    phases: tables.phases.list,
    kinds: tables.kinds.list,
    columns,
    details,
  };
}

export function toHtml(report: RunReport): string {
  const data = scriptJson(htmlData(report));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>bootproof report</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>bootproof report</h1><p id="verdict"></p></header>
<section id="summary"><h2>Summary</h2><div id="counts"></div><table id="provenance"></table><div id="coverage"></div></section>
<section id="flash"><h2>Flash map</h2><div id="flash-map"></div></section>
<section id="maps"><h2>Fault maps</h2>
<div id="filters">
<label>Suite <select id="filter-suite"></select></label>
<label>Invariant <select id="filter-invariant"></select></label>
<label>Outcome <select id="filter-outcome"></select></label>
<span id="shown"></span>
<span class="zoom"><button type="button" id="zoom-in">+</button><button type="button" id="zoom-out">−</button><button type="button" id="zoom-reset">fit</button></span>
</div>
<div id="legend"></div>
<div id="suite-maps"></div>
</section>
<section id="case"><h2>Case</h2><p id="case-hint">Click a point of a fault map, or a failure below.</p><div id="case-body"></div></section>
<section id="failures"><h2>Failures</h2><ol id="failure-list"></ol></section>
<script type="application/json" id="report-data">${data}</script>
<script>${CLIENT}</script>
</body>
</html>
`;
}

/** JSON that cannot end the script element it sits in, nor open a comment or markup in it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The scenario a case belongs to: its id without the fault point (or without `/clean`). */
function scenarioOf(c: CaseResult): string {
  if (c.fault) {
    const at = c.id.indexOf(`/${c.fault.phase}/op${c.fault.op}/`);
    if (at > 0) return c.id.slice(0, at);
  }
  return c.id.replace(/\/clean$/, '');
}

class Interner {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();

  of(text: string): number {
    let i = this.index.get(text);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(text);
      this.index.set(text, i);
    }
    return i;
  }
}

const STYLE = `
:root { font-family: system-ui, sans-serif; font-size: 14px; color: #1d1f23; background: #fafafa; }
body { margin: 0 auto; padding: 0 16px 32px; max-width: 1400px; }
h1 { font-size: 20px; margin: 16px 0 4px; } h2 { font-size: 16px; margin: 20px 0 8px; }
section { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px; margin-top: 12px; }
#verdict.pass { color: #1e7a35; font-weight: bold; } #verdict.fail { color: #b3161b; font-weight: bold; }
#counts span { margin-right: 16px; } table { border-collapse: collapse; margin-top: 8px; }
td, th { text-align: left; padding: 2px 8px; vertical-align: top; word-break: break-all; } th { color: #555; font-weight: normal; white-space: nowrap; }
#flash-map { display: flex; width: 100%; height: 56px; border: 1px solid #999; }
#flash-map div { overflow: hidden; border-right: 1px solid #fff; padding: 2px 4px; font-size: 11px; color: #fff; min-width: 2px; position: relative; }
#flash-map .trailer { position: absolute; top: 0; bottom: 0; background: rgba(255,255,255,0.45); }
#filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; } #shown { color: #555; }
#legend { margin: 8px 0; display: flex; flex-wrap: wrap; gap: 10px; font-size: 12px; }
#legend .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: middle; }
.suite-map h3 { font-size: 14px; margin: 12px 0 4px; } .suite-map canvas { width: 100%; display: block; cursor: crosshair; border: 1px solid #eee; }
.axis { font-size: 11px; color: #777; }
#case-body pre, #case-body code { font-family: ui-monospace, monospace; font-size: 12px; white-space: pre-wrap; word-break: break-all; }
#case-body .trailer-op { background: #fff3c4; }
.replay { display: flex; gap: 8px; align-items: flex-start; } .replay code { flex: 1; background: #f2f2f2; padding: 4px; }
#failure-list li { cursor: pointer; } #failure-list li:hover { text-decoration: underline; }
@media (max-width: 700px) { #filters { flex-direction: column; align-items: flex-start; } }
`;

export class HtmlReporter implements Reporter {
  constructor(private readonly target: string) {}

  onRunEnd(report: RunReport): void {
    writeOutput(this.target, toHtml(report));
  }
}
