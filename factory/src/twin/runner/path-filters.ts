/**
 * `paths:` and `paths-ignore:`: a push or pull request event starts the workflow only when the files
 * it changed pass the filter. GitHub lists those files with a three-dot diff for a pull request
 * (what the PR changed since it left its base) and a two-dot diff for a push (before → after; for a
 * new branch, from the parent of the oldest commit no other branch holds), and looks at the first
 * 300 only. A tag push is not filtered by paths.
 * Pure: the runner asks git for the files.
 */
import type { EventsConfig } from '@actions/workflow-parser/model/workflow-template';
import type { ForgeEvent } from '../contract.ts';
import { matchesFilters, nestedString } from './triggers.ts';

export interface PathFilter {
  readonly paths: readonly string[] | undefined;
  readonly ignore: readonly string[] | undefined;
}

/** Which diff lists an event's changed files. */
export type ChangedFilesQuery =
  | { readonly kind: 'three-dot'; readonly base: string; readonly head: string }
  | { readonly kind: 'two-dot'; readonly base: string; readonly head: string }
  /** A new branch (its name): from the parent of its oldest commit no other branch holds. */
  | { readonly kind: 'new-branch'; readonly branch: string; readonly head: string };

/** GitHub decides on the first 300 files of the diff. */
export const MAX_DIFF_FILES = 300;

const ZERO_SHA = /^0{40}$/;

/**
 * The paths filter of the trigger `event` matched, when it has one. A push of a tag is never
 * judged by paths.
 */
export function pathFilterOf(events: EventsConfig, event: ForgeEvent): PathFilter | undefined {
  if (event.name === 'push' && event.ref.startsWith('refs/tags/')) return undefined;
  const config =
    event.name === 'push'
      ? events.push
      : event.name === 'pull_request'
        ? events.pull_request
        : event.name === 'pull_request_target'
          ? events.pull_request_target
          : undefined;
  if (config?.paths === undefined && config?.['paths-ignore'] === undefined) return undefined;
  return { paths: config.paths, ignore: config['paths-ignore'] };
}

/** The diff GitHub takes the event's changed files from; undefined when nothing changed. */
export function changedFilesQuery(event: ForgeEvent): ChangedFilesQuery | undefined {
  const text = (...path: string[]) => nestedString(event.payload, ...path);
  if (event.name === 'push') {
    const before = text('before');
    const after = text('after');
    if (before === undefined || after === undefined || ZERO_SHA.test(after)) return undefined;
    if (!ZERO_SHA.test(before)) return { kind: 'two-dot', base: before, head: after };
    return { kind: 'new-branch', branch: event.ref.replace(/^refs\/heads\//, ''), head: after };
  }
  const base = text('pull_request', 'base', 'sha');
  const head = text('pull_request', 'head', 'sha');
  return base === undefined || head === undefined ? undefined : { kind: 'three-dot', base, head };
}

/** GitHub refuses a workflow whose event has both lists; undefined when the filter is valid. */
export function invalidPathFilter(filter: PathFilter): string | undefined {
  return filter.paths !== undefined && filter.ignore !== undefined
    ? 'you may only define one of `paths` and `paths-ignore` for a single event'
    : undefined;
}

/** `paths`: some listed file matches. `paths-ignore`: some listed file is not ignored. */
export function passesPathFilter(files: readonly string[], filter: PathFilter): boolean {
  const listed = files.slice(0, MAX_DIFF_FILES);
  return listed.some((file) => matchesFilters(file, filter.paths, filter.ignore));
}
