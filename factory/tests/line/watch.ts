/** What a twin does from a moment on: for scenarios sent to a line already at rest. */
import type { Twin } from '../../src/twin/index.ts';
import type { RunRecord } from '../../src/twin/runner/index.ts';

export interface Watch {
  /** The runs started since, oldest first. */
  readonly runs: () => readonly RunRecord[];
  readonly modelRequests: () => number;
  /** The `workflow_dispatch` events since that name `pr` in their inputs. */
  readonly dispatchesFor: (pr: number) => number;
  /** The labels `pr` carries now, as a writer reads them. */
  readonly labelsOf: (pr: number) => Promise<string[]>;
}

/** A writer adds `label` to `pr`, keeping its labels, as the web page's label menu does. */
export async function writerLabels(twin: Twin, pr: number, label: string): Promise<void> {
  const api = `${twin.forge.apiUrl}/repos/${twin.info.repo}/issues/${String(pr)}`;
  const labelled = await fetch(`${api}/labels`, {
    method: 'POST',
    headers: {
      authorization: `token ${twin.forge.as('writer')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ labels: [label] }),
  });
  if (!labelled.ok) throw new Error(`labelling ${label} failed: ${String(labelled.status)}`);
}

export function watchFromNow(twin: Twin): Watch {
  const runner = twin.runner;
  if (runner === undefined) throw new Error('this scenario needs the twin runner');
  const runsBefore = runner.runs().length;
  const modelBefore = twin.model.requests.length;
  const eventsBefore = twin.forge.events.length;
  return {
    runs: () => runner.runs().slice(runsBefore),
    modelRequests: () => twin.model.requests.length - modelBefore,
    dispatchesFor: (pr) =>
      twin.forge.events
        .slice(eventsBefore)
        .filter((event) => event.name === 'workflow_dispatch')
        .filter((event) =>
          JSON.stringify(event.payload.inputs ?? {}).includes(`"pr":"${String(pr)}"`),
        ).length,
    labelsOf: async (pr) => {
      const pull = `${twin.forge.apiUrl}/repos/${twin.info.repo}/pulls/${String(pr)}`;
      const headers = { authorization: `token ${twin.forge.as('writer')}` };
      const { labels } = (await (await fetch(pull, { headers })).json()) as {
        labels: { name: string }[];
      };
      return labels.map((label) => label.name);
    },
  };
}
