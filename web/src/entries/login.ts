import { mountPage } from '../mount';
import LoginPage from '../pages/LoginPage.vue';

mountPage(LoginPage);
