/**
 * A synthetic repository at the scale the context assembly must hold: 1,000 ADRs and 1,000 specs,
 * where each spec has known relevant ADRs. Some it links explicitly (by `ADR-NNNN` or by path);
 * others it only shares distinctive vocabulary with, the way a spec about "idempotent webhook
 * redelivery" relates to the ADR on "webhook deduplication" without citing it. Everything else is
 * drawn from one shared vocabulary, so unrelated records look alike and ranking has to work.
 */
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Random } from './random.ts';
import { createRandom } from './random.ts';

const COMMON = (
  'system service module request response handler config option value state label queue ' +
  'worker job stage review plan test build deploy release branch commit merge check status ' +
  'error retry timeout limit budget token cache prompt model session tool file path folder ' +
  'user team project repository workflow event trigger schedule report metric log trace ' +
  'store read write update delete create list search index rank score record entry item ' +
  'field schema type interface function method class object array string number boolean ' +
  'input output format parse validate render encode decode compress split merge sort filter ' +
  'fast slow small large simple clear safe stable current previous next first last every ' +
  'change decide keep avoid prefer require allow refuse support document measure compare ' +
  'because therefore however instead although unless until while where when which whose'
).split(' ');

const SYLLABLES =
  'ka lo mi zu ter van dor qui pel sna rox bel tin gru fyo wem hax jul nob cri'.split(' ');

/** A made-up word nobody else uses: the distinctive vocabulary of one ADR. */
function coin(random: Random, used: Set<string>): string {
  for (;;) {
    const word = Array.from({ length: random.int(3, 4) }, () => random.pick(SYLLABLES)).join('');
    if (!used.has(word)) {
      used.add(word);
      return word;
    }
  }
}

export function prose(
  random: Random,
  words: number,
  flavour: readonly string[],
  density: number,
): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    out.push(
      flavour.length > 0 && random.next() < density ? random.pick(flavour) : random.pick(COMMON),
    );
    if (i % 14 === 13) out.push('.\n');
  }
  return out.join(' ').replace(/ \.\n /g, '.\n');
}

export interface CorpusAdr {
  readonly number: number;
  readonly path: string;
  readonly signature: readonly string[];
  readonly supersededBy: number | undefined;
}

export interface CorpusSpec {
  readonly number: number;
  readonly path: string;
  readonly text: string;
  /** ADR numbers that must reach the prompt in full (successors of superseded links). */
  readonly relevant: readonly number[];
  readonly linked: readonly number[];
  readonly topical: readonly number[];
}

export interface Corpus {
  readonly root: string;
  readonly adrs: readonly CorpusAdr[];
  readonly specs: readonly CorpusSpec[];
}

const pad = (n: number): string => String(n).padStart(4, '0');

function adrText(random: Random, adr: CorpusAdr, title: string): string {
  const status =
    adr.supersededBy === undefined ? 'accepted' : `superseded by ADR-${pad(adr.supersededBy)}`;
  return [
    `# ${pad(adr.number)}. ${title}`,
    '',
    `* Status: ${status}`,
    '* Date: 2026-01-01',
    '',
    '## Context',
    '',
    prose(random, random.int(120, 260), adr.signature, 0.06),
    '',
    '## Decision',
    '',
    prose(random, random.int(60, 140), adr.signature, 0.08),
    '',
    '## Consequences',
    '',
    prose(random, random.int(40, 120), adr.signature, 0.04),
    '',
  ].join('\n');
}

function makeAdrs(random: Random, count: number, used: Set<string>): CorpusAdr[] {
  const adrs: CorpusAdr[] = [];
  for (let n = 1; n <= count; n++) {
    adrs.push({
      number: n,
      path: `docs/adr/${pad(n)}-decision-${n}.md`,
      signature: Array.from({ length: 4 }, () => coin(random, used)),
      supersededBy: undefined,
    });
  }
  // One in ten is replaced by a later decision on the same subject, which inherits its words.
  for (let n = 1; n <= count - 50; n += 10) {
    const old = adrs[n - 1];
    const successor = adrs[n - 1 + random.int(5, 49)];
    if (old === undefined || successor === undefined || successor.supersededBy !== undefined)
      continue;
    adrs[n - 1] = { ...old, supersededBy: successor.number };
    adrs[successor.number - 1] = {
      ...successor,
      signature: [...successor.signature, ...old.signature],
    };
  }
  return adrs;
}

const successorOf = (adrs: readonly CorpusAdr[], n: number): number => {
  let current = n;
  for (
    let next = adrs[current - 1]?.supersededBy;
    next !== undefined;
    next = adrs[current - 1]?.supersededBy
  ) {
    current = next;
  }
  return current;
};

function makeSpec(random: Random, adrs: readonly CorpusAdr[], n: number): CorpusSpec {
  const picked = random.sample(adrs, random.int(3, 5));
  const linkCount = random.int(1, 2);
  const linked = picked.slice(0, linkCount).map((a) => a.number);
  const topicalAdrs = picked.slice(linkCount);
  const flavour = topicalAdrs.flatMap((a) => a.signature.slice(0, 4));
  const links = linked.map((number, i) =>
    i % 2 === 0
      ? `ADR-${pad(number)}`
      : `[the decision](../docs/adr/${pad(number)}-decision-${number}.md)`,
  );
  const text = [
    `# Spec ${n}: ${prose(random, 5, flavour, 0.3).replace(/\n/g, ' ')}`,
    '',
    '## Goal',
    '',
    prose(random, random.int(80, 160), flavour, 0.07),
    '',
    '## Context',
    '',
    `This builds on ${links.join(' and ')}. ${prose(random, random.int(60, 120), flavour, 0.07)}`,
    '',
    '## Acceptance criteria',
    '',
    ...Array.from(
      { length: random.int(4, 8) },
      () => `- [ ] ${prose(random, random.int(12, 24), flavour, 0.1)}`,
    ),
    '',
  ].join('\n');
  const relevant = [...new Set(picked.map((a) => successorOf(adrs, a.number)))];
  return {
    number: n,
    path: `specs/${pad(n)}-spec-${n}.md`,
    text,
    relevant,
    linked,
    topical: topicalAdrs.map((a) => a.number),
  };
}

const FALLBACK_CONSTITUTION = (random: Random): string =>
  `# Constitution\n\n${prose(random, 1_400, [], 0)}\n`;

/** Writes the corpus into a new temp folder (the caller removes it). */
export async function generateCorpus(options: {
  repoRoot: string;
  adrs: number;
  specs: number;
  seed: number;
}): Promise<Corpus> {
  const random = createRandom(options.seed);
  const root = await mkdtemp(path.join(tmpdir(), 'context-bench-'));
  await cp(path.join(options.repoRoot, '.claude', 'agents'), path.join(root, '.claude', 'agents'), {
    recursive: true,
  });
  await mkdir(path.join(root, 'docs', 'adr'), { recursive: true });
  await mkdir(path.join(root, 'specs'), { recursive: true });
  for (const file of ['CLAUDE.md', 'docs/principles.md']) {
    const own = await readFile(path.join(options.repoRoot, file), 'utf8').catch(() => undefined);
    await writeFile(path.join(root, file), own ?? FALLBACK_CONSTITUTION(random));
  }
  const used = new Set<string>();
  const adrs = makeAdrs(random, options.adrs, used);
  for (const adr of adrs) {
    const title = prose(random, 4, adr.signature.slice(0, 1), 0.4).replace(/\n/g, ' ');
    await writeFile(path.join(root, adr.path), adrText(random, adr, title));
  }
  const specs = Array.from({ length: options.specs }, (_, i) => makeSpec(random, adrs, i + 1));
  for (const spec of specs) await writeFile(path.join(root, spec.path), spec.text);
  return { root, adrs, specs };
}
