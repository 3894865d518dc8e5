import { mountPage } from '../mount';
import PapersPage from '../pages/PapersPage.vue';

mountPage(PapersPage);
