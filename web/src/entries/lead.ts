import { mountPage } from '../mount';
import LeadPage from '../pages/LeadPage.vue';

mountPage(LeadPage);
