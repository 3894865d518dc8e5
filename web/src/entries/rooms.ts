import { mountPage } from '../mount';
import RoomsPage from '../pages/RoomsPage.vue';

mountPage(RoomsPage);
