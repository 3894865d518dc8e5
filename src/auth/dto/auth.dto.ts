// Request body of the login route. AuthService checks it and answers in Chinese; this class is what the API
// documentation shows (its properties and comments reach /api/docs through tools/openapi-metadata.mjs).

export class LoginBody {
  /** 用户名（必填） */
  username: string;
  /** 密码（必填）。连续登录失败会使下一次尝试等待更久 */
  password: string;
}
