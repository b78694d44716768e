/** The status as a person reads it: three short tables, colour where it helps. */
import { formatSpecNumber } from '../core/spec/index.ts';
import { formatDollars } from '../core/status.ts';
import { labelOf } from '../core/states.ts';
import { colorsFor, formatTable, type CliIo, type Colors } from './io.ts';
import type { LineStatus } from './line-status.ts';

/** `42s`, `5m`, `2h 10m`, `3d 4h`: precise enough to spot a stuck PR. */
export function formatAge(ms: number | undefined): string {
  if (ms === undefined || ms < 0) return '?';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${String(Math.floor(ms / 1000))}s`;
  if (minutes < 60) return `${String(minutes)}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${String(hours)}h ${String(minutes % 60)}m`;
  return `${String(Math.floor(hours / 24))}d ${String(hours % 24)}h`;
}

export function printLineStatus(status: LineStatus, io: CliIo): void {
  const c = colorsFor(io);
  io.out(c.bold(`The line on ${status.repository}`));
  const { today } = status;
  const spent = `Spent on ${today.day} (UTC): ${formatDollars(today.dollars)} of ${formatDollars(today.ceiling)} a day`;
  io.out(today.reached ? c.red(`${spent}: reached, no queued spec starts before tomorrow`) : spent);
  for (const print of [printWorking, printParked, printQueue]) {
    io.out('');
    print(status, io, c);
  }
}

function prNumber(c: Colors, number: number): string {
  return c.bold(`#${String(number)}`);
}

function printWorking(status: LineStatus, io: CliIo, c: Colors): void {
  io.out(c.bold('On the line'));
  if (status.working.length === 0) {
    io.out(c.dim('  nothing in progress'));
    return;
  }
  const rows = status.working.map((row) => [
    prNumber(c, row.number),
    c.cyan(row.stage),
    row.maxAttempts === undefined
      ? String(row.attempt)
      : `${String(row.attempt)}/${String(row.maxAttempts)}`,
    formatAge(row.ageMs),
    formatDollars(row.dollars),
    row.title,
  ]);
  const head = ['PR', 'STAGE', 'ATTEMPT', 'IN STAGE', 'SPENT', 'TITLE'].map((text) => c.dim(text));
  for (const line of formatTable([head, ...rows])) io.out(line);
}

function printParked(status: LineStatus, io: CliIo, c: Colors): void {
  io.out(c.bold('Parked (state:needs-attention)'));
  if (status.parked.length === 0 && status.confused.length === 0) io.out(c.dim('  none'));
  for (const row of status.parked) {
    const from = row.fromStage === undefined ? '' : ` in ${row.fromStage}`;
    const age = `${formatAge(row.ageMs)} ago`;
    io.out(
      `  ${prNumber(c, row.number)}  ${c.red(row.reason)}${from}  ${age}  ${formatDollars(row.dollars)}  ${row.title}`,
    );
    io.out(`       ${row.reasonTitle}: ${row.detail}`);
    const flag = row.resumeFrom === undefined ? ' --from <stage>' : '';
    io.out(c.dim(`       then: pnpm factory resume ${String(row.number)}${flag}`));
  }
  for (const row of status.confused) {
    const labels = row.states.map(labelOf).join(', ');
    io.out(`  ${prNumber(c, row.number)}  ${c.red('several state labels')}  ${row.title}`);
    io.out(`       ${labels}: keep the one of the stage it is in.`);
  }
}

function printQueue(status: LineStatus, io: CliIo, c: Colors): void {
  io.out(c.bold('Queue (in the order the scheduler takes it)'));
  if (status.queue.length === 0) io.out(c.dim('  empty'));
  const lines = formatTable(
    status.queue.map((row) => [
      `${String(row.position)}.`,
      prNumber(c, row.number),
      row.specNumber === undefined ? '' : `spec ${formatSpecNumber(row.specNumber)}`,
      row.priority ?? '',
      row.title,
    ]),
  );
  status.queue.forEach((row, index) => {
    const paint = row.status === 'next' ? c.green : row.status === 'invalid' ? c.red : c.dim;
    io.out(lines[index] ?? '');
    io.out(`       ${paint(row.message)}`);
  });
}
