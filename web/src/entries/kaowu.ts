import { mountPage } from '../mount';
import KaowuPage from '../pages/KaowuPage.vue';

mountPage(KaowuPage);
