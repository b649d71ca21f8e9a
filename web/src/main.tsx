import { render } from 'preact';
import { App } from './app.js';
import './styles/base.css';
import './styles/list.css';
import './styles/monitor.css';
import './styles/forms.css';
import './styles/phone.css';

const root = document.getElementById('app');
if (root !== null) render(<App />, root);
