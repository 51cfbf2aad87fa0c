/** Where a generated library's project lives, read from the workspace's package.json. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@murmur/core';

export interface ProjectLinks {
  /** A page for people (library.properties `url`, library.json `homepage`). */
  url?: string;
  /** The source repository (library.json `repository`). */
  repository?: { type: 'git'; url: string };
}

interface PackageJson {
  homepage?: unknown;
  repository?: unknown;
}

const httpUrl = (text: string): string | undefined => {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href.replace(/\/$/, '') : undefined;
  } catch {
    return undefined;
  }
};

/** The git URL of package.json's `repository` (a URL, `{ url }`, or the `github:owner/name` / `owner/name` shorthand). */
function repositoryUrl(repository: unknown): string | undefined {
  const text =
    typeof repository === 'string'
      ? repository
      : typeof repository === 'object' && repository !== null && 'url' in repository
        ? String((repository as { url: unknown }).url)
        : undefined;
  if (!text) return undefined;
  const shorthand = /^(?:github:)?([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)$/.exec(text);
  if (shorthand) return `https://github.com/${shorthand[1]!.replace(/\.git$/, '')}.git`;
  return httpUrl(text.replace(/^git\+/, ''));
}

/**
 * The project's links from `package.json` (`homepage`, `repository`) in the workspace root, or in `root`.
 * Missing fields, or a workspace that cannot be found, give no links: the generated files then leave them out.
 */
export function projectLinks(root?: string): ProjectLinks {
  let dir = root;
  if (dir === undefined) {
    try {
      dir = workspaceRoot();
    } catch {
      return {};
    }
  }
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return {};
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  const git = repositoryUrl(pkg.repository);
  const page =
    (typeof pkg.homepage === 'string' ? httpUrl(pkg.homepage) : undefined) ?? git?.replace(/\.git$/, '');
  return {
    ...(page ? { url: page } : {}),
    ...(git ? { repository: { type: 'git' as const, url: git } } : {}),
  };
}
