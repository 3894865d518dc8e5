import { mountPage } from '../mount';
import HomePage from '../pages/HomePage.vue';

mountPage(HomePage);
