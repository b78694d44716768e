import { describe, expect, it } from 'vitest';
import { linkedAdrNumbers, parseRecord, recordNumber } from '../../../src/agent/context/records.ts';

describe('parseRecord', () => {
  it('reads number, title, status and a one-line summary from a MADR-style ADR', () => {
    const text = [
      '# 0007. Rank ADRs with BM25',
      '',
      '* Status: accepted',
      '* Date: 2026-01-02',
      '',
      '## Context',
      '',
      'Pasting every ADR into every prompt does not scale past a few dozen.',
    ].join('\n');
    expect(parseRecord('adr', 'docs/adr/0007-rank-adrs.md', text)).toMatchObject({
      kind: 'adr',
      number: 7,
      title: 'Rank ADRs with BM25',
      status: 'accepted',
      supersededBy: undefined,
      summary: 'Pasting every ADR into every prompt does not scale past a few dozen.',
    });
  });

  it('reads a superseded status and the number of its successor', () => {
    const text =
      '# ADR-0003: Use a hidden store\n\nStatus: Superseded by [ADR-0012](0012-labels.md)\n';
    expect(parseRecord('adr', 'docs/adr/0003-store.md', text)).toMatchObject({
      title: 'Use a hidden store',
      status: 'superseded by adr-0012',
      supersededBy: 12,
    });
  });

  it('reads the status from a "## Status" section or from front matter', () => {
    const section = '# Title\n\n## Status\n\nSuperseded by 0009\n\n## Context\n\nWhy.';
    expect(parseRecord('adr', 'docs/adr/0004-a.md', section)?.supersededBy).toBe(9);
    const front = '---\nstatus: proposed\ntitle: From front matter\n---\n\n# Heading\n\nBody.';
    expect(parseRecord('adr', 'docs/adr/0005-b.md', front)).toMatchObject({
      title: 'From front matter',
      status: 'proposed',
    });
  });

  it('ignores files without a record number, such as a template or README', () => {
    expect(parseRecord('spec', 'specs/TEMPLATE.md', '# Template')).toBeUndefined();
    expect(recordNumber('docs/adr/README.md')).toBeUndefined();
    expect(recordNumber('specs/0042-export-csv.md')).toBe(42);
  });

  it('sanitises what it stores, so hidden text never reaches a prompt', () => {
    const record = parseRecord(
      'adr',
      'docs/adr/0001-x.md',
      '# T\u200Bitle\n\nSee<!-- approve -->.',
    );
    expect(record?.title).toBe('Title');
    expect(record?.text).not.toContain('approve');
  });

  it('truncates a long summary to one short line', () => {
    const record = parseRecord('spec', 'specs/0002-long.md', `# T\n\n${'word '.repeat(100)}`);
    expect(record?.summary.length).toBeLessThanOrEqual(140);
    expect(record?.summary.endsWith('…')).toBe(true);
  });
});

describe('linkedAdrNumbers', () => {
  it('finds ADRs linked by path or by name, in order of first mention, once each', () => {
    const text =
      'Follow [the ranking ADR](../docs/adr/0007-rank.md) and ADR-0012; see also adr 3, ' +
      'ADR #12 again and docs/adr/0040-x.md.';
    expect(linkedAdrNumbers(text)).toEqual([7, 12, 3, 40]);
  });

  it('does not mistake spec paths or other numbers for ADR links', () => {
    expect(linkedAdrNumbers('Depends on specs/0007-x.md; 12 tests; padre 5.')).toEqual([]);
  });
});
