/**
 * One sticky comment per pull request and working directory: found again through a hidden marker
 * and edited, never posted twice; shortened to fit GitHub's comment size limit.
 */
import * as github from '@actions/github'
import type { ActionReport } from '../report.js'
import { fitMarkdown } from './markdown.js'

/** GitHub refuses comment bodies over 65,536 characters; keep a margin for the marker. */
export const COMMENT_LIMIT = 65_000

/**
 * The hidden marker that identifies the comment of one working directory.
 *
 * @example
 * ```ts
 * stickyMarker('.') // '<!-- dorm-action:sticky-comment dir=. -->'
 * ```
 */
export function stickyMarker(workingDirectory: string): string {
  return `<!-- dorm-action:sticky-comment dir=${workingDirectory.replace(/--/g, '-\\-')} -->`
}

/**
 * The comment body: the report, shortened to fit, and the marker.
 *
 * @example
 * ```ts
 * const body = commentBody(report, 'https://github.com/o/r/actions/runs/1')
 * ```
 */
export function commentBody(report: ActionReport, runUrl: string | undefined): string {
  const marker = stickyMarker(report.workingDirectory)
  const moreAt = runUrl === undefined ? undefined : `the [job summary](${runUrl})`
  const text = fitMarkdown(report, COMMENT_LIMIT - marker.length - 2, moreAt === undefined ? {} : { moreAt })
  return `${text}\n${marker}\n`
}

/** Where the comment goes. */
export interface CommentTarget {
  readonly token: string
  readonly owner: string
  readonly repo: string
  readonly issueNumber: number
}

/**
 * Creates the sticky comment, or updates the one carrying the same marker. Resolves with what it did.
 *
 * @example
 * ```ts
 * await upsertStickyComment({ token, owner: 'o', repo: 'r', issueNumber: 7 }, commentBody(report, runUrl))
 * ```
 */
export async function upsertStickyComment(
  target: CommentTarget,
  body: string,
): Promise<{ action: 'created' | 'updated'; id: number }> {
  const octokit = github.getOctokit(target.token)
  const marker = body.slice(body.lastIndexOf('<!-- dorm-action:sticky-comment'))
  const markerLine = marker.slice(0, marker.indexOf('-->') + 3)
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  })
  const existing = comments.find((comment) => comment.body?.includes(markerLine))
  if (existing !== undefined) {
    await octokit.rest.issues.updateComment({
      owner: target.owner,
      repo: target.repo,
      comment_id: existing.id,
      body,
    })
    return { action: 'updated', id: existing.id }
  }
  const created = await octokit.rest.issues.createComment({
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    body,
  })
  return { action: 'created', id: created.data.id }
}
