import { render } from 'preact';
import { startCatalogueSync } from '../features/catalogue/catalogue-sync';
import { App } from './App';
import { registerServiceWorker } from './service-worker';
import './app.css';

startCatalogueSync();
render(<App />, document.getElementById('app')!);
void registerServiceWorker();
