// The page a browser shows for an address that is no page of ours: Chinese, the product's look, a way home.
// Inline styles only (the CSP allows them for styles, never for scripts).

export const NOT_FOUND_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<link rel="icon" href="/favicon.svg" type="image/svg+xml" />
<title>统考 · 页面不存在</title>
<style>
body{margin:0;background:#f5f7fa;color:#1f2933;font:14px/1.6 'Noto Sans SC','PingFang SC','Microsoft YaHei',system-ui,sans-serif}
header{background:#fff;border-bottom:1px solid #dcdfe6;height:52px;display:flex;align-items:center;padding:0 24px;font-weight:700;font-size:16px}
main{max-width:640px;margin:48px auto;background:#fff;border:1px solid #dcdfe6;border-radius:8px;padding:28px 32px}
h1{font-size:20px;margin:0 0 12px}
a{color:#409eff;text-decoration:none}
a:hover{text-decoration:underline}
.muted{color:#616e7c}
</style>
</head>
<body>
<header>统考 · 教联体统一命题与质量监测</header>
<main id="not-found">
<h1>页面不存在（404）</h1>
<p class="muted">您访问的地址不是本系统的页面，可能是链接写错了，或页面已经调整。</p>
<p><a href="/">返回首页</a>，从首页进入需要的功能。</p>
</main>
</body>
</html>
`;
