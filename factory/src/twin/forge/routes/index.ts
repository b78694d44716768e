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
import { pullRoutes } from './pulls.ts';
import { refRoutes } from './refs.ts';
import type { RepoSettings } from './repo-settings.ts';
import { repoRoutes } from './repos.ts';
import { reviewRoutes } from './reviews.ts';
import { rulesetRoutes } from './rulesets.ts';
import { runRoutes } from './runs.ts';
import { timelineRoutes } from './timeline.ts';
import { userRoutes } from './user.ts';

/** Every route, over the repository's settings (which the routes read at request time). */
export function buildRoutes(ctx: ForgeContext, settings: RepoSettings): Route[] {
  return [
    ...repoRoutes(ctx, settings),
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
    ...rulesetRoutes(ctx, settings),
    ...contentWriteRoutes(ctx),
    ...userRoutes(ctx),
  ];
}
