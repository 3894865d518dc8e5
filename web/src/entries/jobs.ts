import { mountPage } from '../mount';
import JobsPage from '../pages/JobsPage.vue';

mountPage(JobsPage);
