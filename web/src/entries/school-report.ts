import { mountPage } from '../mount';
import SchoolReportPage from '../pages/SchoolReportPage.vue';

mountPage(SchoolReportPage);
