import { describe, expect, it } from 'vitest';
import { startForge } from './support/fixture.ts';

interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

describe(
  'forge answers malformed requests like GitHub, never crashing',
  { timeout: 30_000 },
  () => {
    const call = async (
      url: string,
      token: string,
      method: string,
      body?: string,
    ): Promise<Reply> => {
      const response = await fetch(url, {
        method,
        headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    it.each([
      ['bad JSON', 'POST', '/labels', '{"name":', 400, 'Problems parsing JSON'],
      [
        'a missing required field',
        'POST',
        '/labels',
        '{"color":"ffffff"}',
        422,
        'Invalid request.\n\n"name" wasn\'t supplied.',
      ],
      ['a wrongly typed field', 'POST', '/labels', '{"name":5}', 422, undefined],
      ['an unknown route', 'GET', '/nothing-here', undefined, 404, 'Not Found'],
      ['a wrong method', 'DELETE', '/pulls', undefined, 404, 'Not Found'],
      ['a non-numeric issue number', 'GET', '/issues/abc/labels', undefined, 404, 'Not Found'],
      ['a missing issue', 'GET', '/issues/999/labels', undefined, 404, 'Not Found'],
      [
        'an unknown workflow',
        'POST',
        '/actions/workflows/none.yml/dispatches',
        '{"ref":"main"}',
        404,
        'Not Found',
      ],
    ])(
      'answers %s with a GitHub-style %s body',
      async (_case, method, path, body, status, message) => {
        const { forge, owner, repo } = await startForge();
        const reply = await call(
          `${forge.apiUrl}/repos/${owner}/${repo}${path}`,
          forge.as('writer'),
          method,
          body,
        );
        expect(reply.status).toBe(status);
        expect(reply.body.documentation_url).toMatch(/^https:\/\/docs\.github\.com\/rest/);
        expect(typeof reply.body.message).toBe('string');
        if (message !== undefined) expect(reply.body.message).toBe(message);
        expect(forge.internalErrors).toEqual([]);
      },
    );

    it('answers a request for another repository with 404 and one without a token with 401', async () => {
      const { forge } = await startForge();
      expect(
        (await call(`${forge.apiUrl}/repos/someone/else`, forge.as('writer'), 'GET')).status,
      ).toBe(404);
      const anonymous = await fetch(
        `${forge.apiUrl}/repos/${forge.repository.owner}/${forge.repository.name}`,
      );
      expect(anonymous.status).toBe(401);
    });

    it('answers a GraphQL field it does not model with a GraphQL error naming it, not a crash', async () => {
      const { forge } = await startForge();
      const reply = await call(
        `${forge.apiUrl}/graphql`,
        forge.as('writer'),
        'POST',
        JSON.stringify({ query: '{ viewer { login } }' }),
      );
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({
        data: null,
        errors: [{ message: 'The twin forge does not resolve Query.viewer.', path: ['viewer'] }],
      });
    });

    it("refuses a GraphQL query that GitHub's own schema refuses", async () => {
      const { forge } = await startForge();
      const reply = await call(
        `${forge.apiUrl}/graphql`,
        forge.as('writer'),
        'POST',
        JSON.stringify({
          query: '{ repository(owner: "o", name: "r") { pullRequest { nmber } } }',
        }),
      );
      expect(reply.status).toBe(200);
      const errors = (reply.body as { errors: { message: string }[] }).errors.map((e) => e.message);
      expect(errors).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/Cannot query field "nmber" on type "PullRequest"/),
          expect.stringMatching(/argument "number" of type "Int!" is required/),
        ]),
      );
    });
    it('refuses mutations on node ids it does not know, writing nothing', async () => {
      const { forge } = await startForge();
      const pr = await forge.openPullRequest('writer', {
        branch: 'feature',
        files: { 'f.txt': 'f\n' },
        title: 'Add f',
        labels: ['state:queued'],
      });
      const reply = await call(
        `${forge.apiUrl}/graphql`,
        forge.as('writer'),
        'POST',
        JSON.stringify({
          query: `mutation {
            a: addComment(input: {subjectId: "PR_nope", body: "hi"}) { clientMutationId }
            b: updateIssueComment(input: {id: "IC_nope", body: "hi"}) { clientMutationId }
            c: updatePullRequest(input: {pullRequestId: "PR_nope", labelIds: []}) { clientMutationId }
          }`,
        }),
      );

      expect(reply.status).toBe(200);
      const errors = (reply.body as { errors: { type: string; path: string[] }[] }).errors;
      expect(errors.map((error) => [error.path[0], error.type])).toEqual([
        ['a', 'NOT_FOUND'],
        ['b', 'NOT_FOUND'],
        ['c', 'NOT_FOUND'],
      ]);
      const read = (path: string) =>
        call(`${forge.apiUrl}/repos/octo-owner/software-factory${path}`, forge.as('writer'), 'GET');
      expect((await read(`/issues/${String(pr)}/comments`)).body).toEqual([]);
      const labels = (await read(`/issues/${String(pr)}/labels`)).body as unknown as {
        name: string;
      }[];
      expect(labels.map((label) => label.name)).toEqual(['state:queued']);
    });
  },
);
