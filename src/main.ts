import * as api from './api';
import './ui/studio';
import { app } from './ui/pwa';

window.tessera = api;
// The service worker only in a build: the dev server sends the headers itself and serves
// modules that change on every edit.
if (import.meta.env.PROD) void app.start();
