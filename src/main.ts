import * as api from './api';
import './ui/studio';

declare global {
  interface Window {
    tessera: typeof api;
  }
}

window.tessera = api;
