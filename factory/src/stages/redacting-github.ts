/**
 * Every text the line publishes passes through here first: comments, reviews, the status
 * comment and commit-status descriptions are scrubbed of the run's known secrets and of anything
 * that looks like a credential, whatever a stage or an agent put in them.
 */
import type { Announcement, GitHubPort } from '../core/ports.ts';
import { redactSecrets } from '../core/secrets.ts';

export function withRedaction(github: GitHubPort, knownSecrets: readonly string[]): GitHubPort {
  const scrub = (text: string) => redactSecrets(text, knownSecrets);
  return {
    ...github,
    isFactoryActor: (login) => github.isFactoryActor(login),
    comment: (pr, body) => github.comment(pr, scrub(body)),
    postReview: (pr, sha, verdict, body) => github.postReview(pr, sha, verdict, scrub(body)),
    writeStatusComment: (pr, body, existing) =>
      github.writeStatusComment(pr, scrub(body), existing),
    recordTransition: (pr, record) =>
      github.recordTransition(pr, {
        ...record,
        ...(record.announcement === undefined
          ? {}
          : { announcement: scrubbed(record.announcement, scrub) }),
        statusComment: { ...record.statusComment, body: scrub(record.statusComment.body) },
        notes: record.notes.map(scrub),
      }),
    setCommitStatus: (sha, status) =>
      github.setCommitStatus(sha, { ...status, description: scrub(status.description) }),
  };
}

function scrubbed(announcement: Announcement, scrub: (text: string) => string): Announcement {
  if (announcement.kind !== 'commit-status')
    return { ...announcement, body: scrub(announcement.body) };
  const { status } = announcement;
  return { ...announcement, status: { ...status, description: scrub(status.description) } };
}
