import { mountPage } from '../mount';
import ScansPage from '../pages/ScansPage.vue';

mountPage(ScansPage);
