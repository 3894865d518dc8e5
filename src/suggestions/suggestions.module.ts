import { Module } from '@nestjs/common';
import { SuggestionImportService } from './suggestion-import.service.js';
import { SuggestionsController } from './suggestions.controller.js';
import { SuggestionsService } from './suggestions.service.js';

@Module({
  controllers: [SuggestionsController],
  providers: [SuggestionsService, SuggestionImportService],
  exports: [SuggestionsService, SuggestionImportService],
})
export class SuggestionsModule {}
