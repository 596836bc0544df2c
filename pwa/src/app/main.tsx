import { render } from 'preact';
import { startCatalogueSync } from '../features/catalogue/catalogue-sync';
import { startIdentity } from '../features/identity/identity';
import { startSync } from '../sync/engine';
import { startSubmissions } from '../sync/submissions';
import { startUploads } from '../sync/uploads';
import { App } from './App';
import { registerServiceWorker } from './service-worker';
import './app.css';

startIdentity();
startCatalogueSync();
startSync();
startUploads();
startSubmissions();
render(<App />, document.getElementById('app')!);
void registerServiceWorker();
