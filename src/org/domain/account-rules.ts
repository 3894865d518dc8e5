// What an admin may not do to an account, so that an alliance is never left without a working admin and nobody locks
// themselves out by a slip of the mouse. Pure: the caller says who acts, on whom, and how many other admins are active.

export type AccountChange = 'deactivate' | 'reactivate' | 'edit_roles' | 'reset_password';

export interface AccountChangeCase {
  change: AccountChange;
  actorId: number;
  targetId: number;
  /** The target holds the admin role in this alliance now. */
  targetIsAdmin: boolean;
  /** For edit_roles: the target keeps the admin role after the edit. */
  keepsAdmin?: boolean;
  /** Active admins of the alliance other than the target. */
  otherActiveAdmins: number;
}

/** Why the change is refused (Chinese, shown in the page), or null when it may go ahead. */
export function accountChangeRefusal(c: AccountChangeCase): string | null {
  const self = c.actorId === c.targetId;
  if (c.change === 'deactivate') {
    if (self) return '不能停用自己正在使用的账号';
    if (c.targetIsAdmin && c.otherActiveAdmins === 0) return '这是本联盟唯一可用的管理员账号，不能停用';
  }
  if (c.change === 'edit_roles' && c.targetIsAdmin && !c.keepsAdmin) {
    if (self) return '不能取消自己的管理员角色，请由另一位管理员操作';
    if (c.otherActiveAdmins === 0) return '这是本联盟唯一的管理员，不能取消其管理员角色';
  }
  if (c.change === 'reset_password' && self) return '请在登录后用自己的旧密码修改密码，不在此重置';
  return null;
}
