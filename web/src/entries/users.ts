import { mountPage } from '../mount';
import UsersPage from '../pages/UsersPage.vue';

mountPage(UsersPage);
