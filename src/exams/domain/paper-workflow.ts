// The review workflow of a shared paper (统一命题): draft → in_review → locked, with rejection back to draft.
// Pure: the paper's state and who is acting in, the next state or a refusal (HTTP status + Chinese message) out.
//
// Rules:
// - Only the subject's leads and the alliance's admins act on a paper at all (403 otherwise).
// - A draft may be edited; a paper in review or locked may not (409): review must see what gets locked,
//   and sheets and marking rely on a locked paper's items.
// - Approval or rejection is by a subject lead of that subject or an admin, never the submitter.
// - Direct lock (the older one-step route): admins always; a subject lead only when no other active
//   subject lead of that subject exists in the alliance, so a single-lead subject group is not stuck.
// - A new version can be made of a locked paper only, and only of the newest version.

export type PaperState = 'draft' | 'in_review' | 'locked';
export type WorkflowAction = 'edit' | 'submit' | 'approve' | 'reject' | 'lock' | 'new_version';

export interface WorkflowContext {
  actorId: number;
  isAdmin: boolean;
  /** Holds subject_lead for the paper's subject in the paper's alliance (admins count as well). */
  isLeadOfSubject: boolean;
  submittedBy: number | null;
  /** Active subject leads of the subject in the alliance other than the actor. */
  otherLeads: number;
  /** A newer version of the paper exists. */
  hasNewerVersion?: boolean;
  comment?: unknown;
}

export type Decision =
  { ok: true; next: PaperState; comment: string | null } | { ok: false; status: 400 | 403 | 409; message: string };

export const COMMENT_MAX = 500;

const refuse = (status: 400 | 403 | 409, message: string): Decision => ({ ok: false, status, message });

export const LOCKED_MESSAGE = '试卷已锁定，不能修改；如需修改请创建新版本';
export const IN_REVIEW_MESSAGE = '试卷正在审核中，不能修改；如需修改请由审核人退回';

export function decideTransition(state: PaperState, action: WorkflowAction, ctx: WorkflowContext): Decision {
  if (!ctx.isAdmin && !ctx.isLeadOfSubject) return refuse(403, '只有本学科组长或联盟管理员可以操作该试卷');
  const rawComment = typeof ctx.comment === 'string' ? ctx.comment.trim() : '';
  if (rawComment.length > COMMENT_MAX) return refuse(400, `审核意见最多 ${COMMENT_MAX} 个字`);
  const comment = rawComment || null;

  switch (action) {
    case 'edit':
      if (state === 'locked') return refuse(409, LOCKED_MESSAGE);
      if (state === 'in_review') return refuse(409, IN_REVIEW_MESSAGE);
      return { ok: true, next: 'draft', comment: null };
    case 'submit':
      if (state === 'locked') return refuse(409, '试卷已锁定');
      if (state === 'in_review') return refuse(409, '试卷已在审核中');
      return { ok: true, next: 'in_review', comment };
    case 'approve':
    case 'reject': {
      if (state === 'locked') return refuse(409, '试卷已锁定');
      if (state === 'draft') return refuse(409, '试卷尚未提交审核');
      if (ctx.submittedBy === ctx.actorId)
        return refuse(403, '不能审核自己提交的试卷，须由本学科另一位组长或联盟管理员审核');
      if (action === 'reject' && !comment) return refuse(400, '退回试卷时请填写审核意见');
      return { ok: true, next: action === 'approve' ? 'locked' : 'draft', comment };
    }
    case 'lock':
      if (state === 'locked') return refuse(409, '试卷已锁定');
      if (!ctx.isAdmin && ctx.otherLeads > 0)
        return refuse(403, '本学科有多位组长：请提交审核，由另一位组长或联盟管理员批准后锁定');
      return { ok: true, next: 'locked', comment };
    case 'new_version':
      if (state !== 'locked') return refuse(409, '只有已锁定的试卷可以创建新版本');
      if (ctx.hasNewerVersion) return refuse(409, '该试卷已有更新的版本，请在最新版本上修改');
      return { ok: true, next: 'draft', comment: null };
  }
}

/**
 * The paper of record of each subject in an exam: its newest locked version (sheets are printed from locked papers,
 * and a newer version exists only because the subject group replaced the older one); while no version of a subject
 * is locked, its newest version. Results, exports and ingestion count these papers only. Order of the input is kept.
 */
export function papersOfRecord<P extends { id: number; subject: string; version: number; status: string }>(
  papers: readonly P[],
): P[] {
  const best = new Map<string, P>();
  for (const p of papers) {
    const cur = best.get(p.subject);
    const rank = (x: P) => [x.status === 'locked' ? 1 : 0, x.version];
    if (!cur) best.set(p.subject, p);
    else {
      const [a, b] = [rank(p), rank(cur)];
      if (a[0] > b[0] || (a[0] === b[0] && a[1] > b[1])) best.set(p.subject, p);
    }
  }
  const keep = new Set([...best.values()].map((p) => p.id));
  return papers.filter((p) => keep.has(p.id));
}

/** The paper of record that replaces a superseded one, or null when the paper is itself of record. */
export function supersededBy<P extends { id: number; subject: string; version: number; status: string }>(
  paper: P,
  papers: readonly P[],
): P | null {
  const record = papersOfRecord(papers).find((p) => p.subject === paper.subject);
  return record && record.id !== paper.id ? record : null;
}
