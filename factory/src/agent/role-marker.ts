/**
 * The one line every session's system prompt starts with, naming its role. It is stable per role
 * (so it sits inside the cached prefix) and lets the twin's model server tell the two reviewers
 * apart: they share the same tools and the same `submit_verdict`.
 */
import { ROLES, type Role } from '../core/config.ts';

const MARKER_PATTERN = /^factory-role: ([a-z-]+)$/m;

/** The marker line for a role. */
export function formatRoleMarker(role: Role): string {
  return `factory-role: ${role}`;
}

/** The role a marker line in `text` names, if any. */
export function parseRoleMarker(text: string): Role | undefined {
  const named = MARKER_PATTERN.exec(text)?.[1];
  return ROLES.find((role) => role === named);
}
