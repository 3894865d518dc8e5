import { mountPage } from '../mount';
import OverviewPage from '../pages/OverviewPage.vue';

mountPage(OverviewPage);
