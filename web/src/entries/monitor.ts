import { mountPage } from '../mount';
import MonitorPage from '../pages/MonitorPage.vue';

mountPage(MonitorPage);
