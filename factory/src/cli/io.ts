/**
 * Where a command's output goes, and whether it may use colour. Commands write through this
 * (never to `process.stdout` directly), so tests read exactly what a person would see.
 */
import pc from 'picocolors';

export interface CliIo {
  /** Results: what a script may pipe on. */
  readonly out: (line: string) => void;
  /** Progress, refusals and advice for the person at the terminal. */
  readonly err: (line: string) => void;
  /** Colour is on only for a terminal, and never when `NO_COLOR` is set. */
  readonly color: boolean;
}

export type Colors = ReturnType<typeof pc.createColors>;

/** The colour functions for `io`: plain identity functions when colour is off. */
export function colorsFor(io: CliIo): Colors {
  return pc.createColors(io.color);
}

/** Output of the real process: colour when stdout is a terminal and `NO_COLOR` is unset or empty. */
export function processIo(env: NodeJS.ProcessEnv = process.env): CliIo {
  const noColor = (env.NO_COLOR ?? '') !== '';
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    // `isTTY` is typed boolean but is undefined when stdout is a pipe or a file.
    color: (process.stdout.isTTY as boolean | undefined) === true && !noColor,
  };
}

/** Pads each column to its widest cell (colour codes excluded from the width). */
export function formatTable(rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, visibleLength(cell));
    });
  }
  return rows.map((row) =>
    (
      indent +
      row
        .map((cell, index) =>
          index === row.length - 1
            ? cell
            : cell + ' '.repeat((widths[index] ?? 0) - visibleLength(cell)),
        )
        .join('  ')
    ).trimEnd(),
  );
}

// eslint-disable-next-line no-control-regex -- ANSI colour codes are control characters by nature
const ANSI = /\u001b\[[0-9;]*m/g;

function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}
