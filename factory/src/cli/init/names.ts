/**
 * The names `init` stamps into a fork. The project name becomes the root package's name, the
 * scope of the floor's package (`@<name>/factory`) and the repository name in GitHub URLs, so it
 * must be valid as all three; the owner must be a GitHub login.
 */

/** Either the value is usable, or `reason` says exactly what is wrong with it. */
export type NameCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** npm's limit on a package name's length, which `@<name>/factory` must respect too. */
const MAX_PACKAGE_NAME_LENGTH = 214;
const SCOPED_SUFFIX = '/factory';

/**
 * Lowercase letters, digits, `-`, `.` and `_`, starting with a letter or digit: the characters
 * that are url-safe, allowed in an npm name and scope, and allowed in a GitHub repository name.
 */
const PROJECT_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/** Names npm reserves whatever their characters. */
const RESERVED_NAMES = new Set(['node_modules', 'favicon.ico']);

/**
 * GitHub logins: letters, digits and single hyphens, not at either end, at most 39 characters.
 */
const GITHUB_LOGIN = /^[a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38}$/i;

/** Checks a project name against npm's package-name rules and GitHub's repository-name rules. */
export function checkProjectName(name: string): NameCheck {
  const scoped = `@${name}${SCOPED_SUFFIX}`;
  if (name.length === 0) return refuse('the project name is empty');
  if (name !== name.toLowerCase()) {
    return refuse(`"${name}" has uppercase letters; npm package names are lowercase`);
  }
  if (!PROJECT_NAME.test(name)) {
    return refuse(
      `"${name}" may only use a-z, 0-9, "-", "." and "_", and must start with a letter or digit`,
    );
  }
  if (RESERVED_NAMES.has(name)) return refuse(`"${name}" is reserved by npm`);
  if (scoped.length > MAX_PACKAGE_NAME_LENGTH) {
    return refuse(
      `"${name}" is too long: the package "${scoped}" must be at most ${MAX_PACKAGE_NAME_LENGTH} characters`,
    );
  }
  return { ok: true };
}

/** Checks an owner (user or organisation) against GitHub's login rules. */
export function checkOwner(owner: string): NameCheck {
  if (GITHUB_LOGIN.test(owner)) return { ok: true };
  return refuse(
    `"${owner}" is not a GitHub user or organisation name: use letters, digits and single hyphens (not first or last), at most 39 characters`,
  );
}

/**
 * The owner of a GitHub remote (`https://github.com/acme/widgets.git`, `git@github.com:acme/x`),
 * or undefined when the remote is not on github.com.
 */
export function parseGitHubOwner(remoteUrl: string): string | undefined {
  const match = /github\.com[/:]([^/]+)\/[^/]+?(?:\.git)?\/?$/.exec(remoteUrl.trim());
  const owner = match?.[1];
  return owner !== undefined && checkOwner(owner).ok ? owner : undefined;
}

function refuse(reason: string): NameCheck {
  return { ok: false, reason };
}
