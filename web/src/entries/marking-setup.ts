import { mountPage } from '../mount';
import MarkingSetupPage from '../pages/MarkingSetupPage.vue';

mountPage(MarkingSetupPage);
