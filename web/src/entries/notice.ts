import { mountPage } from '../mount';
import NoticePage from '../pages/NoticePage.vue';

mountPage(NoticePage);
