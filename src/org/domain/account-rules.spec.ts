import { accountChangeRefusal, type AccountChangeCase } from './account-rules.js';

const ME = 1;
const OTHER = 2;

describe('accountChangeRefusal', () => {
  it.each<[string, AccountChangeCase, string | null]>([
    [
      'deactivate a marker',
      { change: 'deactivate', actorId: ME, targetId: OTHER, targetIsAdmin: false, otherActiveAdmins: 0 },
      null,
    ],
    [
      'deactivate oneself',
      { change: 'deactivate', actorId: ME, targetId: ME, targetIsAdmin: true, otherActiveAdmins: 3 },
      '不能停用自己正在使用的账号',
    ],
    [
      'deactivate the last other admin',
      { change: 'deactivate', actorId: ME, targetId: OTHER, targetIsAdmin: true, otherActiveAdmins: 0 },
      '这是本联盟唯一可用的管理员账号，不能停用',
    ],
    [
      'deactivate one admin of two',
      { change: 'deactivate', actorId: ME, targetId: OTHER, targetIsAdmin: true, otherActiveAdmins: 1 },
      null,
    ],
    [
      'reactivate anyone',
      { change: 'reactivate', actorId: ME, targetId: OTHER, targetIsAdmin: true, otherActiveAdmins: 0 },
      null,
    ],
    [
      'drop one’s own admin role',
      { change: 'edit_roles', actorId: ME, targetId: ME, targetIsAdmin: true, keepsAdmin: false, otherActiveAdmins: 2 },
      '不能取消自己的管理员角色，请由另一位管理员操作',
    ],
    [
      'keep one’s own admin role, add another',
      { change: 'edit_roles', actorId: ME, targetId: ME, targetIsAdmin: true, keepsAdmin: true, otherActiveAdmins: 0 },
      null,
    ],
    [
      'drop the only admin’s role',
      {
        change: 'edit_roles',
        actorId: ME,
        targetId: OTHER,
        targetIsAdmin: true,
        keepsAdmin: false,
        otherActiveAdmins: 0,
      },
      '这是本联盟唯一的管理员，不能取消其管理员角色',
    ],
    [
      'drop another admin’s role',
      {
        change: 'edit_roles',
        actorId: ME,
        targetId: OTHER,
        targetIsAdmin: true,
        keepsAdmin: false,
        otherActiveAdmins: 1,
      },
      null,
    ],
    [
      'make a marker an admin',
      {
        change: 'edit_roles',
        actorId: ME,
        targetId: OTHER,
        targetIsAdmin: false,
        keepsAdmin: true,
        otherActiveAdmins: 0,
      },
      null,
    ],
    [
      'reset another’s password',
      { change: 'reset_password', actorId: ME, targetId: OTHER, targetIsAdmin: true, otherActiveAdmins: 0 },
      null,
    ],
    [
      'reset one’s own password',
      { change: 'reset_password', actorId: ME, targetId: ME, targetIsAdmin: true, otherActiveAdmins: 1 },
      '请在登录后用自己的旧密码修改密码，不在此重置',
    ],
  ])('%s', (_, c, want) => {
    expect(accountChangeRefusal(c)).toBe(want);
  });
});
