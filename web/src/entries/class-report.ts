import { mountPage } from '../mount';
import ClassReportPage from '../pages/ClassReportPage.vue';

mountPage(ClassReportPage);
