import { mountPage } from '../mount';
import ReportsPage from '../pages/ReportsPage.vue';

mountPage(ReportsPage);
