// The admin app's entry: its stylesheet and the root element (which imports every page).
import './admin.css';
import './elements/admin-app.js';
