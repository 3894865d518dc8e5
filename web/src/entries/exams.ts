import { mountPage } from '../mount';
import ExamsPage from '../pages/ExamsPage.vue';

mountPage(ExamsPage);
