import { mountPage } from '../mount';
import CountyPage from '../pages/CountyPage.vue';

mountPage(CountyPage);
