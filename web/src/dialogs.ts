// Questions a page asks before it acts, as Element Plus message boxes (Chinese buttons, the page's look) rather than
// the browser's confirm()/prompt(), whose title names the server's address.
import { ElMessageBox } from 'element-plus';

/** True when the person confirms. */
export async function confirmed(message: string, title = '请确认', confirmText = '确定'): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, title, {
      type: 'warning',
      confirmButtonText: confirmText,
      cancelButtonText: '取消',
    });
    return true;
  } catch {
    return false;
  }
}

/** The text entered, or null when the person cancels. `required` refuses an empty answer in the box itself. */
export async function askText(message: string, title: string, required = false): Promise<string | null> {
  try {
    const { value } = await ElMessageBox.prompt(message, title, {
      confirmButtonText: '确定',
      cancelButtonText: '取消',
      inputValidator: required ? (v) => (v && v.trim() ? true : '请填写') : undefined,
    });
    return value ?? '';
  } catch {
    return null;
  }
}
