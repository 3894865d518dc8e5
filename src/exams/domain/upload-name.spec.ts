import { uploadedFileName } from './upload-name.js';

describe('uploadedFileName', () => {
  it('recovers UTF-8 names multer decoded as Latin-1 and leaves others alone', () => {
    expect(uploadedFileName(Buffer.from('细目表.xlsx', 'utf8').toString('latin1'))).toBe('细目表.xlsx');
    expect(uploadedFileName('paper.pdf')).toBe('paper.pdf');
    expect(uploadedFileName('细目表.xlsx')).toBe('细目表.xlsx');
    expect(uploadedFileName('caf\u00e9.pdf')).toBe('caf\u00e9.pdf');
  });
});
