/**
 * The PR's timeline as the attempt counter reads it (design §1, principle 2): state-label moves by
 * anyone, and re-run notes written by the factory itself. A note in anyone else's comment is
 * ignored, so a comment can neither forge nor erase an attempt.
 *
 * The timeline also holds every comment, so a job that needs the status comment as well finds it
 * there instead of listing the comments in a second request.
 */
import { z } from 'zod';
import type { TimelineEntry } from '../../core/attempts.ts';
import { isStatusComment, parseRerunNote } from '../../core/notes.ts';
import type { Conversation, StatusComment } from '../../core/ports.ts';
import type { GitHubContext } from './context.ts';
import { callGitHub } from './errors.ts';

const Login = z.object({ login: z.string() });

const LabelEvent = z.object({
  event: z.enum(['labeled', 'unlabeled']),
  label: z.object({ name: z.string() }),
  actor: Login,
  created_at: z.string(),
});

const CommentEvent = z.object({
  event: z.literal('commented'),
  id: z.number(),
  body: z.string().optional(),
  user: Login,
  created_at: z.string(),
});

/** Label moves and the factory's re-run notes on `pr`, oldest first, all pages. */
export function readTimeline(ctx: GitHubContext, pr: number): Promise<TimelineEntry[]> {
  return callGitHub('readTimeline', async () => {
    const items = await listItems(ctx, pr);
    return items.flatMap((item) => toEntries(item, ctx.isFactoryActor));
  });
}

/** The timeline entries and the factory's status comment, from one paginated read. */
export function readConversation(ctx: GitHubContext, pr: number): Promise<Conversation> {
  return callGitHub('readConversation', async () => {
    const items = await listItems(ctx, pr);
    return {
      timeline: items.flatMap((item) => toEntries(item, ctx.isFactoryActor)),
      statusComment: statusCommentIn(items, ctx.isFactoryActor),
    };
  });
}

function listItems(ctx: GitHubContext, pr: number): Promise<unknown[]> {
  return ctx.octokit.paginate(ctx.octokit.rest.issues.listEventsForTimeline, {
    ...ctx.repo,
    issue_number: pr,
    per_page: 100,
  });
}

/**
 * The first comment the factory wrote with the status marker, as `readStatusComment` finds it: a
 * person pasting the marker cannot take the status comment over.
 */
function statusCommentIn(
  items: readonly unknown[],
  isFactoryActor: (login: string) => boolean,
): StatusComment | undefined {
  for (const item of items) {
    const comment = CommentEvent.safeParse(item);
    if (!comment.success || !isFactoryActor(comment.data.user.login)) continue;
    const body = comment.data.body ?? '';
    if (isStatusComment(body)) return { id: comment.data.id, body };
  }
  return undefined;
}

/** One timeline item as zero or one entries; other event kinds are not the line's business. */
export function toEntries(
  item: unknown,
  isFactoryActor: (login: string) => boolean,
): TimelineEntry[] {
  const label = LabelEvent.safeParse(item);
  if (label.success) {
    const { event, actor, created_at: at } = label.data;
    return [{ kind: event, label: label.data.label.name, actor: actor.login, at }];
  }
  const comment = CommentEvent.safeParse(item);
  if (!comment.success || !isFactoryActor(comment.data.user.login)) return [];
  const note = parseRerunNote(comment.data.body ?? '');
  if (note === undefined) return [];
  return [{ kind: 'rerun', ...note, actor: comment.data.user.login, at: comment.data.created_at }];
}
