// The crypto of notice codes: random codes, their lookup hash, and the sealed copy the class PDF prints again.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { codeFromBytes } from './domain/notice-code.js';

@Injectable()
export class NoticeCodeSeal {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // A key of its own, derived from the one secret the deployment configures (production requires it; without it a
    // development process has a random one, and codes sealed before a restart print as 需重新生成).
    this.key = createHmac('sha256', config.jwtSecret).update('tongkao notice-code seal v1').digest();
  }

  newCode(): string {
    for (;;) {
      const code = codeFromBytes(randomBytes(16));
      if (code) return code;
    }
  }

  hash(code: string): string {
    return createHash('sha256').update(`notice:${code}`).digest('hex');
  }

  /** base64url(iv | tag | ciphertext), 12 + 16 + 10 bytes: 51 characters. */
  seal(code: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(code, 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');
  }

  /** The code, or null when it was sealed under another secret. */
  unseal(sealed: string): string | null {
    try {
      const raw = Buffer.from(sealed, 'base64url');
      const d = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      d.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
