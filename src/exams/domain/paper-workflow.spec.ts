import {
  decideTransition,
  papersOfRecord,
  supersededBy,
  type PaperState,
  type WorkflowAction,
  type WorkflowContext,
} from './paper-workflow.js';

const lead = (over: Partial<WorkflowContext> = {}): WorkflowContext => ({
  actorId: 2,
  isAdmin: false,
  isLeadOfSubject: true,
  submittedBy: 1,
  otherLeads: 1,
  ...over,
});
const next = (s: PaperState, a: WorkflowAction, c: WorkflowContext) => {
  const d = decideTransition(s, a, c);
  return d.ok ? d.next : `${d.status} ${d.message}`;
};

describe('decideTransition', () => {
  it('walks draft → in_review → locked with a second lead', () => {
    expect(next('draft', 'submit', lead({ actorId: 1, submittedBy: null }))).toBe('in_review');
    expect(next('in_review', 'approve', lead())).toBe('locked');
  });

  it('never lets the submitter approve or reject, admins included', () => {
    expect(next('in_review', 'approve', lead({ actorId: 1 }))).toMatch(/^403 不能审核自己提交的试卷/);
    expect(next('in_review', 'approve', lead({ actorId: 1, isAdmin: true }))).toMatch(/^403 /);
    expect(next('in_review', 'approve', lead({ actorId: 9, isAdmin: true, isLeadOfSubject: false }))).toBe('locked');
  });

  it('rejects back to draft only with a comment', () => {
    expect(next('in_review', 'reject', lead())).toBe('400 退回试卷时请填写审核意见');
    expect(next('in_review', 'reject', lead({ comment: '   ' }))).toBe('400 退回试卷时请填写审核意见');
    const d = decideTransition('in_review', 'reject', lead({ comment: ' 第12题答案有误 ' }));
    expect(d).toEqual({ ok: true, next: 'draft', comment: '第12题答案有误' });
    expect(next('in_review', 'reject', lead({ comment: 'x'.repeat(501) }))).toBe('400 审核意见最多 500 个字');
  });

  it('refuses every edit of a paper in review or locked with 409', () => {
    expect(next('draft', 'edit', lead())).toBe('draft');
    expect(next('in_review', 'edit', lead())).toMatch(/^409 试卷正在审核中/);
    expect(next('locked', 'edit', lead({ isAdmin: true }))).toBe('409 试卷已锁定，不能修改；如需修改请创建新版本');
  });

  it('refuses out-of-order steps', () => {
    expect(next('draft', 'approve', lead())).toBe('409 试卷尚未提交审核');
    expect(next('locked', 'reject', lead({ comment: 'x' }))).toBe('409 试卷已锁定');
    expect(next('in_review', 'submit', lead())).toBe('409 试卷已在审核中');
    expect(next('locked', 'submit', lead())).toBe('409 试卷已锁定');
  });

  it('lets a lead lock directly only when no other lead of the subject exists; admins always', () => {
    expect(next('draft', 'lock', lead({ otherLeads: 0 }))).toBe('locked');
    expect(next('draft', 'lock', lead({ otherLeads: 1 }))).toMatch(/^403 本学科有多位组长/);
    expect(next('in_review', 'lock', lead({ isAdmin: true, otherLeads: 3 }))).toBe('locked');
    expect(next('locked', 'lock', lead({ isAdmin: true }))).toBe('409 试卷已锁定');
  });

  it('makes a new version only of the newest locked paper', () => {
    expect(next('locked', 'new_version', lead())).toBe('draft');
    expect(next('draft', 'new_version', lead())).toBe('409 只有已锁定的试卷可以创建新版本');
    expect(next('locked', 'new_version', lead({ hasNewerVersion: true }))).toMatch(/^409 该试卷已有更新的版本/);
  });

  it('keeps other roles and other subjects out', () => {
    expect(next('draft', 'submit', lead({ isLeadOfSubject: false }))).toBe(
      '403 只有本学科组长或联盟管理员可以操作该试卷',
    );
  });
});

describe('papersOfRecord', () => {
  const p = (id: number, subject: string, version: number, status: string) => ({ id, subject, version, status });

  it('takes per subject the newest locked version, else the newest version, keeping the input order', () => {
    const papers = [
      p(1, '数学', 1, 'locked'),
      p(2, '语文', 1, 'draft'),
      p(3, '数学', 2, 'draft'),
      p(4, '语文', 2, 'in_review'),
      p(5, '英语', 1, 'locked'),
      p(6, '英语', 2, 'locked'),
    ];
    expect(papersOfRecord(papers).map((x) => x.id)).toEqual([1, 4, 6]);
  });

  it('names the paper that replaces a superseded one, and null for a paper of record', () => {
    const papers = [p(1, '数学', 1, 'locked'), p(3, '数学', 2, 'locked'), p(5, '英语', 1, 'locked')];
    expect(supersededBy(papers[0], papers)?.id).toBe(3);
    expect(supersededBy(papers[1], papers)).toBeNull();
    expect(supersededBy(papers[2], papers)).toBeNull();
  });
});
