import { mountPage } from '../mount';
import SuggestionsPage from '../pages/SuggestionsPage.vue';

mountPage(SuggestionsPage);
