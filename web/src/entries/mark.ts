import { mountPage } from '../mount';
import MarkPage from '../pages/MarkPage.vue';

mountPage(MarkPage);
