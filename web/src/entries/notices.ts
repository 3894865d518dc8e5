import { mountPage } from '../mount';
import NoticesPage from '../pages/NoticesPage.vue';

mountPage(NoticesPage);
