/**
 * The files a step writes to talk to the runner (`$GITHUB_OUTPUT`, `$GITHUB_ENV`) and the workflow
 * commands it prints (`::add-mask::`). Pure.
 */

/** Parses `name=value` lines and `name<<DELIMITER` … `DELIMITER` blocks, later names winning. */
export function parseKeyValueFile(content: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = content.split(/\r?\n/);
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (line === '') continue;
    const heredoc = /^([^=]+?)<<(.+)$/.exec(line);
    const assignment = line.indexOf('=');
    if (heredoc !== null && (assignment === -1 || assignment > line.indexOf('<<'))) {
      const [, name = '', delimiter = ''] = heredoc;
      const body: string[] = [];
      for (index += 1; index < lines.length && lines[index] !== delimiter; index += 1)
        body.push(lines[index] ?? '');
      if (index >= lines.length) throw new Error(`Matching delimiter not found '${delimiter}'`);
      result[name] = body.join('\n');
    } else if (assignment > 0) {
      result[line.slice(0, assignment)] = line.slice(assignment + 1);
    } else {
      throw new Error(`Invalid format '${line}'`);
    }
  }
  return result;
}

/** Values a step asked to mask with `::add-mask::value`, and its log without those commands. */
export function extractMasks(log: string): {
  readonly masks: readonly string[];
  readonly log: string;
} {
  const masks: string[] = [];
  const kept: string[] = [];
  for (const line of log.split('\n')) {
    const match = /^::add-mask::(.*)$/.exec(line.trimEnd());
    if (match === null) kept.push(line);
    else if (match[1] !== undefined && match[1] !== '') masks.push(match[1]);
  }
  return { masks, log: kept.join('\n') };
}

/** Replaces every secret (and every line of a multi-line secret) with `***`. */
export function maskSecrets(text: string, secrets: Iterable<string>): string {
  const needles = new Set<string>();
  for (const secret of secrets) {
    for (const part of [secret, ...secret.split(/\r?\n/)])
      if (part.trim().length > 0) needles.add(part);
  }
  // Longest first, so a secret that contains another is masked whole.
  const ordered = [...needles].sort((left, right) => right.length - left.length);
  return ordered.reduce((masked, needle) => masked.split(needle).join('***'), text);
}
