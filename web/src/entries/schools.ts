import { mountPage } from '../mount';
import SchoolsPage from '../pages/SchoolsPage.vue';

mountPage(SchoolsPage);
