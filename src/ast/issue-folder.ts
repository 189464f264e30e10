/**
 * Where an issue's files are (issue.yaml, page files, images/): not a field of the
 * `issue` node — an absolute path of the machine that parsed would end up in `--json`
 * output and in anything that serialises the tree — but a side table keyed by the node,
 * filled by the code that loaded the issue (loadIssue) or built it by hand.
 *
 * A copy of an issue node (`{ ...issue, children }`) is a new object: carry the folder
 * over with `copyIssue`, or call `setIssueFolder` on it.
 */
import type { Issue } from './types.js';

// Keyed by node identity and weak: it holds no issue alive and no state between builds.
const folders = new WeakMap<Issue, string>();

export function setIssueFolder<T extends Issue>(issue: T, dir: string): T {
  folders.set(issue, dir);
  return issue;
}

/** The absolute path of the issue's folder; an issue nobody gave a folder is a bug, said plainly. */
export function issueFolder(issue: Issue): string {
  const dir = folders.get(issue);
  if (dir === undefined) throw new Error(`issue ${issue.id} has no folder (it was not made by loadIssue: call setIssueFolder)`);
  return dir;
}

/** A shallow copy of `issue` with `changes`, in the same folder. */
export function copyIssue(issue: Issue, changes: Partial<Issue>): Issue {
  return setIssueFolder({ ...issue, ...changes }, issueFolder(issue));
}
