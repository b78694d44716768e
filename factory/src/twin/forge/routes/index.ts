/** The forge's whole REST surface, one route group per file. */
import type { ForgeContext, Route } from '../context.ts';
import { actionsSettingsRoutes } from './actions-settings.ts';
import { branchProtectionRoutes } from './branch-protection.ts';
import { commentRoutes } from './comments.ts';
import { commitRoutes } from './commits.ts';
import { contentWriteRoutes } from './content-writes.ts';
import { contentRoutes } from './contents.ts';
import { dispatchRoutes } from './dispatch.ts';
import { graphqlRoutes } from './graphql.ts';
import { issueLabelRoutes } from './issue-labels.ts';
import { labelRoutes } from './labels.ts';
import { mergeRoutes } from './merge.ts';
import { pullFileRoutes } from './pull-files.ts';
import { pullRoutes, type PullOptions } from './pulls.ts';
import { refRoutes } from './refs.ts';
import { createRepoSettings } from './repo-settings.ts';
import { repoRoutes } from './repos.ts';
import { reviewRoutes } from './reviews.ts';
import { runRoutes } from './runs.ts';
import { dismissStaleApprovals } from './stale-approvals.ts';
import { timelineRoutes } from './timeline.ts';
import { userRoutes } from './user.ts';

export function buildRoutes(ctx: ForgeContext, options: PullOptions): Route[] {
  // Mutable repository settings: the pull and review routes read them at request time.
  const settings = createRepoSettings(options);
  // A branch rule also acts as pushes happen: it dismisses approvals a head move made stale.
  dismissStaleApprovals(ctx, settings);
  return [
    ...repoRoutes(ctx),
    ...pullRoutes(ctx, settings),
    ...pullFileRoutes(ctx),
    ...mergeRoutes(ctx, settings),
    ...reviewRoutes(ctx, settings),
    ...labelRoutes(ctx),
    ...issueLabelRoutes(ctx),
    ...commentRoutes(ctx),
    ...timelineRoutes(ctx),
    ...commitRoutes(ctx),
    ...refRoutes(ctx),
    ...dispatchRoutes(ctx),
    ...runRoutes(ctx),
    ...contentRoutes(ctx),
    ...graphqlRoutes(ctx, settings),
    ...actionsSettingsRoutes(ctx, settings),
    ...branchProtectionRoutes(ctx, settings),
    ...contentWriteRoutes(ctx),
    ...userRoutes(ctx),
  ];
}
