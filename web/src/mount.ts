// Every page starts here: its root component in the page's #app, Element Plus in Chinese, the shared styles.
import { provideGlobalConfig } from 'element-plus';
import zhCn from 'element-plus/es/locale/lang/zh-cn';
import 'element-plus/theme-chalk/base.css';
import { createApp, type Component } from 'vue';
import './styles.css';

export function mountPage(page: Component): void {
  const app = createApp(page);
  // App-wide, so that message boxes opened from code (which render outside any component) are Chinese too.
  provideGlobalConfig({ locale: zhCn }, app, true);
  app.mount('#app');
}
