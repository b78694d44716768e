/**
 * `RepositoryAdmin`: what the `factory` command needs from GitHub beyond the line's own port —
 * label upkeep, settings `doctor` checks, and opening a spec's pull request. Kept apart from
 * `GitHubPort` because no stage may ever need these verbs.
 */
import type { Octokit } from '@octokit/rest';
import type { RepositoryRef } from '../../core/ports.ts';
import {
  listSecretNames,
  readBranchProtection,
  readBranchRuleTypes,
  readViewer,
  readActionsAllowed,
  readSquashMergeAllowed,
  readWorkflowPermissions,
  type ActionsAllowed,
  type BranchProtectionSummary,
  type SettingRead,
  type WorkflowPermissions,
} from './admin-reads.ts';
import type { GitHubContext } from './context.ts';
import { createNodeIds } from './node-ids.ts';
import {
  addFile,
  addLabels,
  createBranch,
  listDirectory,
  openPullRequest,
  readBranchSha,
} from './publish.ts';
import { createLabel, listLabels, updateLabel, type RepositoryLabel } from './repo-labels.ts';

export type {
  ActionsAllowed,
  BranchProtectionSummary,
  ReviewRule,
  SettingRead,
  WorkflowPermissions,
} from './admin-reads.ts';
export type { RepositoryLabel } from './repo-labels.ts';

export interface RepositoryAdmin {
  readonly repository: RepositoryRef;
  listLabels(): Promise<readonly RepositoryLabel[]>;
  createLabel(label: RepositoryLabel): Promise<void>;
  updateLabel(label: RepositoryLabel): Promise<void>;
  /** The token's user (refused for installation tokens). */
  readViewer(): Promise<SettingRead<string>>;
  readWorkflowPermissions(): Promise<SettingRead<WorkflowPermissions>>;
  readSquashMergeAllowed(): Promise<SettingRead<boolean>>;
  readActionsAllowed(): Promise<SettingRead<ActionsAllowed>>;
  listSecretNames(): Promise<SettingRead<readonly string[]>>;
  readBranchProtection(branch: string): Promise<SettingRead<BranchProtectionSummary>>;
  /** The types of the ruleset rules that apply to `branch` (which need not exist). */
  readBranchRuleTypes(branch: string): Promise<SettingRead<readonly string[]>>;
  readBranchSha(branch: string): Promise<string | undefined>;
  /** Paths directly inside `dir` at `ref`; empty when there is no such folder. */
  listDirectory(dir: string, ref: string): Promise<readonly string[]>;
  createBranch(branch: string, sha: string): Promise<void>;
  addFile(input: {
    readonly branch: string;
    readonly path: string;
    readonly text: string;
    readonly message: string;
  }): Promise<void>;
  openPullRequest(input: {
    readonly title: string;
    readonly head: string;
    readonly base: string;
    readonly body: string;
  }): Promise<number>;
  addLabels(pr: number, labels: readonly string[]): Promise<void>;
}

/** The command line's administrative view of one repository. */
export function createRepositoryAdmin(options: {
  readonly octokit: Octokit;
  readonly repository: RepositoryRef;
}): RepositoryAdmin {
  const ctx: GitHubContext = {
    octokit: options.octokit,
    repository: options.repository,
    repo: { owner: options.repository.owner, repo: options.repository.name },
    isFactoryActor: () => false,
    nodeIds: createNodeIds(),
  };
  return {
    repository: options.repository,
    listLabels: () => listLabels(ctx),
    createLabel: (label) => createLabel(ctx, label),
    updateLabel: (label) => updateLabel(ctx, label),
    readViewer: () => readViewer(ctx),
    readWorkflowPermissions: () => readWorkflowPermissions(ctx),
    readSquashMergeAllowed: () => readSquashMergeAllowed(ctx),
    readActionsAllowed: () => readActionsAllowed(ctx),
    listSecretNames: () => listSecretNames(ctx),
    readBranchProtection: (branch) => readBranchProtection(ctx, branch),
    readBranchRuleTypes: (branch) => readBranchRuleTypes(ctx, branch),
    readBranchSha: (branch) => readBranchSha(ctx, branch),
    listDirectory: (dir, ref) => listDirectory(ctx, dir, ref),
    createBranch: (branch, sha) => createBranch(ctx, branch, sha),
    addFile: (input) => addFile(ctx, input),
    openPullRequest: (input) => openPullRequest(ctx, input),
    addLabels: (pr, labels) => addLabels(ctx, pr, labels),
  };
}
