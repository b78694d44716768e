/**
 * Issue events and the issue timeline. The factory derives attempt counts from the order and
 * actors of `labeled`/`unlabeled` entries here (design §1, principle 2).
 */
import { findIssue, numberParam, type ForgeContext, type Route } from '../context.ts';
import { paginate } from '../http.ts';
import { renderIssueEvent, renderTimelineComment } from '../render/issues.ts';
import { renderReview } from '../render/pulls.ts';

const READ = { access: 'read', scopes: ['issues', 'pull-requests'] } as const;

export function timelineRoutes(ctx: ForgeContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/issues/{issue_number}/events',
      docs: 'issues/events#list-issue-events',
      need: READ,
      handle: (request) => {
        const doc = 'issues/events#list-issue-events';
        const issue = findIssue(ctx, numberParam(request, 'issue_number', doc), doc);
        // The issue-events list schema has no closed/merged variant; those show on the timeline.
        const events = ctx.store.issueEvents.filter(
          (event) =>
            event.issueNumber === issue.number &&
            (event.event === 'labeled' || event.event === 'unlabeled'),
        );
        const page = paginate(events, request.url);
        return {
          status: 200,
          body: page.body.map((e) => renderIssueEvent(ctx.render, e)),
          headers: page.headers,
        };
      },
    },
    {
      method: 'GET',
      path: '/repos/{owner}/{repo}/issues/{issue_number}/timeline',
      docs: 'issues/timeline#list-timeline-events-for-an-issue',
      need: READ,
      handle: (request) => {
        const doc = 'issues/timeline#list-timeline-events-for-an-issue';
        const issue = findIssue(ctx, numberParam(request, 'issue_number', doc), doc);
        const items = [
          ...ctx.store.issueEvents
            .filter((event) => event.issueNumber === issue.number)
            .map((event) => ({ id: event.id, render: () => renderIssueEvent(ctx.render, event) })),
          ...ctx.store.comments
            .filter((comment) => comment.issueNumber === issue.number)
            .map((comment) => ({
              id: comment.id,
              render: () => renderTimelineComment(ctx.render, comment),
            })),
          ...ctx.store.reviews
            .filter((review) => review.pullNumber === issue.number)
            .map((review) => ({
              id: review.id,
              render: () => ({ ...renderReview(ctx.render, review), event: 'reviewed' }),
            })),
        ].sort((a, b) => a.id - b.id);
        const page = paginate(items, request.url);
        return { status: 200, body: page.body.map((item) => item.render()), headers: page.headers };
      },
    },
  ];
}
