import { Module } from '@nestjs/common';
import { SheetPdf } from './sheet-pdf.js';
import { SheetsController } from './sheets.controller.js';
import { SheetsService } from './sheets.service.js';

@Module({
  controllers: [SheetsController],
  providers: [SheetsService, SheetPdf],
  exports: [SheetsService, SheetPdf],
})
export class SheetsModule {}
