import * as api from './api';
import './ui/studio';

window.tessera = api;
