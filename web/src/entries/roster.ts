import { mountPage } from '../mount';
import RosterPage from '../pages/RosterPage.vue';

mountPage(RosterPage);
