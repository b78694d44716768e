/** The status as a person reads it: three short tables, colour where it helps. */
import { formatDollars } from '../core/status.ts';
import { colorsFor, formatTable, type CliIo } from './io.ts';
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
  const pr = (number: number) => c.bold(`#${String(number)}`);
  io.out(c.bold(`The line on ${status.repository}`));
  io.out('');
  io.out(c.bold('On the line'));
  if (status.working.length === 0) io.out(c.dim('  nothing in progress'));
  else
    formatTable([
      ['PR', 'STAGE', 'ATTEMPT', 'IN STAGE', 'SPENT', 'TITLE'].map((head) => c.dim(head)),
      ...status.working.map((row) => [
        pr(row.number),
        c.cyan(row.stage),
        row.maxAttempts === undefined
          ? String(row.attempt)
          : `${String(row.attempt)}/${String(row.maxAttempts)}`,
        formatAge(row.ageMs),
        formatDollars(row.dollars),
        row.title,
      ]),
    ]).forEach((line) => {
      io.out(line);
    });
  io.out('');
  io.out(c.bold('Parked (state:needs-attention)'));
  if (status.parked.length === 0) io.out(c.dim('  none'));
  for (const row of status.parked) {
    const from = row.fromStage === undefined ? '' : ` in ${row.fromStage}`;
    io.out(
      `  ${pr(row.number)}  ${c.red(row.reason)}${from}  ${formatAge(row.ageMs)} ago  ${formatDollars(row.dollars)}  ${row.title}`,
    );
    io.out(`       ${row.reasonTitle}: ${row.detail}`);
  }
  for (const row of status.confused) {
    io.out(
      `  ${pr(row.number)}  ${c.red('several state labels')} (${row.states.join(', ')})  ${row.title}`,
    );
  }
  io.out('');
  io.out(c.bold('Queue (in the order the scheduler takes it)'));
  if (status.queue.length === 0) io.out(c.dim('  empty'));
  const lines = formatTable(
    status.queue.map((row) => [
      `${String(row.position)}.`,
      pr(row.number),
      row.specNumber === undefined ? '' : `spec ${String(row.specNumber).padStart(4, '0')}`,
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
