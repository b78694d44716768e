/**
 * Who dismissed a review, from its `ReviewDismissedEvent`: a branch rule dismisses an approval a
 * push made stale, and the event names that push; a person must say why, so their dismissal
 * carries a message. Should GitHub ever leave out the push (a commit a force-push dropped), a
 * missing message still marks the dismissal as the rule's. Any message at all, even blank, is
 * read as a person's: taking a person's for the rule's would have the PR reviewed again.
 */
export function isDismissedAsStale(
  pullRequestCommit: { readonly commit: { readonly oid: string } } | null,
  message: string | null,
): boolean {
  return pullRequestCommit !== null || message === null || message === '';
}
